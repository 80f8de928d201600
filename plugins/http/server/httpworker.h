// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpresponder.h"

#include <QObject>
#include <QSslConfiguration>

#include <atomic>
#include <memory>
#include <optional>

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

    // Any thread: hands an accepted socket \a descriptor to this worker, which makes it a
    // connection of \a state's listener (after the TLS handshake with \a tls). The descriptor is
    // closed and the listener's count released if the worker goes away first.
    void adopt(qintptr descriptor, quint64 key, std::shared_ptr<HttpListenerState> state,
               std::optional<QSslConfiguration> tls);
    // Any thread: resets every connection of \a state's listener (\a key 0), or the one with \a key.
    void abortConnections(std::shared_ptr<HttpListenerState> state, quint64 key = 0);
    // Any thread: connections open now (for choosing the least busy worker).
    int connectionCount() const
    {
        return m_pending.load(std::memory_order_relaxed) + m_children.load(std::memory_order_relaxed);
    }

    const std::shared_ptr<HttpAnswerQueue> &answers() const { return m_answers; }

protected:
    void childEvent(QChildEvent *event) override;

private:

    std::shared_ptr<HttpAnswerQueue> m_answers;
    std::atomic<int> m_pending{0};  // descriptors handed over, not started yet
    std::atomic<int> m_children{0}; // connections and TLS handshakes
};

} // namespace sb::http
