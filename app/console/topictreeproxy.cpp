// SPDX-License-Identifier: Apache-2.0
#include "topictreeproxy.h"

namespace sb::console {

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
