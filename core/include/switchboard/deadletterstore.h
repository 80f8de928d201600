// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/deadletter.h>

#include <QList>

#include <functional>

#include <optional>

namespace sb {

// Where dead letters go. Implementations must be thread-safe: subscribers on any thread add to it.
// The in-memory store is the default; the SQLite journal implements the same interface.
class SWITCHBOARD_EXPORT DeadLetterStore
{
public:
    virtual ~DeadLetterStore() = default;
    // Stores \a letter, assigns and returns its id.
    virtual quint64 add(DeadLetter letter) = 0;
    virtual std::optional<DeadLetter> get(quint64 id) const = 0;
    // Newest last; \a offset and \a limit page through them (limit < 0: all).
    virtual QList<DeadLetter> list(int offset = 0, int limit = -1) const = 0;
    virtual std::optional<DeadLetter> take(quint64 id) = 0;
    // Removes the given ids (all when empty) and returns how many were removed.
    virtual int purge(const QList<quint64> &ids = {}) = 0;
    virtual int count() const = 0;
    // Letters evicted because the store was full (they are counted, never silently lost).
    virtual quint64 evicted() const = 0;
    // Memory the store holds for its letters, an estimate in bytes (0: the store does not say).
    virtual qint64 bytes() const { return 0; }

    // Called after every add(), in the adding thread (the bus uses it to publish advisories).
    using Observer = std::function<void(const DeadLetter &)>;
    void setObserver(Observer observer) { m_observer = std::move(observer); }

protected:
    void notifyAdded(const DeadLetter &letter) const
    {
        if (m_observer)
            m_observer(letter);
    }

private:
    Observer m_observer;
};

} // namespace sb
