// SPDX-License-Identifier: Apache-2.0
#include <switchboard/ratelimiter.h>

#include <QElapsedTimer>

#include <cmath>

namespace sb {

RateLimiter::RateLimiter(double ratePerSecond, double burst)
{
    configure(ratePerSecond, burst);
}

void RateLimiter::configure(double ratePerSecond, double burst)
{
    m_rate = qMax(0.0, ratePerSecond);
    m_burst = burst > 0 ? burst : qMax(1.0, m_rate);
    m_tokens = m_burst;
    m_last = -1;
}

void RateLimiter::refill(qint64 nowMsecs)
{
    if (m_last < 0) {
        m_last = nowMsecs;
        return;
    }
    if (nowMsecs > m_last) {
        m_tokens = qMin(m_burst, m_tokens + (nowMsecs - m_last) * m_rate / 1000.0);
        m_last = nowMsecs;
    }
}

bool RateLimiter::tryAcquireAt(qint64 nowMsecs, double cost)
{
    if (isUnlimited())
        return true;
    refill(nowMsecs);
    if (m_tokens < cost)
        return false;
    m_tokens -= cost;
    return true;
}

bool RateLimiter::tryAcquire(double cost)
{
    return isUnlimited() || tryAcquireAt(monotonicMsecs(), cost);
}

qint64 RateLimiter::retryAfterMs(qint64 nowMsecs, double cost) const
{
    if (isUnlimited())
        return 0;
    double tokens = m_tokens;
    if (m_last >= 0 && nowMsecs > m_last)
        tokens = qMin(m_burst, tokens + (nowMsecs - m_last) * m_rate / 1000.0);
    if (tokens >= cost)
        return 0;
    return qint64(std::ceil((cost - tokens) * 1000.0 / m_rate));
}

qint64 RateLimiter::monotonicMsecs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}

} // namespace sb
