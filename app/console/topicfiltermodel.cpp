// SPDX-License-Identifier: Apache-2.0
#include "topicfiltermodel.h"

#include <hubsnapshot.h>
#include <rep_switchboard_replica.h>

#include <switchboard/topic.h>

#include <QRemoteObjectPendingCallWatcher>

#include <algorithm>

namespace sb::console {

TopicFilterModel::TopicFilterModel(QObject *parent)
    : remote::SnapshotListModel("topic", remote::HubSnapshot::topicRoles(), parent)
{
}

void TopicFilterModel::setApi(SwitchboardReplica *api)
{
    m_api = api;
    if (!api) {
        setRows({});
        m_total = 0;
        Q_EMIT totalChanged();
        return;
    }
    refresh();
}

void TopicFilterModel::setFilterText(const QString &text)
{
    const QString f = text.trimmed();
    if (f == m_filter)
        return;
    m_filter = f;
    // A pattern when the hub would take it as one; plain text otherwise (matched as a substring).
    m_isPattern = !f.isEmpty() && bool(Topic::validatePattern(f)) && (Topic::isWildcard(f) || f.contains(QLatin1Char('.')));
    Q_EMIT filterTextChanged();
    refresh();
}

void TopicFilterModel::refresh()
{
    if (!m_api)
        return;
    if (m_inFlight) {
        m_again = true; // one more when the answer arrives, with the newest filter
        return;
    }
    m_inFlight = true;
    const QString filter = m_filter;
    // The hub matches a pattern, or a text as a substring, and sends at most Limit rows.
    auto *watcher = new QRemoteObjectPendingCallWatcher(m_api->list(QStringLiteral("topics"), filter, 0, Limit), this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, filter](QRemoteObjectPendingCallWatcher *w) {
        w->deleteLater();
        m_inFlight = false;
        const QVariantMap answer = w->returnValue().toMap();
        if (answer.value(QStringLiteral("ok")).toBool() && filter == m_filter) {
            QList<QVariantMap> rows;
            for (const QVariant &v : answer.value(QStringLiteral("rows")).toList())
                rows.append(v.toMap());
            std::sort(rows.begin(), rows.end(), [](const QVariantMap &a, const QVariantMap &b) {
                return a.value(QStringLiteral("topic")).toString() < b.value(QStringLiteral("topic")).toString();
            });
            const int total = answer.value(QStringLiteral("total")).toInt();
            // Results keep their sorted order: when the set changes, start over; when only the
            // numbers change, update in place (views keep their scroll position).
            bool sameKeys = rows.size() == rowCount();
            for (int i = 0; sameKeys && i < rows.size(); ++i)
                sameKeys = rows.at(i).value(QStringLiteral("topic")) == row(i).value(QStringLiteral("topic"));
            if (!sameKeys)
                setRows({});
            setRows(rows);
            if (total != m_total) {
                m_total = total;
                Q_EMIT totalChanged();
            }
        }
        if (m_again) {
            m_again = false;
            refresh();
        }
    });
}

QVariant TopicFilterModel::get(int row, const QString &role) const
{
    return this->row(row).value(role);
}

} // namespace sb::console
