// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpresponder.h"

#include <QObject>

#include <atomic>
#include <memory>

class QTcpSocket;

namespace sb::http {

class HttpListenerState;

// One I/O thread's side of the HTTP server: it owns the connections it was given (reading,
// parsing, writing, timers all happen in its thread) and the queue their answers come back by.
// Created in the pool's thread and moved to its own; every method but adopt() and
// connectionCount() is for its own thread.
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    HttpWorker();
    ~HttpWorker() override;

    // Any thread: hands \a socket (no parent, already moved to this worker's thread) to this
    // worker, which makes it a connection of \a state's listener. The socket is closed and
    // the listener's count released if the worker goes away first.
    void adopt(QTcpSocket *socket, quint64 key, std::shared_ptr<HttpListenerState> state);
    // Any thread: resets every connection of \a state's listener (\a key 0), or the one with \a key.
    void abortConnections(std::shared_ptr<HttpListenerState> state, quint64 key = 0);
    // Any thread: connections open now (for choosing the least busy worker).
    int connectionCount() const { return m_connections.load(std::memory_order_relaxed); }

    const std::shared_ptr<HttpAnswerQueue> &answers() const { return m_answers; }

private:
    void start(QTcpSocket *socket, quint64 key, const std::shared_ptr<HttpListenerState> &state);

    std::shared_ptr<HttpAnswerQueue> m_answers;
    std::atomic<int> m_connections{0};
};

} // namespace sb::http
