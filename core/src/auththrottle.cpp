// SPDX-License-Identifier: Apache-2.0
#include <switchboard/auththrottle.h>

#include <algorithm>

namespace sb {

void AuthThrottle::setOptions(const Options &options)
{
    m_options = options;
    m_options.maxPeers = std::max(1, m_options.maxPeers);
    m_options.initialBackoffMs = std::max<qint64>(1, m_options.initialBackoffMs);
    m_options.maxBackoffMs = std::max(m_options.initialBackoffMs, m_options.maxBackoffMs);
}

qint64 AuthThrottle::waitMs(const QString &peer, qint64 nowMs) const
{
    if (peer.isEmpty())
        return 0;
    const auto it = m_peers.find(peer);
    if (it == m_peers.end())
        return 0;
    return std::max<qint64>(0, it->second.blockedUntil - nowMs);
}

qint64 AuthThrottle::failed(const QString &peer, qint64 nowMs)
{
    if (peer.isEmpty())
        return 0;
    auto it = m_peers.find(peer);
    if (it == m_peers.end()) {
        makeRoom(nowMs);
        it = m_peers.emplace(peer, Entry()).first;
    } else if (nowMs - it->second.lastFailure > m_options.maxBackoffMs) {
        it->second = Entry(); // quiet for long enough: starts over
    }
    Entry &e = it->second;
    ++e.failures;
    e.lastFailure = nowMs;
    const int over = e.failures - m_options.freeFailures;
    if (over <= 0)
        return 0;
    // initial * 2^(over-1), capped; the shift is bounded so it cannot overflow.
    const int shift = std::min(over - 1, 40);
    const qint64 wait = std::min(m_options.maxBackoffMs, m_options.initialBackoffMs << shift);
    e.blockedUntil = nowMs + wait;
    return wait;
}

void AuthThrottle::succeeded(const QString &peer)
{
    m_peers.erase(peer);
}

void AuthThrottle::makeRoom(qint64 nowMs)
{
    if (int(m_peers.size()) < m_options.maxPeers)
        return;
    for (auto it = m_peers.begin(); it != m_peers.end();) {
        if (nowMs - it->second.lastFailure > m_options.maxBackoffMs && it->second.blockedUntil <= nowMs)
            it = m_peers.erase(it);
        else
            ++it;
    }
    if (int(m_peers.size()) < m_options.maxPeers)
        return;
    const auto stalest = std::min_element(m_peers.begin(), m_peers.end(), [](const auto &a, const auto &b) {
        return a.second.lastFailure < b.second.lastFailure;
    });
    m_peers.erase(stalest);
}

} // namespace sb
