// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QIdentityProxyModel>

namespace sb::console {

// The hub's TopicTree replica as the Topics page shows it: each row's label in the operator's
// language ("temp", "sensor  (42 topics)"); everything else passes through. The label is made
// from other roles, so a change of those (a replica's rows arrive after the view asked) is
// announced as a change of the label too.
class TopicTreeProxy : public QIdentityProxyModel
{
    Q_OBJECT

public:
    using QIdentityProxyModel::QIdentityProxyModel;

    void setSourceModel(QAbstractItemModel *source) override;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    // A role's value (by name) at \a index, e.g. "lastPayload" or "path".
    Q_INVOKABLE QVariant value(const QModelIndex &index, const QString &role) const;

private:
    QMetaObject::Connection m_labelChanges;
};

} // namespace sb::console
