// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPointer>
#include <QVector>

namespace sb::native {

class NativeConnection;

// Coalesces the socket writes of every connection of one endpoint. A connection with new
// outbound bytes asks for a flush; all of them are written together, either at the next
// event-loop turn or earlier, when the connection reading a burst of publishes calls flushNow()
// between chunks. That keeps outbound buffers small and warm in the cache and writes in large
// pieces, instead of letting a long read burst pile up deliveries until the high-water mark.
// Lives in the bus thread, shared (std::shared_ptr) by the endpoint and its connections.
class FlushScheduler : public QObject
{
    Q_OBJECT
public:
    explicit FlushScheduler(QObject *parent = nullptr);

    // Adds \a connection to the next flush (once), posting that flush if none is pending and no
    // batch is open.
    void schedule(NativeConnection *connection);
    // Writes every connection scheduled so far.
    void flushNow();
    // Around a connection's read burst: schedules inside it post nothing (no event-loop wake-up on
    // the latency path); endBatch() flushes them and the queued flush, if any, stays as a backstop.
    void beginBatch() { ++m_batch; }
    void endBatch();

private:
    QVector<QPointer<NativeConnection>> m_pending;
    QVector<QPointer<NativeConnection>> m_flushing;
    bool m_posted = false;
    int m_batch = 0;
};

} // namespace sb::native
