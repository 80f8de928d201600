// SPDX-License-Identifier: Apache-2.0
#include "httplistener.h"

#include "httpconnection.h"
#include "httplistenerstate.h"
#include "httprequestrelay.h"
#include "httpsocketstarter.h"
#include "httpworker.h"
#include "httpworkerpool.h"

#include <QTcpServer>

#include <unistd.h>

namespace sb::http {

namespace {
// Hands over accepted descriptors instead of making sockets: the socket (and the TLS handshake)
// is made in the thread that will run the connection.
class DescriptorServer : public QTcpServer
{
public:
    explicit DescriptorServer(std::function<void(qintptr)> accepted, QObject *parent)
        : QTcpServer(parent), m_accepted(std::move(accepted))
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_accepted(descriptor); }

private:
    std::function<void(qintptr)> m_accepted;
};
} // namespace

HttpListener::HttpListener(const HttpServerLimits &limits, HttpHandler *handler, QObject *parent)
    : QObject(parent), m_limits(limits), m_handler(handler),
      m_state(std::make_shared<HttpListenerState>(limits, handler))
{
    m_closedKeys = std::make_shared<HttpBatchQueue<quint64>>(this, [this](std::vector<quint64> &keys) {
        for (const quint64 key : keys)
            Q_EMIT connectionClosed(key);
    });
    m_state->setClosedQueue(m_closedKeys);
}

HttpListener::~HttpListener()
{
    // Nothing reaches the handler after this: the relay (if any) is closed, connections in this
    // thread go first (they call the handler), those on I/O threads are reset there.
    if (m_relay)
        m_relay->close();
    m_closedKeys->close(); // nothing is reported to a listener that is gone
    abortConnections();
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    qDeleteAll(connections);
}

void HttpListener::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls = configuration;
}

void HttpListener::setWorkerPool(HttpWorkerPool *pool)
{
    if (!m_server)
        m_pool = pool && pool->size() > 0 ? pool : nullptr;
}

Status HttpListener::listen(const QHostAddress &address, quint16 port)
{
    if (m_server)
        return Error(ErrorCode::Internal, QStringLiteral("http: the listener is already listening"));
    if (m_pool && !m_relay) {
        auto relay = std::make_unique<HttpRequestRelay>(this, m_handler);
        m_relay = relay.get();
        m_state->setOwnedHandler(std::move(relay));
    }
    m_server = new DescriptorServer([this](qintptr descriptor) { accept(descriptor); }, this);
    if (!m_server->listen(address, port)) {
        const Error e(m_server->serverError() == QAbstractSocket::AddressInUseError ? ErrorCode::PortInUse : ErrorCode::Internal,
                      QStringLiteral("http: cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server->errorString()));
        delete m_server;
        m_server = nullptr;
        return e;
    }
    return {};
}

void HttpListener::close()
{
    if (m_server) {
        m_server->close();
        m_server->deleteLater();
        m_server = nullptr;
    }
    abortConnections();
}

void HttpListener::abortConnections()
{
    if (m_pool)
        m_pool->abortConnections(m_state);
    HttpSocketStarter::abortHandshakes(this, m_state.get());
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    for (HttpConnection *c : connections)
        c->abort();
}

void HttpListener::closeConnection(quint64 key)
{
    if (key == 0)
        return;
    if (m_pool)
        m_pool->abortConnections(m_state, key);
    HttpSocketStarter::abortHandshakes(this, m_state.get(), key);
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    for (HttpConnection *c : connections) {
        if (c->key() == key)
            c->abort();
    }
}

bool HttpListener::isListening() const
{
    return m_server && m_server->isListening();
}

QHostAddress HttpListener::serverAddress() const
{
    return m_server ? m_server->serverAddress() : QHostAddress();
}

quint16 HttpListener::serverPort() const
{
    return m_server ? m_server->serverPort() : 0;
}

int HttpListener::connectionCount() const
{
    return m_state->counters().connectionsOpen.load();
}

const HttpServerCounters &HttpListener::counters() const
{
    return m_state->counters();
}

void HttpListener::accept(qintptr descriptor)
{
    QHostAddress peer;
    quint16 port = 0;
    if (!HttpSocketStarter::peerOf(descriptor, &peer, &port)) {
        ::close(int(descriptor)); // gone before it was accepted
        return;
    }
    const quint64 key = m_nextKey++;
    // The caps apply here, before any TLS handshake: a refused peer costs no handshake.
    if (!m_state->admit(peer.toString(), key)) {
        ::close(int(descriptor));
        return;
    }
    Q_EMIT connectionOpened(key, peer, port, isTls());
    if (m_pool)
        m_pool->pick()->adopt(descriptor, key, m_state, m_tls);
    else
        HttpSocketStarter::start(descriptor, key, m_state, m_tls, {}, this);
}

QVariantMap HttpListener::health() const
{
    QVariantMap h = m_state->counters().toVariantMap();
    h.insert(QStringLiteral("address"), QString(serverAddress().toString() + QLatin1Char(':') + QString::number(serverPort())));
    h.insert(QStringLiteral("tls"), isTls());
    h.insert(QStringLiteral("maxConnections"), m_limits.maxConnections);
    h.insert(QStringLiteral("maxConnectionsPerAddress"), m_limits.maxConnectionsPerAddress);
    if (m_pool)
        h.insert(QStringLiteral("ioThreads"), m_pool->size());
    return h;
}

} // namespace sb::http
