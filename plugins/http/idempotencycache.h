// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apirequest.h"
#include "httpendpointconfig.h"

#include <deque>
#include <unordered_map>

namespace sb::http {

// Idempotency-Key on POSTs: the first answer to a key is kept for the window and replayed to a
// repeat with the same body; the same key with another body, or while the first is still being
// answered, is a CONFLICT (409). Keys are scoped to the caller's identity, method and path. Server
// errors (5xx) and 429 are not kept, so a retry after them runs again. Bounded by entries and
// bytes: the oldest answers go first.
class IdempotencyCache
{
public:
    explicit IdempotencyCache(const HttpIdempotency &limits);

    enum class Outcome { Run, Replay, Refused };
    // Run: proceed, then finish(); Replay: \a out holds the first answer; Refused: \a out holds
    // the CONFLICT / BAD_MESSAGE answer.
    Outcome begin(const QString &scope, const QByteArray &key, const QByteArray &body, qint64 nowMs, ApiReply *out);
    void finish(const QString &scope, const QByteArray &key, const ApiReply &reply, qint64 nowMs);

    bool enabled() const { return m_limits.maxEntries > 0; }
    int size() const { return int(m_entries.size()); }
    qint64 bytes() const { return m_bytes; }
    quint64 replays() const { return m_replays; }
    quint64 conflicts() const { return m_conflicts; }

private:
    struct Entry {
        QByteArray bodyDigest;
        bool done = false;
        ApiReply reply;
        qint64 expiresAtMs = 0;
        qint64 bytes = 0;
    };
    void expire(qint64 nowMs);
    void evictOne();

    HttpIdempotency m_limits;
    std::unordered_map<QString, Entry> m_entries;
    std::deque<QString> m_order; // insertion order, for expiry and eviction
    qint64 m_bytes = 0;
    quint64 m_replays = 0, m_conflicts = 0;
};

} // namespace sb::http
