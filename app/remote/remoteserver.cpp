// SPDX-License-Identifier: Apache-2.0
#include "remoteserver.h"

#include "remotecontrol.h"
#include "remotehandshake.h"

#include <switchboard/auth.h>

#include <QDateTime>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QSslSocket>
#include <QTimer>
#include <QtROIoDeviceBase>

#include <algorithm>
#include <functional>
#include <limits>

#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/socket.h>
#endif

Q_LOGGING_CATEGORY(lcRemote, "switchboard.remote")

namespace sb::remote {

namespace {
// Who is at the other end of a local socket, from the kernel (SO_PEERCRED): the per-peer key
// ("uid 1000") and a description for the logs. Without it every local peer is one peer.
std::pair<QString, QString> localPeer(QLocalSocket *socket)
{
#ifdef Q_OS_LINUX
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(int(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
        return {QStringLiteral("uid %1").arg(cred.uid), QStringLiteral("local (uid %1, pid %2)").arg(cred.uid).arg(cred.pid)};
#else
    Q_UNUSED(socket)
#endif
    return {QStringLiteral("local"), QStringLiteral("local")};
}

// A TCP listener that hands every new connection straight to the RemoteServer, before TLS.
// QSslServer (Qt 6.4) keeps sockets in their TLS handshake in its own pending queue, counted
// against maxPendingConnections (30), and stops accepting while that is full: 30 sockets that
// never start TLS kept every operator out until its handshake timeout, and again after each
// reconnect. Here the TLS handshake is only the first part of a pending connection, under the
// same per-peer and total limits and the same deadline as the hello.
class TlsListener : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;
    std::function<void(qintptr)> incoming;

protected:
    void incomingConnection(qintptr handle) override { incoming(handle); }
};

void closeWhenDisconnected(QIODevice *device)
{
    if (auto *tcp = qobject_cast<QAbstractSocket *>(device))
        QObject::connect(tcp, &QAbstractSocket::disconnected, device, &QObject::deleteLater);
    else if (auto *ls = qobject_cast<QLocalSocket *>(device))
        QObject::connect(ls, &QLocalSocket::disconnected, device, &QObject::deleteLater);
}
} // namespace

RemoteServer::RemoteServer(RemoteControl *source, const Authenticator *authenticator,
                           const RemoteServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_authenticator(authenticator)
    , m_options(options)
{
    connect(source, &RemoteControl::credentialRevoked, this,
            [this](const QString &provider, const QString &credentialId) { closeReplicasOf(provider, credentialId); });
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
        auto *server = new TlsListener(this);
        server->incoming = [this, server](qintptr handle) {
            auto *s = new QSslSocket(server);
            if (!s->setSocketDescriptor(handle)) {
                ::close(int(handle));
                delete s;
                return;
            }
            s->setSslConfiguration(*m_options.tls);
            accept(s, false, QStringLiteral("%1:%2").arg(s->peerAddress().toString()).arg(s->peerPort()),
                   QStringLiteral("tcp ") + s->peerAddress().toString());
            s->startServerEncryption();
        };
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
            while (QLocalSocket *s = m_local->nextPendingConnection()) {
                const auto [key, peer] = localPeer(s);
                accept(s, true, peer, key);
            }
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

QVariantMap RemoteServer::stats() const
{
    return {
        {QStringLiteral("pending"), pendingCount()},
        {QStringLiteral("attached"), m_attached},
        {QStringLiteral("maxPendingHandshakes"), m_options.maxPendingHandshakes},
        {QStringLiteral("maxPendingHandshakesPerPeer"), m_options.maxPendingHandshakesPerPeer},
        {QStringLiteral("maxReplicas"), m_options.maxConnections},
        {QStringLiteral("accepted"), m_counters.accepted},
        {QStringLiteral("refused"), m_counters.refused()},
        {QStringLiteral("refusedPendingLimit"), m_counters.pendingLimit},
        {QStringLiteral("refusedReplicaLimit"), m_counters.replicaLimit},
        {QStringLiteral("refusedTimeout"), m_counters.timeout},
        {QStringLiteral("refusedBadHello"), m_counters.badHello},
        {QStringLiteral("refusedUnauthenticated"), m_counters.unauthenticated},
        {QStringLiteral("refusedForbidden"), m_counters.forbidden},
        {QStringLiteral("refusedInternal"), m_counters.internal},
    };
}

void RemoteServer::accept(QIODevice *device, bool local, const QString &peer, const QString &peerKey)
{
    closeWhenDisconnected(device);
    // A pending connection is never refused for being new: the oldest pending one of the same
    // peer (or of the busiest peer) makes room. Refusing the newest would let a few silent
    // sockets, reconnected every timeout, keep out an operator who shares their uid or address;
    // this way a client that says its hello promptly always gets to say it.
    makeRoomForPending(peerKey);

    auto *timer = new QTimer(device);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, device] {
        Pending p;
        if (!takePending(device, &p))
            return;
        refuse(device, p.peer, Refusal::Timeout,
               Error(ErrorCode::Timeout, QStringLiteral("no remote-control hello within %1 ms").arg(m_options.handshakeTimeoutMs)));
    });
    timer->start(m_options.handshakeTimeoutMs);
    Pending p{device, local, peer, peerKey, timer, {}};
    p.readyRead = connect(device, &QIODevice::readyRead, this, [this, device] { onPendingReadyRead(device); });
    m_pending.push_back(std::move(p));
    // A peer that goes away before its hello frees its place at once.
    connect(device, &QObject::destroyed, this, [this, device] { takePending(device); });
    if (device->bytesAvailable() > 0)
        QMetaObject::invokeMethod(device, &QIODevice::readyRead, Qt::QueuedConnection);
}

void RemoteServer::makeRoomForPending(const QString &peerKey)
{
    const auto countOf = [this](const QString &key) {
        return std::count_if(m_pending.begin(), m_pending.end(), [&](const Pending &p) { return p.peerKey == key; });
    };
    const int perPeer = std::max(1, m_options.maxPendingHandshakesPerPeer);
    const int total = std::max(1, m_options.maxPendingHandshakes);
    while (!m_pending.empty()) {
        QString victimKey;
        QString why;
        if (countOf(peerKey) >= perPeer) {
            victimKey = peerKey;
            why = QStringLiteral("more than %1 unauthenticated remote-control connections from this peer; the oldest is closed")
                      .arg(perPeer);
        } else if (int(m_pending.size()) >= total) {
            // The peer with the most pending connections gives one up (the first such: oldest).
            qsizetype most = 0;
            for (const Pending &p : m_pending) {
                if (const qsizetype n = countOf(p.peerKey); n > most) {
                    most = n;
                    victimKey = p.peerKey;
                }
            }
            why = QStringLiteral("more than %1 unauthenticated remote-control connections; the oldest of the busiest peer is closed")
                      .arg(total);
        } else {
            return;
        }
        const auto it = std::find_if(m_pending.begin(), m_pending.end(), [&](const Pending &p) { return p.peerKey == victimKey; });
        Pending victim;
        QIODevice *device = it->device;
        takePending(device, &victim);
        refuse(device, victim.peer, Refusal::PendingLimit, Error(ErrorCode::RateLimited, why));
    }
}

bool RemoteServer::takePending(QIODevice *device, Pending *out)
{
    const auto it = std::find_if(m_pending.begin(), m_pending.end(), [device](const Pending &p) { return p.device == device; });
    if (it == m_pending.end())
        return false;
    disconnect(it->readyRead);
    it->timer->stop();
    if (out)
        *out = *it;
    m_pending.erase(it);
    return true;
}

void RemoteServer::onPendingReadyRead(QIODevice *device)
{
    const auto it = std::find_if(m_pending.begin(), m_pending.end(), [device](const Pending &p) { return p.device == device; });
    if (it == m_pending.end())
        return;
    // The hello is one line of at most maxHelloBytes; nothing else is read before it.
    const qint64 cap = std::max(16, m_options.maxHelloBytes);
    const QByteArray head = device->peek(cap);
    const qsizetype newline = head.indexOf('\n');
    if (newline < 0 && head.size() < cap)
        return; // not complete yet
    Pending p;
    takePending(device, &p);
    p.timer->deleteLater();
    if (newline < 0)
        return refuse(device, p.peer, Refusal::BadHello,
                      Error(ErrorCode::BadFrame, QStringLiteral("the remote-control hello line is longer than %1 bytes").arg(cap)));
    onHelloReady(device, p.local, p.peer, device->read(newline + 1));
}

void RemoteServer::refuse(QIODevice *device, const QString &peer, Refusal reason, const Error &e)
{
    switch (reason) {
    case Refusal::PendingLimit: ++m_counters.pendingLimit; break;
    case Refusal::ReplicaLimit: ++m_counters.replicaLimit; break;
    case Refusal::Timeout: ++m_counters.timeout; break;
    case Refusal::BadHello: ++m_counters.badHello; break;
    case Refusal::Unauthenticated: ++m_counters.unauthenticated; break;
    case Refusal::Forbidden: ++m_counters.forbidden; break;
    case Refusal::Internal: ++m_counters.internal; break;
    }
    // Never the token: the messages name at most the token's identity.
    qCInfo(lcRemote).noquote() << "remote-control connection from" << peer << "refused:" << e.toString()
                               << QStringLiteral("(%1 refused so far, %2 pending)").arg(m_counters.refused()).arg(m_pending.size());
    Q_EMIT replicaRefused(peer, e);
    if (auto *ssl = qobject_cast<QSslSocket *>(device); ssl && !ssl->isEncrypted()) {
        // Still in its TLS handshake: there is no channel to say why on.
        ssl->abort();
        ssl->deleteLater();
        return;
    }
    device->write(RemoteHandshake::refused(e));
    // A peer that does not read must not keep a closing socket forever.
    QTimer::singleShot(std::max(1000, m_options.handshakeTimeoutMs), device, [device] {
        if (auto *s = qobject_cast<QAbstractSocket *>(device))
            s->abort();
        else if (auto *l = qobject_cast<QLocalSocket *>(device))
            l->abort();
        device->deleteLater();
    });
    if (auto *s = qobject_cast<QAbstractSocket *>(device))
        s->disconnectFromHost();
    else if (auto *l = qobject_cast<QLocalSocket *>(device))
        l->disconnectFromServer();
    else
        device->close();
}

void RemoteServer::closeReplicaDevice(QIODevice *device)
{
    if (auto *s = qobject_cast<QAbstractSocket *>(device))
        s->abort();
    else if (auto *l = qobject_cast<QLocalSocket *>(device))
        l->abort();
    device->deleteLater();
}

int RemoteServer::closeReplicasOf(const QString &provider, const QString &credentialId)
{
    QList<QIODevice *> victims;
    for (const Replica &r : m_replicas) {
        if (r.device && !provider.isEmpty() && r.provider == provider && r.credentialId == credentialId)
            victims.append(r.device);
    }
    for (QIODevice *d : std::as_const(victims))
        closeReplicaDevice(d);
    return int(victims.size());
}

void RemoteServer::onHelloReady(QIODevice *device, bool local, const QString &peer, const QByteArray &line)
{
    auto refuse = [&](Refusal reason, const Error &e) { this->refuse(device, peer, reason, e); };
    Result<QByteArray> token = RemoteHandshake::parseHello(line);
    if (!token)
        return refuse(Refusal::BadHello, token.error());
    QString who = QStringLiteral("local");
    Identity identity;
    // Mutual TLS: the certificate the handshake verified is a credential of its own.
    QSslCertificate certificate;
    if (auto *ssl = qobject_cast<QSslSocket *>(device); ssl && m_authenticator && m_authenticator->acceptsCertificates())
        certificate = ssl->peerCertificate();
    const bool needToken = !local || m_options.localRequiresToken || !token.value().isEmpty() || !certificate.isNull();
    if (needToken) {
        if (!m_authenticator)
            return refuse(Refusal::Unauthenticated,
                          Error(ErrorCode::Unauthenticated, QStringLiteral("this hub has no tokens configured for remote control")));
        AuthRequest request;
        request.credential = token.value();
        request.certificate = certificate;
        request.protocol = QStringLiteral("remote");
        // TCP peers are throttled per address after failures; the local socket is the machine's own.
        request.peerAddress = local ? QString() : peer.left(peer.lastIndexOf(QLatin1Char(':')));
        Result<Identity> id = m_authenticator->authenticate(request);
        if (!id && id.error().code == ErrorCode::RateLimited)
            return refuse(Refusal::Unauthenticated, id.error());
        if (!id)
            return refuse(Refusal::Unauthenticated,
                          Error(ErrorCode::Unauthenticated, QStringLiteral("the credential is not valid: ") + id.error().message));
        if (!m_options.role.isEmpty() && !id.value().roles.contains(m_options.role))
            return refuse(Refusal::Forbidden,
                          Error(ErrorCode::Forbidden, QStringLiteral("token \"%1\" lacks the role \"%2\" needed for remote control")
                                                          .arg(id.value().name, m_options.role)));
        who = id.value().name;
        identity = id.value();
    }
    // Only authenticated replicas take a slot.
    if (m_attached >= m_options.maxConnections)
        return refuse(Refusal::ReplicaLimit,
                      Error(ErrorCode::RateLimited,
                            QStringLiteral("this hub already serves %1 remote-control replicas, its limit").arg(m_attached)));
    if (Status st = ensureHost(); !st)
        return refuse(Refusal::Internal, st.error());
    device->write(RemoteHandshake::accepted(m_source->hubName()));
    ++m_counters.accepted;
    ++m_attached;
    m_source->replicaAttached();
    m_replicas.push_back({device, identity.provider, identity.credentialId});
    connect(device, &QObject::destroyed, this, [this, device] {
        --m_attached;
        m_source->replicaDetached();
        m_replicas.erase(std::remove_if(m_replicas.begin(), m_replicas.end(),
                                        [device](const Replica &r) { return !r.device || r.device == device; }),
                         m_replicas.end());
    });
    // A credential that expires (a JWT) ends the session with it.
    if (identity.expiresAtMs > 0) {
        const qint64 left = identity.expiresAtMs - QDateTime::currentMSecsSinceEpoch();
        QTimer::singleShot(int(std::clamp<qint64>(left, 0, std::numeric_limits<int>::max())), device, [this, device, who] {
            qCInfo(lcRemote).noquote() << "remote-control replica" << who << "closed: its credential expired";
            closeReplicaDevice(device);
        });
    }
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
