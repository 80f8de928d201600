// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

namespace sb {

// Token bucket: \a ratePerSecond tokens flow in, at most \a burst are held. Rate 0 = unlimited.
// Not thread-safe: one limiter belongs to one connection on one thread.
class SWITCHBOARD_EXPORT RateLimiter
{
public:
    RateLimiter() = default;
    RateLimiter(double ratePerSecond, double burst);

    void configure(double ratePerSecond, double burst);
    bool isUnlimited() const { return m_rate <= 0.0; }
    double rate() const { return m_rate; }
    double burst() const { return m_burst; }

    // Takes \a cost tokens if available at monotonic time \a nowMsecs.
    bool tryAcquireAt(qint64 nowMsecs, double cost = 1.0);
    // Same, on the process's monotonic clock.
    bool tryAcquire(double cost = 1.0);
    // Milliseconds until \a cost tokens will be available (0 when they are).
    qint64 retryAfterMs(qint64 nowMsecs, double cost = 1.0) const;
    static qint64 monotonicMsecs();

private:
    void refill(qint64 nowMsecs);

    double m_rate = 0.0;
    double m_burst = 0.0;
    double m_tokens = 0.0;
    qint64 m_last = -1;
};

} // namespace sb
