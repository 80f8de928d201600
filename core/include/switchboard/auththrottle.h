// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

#include <QHash>
#include <QString>

#include <unordered_map>

namespace sb {

// Failed authentications per peer address: the first few are free, then the peer waits, twice as
// long after each further failure (up to a maximum); a success forgets the peer. Bounded: at most
// maxPeers addresses are remembered, the stalest go first. Not thread-safe (the bus thread's).
class SWITCHBOARD_EXPORT AuthThrottle
{
public:
    struct Options
    {
        int freeFailures = 5;         // auth.throttle.free-failures
        qint64 initialBackoffMs = 1000; // auth.throttle.initial-backoff
        qint64 maxBackoffMs = 300000; // auth.throttle.max-backoff; also how long a quiet peer is remembered
        int maxPeers = 10000;         // auth.throttle.max-peers
    };

    void setOptions(const Options &options);
    const Options &options() const { return m_options; }
    // Milliseconds \a peer must still wait before it may try again (0: now). Empty peers (in-process) never wait.
    qint64 waitMs(const QString &peer, qint64 nowMs) const;
    // Records a failure; returns the wait it earns (0 while failures are free).
    qint64 failed(const QString &peer, qint64 nowMs);
    void succeeded(const QString &peer);
    int size() const { return int(m_peers.size()); }

private:
    struct Entry
    {
        int failures = 0;
        qint64 blockedUntil = 0;
        qint64 lastFailure = 0;
    };
    void makeRoom(qint64 nowMs);

    Options m_options;
    std::unordered_map<QString, Entry> m_peers;
};

} // namespace sb
