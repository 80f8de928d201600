// SPDX-License-Identifier: Apache-2.0
#include "ssering.h"

namespace sb::http {

SseRing::SseRing(int maxMessages, qint64 maxBytes) : m_maxMessages(maxMessages), m_maxBytes(maxBytes) {}

void SseRing::record(const Message &message)
{
    if (!enabled())
        return;
    // The id twice (map key and entry) and the envelope's bookkeeping, roughly.
    const qint64 bytes = message.byteSize() + 4 * message.id().size() + 96;
    if (bytes > m_maxBytes)
        return; // alone over the budget: not resumable, and not worth evicting everything for
    Entry e{m_next++, message, message.id(), bytes};
    m_bytes += bytes;
    auto [it, fresh] = m_sequences.insert_or_assign(e.id, e.sequence);
    Q_UNUSED(it)
    Q_UNUSED(fresh)
    m_entries.push_back(std::move(e));
    while (!m_entries.empty() && (int(m_entries.size()) > m_maxMessages || m_bytes > m_maxBytes)) {
        const Entry &old = m_entries.front();
        auto found = m_sequences.find(old.id);
        if (found != m_sequences.end() && found->second == old.sequence)
            m_sequences.erase(found);
        m_bytes -= old.bytes;
        m_entries.pop_front();
        ++m_evicted;
    }
}

std::optional<quint64> SseRing::sequenceOf(const QString &id) const
{
    auto it = m_sequences.find(id);
    if (it == m_sequences.end())
        return std::nullopt;
    return it->second;
}

void SseRing::forEach(quint64 after, quint64 upTo, const std::function<void(const Message &)> &visit) const
{
    if (m_entries.empty() || after >= upTo)
        return;
    // Sequence numbers are consecutive in the deque: index = sequence - first.
    const quint64 first = m_entries.front().sequence;
    size_t i = after + 1 > first ? size_t(after + 1 - first) : 0;
    for (; i < m_entries.size() && m_entries[i].sequence <= upTo; ++i)
        visit(m_entries[i].message);
}

} // namespace sb::http
