// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

#include <optional>
#include <vector>

namespace sb {

// The deliveries a connection holds: the last ones written to it, bounded by count and bytes (the
// messages are shared with the bus, so a held message costs only what outlives its other users).
// A NACK is accepted only for a delivery found here, and retried from the hub's own copy: a
// client cannot dead-letter, or have requeued, a message it made up.
class SWITCHBOARD_EXPORT DeliveryWindow
{
public:
    struct Limits
    {
        int maxMessages = 256; // 0: hold nothing (NACKs are refused)
        qint64 maxBytes = 64 * 1024;
    };

    void setLimits(const Limits &limits);
    const Limits &limits() const { return m_limits; }
    // A delivery on subscription \a tag (the protocol's id for it) went out.
    void remember(quint32 tag, const Message &message);
    // Takes the delivery of message \a id on \a tag out of the window, if it is held.
    std::optional<Message> take(quint32 tag, const QString &id);
    // The subscription \a tag ended: its deliveries are no longer held (a tag may be reused).
    void forget(quint32 tag);
    int size() const { return m_count; }
    qint64 bytes() const { return m_bytes; }

private:
    struct Entry
    {
        Message message;
        quint32 tag = 0;
        bool used = false;
    };
    void evictOldest();

    Limits m_limits;
    std::vector<Entry> m_ring; // maxMessages slots, allocated at the first delivery
    int m_head = 0;            // oldest entry
    int m_count = 0;
    qint64 m_bytes = 0;
};

} // namespace sb
