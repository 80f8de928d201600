// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QList>
#include <QPointer>
#include <QString>

namespace sb::http {

class WebhookSubscription;

// POSTs in flight per target (scheme://host:port), all webhook subscriptions together, bounded by
// webhooks.concurrency-per-target: a slow receiver holds at most that many of the hub's sockets.
// A subscription refused a slot waits in line and is woken (its drain scheduled) when one frees.
class WebhookTargets
{
public:
    explicit WebhookTargets(int perTarget) : m_perTarget(perTarget) {}

    bool tryAcquire(const QString &target, WebhookSubscription *waiter);
    void release(const QString &target);
    void forget(WebhookSubscription *waiter);
    int inFlight() const { return m_total; }
    quint64 waits() const { return m_waits; }

private:
    int m_perTarget;
    int m_total = 0;
    quint64 m_waits = 0;
    QHash<QString, int> m_inFlight;
    QHash<QString, QList<QPointer<WebhookSubscription>>> m_waiting;
};

} // namespace sb::http
