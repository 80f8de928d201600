// SPDX-License-Identifier: Apache-2.0
#include "httplistener.h"

#include "httpconnection.h"

#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>

namespace sb::http {

HttpListener::HttpListener(const HttpServerLimits &limits, HttpHandler *handler, QObject *parent)
    : QObject(parent), m_limits(limits), m_handler(handler)
{
}

HttpListener::~HttpListener()
{
    // Connections go first: they report to the counters and call the handler.
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    qDeleteAll(connections);
}

void HttpListener::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls = configuration;
}

Status HttpListener::listen(const QHostAddress &address, quint16 port)
{
    if (m_server)
        return Error(ErrorCode::Internal, QStringLiteral("http: the listener is already listening"));
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
    const QList<HttpConnection *> connections = findChildren<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
    for (HttpConnection *c : connections)
        c->abort();
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
    return m_counters->connectionsOpen;
}

bool HttpListener::admit(const QString &address) const
{
    return m_counters->connectionsOpen < m_limits.maxConnections
           && m_perAddress.value(address) < m_limits.maxConnectionsPerAddress;
}

void HttpListener::acceptPending()
{
    while (m_server) {
        QTcpSocket *socket = m_server->nextPendingConnection();
        if (!socket)
            break;
        const QString address = socket->peerAddress().toString();
        if (!admit(address)) {
            ++m_counters->connectionsRefused;
            socket->abort();
            socket->deleteLater();
            continue;
        }
        ++m_counters->connectionsAccepted;
        ++m_counters->connectionsOpen;
        ++m_perAddress[address];
        auto *connection = new HttpConnection(socket, m_limits, m_handler, m_counters, this);
        // The counters outlive the listener's connections only through the shared pointer.
        connect(connection, &QObject::destroyed, this, [this, address] {
            --m_counters->connectionsOpen;
            if (--m_perAddress[address] <= 0)
                m_perAddress.remove(address);
        });
    }
}

QVariantMap HttpListener::health() const
{
    QVariantMap h = m_counters->toVariantMap();
    h.insert(QStringLiteral("address"), QString(serverAddress().toString() + QLatin1Char(':') + QString::number(serverPort())));
    h.insert(QStringLiteral("tls"), isTls());
    h.insert(QStringLiteral("maxConnections"), m_limits.maxConnections);
    h.insert(QStringLiteral("maxConnectionsPerAddress"), m_limits.maxConnectionsPerAddress);
    return h;
}

} // namespace sb::http
