// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

#include <QAbstractListModel>
#include <QHash>
#include <vector>

namespace sb {
class Stats;
}

namespace sb::remote {

// The Topics model: one row per topic of the hub's default topic space with its counters, rates
// and last message. Built for 100,000 topics: rows are plain structs updated in place from the
// stats at the snapshot interval (no map per row, no per-message work); only rows whose numbers
// changed are announced, in contiguous runs; values become QVariants only when a view asks.
class TopicsModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        TopicRole = Qt::UserRole,
        LastAtRole,
        LastSizeRole,
        LastPayloadRole,
        LastContentTypeRole,
        InRole,
        OutRole,
        BytesInRole,
        BytesOutRole,
        DroppedRole,
        ErrorsRole,
        InRateRole,
        OutRateRole,
        InRate10Role,
        OutRate10Role,
    };
    Q_ENUM(Role)

    explicit TopicsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    QList<int> roles() const;

    // Takes the stats' topic entries: updates rows in place, appends new topics, removes gone ones.
    // Returns the number of rows that changed.
    int refresh(const Stats &stats);

Q_SIGNALS:
    void countChanged();

private:
    struct Row
    {
        QString topic;
        quint64 in = 0, out = 0, bytesIn = 0, bytesOut = 0, dropped = 0, errors = 0;
        double inRate = 0, outRate = 0, inRate10 = 0, outRate10 = 0;
        qint64 lastAt = 0, lastSize = 0;
        Message last;
        quint64 seen = 0;
    };
    std::vector<Row> m_rows;
    QHash<QString, int> m_index;
    quint64 m_generation = 0;
};

} // namespace sb::remote
