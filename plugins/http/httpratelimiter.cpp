// SPDX-License-Identifier: Apache-2.0
#include "httpratelimiter.h"

#include <algorithm>
#include <vector>

namespace sb::http {

HttpRateLimiter::HttpRateLimiter(const HttpRateLimits &limits) : m_limits(limits) {}

HttpRateLimiter::Bucket &HttpRateLimiter::bucket(Buckets &map, const QString &key, const config::Rate &rate, qint64 nowMs)
{
    auto it = map.find(key);
    if (it == map.end()) {
        if (&map != &m_routes && int(map.size()) >= m_limits.maxTracked)
            prune(map);
        it = map.emplace(key, Bucket{RateLimiter(rate.perSecond, std::max(1.0, rate.perSecond)), nowMs}).first;
    }
    it->second.lastUsedMs = nowMs;
    return it->second;
}

void HttpRateLimiter::prune(Buckets &map)
{
    // Forget the idlest tenth (at least one): O(n) only when the bound is reached.
    if (map.empty())
        return;
    std::vector<qint64> ages;
    ages.reserve(map.size());
    for (const auto &e : map)
        ages.push_back(e.second.lastUsedMs);
    const size_t n = std::max<size_t>(1, map.size() / 10);
    std::nth_element(ages.begin(), ages.begin() + qsizetype(n - 1), ages.end());
    const qint64 cutoff = ages[n - 1];
    size_t removed = 0;
    for (auto it = map.begin(); it != map.end() && removed < n;) {
        if (it->second.lastUsedMs <= cutoff) {
            it = map.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    m_counters.forgotten += removed;
}

Error HttpRateLimiter::refusal(const char *limit, const QString &key, const RateLimiter &l, qint64 nowMs)
{
    return Error(ErrorCode::RateLimited,
                 QStringLiteral("rate limit per %1 of %2 requests/s reached for \"%3\"")
                     .arg(QString::fromLatin1(limit))
                     .arg(l.rate())
                     .arg(key),
                 {{QStringLiteral("limit"), QString::fromLatin1(limit)},
                  {QStringLiteral("retryAfterMs"), l.retryAfterMs(nowMs)}});
}

Status HttpRateLimiter::admit(const QString &identity, const QString &address, const QString &route, qint64 nowMs)
{
    // Check every bucket before taking from any, so a refusal costs the caller nothing.
    struct Take {
        Bucket *bucket;
        const char *name;
        const QString *key;
        quint64 *refused;
    };
    Take takes[3];
    int n = 0;
    if (m_limits.perIdentity.perSecond > 0 && !identity.isEmpty())
        takes[n++] = {&bucket(m_identities, identity, m_limits.perIdentity, nowMs), "identity", &identity,
                      &m_counters.refusedIdentity};
    if (m_limits.perAddress.perSecond > 0 && !address.isEmpty())
        takes[n++] = {&bucket(m_addresses, address, m_limits.perAddress, nowMs), "address", &address,
                      &m_counters.refusedAddress};
    if (m_limits.perRoute.perSecond > 0)
        takes[n++] = {&bucket(m_routes, route, m_limits.perRoute, nowMs), "route", &route, &m_counters.refusedRoute};
    for (int i = 0; i < n; ++i) {
        if (takes[i].bucket->limiter.retryAfterMs(nowMs) > 0) {
            ++*takes[i].refused;
            return refusal(takes[i].name, *takes[i].key, takes[i].bucket->limiter, nowMs);
        }
    }
    for (int i = 0; i < n; ++i)
        takes[i].bucket->limiter.tryAcquireAt(nowMs);
    return {};
}

} // namespace sb::http
