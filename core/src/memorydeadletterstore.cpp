// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memorydeadletterstore.h>

#include "message_p.h"

#include <QDateTime>

#include <algorithm>

namespace sb {

namespace {
// Per letter beyond what Message::byteSize() and the two strings' characters count: the DeadLetter
// in the deque, the message's shared data (byteSize() counts 64 bytes of it) and the heap headers
// of the letter's allocations (message data, extras, payload or wire bytes, a few strings).
constexpr qint64 kLetterOverhead = qint64(sizeof(DeadLetter) + sizeof(MessageData)) + 6 * 16;
} // namespace

/*!
    The value is the dropped payload's size in bytes. A letter that alone exceeded the byte bound
    even without its payload also loses its headers and says how many in "x-sb-headers-dropped".
    Bus::requeueDeadLetter refuses such a letter (BAD_MESSAGE) rather than publish it empty.
*/
QString MemoryDeadLetterStore::payloadDroppedHeader()
{
    return QStringLiteral("x-sb-payload-dropped");
}

MemoryDeadLetterStore::MemoryDeadLetterStore(int capacity) : m_capacity(qMax(1, capacity)) {}

void MemoryDeadLetterStore::setCapacity(int capacity)
{
    QMutexLocker lock(&m_mutex);
    m_capacity = qMax(1, capacity);
    evictOver();
}

int MemoryDeadLetterStore::capacity() const
{
    QMutexLocker lock(&m_mutex);
    return m_capacity;
}

/*!
    Bounds the memory the letters hold (letterBytes() summed) to \a maxBytes, at least 1; the default
    is 16 MiB. Lowering it evicts the oldest letters at once. The newest letter always stays, without
    its payload if it alone is larger than the bound.
*/
void MemoryDeadLetterStore::setMaxBytes(qint64 maxBytes)
{
    QMutexLocker lock(&m_mutex);
    m_maxBytes = qMax<qint64>(1, maxBytes);
    evictOver();
}

qint64 MemoryDeadLetterStore::maxBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_maxBytes;
}

/*!
    An estimate of the memory \a letter holds: the message's byteSize() (payload, and its strings as
    UTF-16), the destination and detail strings, and a fixed overhead per letter. A payload shared
    with copies elsewhere is counted in full: once the hub lets go of it, the store holds it alone.
*/
qint64 MemoryDeadLetterStore::letterBytes(const DeadLetter &letter)
{
    return kLetterOverhead + letter.message.byteSize() + 2 * (letter.destination.size() + letter.detail.size());
}

void MemoryDeadLetterStore::evictOver()
{
    while (!m_letters.empty()
           && (int(m_letters.size()) > m_capacity || (m_bytes > m_maxBytes && m_letters.size() > 1))) {
        m_bytes -= letterBytes(m_letters.front());
        if (m_sink)
            m_sink->removed(m_letters.front().id);
        m_letters.pop_front();
        ++m_evicted;
    }
}

quint64 MemoryDeadLetterStore::add(DeadLetter letter)
{
    if (letter.deadAt == 0)
        letter.deadAt = QDateTime::currentMSecsSinceEpoch();
    {
        QMutexLocker lock(&m_mutex);
        letter.id = m_nextId++;
        qint64 size = letterBytes(letter);
        if (size > m_maxBytes) {
            // Keep the envelope: which message died, where and why is what an operator needs.
            // Payload first: clearing it releases the wire bytes without copying the payload out.
            const qsizetype payloadSize = letter.message.payloadSize();
            letter.message.setPayload({});
            letter.message.setHeader(payloadDroppedHeader(), QString::number(payloadSize));
            size = letterBytes(letter);
            if (size > m_maxBytes) {
                const qsizetype headerCount = letter.message.headers().size() - 1;
                letter.message.setHeaders({{payloadDroppedHeader(), QString::number(payloadSize)},
                                           {QStringLiteral("x-sb-headers-dropped"), QString::number(headerCount)}});
                size = letterBytes(letter);
            }
            ++m_payloadsDropped;
        }
        m_letters.push_back(letter);
        m_bytes += size;
        if (m_sink)
            m_sink->kept(letter);
        evictOver();
    }
    notifyAdded(letter);
    return letter.id;
}

void MemoryDeadLetterStore::setSink(Sink *sink)
{
    QMutexLocker lock(&m_mutex);
    m_sink = sink;
}

void MemoryDeadLetterStore::restore(DeadLetter letter)
{
    QMutexLocker lock(&m_mutex);
    if (!m_letters.empty() && letter.id <= m_letters.back().id)
        return; // restored in id order; a repeat is ignored
    m_nextId = std::max(m_nextId, letter.id + 1);
    m_bytes += letterBytes(letter);
    m_letters.push_back(std::move(letter));
    evictOver();
}

namespace {
template<typename Deque>
auto findById(Deque &letters, quint64 id)
{
    auto it = std::lower_bound(letters.begin(), letters.end(), id,
                               [](const DeadLetter &l, quint64 v) { return l.id < v; });
    return (it != letters.end() && it->id == id) ? it : letters.end();
}
} // namespace

std::optional<DeadLetter> MemoryDeadLetterStore::get(quint64 id) const
{
    QMutexLocker lock(&m_mutex);
    auto it = findById(m_letters, id);
    if (it == m_letters.end())
        return std::nullopt;
    return *it;
}

QList<DeadLetter> MemoryDeadLetterStore::list(int offset, int limit) const
{
    QMutexLocker lock(&m_mutex);
    QList<DeadLetter> out;
    const int n = int(m_letters.size());
    const int start = qBound(0, offset, n);
    const int end = limit < 0 ? n : qMin(n, start + limit);
    out.reserve(end - start);
    for (int i = start; i < end; ++i)
        out.append(m_letters[size_t(i)]);
    return out;
}

std::optional<DeadLetter> MemoryDeadLetterStore::take(quint64 id)
{
    QMutexLocker lock(&m_mutex);
    auto it = findById(m_letters, id);
    if (it == m_letters.end())
        return std::nullopt;
    DeadLetter letter = std::move(*it);
    m_letters.erase(it);
    m_bytes -= letterBytes(letter);
    if (m_sink)
        m_sink->removed(letter.id);
    return letter;
}

int MemoryDeadLetterStore::purge(const QList<quint64> &ids)
{
    QMutexLocker lock(&m_mutex);
    if (ids.isEmpty()) {
        const int n = int(m_letters.size());
        m_letters.clear();
        m_bytes = 0;
        if (m_sink)
            m_sink->removedAll();
        return n;
    }
    int removed = 0;
    for (quint64 id : ids) {
        auto it = findById(m_letters, id);
        if (it != m_letters.end()) {
            m_bytes -= letterBytes(*it);
            if (m_sink)
                m_sink->removed(it->id);
            m_letters.erase(it);
            ++removed;
        }
    }
    return removed;
}

int MemoryDeadLetterStore::count() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_letters.size());
}

quint64 MemoryDeadLetterStore::evicted() const
{
    QMutexLocker lock(&m_mutex);
    return m_evicted;
}

qint64 MemoryDeadLetterStore::bytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_bytes;
}

quint64 MemoryDeadLetterStore::payloadsDropped() const
{
    QMutexLocker lock(&m_mutex);
    return m_payloadsDropped;
}

} // namespace sb
