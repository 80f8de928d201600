// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpbatchqueue.h"
#include "httpservercounters.h"
#include "httpserverlimits.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

namespace sb::http {

class HttpHandler;

// What a listener shares with its connections, wherever they run: the limits, the counters, the
// open connections per peer address and the handler the connections call (the listener's own
// handler, or a relay to it when the connections live on I/O threads). Held by shared pointer:
// a connection that outlives its listener still reports to it.
class HttpListenerState
{
public:
    HttpListenerState(const HttpServerLimits &limits, HttpHandler *handler);
    ~HttpListenerState();

    const HttpServerLimits &limits() const { return m_limits; }
    HttpHandler *handler() const { return m_handler; }
    // The handler connections call from now on, owned by this state (a relay to the listener's
    // thread): set before the first connection.
    void setOwnedHandler(std::unique_ptr<HttpHandler> handler);
    HttpServerCounters &counters() { return m_counters; }
    const HttpServerCounters &counters() const { return m_counters; }

    // Counts a new connection from \a address under the listener's \a key, or refuses it
    // (max-connections, max-connections-per-address) and counts the refusal. Any thread.
    bool admit(const QString &address, quint64 key);
    // The connection admitted as \a key has closed (or never became one): counted at once,
    // reported to the listener's thread through the closed-connections queue. Any thread.
    void release(quint64 key);
    // Where release() reports keys (set by the listener before its first connection).
    void setClosedQueue(std::shared_ptr<HttpBatchQueue<quint64>> queue) { m_closed = std::move(queue); }

private:
    const HttpServerLimits m_limits;
    HttpHandler *m_handler;
    std::unique_ptr<HttpHandler> m_owned;
    HttpServerCounters m_counters;
    std::shared_ptr<HttpBatchQueue<quint64>> m_closed;
    QMutex m_mutex;
    QHash<QString, int> m_perAddress; // guarded by m_mutex
    QHash<quint64, QString> m_addressOf; // guarded by m_mutex: key -> its m_perAddress entry
};

} // namespace sb::http
