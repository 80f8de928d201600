// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPointer>
#include <QVector>

namespace sb::http {

class StreamConnection;

// Coalesces the socket writes of the streams of one hub (SSE, WebSocket), as the native plugin's
// FlushScheduler does for its connections: a broadcast appends one delivery to each of thousands
// of streams in one bus-thread call, and they are all written in one posted event instead of one
// posted event per stream. Lives in the bus thread, owned by the hub that makes the streams.
class StreamFlusher : public QObject
{
    Q_OBJECT
public:
    explicit StreamFlusher(QObject *parent = nullptr) : QObject(parent) {}

    // Adds \a connection to the next flush, posting that flush if none is pending.
    void schedule(StreamConnection *connection);
    // Writes every stream scheduled so far.
    void flushNow();

private:
    QVector<QPointer<StreamConnection>> m_pending;
    QVector<QPointer<StreamConnection>> m_flushing;
    bool m_posted = false;
};

} // namespace sb::http
