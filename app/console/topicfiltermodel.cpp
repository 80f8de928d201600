// SPDX-License-Identifier: Apache-2.0
#include "topicfiltermodel.h"

#include <switchboard/topic.h>

namespace sb::console {

TopicFilterModel::TopicFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    sort(0);
    connect(this, &QAbstractItemModel::rowsInserted, this, &TopicFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &TopicFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &TopicFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &TopicFilterModel::countChanged);
}

void TopicFilterModel::setFilterText(const QString &text)
{
    if (text == m_filter)
        return;
    m_filter = text.trimmed();
    m_isPattern = !m_filter.isEmpty() && bool(Topic::validatePattern(m_filter))
        && (Topic::isWildcard(m_filter) || m_filter.contains(QLatin1Char('.')));
    invalidateFilter();
    Q_EMIT filterTextChanged();
    Q_EMIT countChanged();
}

bool TopicFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filter.isEmpty())
        return true;
    const QString topic = sourceModel()->index(sourceRow, 0, sourceParent).data(Qt::DisplayRole).toString();
    if (m_isPattern && Topic::matches(m_filter, topic))
        return true;
    return topic.contains(m_filter, Qt::CaseInsensitive);
}

bool TopicFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    return left.data(Qt::DisplayRole).toString() < right.data(Qt::DisplayRole).toString();
}

QVariant TopicFilterModel::get(int row, const QString &role) const
{
    const int r = roleNames().key(role.toUtf8(), -1);
    return r < 0 ? QVariant() : index(row, 0).data(r);
}

} // namespace sb::console
