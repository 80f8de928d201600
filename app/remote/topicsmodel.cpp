// SPDX-License-Identifier: Apache-2.0
#include "topicsmodel.h"

#include <switchboard/stats.h>

namespace sb::remote {

TopicsModel::TopicsModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int TopicsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> TopicsModel::roleNames() const
{
    return {{Qt::DisplayRole, "display"},     {TopicRole, "topic"},         {LastAtRole, "lastAt"},
            {LastSizeRole, "lastSize"},       {LastPayloadRole, "lastPayload"}, {LastContentTypeRole, "lastContentType"},
            {InRole, "in"},                   {OutRole, "out"},             {BytesInRole, "bytesIn"},
            {BytesOutRole, "bytesOut"},       {DroppedRole, "dropped"},     {ErrorsRole, "errors"},
            {InRateRole, "inRate"},           {OutRateRole, "outRate"},     {InRate10Role, "inRate10"},
            {OutRate10Role, "outRate10"}};
}

QList<int> TopicsModel::roles() const
{
    QList<int> out{Qt::DisplayRole};
    for (int r = TopicRole; r <= OutRate10Role; ++r)
        out.append(r);
    return out;
}

QVariant TopicsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TopicRole:
        return r.topic;
    case LastAtRole:
        return r.lastAt;
    case LastSizeRole:
        return r.lastSize;
    case LastPayloadRole:
        return r.last.payload();
    case LastContentTypeRole:
        return r.last.contentType();
    case InRole:
        return r.in;
    case OutRole:
        return r.out;
    case BytesInRole:
        return r.bytesIn;
    case BytesOutRole:
        return r.bytesOut;
    case DroppedRole:
        return r.dropped;
    case ErrorsRole:
        return r.errors;
    case InRateRole:
        return r.inRate;
    case OutRateRole:
        return r.outRate;
    case InRate10Role:
        return r.inRate10;
    case OutRate10Role:
        return r.outRate10;
    default:
        return {};
    }
}

int TopicsModel::refresh(const Stats &stats)
{
    const quint64 generation = ++m_generation;
    std::vector<int> changed;
    std::vector<Row> added;
    stats.forEach(Stats::Topic, [&](const QString &topic, const StatsEntry &e) {
        auto it = m_index.constFind(topic);
        Row *row = nullptr;
        if (it == m_index.cend()) {
            added.emplace_back();
            row = &added.back();
            row->topic = topic;
        } else {
            row = &m_rows[size_t(*it)];
        }
        row->seen = generation;
        const double inRate = e.inRate(StatsEntry::Second), outRate = e.outRate(StatsEntry::Second);
        const double inRate10 = e.inRate(StatsEntry::TenSeconds), outRate10 = e.outRate(StatsEntry::TenSeconds);
        if (it != m_index.cend() && row->in == e.total.in && row->out == e.total.out && row->inRate == inRate
            && row->outRate == outRate && row->inRate10 == inRate10 && row->outRate10 == outRate10
            && row->lastAt == e.lastAt && row->dropped == e.total.dropped && row->errors == e.total.errors)
            return;
        row->in = e.total.in;
        row->out = e.total.out;
        row->bytesIn = e.total.bytesIn;
        row->bytesOut = e.total.bytesOut;
        row->dropped = e.total.dropped;
        row->errors = e.total.errors;
        row->inRate = inRate;
        row->outRate = outRate;
        row->inRate10 = inRate10;
        row->outRate10 = outRate10;
        row->lastAt = e.lastAt;
        row->lastSize = e.lastSize;
        row->last = e.lastMessage;
        if (it != m_index.cend())
            changed.push_back(*it);
    });

    // Gone topics (the stats cap or a reset): remove them, from the end, in runs.
    int removed = 0;
    for (int r = int(m_rows.size()) - 1; r >= 0;) {
        if (m_rows[size_t(r)].seen == generation) {
            --r;
            continue;
        }
        int first = r;
        while (first > 0 && m_rows[size_t(first - 1)].seen != generation)
            --first;
        beginRemoveRows(QModelIndex(), first, r);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + r + 1);
        endRemoveRows();
        removed += r - first + 1;
        r = first - 1;
    }
    if (removed) {
        m_index.clear();
        for (size_t i = 0; i < m_rows.size(); ++i)
            m_index.insert(m_rows[i].topic, int(i));
        changed.clear(); // row numbers moved; announce every kept row once
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
    } else {
        std::sort(changed.begin(), changed.end());
        for (size_t i = 0; i < changed.size();) {
            size_t j = i;
            while (j + 1 < changed.size() && changed[j + 1] == changed[j] + 1)
                ++j;
            Q_EMIT dataChanged(index(changed[i]), index(changed[j]));
            i = j + 1;
        }
    }
    if (!added.empty()) {
        const int first = int(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
        for (Row &r : added) {
            m_index.insert(r.topic, int(m_rows.size()));
            m_rows.push_back(std::move(r));
        }
        endInsertRows();
    }
    if (removed || !added.empty())
        Q_EMIT countChanged();
    return int(changed.size() + added.size()) + removed;
}

} // namespace sb::remote
