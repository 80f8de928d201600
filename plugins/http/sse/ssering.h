// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>

namespace sb::http {

// The recent events of the hub, for SSE clients that come back with Last-Event-ID: bounded by
// count and by bytes (the oldest go first), each with a sequence number in publish order and
// found by its message id. Fed by the bus's publish observer once the first stream opened; lives
// in the bus thread. The journal (issue #15) will back resumes from disk.
class SseRing
{
public:
    SseRing(int maxMessages, qint64 maxBytes);

    bool enabled() const { return m_maxMessages > 0 && m_maxBytes > 0; }
    void record(const Message &message);
    // The sequence number of the last event recorded (0: none yet).
    quint64 lastSequence() const { return m_next - 1; }
    // The sequence number of the event with \a id, if the ring still holds it.
    std::optional<quint64> sequenceOf(const QString &id) const;
    // Calls \a visit for every event after \a after up to \a upTo, oldest first.
    void forEach(quint64 after, quint64 upTo, const std::function<void(const Message &)> &visit) const;

    int size() const { return int(m_entries.size()); }
    qint64 bytes() const { return m_bytes; }
    quint64 evicted() const { return m_evicted; }

private:
    struct Entry {
        quint64 sequence;
        Message message;
        QString id;
        qint64 bytes;
    };
    int m_maxMessages;
    qint64 m_maxBytes;
    std::deque<Entry> m_entries;
    std::unordered_map<QString, quint64> m_sequences;
    quint64 m_next = 1;
    qint64 m_bytes = 0;
    quint64 m_evicted = 0;
};

} // namespace sb::http
