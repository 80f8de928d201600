// SPDX-License-Identifier: Apache-2.0
#include "topictreeproxy.h"

namespace sb::console {

void TopicTreeProxy::setSourceModel(QAbstractItemModel *source)
{
    disconnect(m_labelChanges);
    QIdentityProxyModel::setSourceModel(source);
    if (!source)
        return;
    // QIdentityProxyModel passes dataChanged on with the source's roles; the label (DisplayRole)
    // depends on segment, isTopic and topicsBelow, so views bound to it must hear of those.
    m_labelChanges = connect(source, &QAbstractItemModel::dataChanged, this,
                             [this](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                                 if (roles.isEmpty() || roles.contains(Qt::DisplayRole))
                                     return; // already announced as all roles or with the label
                                 Q_EMIT dataChanged(mapFromSource(topLeft), mapFromSource(bottomRight), {Qt::DisplayRole});
                             });
}

QVariant TopicTreeProxy::data(const QModelIndex &index, int role) const
{
    if (role != Qt::DisplayRole || !index.isValid())
        return QIdentityProxyModel::data(index, role);
    const QString segment = value(index, QStringLiteral("segment")).toString();
    if (value(index, QStringLiteral("isTopic")).toBool() && value(index, QStringLiteral("topicsBelow")).toInt() == 0)
        return segment;
    return tr("%1  (%n topic(s))", nullptr, value(index, QStringLiteral("topicsBelow")).toInt()).arg(segment);
}

QVariant TopicTreeProxy::value(const QModelIndex &index, const QString &role) const
{
    const int r = roleNames().key(role.toUtf8(), -1);
    return r < 0 ? QVariant() : QIdentityProxyModel::data(index, r);
}

} // namespace sb::console
