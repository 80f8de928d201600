// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/deadletterstore.h>

#include <QMutex>

#include <deque>

namespace sb {

// In-memory dead-letter store bounded by count and by bytes; when either bound is exceeded, the
// oldest letters are evicted and counted. A letter larger than the byte bound is kept without its
// payload (header "x-sb-payload-dropped"), so one big letter never empties the store.
class SWITCHBOARD_EXPORT MemoryDeadLetterStore : public DeadLetterStore
{
public:
    static constexpr qint64 DefaultMaxBytes = 16 * 1024 * 1024;
    // The header on a letter kept without its payload; its value is the payload's size in bytes.
    static QString payloadDroppedHeader();

    explicit MemoryDeadLetterStore(int capacity = 10000);

    void setCapacity(int capacity);
    int capacity() const;
    void setMaxBytes(qint64 maxBytes);
    qint64 maxBytes() const;
    // What one letter counts against maxBytes().
    static qint64 letterBytes(const DeadLetter &letter);

    quint64 add(DeadLetter letter) override;
    std::optional<DeadLetter> get(quint64 id) const override;
    QList<DeadLetter> list(int offset = 0, int limit = -1) const override;
    std::optional<DeadLetter> take(quint64 id) override;
    int purge(const QList<quint64> &ids = {}) override;
    int count() const override;
    quint64 evicted() const override;
    qint64 bytes() const override;
    // Letters kept without their payload because they alone exceeded maxBytes().
    quint64 payloadsDropped() const;

    // A copy of the letters elsewhere (the journal keeps them on disk): told of every letter kept
    // and removed (taken, purged, evicted), with the store's mutex held, in the calling thread.
    class Sink
    {
    public:
        virtual ~Sink() = default;
        virtual void kept(const DeadLetter &letter) = 0;
        virtual void removed(quint64 id) = 0;
        virtual void removedAll() = 0;
    };
    // Not owned; nullptr to stop. Letters already in the store are not told again.
    void setSink(Sink *sink);
    // Adds \a letter with its own id and time, as loaded from disk (not told to the sink, not
    // announced); ids given later follow the highest. The bounds apply.
    void restore(DeadLetter letter);

private:
    void evictOver(); // with m_mutex held

    mutable QMutex m_mutex;
    std::deque<DeadLetter> m_letters; // ordered by id
    int m_capacity;
    quint64 m_nextId = 1;
    quint64 m_evicted = 0;
    qint64 m_maxBytes = DefaultMaxBytes;
    qint64 m_bytes = 0;
    quint64 m_payloadsDropped = 0;
    Sink *m_sink = nullptr;
};

} // namespace sb
