// SPDX-License-Identifier: Apache-2.0
#include "remoteserver.h"

#include "remotecontrol.h"
#include "remotehandshake.h"

#include <switchboard/auth.h>

#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>
#include <QTimer>
#include <QtROIoDeviceBase>

Q_LOGGING_CATEGORY(lcRemote, "switchboard.remote")

namespace sb::remote {

RemoteServer::RemoteServer(RemoteControl *source, const Authenticator *authenticator,
                           const RemoteServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_authenticator(authenticator)
    , m_options(options)
{
}

RemoteServer::~RemoteServer()
{
    m_host.reset();
    stop();
}

Status RemoteServer::start()
{
    if (!m_options.tcpHost.isEmpty()) {
        if (!m_options.tls || m_options.tls->localCertificate().isNull())
            return Error(ErrorCode::InvalidConfig,
                         QStringLiteral("remote.tcp needs remote.tls (certificate and key): the API is never served in the clear"),
                         {{QStringLiteral("key"), QStringLiteral("remote.tls")}});
        auto *server = new QSslServer(this);
        server->setSslConfiguration(*m_options.tls);
        server->setHandshakeTimeout(m_options.handshakeTimeoutMs);
        m_tcp = server;
        const QHostAddress address = m_options.tcpHost == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                                                     : QHostAddress(m_options.tcpHost);
        if (address.isNull() || !m_tcp->listen(address, m_options.tcpPort)) {
            const Error e(m_tcp->serverError() == QAbstractSocket::AddressInUseError ? ErrorCode::PortInUse
                                                                                      : ErrorCode::InvalidConfig,
                          QStringLiteral("remote: cannot listen on %1:%2: %3")
                              .arg(m_options.tcpHost)
                              .arg(m_options.tcpPort)
                              .arg(address.isNull() ? QStringLiteral("not an IP address") : m_tcp->errorString()),
                          {{QStringLiteral("key"), QStringLiteral("remote.tcp")}});
            stop();
            return e;
        }
        connect(m_tcp, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *s = m_tcp->nextPendingConnection())
                accept(s, false, QStringLiteral("%1:%2").arg(s->peerAddress().toString()).arg(s->peerPort()));
        });
    }
    if (!m_options.localName.isEmpty()) {
        {
            QLocalSocket probe;
            probe.connectToServer(m_options.localName);
            if (probe.waitForConnected(500)) {
                probe.abort();
                stop();
                return Error(ErrorCode::PortInUse,
                             QStringLiteral("remote: local socket \"%1\" is in use by a running hub").arg(m_options.localName),
                             {{QStringLiteral("key"), QStringLiteral("remote.local")}});
            }
            QLocalServer::removeServer(m_options.localName);
        }
        m_local = new QLocalServer(this);
        // The hub's user and its group (operators added to the group may use sbctl and the console).
        m_local->setSocketOptions(QLocalServer::UserAccessOption | QLocalServer::GroupAccessOption);
        if (!m_local->listen(m_options.localName)) {
            const Error e(ErrorCode::InvalidConfig,
                          QStringLiteral("remote: cannot listen on local socket \"%1\": %2")
                              .arg(m_options.localName, m_local->errorString()),
                          {{QStringLiteral("key"), QStringLiteral("remote.local")}});
            stop();
            return e;
        }
        connect(m_local, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *s = m_local->nextPendingConnection())
                accept(s, true, QStringLiteral("local"));
        });
    }
    return {};
}

Status RemoteServer::ensureHost()
{
    if (m_host)
        return {};
    // No QtRO listener of its own: an external-schema URL gives the host its source side, and
    // every connection arrives through addHostSideConnection() after the handshake.
    auto host = std::make_unique<QRemoteObjectHost>();
    host->setHostUrl(QUrl(QStringLiteral("sbrc://remote-control")), QRemoteObjectHost::AllowExternalRegistration);
    m_source->refresh(); // the first replica's initial fetch sees the hub as it is now
    if (!m_source->enableRemoting(host.get()))
        return Error(ErrorCode::Internal, QStringLiteral("remote: cannot remote the hub's objects: %1")
                                              .arg(QString::fromLatin1(QMetaEnum::fromType<QRemoteObjectNode::ErrorCode>().valueToKey(host->lastError()))));
    m_host = std::move(host);
    return {};
}

void RemoteServer::stop()
{
    delete m_tcp;
    m_tcp = nullptr;
    delete m_local;
    m_local = nullptr;
}

QString RemoteServer::localAddress() const
{
    return m_local ? m_local->fullServerName() : QString();
}

QString RemoteServer::tcpAddress() const
{
    return m_tcp ? QStringLiteral("tls://%1:%2").arg(m_tcp->serverAddress().toString()).arg(m_tcp->serverPort()) : QString();
}

quint16 RemoteServer::tcpPort() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

void RemoteServer::accept(QIODevice *device, bool local, const QString &peer)
{
    if (m_open >= m_options.maxConnections) {
        if (auto *tcp = qobject_cast<QAbstractSocket *>(device))
            connect(tcp, &QAbstractSocket::disconnected, device, &QObject::deleteLater);
        else if (auto *ls = qobject_cast<QLocalSocket *>(device))
            connect(ls, &QLocalSocket::disconnected, device, &QObject::deleteLater);
        refuse(device, peer,
               Error(ErrorCode::RateLimited,
                     QStringLiteral("this hub already serves %1 remote-control replicas, its limit").arg(m_open)));
        return;
    }
    ++m_open;
    connect(device, &QObject::destroyed, this, [this] { --m_open; });
    if (auto *tcp = qobject_cast<QAbstractSocket *>(device))
        connect(tcp, &QAbstractSocket::disconnected, device, &QObject::deleteLater);
    else if (auto *ls = qobject_cast<QLocalSocket *>(device))
        connect(ls, &QLocalSocket::disconnected, device, &QObject::deleteLater);

    // The hello must arrive complete within the timeout; nothing else is read before it.
    auto conn = std::make_shared<QMetaObject::Connection>();
    auto *timer = new QTimer(device);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, device, [this, device, peer, conn] {
        disconnect(*conn);
        refuse(device, peer,
               Error(ErrorCode::Timeout, QStringLiteral("no remote-control hello within %1 ms").arg(m_options.handshakeTimeoutMs)));
    });
    timer->start(m_options.handshakeTimeoutMs);
    *conn = connect(device, &QIODevice::readyRead, this, [this, device, local, peer, timer, conn] {
        if (!device->canReadLine() && device->bytesAvailable() < RemoteHandshake::MaxLineBytes)
            return;
        disconnect(*conn);
        timer->stop();
        timer->deleteLater();
        onHelloReady(device, local, peer);
    });
    if (device->bytesAvailable() > 0)
        QMetaObject::invokeMethod(device, &QIODevice::readyRead, Qt::QueuedConnection);
}

void RemoteServer::refuse(QIODevice *device, const QString &peer, const Error &e)
{
    qCWarning(lcRemote).noquote() << "remote-control replica from" << peer << "refused:" << e.toString();
    device->write(RemoteHandshake::refused(e));
    ++m_refused;
    Q_EMIT replicaRefused(peer, e);
    if (auto *s = qobject_cast<QAbstractSocket *>(device))
        s->disconnectFromHost();
    else if (auto *l = qobject_cast<QLocalSocket *>(device))
        l->disconnectFromServer();
    else
        device->close();
}

void RemoteServer::onHelloReady(QIODevice *device, bool local, const QString &peer)
{
    auto refuse = [&](const Error &e) { this->refuse(device, peer, e); };
    const QByteArray line = device->readLine(RemoteHandshake::MaxLineBytes);
    Result<QByteArray> token = RemoteHandshake::parseHello(line);
    if (!token)
        return refuse(token.error());
    QString who = QStringLiteral("local");
    const bool needToken = !local || m_options.localRequiresToken || !token.value().isEmpty();
    if (needToken) {
        if (!m_authenticator)
            return refuse(Error(ErrorCode::Unauthenticated, QStringLiteral("this hub has no tokens configured for remote control")));
        Result<Identity> id = m_authenticator->authenticate(QString(), token.value());
        if (!id)
            return refuse(Error(ErrorCode::Unauthenticated, QStringLiteral("the token is not valid")));
        if (!m_options.role.isEmpty() && !id.value().roles.contains(m_options.role))
            return refuse(Error(ErrorCode::Forbidden,
                                QStringLiteral("token \"%1\" lacks the role \"%2\" needed for remote control")
                                    .arg(id.value().name, m_options.role)));
        who = id.value().name;
    }
    if (Status st = ensureHost(); !st)
        return refuse(st.error());
    device->write(RemoteHandshake::accepted(m_source->hubName()));
    ++m_authenticated;
    ++m_attached;
    m_source->replicaAttached();
    connect(device, &QObject::destroyed, this, [this] {
        --m_attached;
        m_source->replicaDetached();
    });
    qCInfo(lcRemote).noquote() << "remote-control replica" << who << "from" << peer << "accepted";
    Q_EMIT replicaAccepted(who, peer);
    m_host->addHostSideConnection(device);
    // Qt 6.4's wrapper for an external device does not pass the socket's disconnected() on, so
    // the host would keep writing to a gone replica. Tell it ourselves, before the socket goes.
    for (QtROIoDeviceBase *wrapper : m_host->findChildren<QtROIoDeviceBase *>(Qt::FindDirectChildrenOnly)) {
        if (wrapper->connection() != device)
            continue;
        QPointer<QtROIoDeviceBase> guard(wrapper);
        auto relay = [guard] {
            if (guard)
                Q_EMIT guard->disconnected();
        };
        if (auto *s = qobject_cast<QAbstractSocket *>(device))
            connect(s, &QAbstractSocket::disconnected, wrapper, relay);
        else if (auto *l = qobject_cast<QLocalSocket *>(device))
            connect(l, &QLocalSocket::disconnected, wrapper, relay);
    }
    // Bytes that came with the hello (a replica that did not wait) are QtRO's: let it read them.
    if (device->bytesAvailable() > 0)
        QMetaObject::invokeMethod(device, &QIODevice::readyRead, Qt::QueuedConnection);
}

} // namespace sb::remote
