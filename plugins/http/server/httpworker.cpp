// SPDX-License-Identifier: Apache-2.0
#include "httpworker.h"

#include "httpanswer.h"
#include "httpconnection.h"
#include "httplistenerstate.h"
#include "httpsocketstarter.h"

#include <QChildEvent>


namespace sb::http {

namespace {
// A descriptor on its way to a worker: if the posted call is dropped (the worker went away
// first), it is closed here and the listener's count released.
struct DescriptorHandOver
{
    qintptr descriptor = -1;
    quint64 key = 0;
    std::shared_ptr<HttpListenerState> state;
    std::optional<QSslConfiguration> tls;

    DescriptorHandOver(qintptr d, quint64 k, std::shared_ptr<HttpListenerState> st, std::optional<QSslConfiguration> t)
        : descriptor(d), key(k), state(std::move(st)), tls(std::move(t))
    {
    }
    DescriptorHandOver(const DescriptorHandOver &) = delete;
    ~DescriptorHandOver()
    {
        if (descriptor >= 0)
            HttpSocketStarter::discard(descriptor, key, state);
    }
    qintptr take() { return std::exchange(descriptor, -1); }
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

void HttpWorker::adopt(qintptr descriptor, quint64 key, std::shared_ptr<HttpListenerState> state,
                       std::optional<QSslConfiguration> tls)
{
    auto handOver = std::make_shared<DescriptorHandOver>(descriptor, key, std::move(state), std::move(tls));
    m_pending.fetch_add(1, std::memory_order_relaxed);
    QMetaObject::invokeMethod(this, [this, handOver] {
        HttpSocketStarter::start(handOver->take(), handOver->key, handOver->state, handOver->tls, m_answers, this);
        m_pending.fetch_sub(1, std::memory_order_relaxed);
    }, Qt::QueuedConnection);
}

void HttpWorker::childEvent(QChildEvent *event)
{
    // The children are the connections and the TLS handshakes on their way to becoming one.
    if (event->added())
        m_children.fetch_add(1, std::memory_order_relaxed);
    else if (event->removed())
        m_children.fetch_sub(1, std::memory_order_relaxed);
}

void HttpWorker::abortConnections(std::shared_ptr<HttpListenerState> state, quint64 key)
{
    QMetaObject::invokeMethod(this, [this, state, key] {
        HttpSocketStarter::abortHandshakes(this, state.get(), key);
        const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
        for (HttpConnection *c : connections) {
            if (c->listenerState() == state.get() && (key == 0 || c->key() == key))
                c->abort();
        }
    }, Qt::QueuedConnection);
}

} // namespace sb::http
