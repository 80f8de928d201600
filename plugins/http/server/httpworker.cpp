// SPDX-License-Identifier: Apache-2.0
#include "httpworker.h"

#include "httpanswer.h"
#include "httpconnection.h"
#include "httplistenerstate.h"

#include <QTcpSocket>

namespace sb::http {

namespace {
// A socket on its way to a worker: if the posted call is dropped (the worker went away first),
// the socket is closed here, in the worker's thread, and the listener's count released.
struct SocketHandOver
{
    QTcpSocket *socket = nullptr;
    quint64 key = 0;
    std::shared_ptr<HttpListenerState> state;
    QString address;

    SocketHandOver(QTcpSocket *s, quint64 k, std::shared_ptr<HttpListenerState> st)
        : socket(s), key(k), state(std::move(st)), address(s->peerAddress().toString())
    {
    }
    SocketHandOver(const SocketHandOver &) = delete;
    ~SocketHandOver()
    {
        if (socket) {
            socket->abort();
            delete socket;
            state->release(address, key);
        }
    }
    QTcpSocket *take() { return std::exchange(socket, nullptr); }
};
} // namespace

HttpWorker::HttpWorker()
    : m_answers(std::make_shared<HttpAnswerQueue>(this, [](std::vector<HttpAnswer> &batch) {
          for (HttpAnswer &a : batch) {
              if (HttpConnection *c = a.connection.data())
                  c->answer(a.sequence, std::move(a.response), std::move(a.takeOver));
          }
      }))
{
}

HttpWorker::~HttpWorker()
{
    m_answers->close();
    // The connections (children) go now, in this thread, while the queue is closed.
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    qDeleteAll(connections);
}

void HttpWorker::adopt(QTcpSocket *socket, quint64 key, std::shared_ptr<HttpListenerState> state)
{
    auto handOver = std::make_shared<SocketHandOver>(socket, key, std::move(state));
    m_connections.fetch_add(1, std::memory_order_relaxed);
    QMetaObject::invokeMethod(this, [this, handOver] {
        const std::shared_ptr<HttpListenerState> st = handOver->state;
        start(handOver->take(), handOver->key, st);
    }, Qt::QueuedConnection);
}

void HttpWorker::start(QTcpSocket *socket, quint64 key, const std::shared_ptr<HttpListenerState> &state)
{
    auto *connection = new HttpConnection(socket, key, state, m_answers, this);
    connect(connection, &QObject::destroyed, this, [this] { m_connections.fetch_sub(1, std::memory_order_relaxed); });
}

void HttpWorker::abortConnections(std::shared_ptr<HttpListenerState> state, quint64 key)
{
    QMetaObject::invokeMethod(this, [this, state, key] {
        const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
        for (HttpConnection *c : connections) {
            if (c->listenerState() == state.get() && (key == 0 || c->key() == key))
                c->abort();
        }
    }, Qt::QueuedConnection);
}

} // namespace sb::http
