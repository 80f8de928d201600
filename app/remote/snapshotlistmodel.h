// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QVariantMap>

namespace sb::remote {

// A list model fed with whole snapshots (one QVariantMap per row) at a bounded rate, the way the
// hub publishes channels, topics, connections and dead letters to its replicas. Rows are keyed:
// a new snapshot updates rows in place (dataChanged only for rows that changed), removes rows whose
// key is gone and appends new ones, so views and remote replicas keep their position and selection.
// Roles are the map keys named at construction, numbered from Qt::UserRole; Qt::DisplayRole is the key.
class SnapshotListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    SnapshotListModel(const QByteArray &keyRole, const QList<QByteArray> &roles, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The role numbers, in the order given at construction (for enableRemoting).
    QList<int> roles() const;
    int roleFor(const QByteArray &name) const;
    QByteArray keyRole() const { return m_keyRole; }

    void setRows(const QList<QVariantMap> &rows);
    int indexOfKey(const QString &key) const { return m_index.value(key, -1); }
    QVariantMap row(int row) const { return m_rows.value(row); }

Q_SIGNALS:
    void countChanged();

private:
    void reindex(int from);

    QByteArray m_keyRole;
    QList<QByteArray> m_roles;
    QList<QVariantMap> m_rows;
    QHash<QString, int> m_index; // key -> row
};

} // namespace sb::remote
