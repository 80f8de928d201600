// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memorydeadletterstore.h>

#include <QDateTime>

#include <algorithm>

namespace sb {

MemoryDeadLetterStore::MemoryDeadLetterStore(int capacity) : m_capacity(qMax(1, capacity)) {}

void MemoryDeadLetterStore::setCapacity(int capacity)
{
    QMutexLocker lock(&m_mutex);
    m_capacity = qMax(1, capacity);
    while (int(m_letters.size()) > m_capacity) {
        m_letters.pop_front();
        ++m_evicted;
    }
}

int MemoryDeadLetterStore::capacity() const
{
    QMutexLocker lock(&m_mutex);
    return m_capacity;
}

quint64 MemoryDeadLetterStore::add(DeadLetter letter)
{
    if (letter.deadAt == 0)
        letter.deadAt = QDateTime::currentMSecsSinceEpoch();
    {
        QMutexLocker lock(&m_mutex);
        letter.id = m_nextId++;
        if (int(m_letters.size()) >= m_capacity) {
            m_letters.pop_front();
            ++m_evicted;
        }
        m_letters.push_back(letter);
    }
    notifyAdded(letter);
    return letter.id;
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
    return letter;
}

int MemoryDeadLetterStore::purge(const QList<quint64> &ids)
{
    QMutexLocker lock(&m_mutex);
    if (ids.isEmpty()) {
        const int n = int(m_letters.size());
        m_letters.clear();
        return n;
    }
    int removed = 0;
    for (quint64 id : ids) {
        auto it = findById(m_letters, id);
        if (it != m_letters.end()) {
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

} // namespace sb
