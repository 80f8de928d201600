// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/deadletterstore.h>

#include <QMutex>

#include <deque>

namespace sb {

// Bounded in-memory dead-letter store; when full, the oldest letter is evicted and counted.
class SWITCHBOARD_EXPORT MemoryDeadLetterStore : public DeadLetterStore
{
public:
    explicit MemoryDeadLetterStore(int capacity = 10000);

    void setCapacity(int capacity);
    int capacity() const;

    quint64 add(DeadLetter letter) override;
    std::optional<DeadLetter> get(quint64 id) const override;
    QList<DeadLetter> list(int offset = 0, int limit = -1) const override;
    std::optional<DeadLetter> take(quint64 id) override;
    int purge(const QList<quint64> &ids = {}) override;
    int count() const override;
    quint64 evicted() const override;

private:
    mutable QMutex m_mutex;
    std::deque<DeadLetter> m_letters; // ordered by id
    int m_capacity;
    quint64 m_nextId = 1;
    quint64 m_evicted = 0;
};

} // namespace sb
