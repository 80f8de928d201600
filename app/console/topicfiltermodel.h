// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSortFilterProxyModel>

namespace sb::console {

// The Topics page's view of the hub's Topics model: sorted by topic, filtered by a wildcard
// pattern ("sensor.*.temp", "plant.>") or, when the text is not a valid pattern, by substring.
class TopicFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(bool filterIsPattern READ filterIsPattern NOTIFY filterTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit TopicFilterModel(QObject *parent = nullptr);

    QString filterText() const { return m_filter; }
    void setFilterText(const QString &text);
    bool filterIsPattern() const { return m_isPattern; }
    int count() const { return rowCount(); }

    // The value of \a role (by name) in \a row, for views and tests.
    Q_INVOKABLE QVariant get(int row, const QString &role) const;

Q_SIGNALS:
    void filterTextChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_filter;
    bool m_isPattern = false;
};

} // namespace sb::console
