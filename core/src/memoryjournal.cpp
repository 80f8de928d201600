// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memoryjournal.h>
#include <switchboard/topic.h>

#include <QDateTime>
#include <QTimer>

#include <algorithm>

namespace sb {

namespace {

constexpr qint64 EntryOverhead = 96; // the entry, its sequence and the stream's bookkeeping

Error storageFull(qint64 budget, qint64 used, qint64 incoming)
{
    return Error(ErrorCode::StorageFull,
                 QStringLiteral("the journal's budget of %1 bytes is reached (%2 used, %3 more asked); raise "
                                "journal.disk-budget or tighten the channels' retention")
                     .arg(budget)
                     .arg(used)
                     .arg(incoming),
                 {{QStringLiteral("limit"), budget}, {QStringLiteral("used"), used}});
}

} // namespace

MemoryJournal::MemoryJournal(qint64 budgetBytes, QObject *parent) : Journal(parent)
{
    m_status.kind = QStringLiteral("memory");
    m_status.budgetBytes = budgetBytes;
    m_clock.start();
}

MemoryJournal::~MemoryJournal() = default;

void MemoryJournal::setBudget(qint64 bytes)
{
    m_status.budgetBytes = bytes;
    updateLowSpace();
}

qint64 MemoryJournal::messageBytes(const Message &message)
{
    return message.byteSize() + EntryOverhead;
}

void MemoryJournal::append(const QString &stream, const Message &message, const SyncPolicy &sync, AppendDone done)
{
    Q_UNUSED(sync) // memory is as durable as it gets here
    if (m_status.failed) {
        ++m_status.failedAppends;
        done(Error(ErrorCode::StorageFailed, QStringLiteral("the journal failed and stores nothing: %1").arg(m_status.error)));
        return;
    }
    const qint64 bytes = messageBytes(message);
    Stream &s = m_streams[stream];
    expire(s, m_clock.elapsed());
    trim(s, bytes);
    if (m_status.bytes + bytes > m_status.budgetBytes) {
        ++m_status.refusedFull;
        updateLowSpace();
        done(storageFull(m_status.budgetBytes, m_status.bytes, bytes));
        return;
    }
    Entry e;
    e.stored.seq = m_nextSeq++;
    e.stored.stream = stream;
    e.stored.storedAtMs = QDateTime::currentMSecsSinceEpoch();
    e.stored.message = message;
    e.monoMs = m_clock.elapsed();
    e.bytes = bytes;
    s.entries.push_back(std::move(e));
    s.bytes += bytes;
    m_status.bytes += bytes;
    ++m_status.messages;
    ++m_status.appended;
    updateLowSpace();
    done(s.entries.back().stored.seq);
}

void MemoryJournal::setRetention(const QString &stream, const RetentionPolicy &retention)
{
    Stream &s = m_streams[stream];
    s.retention = retention;
    expire(s, m_clock.elapsed());
    trim(s, 0);
    updateLowSpace();
    armExpiry();
}

void MemoryJournal::dropFront(Stream &stream)
{
    const qint64 bytes = stream.entries.front().bytes;
    stream.entries.pop_front();
    stream.bytes -= bytes;
    m_status.bytes -= bytes;
    --m_status.messages;
    ++m_status.expired;
}

void MemoryJournal::trim(Stream &stream, qint64 incomingBytes)
{
    const RetentionPolicy &r = stream.retention;
    const qint64 incoming = incomingBytes > 0 ? 1 : 0;
    while (!stream.entries.empty()
           && ((r.maxMessages > 0 && qint64(stream.entries.size()) + incoming > r.maxMessages)
               || (r.maxBytes > 0 && stream.bytes + incomingBytes > r.maxBytes)))
        dropFront(stream);
}

void MemoryJournal::expire(Stream &stream, qint64 nowMono)
{
    if (stream.retention.maxAgeMs <= 0)
        return;
    while (!stream.entries.empty() && nowMono - stream.entries.front().monoMs > stream.retention.maxAgeMs)
        dropFront(stream);
}

void MemoryJournal::expire()
{
    const qint64 now = m_clock.elapsed();
    for (auto &[name, stream] : m_streams)
        expire(stream, now);
    updateLowSpace();
}

void MemoryJournal::armExpiry()
{
    const bool aging = std::any_of(m_streams.cbegin(), m_streams.cend(),
                                   [](const auto &s) { return s.second.retention.maxAgeMs > 0; });
    if (aging && !m_expiry) {
        m_expiry = new QTimer(this);
        m_expiry->setInterval(1000);
        connect(m_expiry, &QTimer::timeout, this, qOverload<>(&MemoryJournal::expire));
        m_expiry->start();
    } else if (!aging && m_expiry) {
        delete m_expiry;
        m_expiry = nullptr;
    }
}

Result<QList<StoredMessage>> MemoryJournal::read(const JournalQuery &query) const
{
    if (Status st = query.validate(); !st)
        return st.error();
    QList<StoredMessage> out;
    auto it = m_streams.find(query.stream);
    if (it == m_streams.end())
        return out;
    const Stream &s = it->second;
    const qint64 now = m_clock.elapsed();
    auto from = std::upper_bound(s.entries.cbegin(), s.entries.cend(), query.afterSeq,
                                 [](quint64 seq, const Entry &e) { return seq < e.stored.seq; });
    for (; from != s.entries.cend() && out.size() < query.limit; ++from) {
        if (s.retention.maxAgeMs > 0 && now - from->monoMs > s.retention.maxAgeMs)
            continue; // expired, removed on the next pass
        const StoredMessage &m = from->stored;
        if (query.fromMs > 0 && m.storedAtMs < query.fromMs)
            continue;
        if (query.toMs > 0 && m.storedAtMs > query.toMs)
            break; // stored times ascend with the sequence while the clock does not step back
        if (!query.topic.isEmpty() && !Topic::matches(query.topic, m.message.topic()))
            continue;
        out.append(m);
    }
    return out;
}

quint64 MemoryJournal::lastSeq(const QString &stream) const
{
    auto it = m_streams.find(stream);
    return it == m_streams.end() || it->second.entries.empty() ? 0 : it->second.entries.back().stored.seq;
}

Status MemoryJournal::savePosition(const QString &subscriber, quint64 seq)
{
    if (subscriber.isEmpty())
        return Error(ErrorCode::BadMessage, QStringLiteral("a durable subscriber needs a name"));
    if (seq >= m_nextSeq)
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("position %1 is past the last stored message (%2)").arg(seq).arg(m_nextSeq - 1));
    m_positions.insert(subscriber, seq);
    return {};
}

quint64 MemoryJournal::position(const QString &subscriber) const
{
    return m_positions.value(subscriber, 0);
}

Status MemoryJournal::removePosition(const QString &subscriber)
{
    if (!m_positions.remove(subscriber))
        return Error(ErrorCode::NotFound, QStringLiteral("no durable subscriber \"%1\"").arg(subscriber));
    return {};
}

JournalStatus MemoryJournal::status() const
{
    return m_status;
}

void MemoryJournal::fail(const QString &why)
{
    if (m_status.failed)
        return;
    m_status.failed = true;
    m_status.error = why;
    Q_EMIT statusChanged();
}

void MemoryJournal::updateLowSpace()
{
    const bool low = m_status.budgetBytes > 0 && m_status.bytes * 10 > m_status.budgetBytes * 9;
    if (low != m_status.lowSpace) {
        m_status.lowSpace = low;
        Q_EMIT statusChanged();
    }
}

} // namespace sb
