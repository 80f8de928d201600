// SPDX-License-Identifier: Apache-2.0
#include "snapshotlistmodel.h"

#include <QSet>

namespace sb::remote {

SnapshotListModel::SnapshotListModel(const QByteArray &keyRole, const QList<QByteArray> &roles, QObject *parent)
    : QAbstractListModel(parent)
    , m_keyRole(keyRole)
    , m_roles(roles)
{
    if (!m_roles.contains(m_keyRole))
        m_roles.prepend(m_keyRole);
}

int SnapshotListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SnapshotListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVariantMap &r = m_rows.at(index.row());
    if (role == Qt::DisplayRole)
        return r.value(QString::fromLatin1(m_keyRole));
    const int i = role - Qt::UserRole;
    if (i < 0 || i >= m_roles.size())
        return {};
    return r.value(QString::fromLatin1(m_roles.at(i)));
}

QHash<int, QByteArray> SnapshotListModel::roleNames() const
{
    QHash<int, QByteArray> names;
    names.insert(Qt::DisplayRole, QByteArrayLiteral("display"));
    for (qsizetype i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + int(i), m_roles.at(i));
    return names;
}

QList<int> SnapshotListModel::roles() const
{
    QList<int> out;
    out.reserve(m_roles.size() + 1);
    out.append(Qt::DisplayRole);
    for (qsizetype i = 0; i < m_roles.size(); ++i)
        out.append(Qt::UserRole + int(i));
    return out;
}

int SnapshotListModel::roleFor(const QByteArray &name) const
{
    const qsizetype i = m_roles.indexOf(name);
    return i < 0 ? -1 : Qt::UserRole + int(i);
}

void SnapshotListModel::reindex(int from)
{
    for (int i = from; i < m_rows.size(); ++i)
        m_index.insert(m_rows.at(i).value(QString::fromLatin1(m_keyRole)).toString(), i);
}

void SnapshotListModel::setRows(const QList<QVariantMap> &rows)
{
    const QString key = QString::fromLatin1(m_keyRole);
    const int before = int(m_rows.size());

    QHash<QString, int> incoming;
    incoming.reserve(rows.size());
    for (int i = 0; i < rows.size(); ++i)
        incoming.insert(rows.at(i).value(key).toString(), i);

    // Removals, from the end so that row numbers ahead stay valid; runs become one signal each.
    int lowestRemoved = -1;
    for (int r = int(m_rows.size()) - 1; r >= 0;) {
        if (incoming.contains(m_rows.at(r).value(key).toString())) {
            --r;
            continue;
        }
        int first = r;
        while (first > 0 && !incoming.contains(m_rows.at(first - 1).value(key).toString()))
            --first;
        beginRemoveRows(QModelIndex(), first, r);
        for (int i = r; i >= first; --i)
            m_index.remove(m_rows.at(i).value(key).toString());
        m_rows.remove(first, r - first + 1);
        endRemoveRows();
        lowestRemoved = first;
        r = first - 1;
    }
    if (lowestRemoved >= 0)
        reindex(lowestRemoved);

    // Updates in place; a run of changed rows becomes one dataChanged.
    int runStart = -1;
    auto flushRun = [&](int endInclusive) {
        if (runStart >= 0)
            Q_EMIT dataChanged(index(runStart), index(endInclusive));
        runStart = -1;
    };
    for (int r = 0; r < m_rows.size(); ++r) {
        const QVariantMap &next = rows.at(incoming.value(m_rows.at(r).value(key).toString()));
        if (next != m_rows.at(r)) {
            m_rows[r] = next;
            if (runStart < 0)
                runStart = r;
        } else {
            flushRun(r - 1);
        }
    }
    flushRun(int(m_rows.size()) - 1);

    // Appends, in the snapshot's order.
    QList<QVariantMap> added;
    QSet<QString> addedKeys;
    for (const QVariantMap &row : rows) {
        const QString k = row.value(key).toString();
        if (!m_index.contains(k) && !addedKeys.contains(k)) {
            addedKeys.insert(k);
            added.append(row);
        }
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
        m_rows.append(added);
        reindex(first);
        endInsertRows();
    }
    if (m_rows.size() != before)
        Q_EMIT countChanged();
}

} // namespace sb::remote
