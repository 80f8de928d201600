// SPDX-License-Identifier: Apache-2.0
#include "httplistener.h"

#include "httpconnection.h"
#include "httplistenerstate.h"
#include "httprequestrelay.h"
#include "httpworker.h"
#include "httpworkerpool.h"

#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>

namespace sb::http {

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
    // TLS connections stay in this thread for now: a QSslSocket moved to another thread after
    // QSslServer's handshake still had a socket notifier touched from here (Qt's warning).
    if (m_tls)
        m_pool = nullptr;
    if (m_pool && !m_relay) {
        auto relay = std::make_unique<HttpRequestRelay>(this, m_handler);
        m_relay = relay.get();
        m_state->setOwnedHandler(std::move(relay));
    }
    if (m_tls) {
        auto *server = new QSslServer(this);
        server->setSslConfiguration(*m_tls);
        m_server = server;
    } else {
        m_server = new QTcpServer(this);
    }
    if (!m_server->listen(address, port)) {
        const Error e(m_server->serverError() == QAbstractSocket::AddressInUseError ? ErrorCode::PortInUse : ErrorCode::Internal,
                      QStringLiteral("http: cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(m_server->errorString()));
        delete m_server;
        m_server = nullptr;
        return e;
    }
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &HttpListener::acceptPending);
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

void HttpListener::acceptPending()
{
    while (m_server) {
        QTcpSocket *socket = m_server->nextPendingConnection();
        if (!socket)
            break;
        if (!m_state->admit(socket->peerAddress().toString())) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const quint64 key = m_nextKey++;
        Q_EMIT connectionOpened(key, socket->peerAddress(), socket->peerPort(), isTls());
        if (!m_pool) {
            new HttpConnection(socket, key, m_state, {}, this);
            continue;
        }
        // To an I/O thread: the socket leaves the server (its parent) and this thread.
        HttpWorker *worker = m_pool->pick();
        socket->setParent(nullptr);
        socket->moveToThread(worker->thread());
        worker->adopt(socket, key, m_state);
    }
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
