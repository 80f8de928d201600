// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <snapshotlistmodel.h>

#include <QPointer>

class SwitchboardReplica;

namespace sb::console {

// The Topics page's search: the hub answers a wildcard pattern ("sensor.*.temp", "plant.>") or
// a text with at most Limit matching topics (its list slot), shown sorted. Asked again at every
// snapshot while the page is open, so rates stay current without mirroring 100,000 rows.
class TopicFilterModel : public remote::SnapshotListModel
{
    Q_OBJECT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(bool filterIsPattern READ filterIsPattern NOTIFY filterTextChanged)
    Q_PROPERTY(int total READ total NOTIFY totalChanged)

public:
    static constexpr int Limit = 1000;

    explicit TopicFilterModel(QObject *parent = nullptr);

    void setApi(SwitchboardReplica *api);
    QString filterText() const { return m_filter; }
    void setFilterText(const QString &text);
    bool filterIsPattern() const { return m_isPattern; }
    int total() const { return m_total; }
    int count() const { return rowCount(); }

    // Asks the hub again (the controller calls it at every snapshot).
    void refresh();
    Q_INVOKABLE QVariant get(int row, const QString &role) const;

Q_SIGNALS:
    void filterTextChanged();
    void totalChanged();

private:
    QPointer<SwitchboardReplica> m_api;
    QString m_filter;
    bool m_isPattern = false;
    int m_total = 0;
    bool m_inFlight = false;
    bool m_again = false;
};

} // namespace sb::console
