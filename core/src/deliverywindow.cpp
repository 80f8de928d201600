// SPDX-License-Identifier: Apache-2.0
#include <switchboard/deliverywindow.h>

namespace sb {

void DeliveryWindow::setLimits(const Limits &limits)
{
    m_limits = limits;
    while (m_count > 0 && (m_count > m_limits.maxMessages || m_bytes > m_limits.maxBytes))
        evictOldest();
    std::vector<Entry> ring(m_count > 0 ? size_t(m_limits.maxMessages) : 0);
    for (int i = 0; i < m_count; ++i)
        ring[size_t(i)] = std::move(m_ring[size_t((m_head + i) % int(m_ring.size()))]);
    m_ring = std::move(ring);
    m_head = 0;
}

void DeliveryWindow::evictOldest()
{
    Entry &e = m_ring[size_t(m_head)];
    if (e.used)
        m_bytes -= e.message.byteSize();
    e.message = Message();
    e.used = false;
    m_head = (m_head + 1) % int(m_ring.size());
    --m_count;
}

void DeliveryWindow::remember(quint32 tag, const Message &message)
{
    if (m_limits.maxMessages <= 0)
        return;
    const qint64 size = message.byteSize();
    if (size > m_limits.maxBytes)
        return; // larger than the window: not held (its NACK is refused with NOT_FOUND)
    while (m_count > 0 && (m_count >= m_limits.maxMessages || m_bytes + size > m_limits.maxBytes))
        evictOldest();
    if (m_ring.empty())
        m_ring.resize(size_t(m_limits.maxMessages)); // at the first delivery: idle connections pay nothing
    Entry &e = m_ring[size_t((m_head + m_count) % int(m_ring.size()))];
    e.message = message;
    e.tag = tag;
    e.used = true;
    ++m_count;
    m_bytes += size;
}

void DeliveryWindow::forget(quint32 tag)
{
    for (int i = 0; i < m_count; ++i) {
        Entry &e = m_ring[size_t((m_head + i) % int(m_ring.size()))];
        if (e.used && e.tag == tag) {
            m_bytes -= e.message.byteSize();
            e.used = false;
            e.message = Message();
        }
    }
}

std::optional<Message> DeliveryWindow::take(quint32 tag, const QString &id)
{
    // Newest first: a NACK usually answers a recent delivery.
    for (int i = m_count - 1; i >= 0; --i) {
        Entry &e = m_ring[size_t((m_head + i) % int(m_ring.size()))];
        if (!e.used || e.tag != tag || e.message.id() != id)
            continue;
        Message m = e.message;
        m_bytes -= m.byteSize();
        e.used = false; // left in place as a hole; eviction skips it
        e.message = Message();
        return m;
    }
    return std::nullopt;
}

} // namespace sb
