// SPDX-License-Identifier: Apache-2.0
#include "webhooktargets.h"

#include "webhooksubscription.h"

namespace sb::http {

bool WebhookTargets::tryAcquire(const QString &target, WebhookSubscription *waiter)
{
    int &n = m_inFlight[target];
    if (n >= m_perTarget) {
        QList<QPointer<WebhookSubscription>> &line = m_waiting[target];
        if (!line.contains(waiter))
            line.append(waiter);
        ++m_waits;
        return false;
    }
    ++n;
    ++m_total;
    return true;
}

void WebhookTargets::release(const QString &target)
{
    auto it = m_inFlight.find(target);
    if (it == m_inFlight.end())
        return;
    --m_total;
    if (--*it <= 0)
        m_inFlight.erase(it);
    auto w = m_waiting.find(target);
    if (w == m_waiting.end())
        return;
    while (!w->isEmpty()) {
        QPointer<WebhookSubscription> next = w->takeFirst();
        if (next) {
            next->wake();
            break;
        }
    }
    if (w->isEmpty())
        m_waiting.erase(w);
}

void WebhookTargets::forget(WebhookSubscription *waiter)
{
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        it->removeAll(waiter);
        it = it->isEmpty() ? m_waiting.erase(it) : std::next(it);
    }
}

} // namespace sb::http
