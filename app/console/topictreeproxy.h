// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QIdentityProxyModel>

namespace sb::console {

// The hub's TopicTree replica as the Topics page shows it: each row's label in the operator's
// language ("temp", "sensor  (42 topics)"); everything else passes through.
class TopicTreeProxy : public QIdentityProxyModel
{
    Q_OBJECT

public:
    using QIdentityProxyModel::QIdentityProxyModel;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    // A role's value (by name) at \a index, e.g. "lastPayload" or "path".
    Q_INVOKABLE QVariant value(const QModelIndex &index, const QString &role) const;
};

} // namespace sb::console
