// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

#include <QVariantMap>

namespace sb {

// The hub-wide bound on what connections buffer: their read buffers, their unsent output and
// their subscriber queues, added up over every protocol. Per-connection bounds cap each peer; this
// caps them all together, so the worst case no longer grows with the number of connections.
// Lives in the bus thread. A connection reports its current size with update(); when the hub is
// over budget, the connection that grew and holds more than its fair share is told to overflow
// (its protocol closes it with OVERFLOW), so one greedy peer cannot push well-behaved ones out.
class SWITCHBOARD_EXPORT MemoryBudget
{
public:
    void setLimit(qint64 bytes) { m_limit = bytes; }
    qint64 limit() const { return m_limit; }
    qint64 used() const { return m_used; }
    quint64 overflows() const { return m_overflows; }

    // \a accounted is what this holder reported before (it keeps it); \a now what it holds now;
    // \a holders how many share the budget. Returns false when the holder must overflow.
    bool update(qint64 &accounted, qint64 now, int holders);
    // The holder is gone: release what it had.
    void release(qint64 &accounted);
    QVariantMap toVariantMap() const;

private:
    qint64 m_limit = 80 * 1024 * 1024;
    qint64 m_used = 0;
    quint64 m_overflows = 0;
};

} // namespace sb
