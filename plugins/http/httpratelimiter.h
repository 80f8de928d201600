// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpendpointconfig.h"

#include <switchboard/ratelimiter.h>

#include <unordered_map>

namespace sb::http {

// The REST API's rate limits: a token bucket per identity, per peer address and per route
// (hub-wide), each configured in communication.http.rate-limits. A request takes one token from
// each bucket that applies; the first empty one refuses it with RATE_LIMITED (429 + Retry-After).
// Buckets of identities and of addresses are bounded (max-tracked each): past it the idlest are forgotten
// (a forgotten bucket starts full again).
class HttpRateLimiter
{
public:
    explicit HttpRateLimiter(const HttpRateLimits &limits);

    // \a identity empty for anonymous callers (they are limited by address only).
    Status admit(const QString &identity, const QString &address, const QString &route, qint64 nowMs);

    struct Counters {
        quint64 refusedIdentity = 0, refusedAddress = 0, refusedRoute = 0, forgotten = 0;
    };
    const Counters &counters() const { return m_counters; }
    int tracked() const { return int(m_identities.size() + m_addresses.size()); }

private:
    struct Bucket {
        RateLimiter limiter;
        qint64 lastUsedMs = 0;
    };
    using Buckets = std::unordered_map<QString, Bucket>;
    Bucket &bucket(Buckets &map, const QString &key, const config::Rate &rate, qint64 nowMs);
    void prune(Buckets &map);
    static Error refusal(const char *limit, const QString &key, const RateLimiter &l, qint64 nowMs);

    HttpRateLimits m_limits;
    Buckets m_identities, m_addresses, m_routes;
    Counters m_counters;
};

} // namespace sb::http
