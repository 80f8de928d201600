// SPDX-License-Identifier: Apache-2.0
#include "idempotencycache.h"

#include "apijson.h"

#include <QCryptographicHash>

namespace sb::http {

namespace {

QString fullKey(const QString &scope, const QByteArray &key)
{
    return scope + QLatin1Char('\n') + QString::fromLatin1(key);
}

qint64 replySize(const ApiReply &r)
{
    qint64 n = r.body.size() + r.contentType.size() + 128;
    for (const auto &h : r.headers)
        n += h.first.size() + h.second.size() + 32;
    return n;
}

} // namespace

IdempotencyCache::IdempotencyCache(const HttpIdempotency &limits) : m_limits(limits) {}

void IdempotencyCache::expire(qint64 nowMs)
{
    while (!m_order.empty()) {
        auto it = m_entries.find(m_order.front());
        if (it != m_entries.end() && it->second.done && it->second.expiresAtMs > nowMs)
            break;
        if (it != m_entries.end() && !it->second.done) // still running: keep it, look no further
            break;
        if (it != m_entries.end()) {
            m_bytes -= it->second.bytes;
            m_entries.erase(it);
        }
        m_order.pop_front();
    }
}

void IdempotencyCache::evictOne()
{
    while (!m_order.empty()) {
        auto it = m_entries.find(m_order.front());
        m_order.pop_front();
        if (it != m_entries.end()) {
            m_bytes -= it->second.bytes;
            m_entries.erase(it);
            return;
        }
    }
}

IdempotencyCache::Outcome IdempotencyCache::begin(const QString &scope, const QByteArray &key, const QByteArray &body,
                                                  qint64 nowMs, ApiReply *out)
{
    if (key.isEmpty() || key.size() > 255) {
        *out = ApiJson::error(Error(ErrorCode::BadMessage,
                                    QStringLiteral("Idempotency-Key must be 1 to 255 characters"),
                                    {{QStringLiteral("header"), QStringLiteral("Idempotency-Key")}}));
        return Outcome::Refused;
    }
    expire(nowMs);
    const QString k = fullKey(scope, key);
    const QByteArray digest = QCryptographicHash::hash(body, QCryptographicHash::Sha256);
    auto it = m_entries.find(k);
    if (it != m_entries.end()) {
        const Entry &e = it->second;
        if (e.bodyDigest != digest || !e.done) {
            ++m_conflicts;
            *out = ApiJson::error(Error(ErrorCode::Conflict,
                                        e.done ? QStringLiteral("this Idempotency-Key was used with another request body")
                                               : QStringLiteral("a request with this Idempotency-Key is still being answered"),
                                        {{QStringLiteral("header"), QStringLiteral("Idempotency-Key")}}));
            return Outcome::Refused;
        }
        ++m_replays;
        *out = e.reply;
        out->headers.append(std::pair<QByteArray, QByteArray>("idempotent-replayed", "true"));
        return Outcome::Replay;
    }
    while (int(m_entries.size()) >= m_limits.maxEntries && !m_order.empty())
        evictOne();
    Entry e;
    e.bodyDigest = digest;
    e.bytes = k.size() * 2 + 128;
    m_bytes += e.bytes;
    m_entries.emplace(k, std::move(e));
    m_order.push_back(k);
    return Outcome::Run;
}

void IdempotencyCache::finish(const QString &scope, const QByteArray &key, const ApiReply &reply, qint64 nowMs)
{
    const QString k = fullKey(scope, key);
    auto it = m_entries.find(k);
    if (it == m_entries.end())
        return; // evicted while it ran
    if (reply.status >= 500 || reply.status == 429) {
        m_bytes -= it->second.bytes;
        m_entries.erase(it); // its m_order slot is skipped later
        return;
    }
    Entry &e = it->second;
    e.done = true;
    e.reply = reply;
    e.expiresAtMs = nowMs + m_limits.windowMs;
    const qint64 size = replySize(reply);
    m_bytes += size;
    e.bytes += size;
    while (m_bytes > m_limits.maxBytes && m_order.size() > 1 && m_order.front() != k)
        evictOne();
}

} // namespace sb::http
