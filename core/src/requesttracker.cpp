// SPDX-License-Identifier: Apache-2.0
#include "requesttracker_p.h"

#include <switchboard/ratelimiter.h>

namespace sb {

RequestTracker::RequestTracker(QObject *parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RequestTracker::expire);
}

const RequestTracker::Route *RequestTracker::route(const QString &correlationId) const
{
    auto it = m_pending.find(correlationId);
    return it == m_pending.end() ? nullptr : &it->second.route;
}

void RequestTracker::release(Pending &pending)
{
    if (Connection *c = pending.route.requester.data())
        c->setPendingRequestCount(qMax(0, c->pendingRequestCount() - 1));
}

void RequestTracker::add(const QString &correlationId, QObject *context, Callback callback, int timeoutMs, Route route)
{
    if (Connection *c = route.requester.data())
        c->setPendingRequestCount(c->pendingRequestCount() + 1);
    Pending p{context, std::move(callback), RateLimiter::monotonicMsecs() + timeoutMs, std::move(route)};
    m_deadlines.emplace(p.deadline, correlationId);
    m_pending.emplace(correlationId, std::move(p));
    arm();
}

bool RequestTracker::complete(const QString &correlationId, const Result<Message> &result)
{
    auto it = m_pending.find(correlationId);
    if (it == m_pending.end())
        return false;
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    auto range = m_deadlines.equal_range(pending.deadline);
    for (auto d = range.first; d != range.second; ++d) {
        if (d->second == correlationId) {
            m_deadlines.erase(d);
            break;
        }
    }
    release(pending);
    deliver(pending, result);
    return true;
}

void RequestTracker::dropRequester(const Connection *requester)
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->second.route.requester.data() != requester) {
            ++it;
            continue;
        }
        auto range = m_deadlines.equal_range(it->second.deadline);
        for (auto d = range.first; d != range.second; ++d) {
            if (d->second == it->first) {
                m_deadlines.erase(d);
                break;
            }
        }
        it = m_pending.erase(it);
    }
    arm();
}

void RequestTracker::deliver(Pending &pending, const Result<Message> &result)
{
    QObject *context = pending.context.data();
    if (!context)
        return; // the requester is gone
    QMetaObject::invokeMethod(
        context, [cb = std::move(pending.callback), result] { cb(result); }, Qt::QueuedConnection);
}

void RequestTracker::arm()
{
    if (m_deadlines.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = m_deadlines.begin()->first - RateLimiter::monotonicMsecs();
    m_timer.start(int(qBound(qint64(0), wait, qint64(std::numeric_limits<int>::max()))));
}

void RequestTracker::expire()
{
    const qint64 now = RateLimiter::monotonicMsecs();
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
        const QString corr = m_deadlines.begin()->second;
        m_deadlines.erase(m_deadlines.begin());
        auto it = m_pending.find(corr);
        if (it == m_pending.end())
            continue;
        Pending pending = std::move(it->second);
        m_pending.erase(it);
        release(pending);
        Q_EMIT timedOut(corr);
        deliver(pending, Error(ErrorCode::Timeout,
                               QStringLiteral("no response from \"%1\" within the timeout").arg(pending.route.destination),
                               {{QStringLiteral("correlationId"), corr}}));
    }
    arm();
}

} // namespace sb
