// SPDX-License-Identifier: Apache-2.0
// SwitchboardClient: the socket (connecting over TCP, TLS or the local socket, reading, writing,
// reconnecting). The protocol on top is switchboardclient.cpp.
#include "switchboardclient_p.h"

#include <switchboard/directsocket.h>
#include <switchboard/tls.h>

#include <QJsonObject>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fcntl.h>
#include <sys/socket.h>

namespace sb {

using namespace sb::native;
using namespace sb::clientdetail;

void SwitchboardClient::noteSocketGone(const QString &why)
{
    // The hub's own verdict (a fatal ERROR before it closed: UNAUTHENTICATED, LIMIT_EXCEEDED,
    // OVERFLOW, ...) or a TLS refusal says more than the closed socket.
    if (!m_hubEnded && m_lastError.code != ErrorCode::Unauthenticated)
        m_lastError = Error(ErrorCode::NotConnected, why);
}

void SwitchboardClient::openSocket()
{
    m_hubEnded = false;
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->deleteLater();
    }
    d->reader = FrameReader(m_options.maxFrameSize);
    m_out.clear();
    if (d->kind == Private::Kind::Local) {
        // Qt resolves the name and connects; adoptLocalSocket() then moves the connected
        // descriptor to a DirectSocket, as plain TCP reads and writes without a Qt buffer.
        auto *s = new QLocalSocket(this);
        d->socket = s;
        connect(s, &QLocalSocket::connected, this, [this, s] {
            // Not inside connected(): QLocalSocket emits it before it forgets its connecting
            // descriptor and would close that number a second time after an abort() here (in a
            // process with other threads, maybe someone else's new socket by then).
            QMetaObject::invokeMethod(this, [this, local = QPointer<QLocalSocket>(s)] { adoptLocalSocket(local); },
                                      Qt::QueuedConnection);
        });
        connect(s, &QLocalSocket::disconnected, this, &SwitchboardClient::onSocketDisconnected);
        connect(s, &QLocalSocket::errorOccurred, this, [this, s](QLocalSocket::LocalSocketError) {
            noteSocketGone(s->errorString());
            if (s->state() == QLocalSocket::UnconnectedState)
                onSocketDisconnected();
        });
        connect(s, &QIODevice::readyRead, this, &SwitchboardClient::onReadyRead);
        s->connectToServer(d->localName);
        return;
    }
    QTcpSocket *s = nullptr;
    if (d->kind == Private::Kind::Tls) {
        auto *ssl = new QSslSocket(this);
        QSslConfiguration conf = ssl->sslConfiguration();
        if (!m_options.tlsCaFile.isEmpty())
            conf.addCaCertificates(QSslCertificate::fromPath(m_options.tlsCaFile, QSsl::Pem));
        if (!d->clientChain.isEmpty()) {
            conf.setLocalCertificateChain(d->clientChain);
            conf.setPrivateKey(d->clientKey);
        }
        ssl->setSslConfiguration(conf);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            // The handshake fails; the reason is kept for lastError() and the reconnect log.
            QStringList reasons;
            for (const QSslError &e : errors)
                reasons << e.errorString();
            m_lastError = Error(ErrorCode::Unauthenticated,
                                QStringLiteral("TLS: ") + reasons.join(QStringLiteral("; ")));
        });
        connect(ssl, &QSslSocket::encrypted, this, &SwitchboardClient::onSocketConnected);
        s = ssl;
    } else {
        s = new QTcpSocket(this);
        connect(s, &QTcpSocket::connected, this, &SwitchboardClient::onSocketConnected);
    }
    d->socket = s;
    connect(s, &QTcpSocket::disconnected, this, &SwitchboardClient::onSocketDisconnected);
    connect(s, &QTcpSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError) {
        noteSocketGone(s->errorString());
        if (s->state() == QAbstractSocket::UnconnectedState)
            onSocketDisconnected();
    });
    connect(s, &QIODevice::readyRead, this, &SwitchboardClient::onReadyRead);
    if (auto *ssl = qobject_cast<QSslSocket *>(s))
        ssl->connectToHostEncrypted(d->host, d->port);
    else
        s->connectToHost(d->host, d->port, QIODevice::ReadWrite | QIODevice::Unbuffered);
}

void SwitchboardClient::adoptLocalSocket(QLocalSocket *local)
{
    // Gone or replaced meanwhile (the hub refused and closed, a reconnect, disconnectFromHub()).
    if (!local || d->socket.data() != local || local->state() != QLocalSocket::ConnectedState)
        return;
    // QLocalSocket wraps a buffered QAbstractSocket: every read went through two Qt buffers and
    // every write through a third. A duplicate of the connected descriptor keeps the connection
    // when Qt's own is closed. Nothing has been sent yet (CONNECT goes out below); if the hub
    // already said something (a refusal), this connection stays on QLocalSocket, which read it.
    const int fd = local->bytesAvailable() > 0 ? -1 : ::fcntl(int(local->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        if (local->bytesAvailable() == 0)
            qWarning("SwitchboardClient: cannot duplicate the local socket's descriptor (%s); reading through QLocalSocket",
                     std::strerror(errno));
        onSocketConnected();
        return;
    }
    local->disconnect(this);
    local->abort(); // closes Qt's descriptor only: the duplicate holds the connection
    local->deleteLater();
    if (m_options.localSendBuffer > 0) {
        const int wanted = int(qMin<qint64>(m_options.localSendBuffer, 256 * 1024 * 1024));
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof wanted);
    }
    auto *direct = new DirectSocket(fd, this);
    d->socket = direct;
    connect(direct, &DirectSocket::disconnected, this, [this, direct] {
        // What the hub sent before it closed comes first: a refusal written as it accepted (a
        // full endpoint) is still unread when CONNECT's write finds the connection closed.
        if (direct->isOpen()) // not after our own close()
            onReadyRead();
        if (d->socket.data() != direct)
            return; // the read saw the end and handled it
        noteSocketGone(direct->errorString());
        onSocketDisconnected();
    });
    connect(direct, &QIODevice::readyRead, this, &SwitchboardClient::onReadyRead);
    onSocketConnected();
}

void SwitchboardClient::onSocketConnected()
{
    // Bounded read buffer (see kReadBufferSize): Qt reuses it instead of allocating per burst.
    if (auto *tcp = qobject_cast<QAbstractSocket *>(d->socket.data())) {
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        tcp->setReadBufferSize(kReadBufferSize);
    } else if (auto *local = qobject_cast<QLocalSocket *>(d->socket.data())) {
        local->setReadBufferSize(kReadBufferSize);
    }
    QJsonObject hello{{QStringLiteral("protocol"), ProtocolVersion}, {QStringLiteral("name"), m_options.name}};
    if (!m_options.user.isEmpty())
        hello.insert(QStringLiteral("user"), m_options.user);
    if (!m_options.token.isEmpty())
        hello.insert(QStringLiteral("token"), m_options.token);
    hello.insert(QStringLiteral("nack"), m_options.nack);
    if (!m_options.metadata.isEmpty()) {
        QJsonObject meta;
        for (auto it = m_options.metadata.cbegin(); it != m_options.metadata.cend(); ++it)
            meta.insert(it.key(), it.value());
        hello.insert(QStringLiteral("metadata"), meta);
    }
    appendControl(m_out, FrameType::Connect, nextSeq(), hello);
    flush();
}

void SwitchboardClient::onSocketDisconnected()
{
    QIODevice *socket = d->socket.data();
    if (!socket)
        return;
    socket->disconnect(this);
    socket->deleteLater();
    d->socket = nullptr;
    m_pingTimer.stop();
    const bool wasConnected = m_state == State::Connected;
    failPending(Error(ErrorCode::NotConnected, QStringLiteral("connection to the hub lost")));
    if (m_userDisconnect || !m_options.autoReconnect || m_lastError.code == ErrorCode::Unauthenticated) {
        setState(State::Disconnected);
    } else {
        setState(State::Reconnecting);
        scheduleReconnect();
    }
    if (wasConnected)
        Q_EMIT disconnected();
}

void SwitchboardClient::scheduleReconnect()
{
    const double base = qMin(double(m_options.reconnectMaxMs),
                             m_options.reconnectInitialMs * std::pow(2.0, qMin(m_reconnectAttempt, 20)));
    ++m_reconnectAttempt;
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    m_reconnectTimer.start(int(base * jitter));
}

void SwitchboardClient::failPending(const Error &error)
{
    const auto acks = std::exchange(m_acks, {});
    for (const AckHandler &h : acks)
        h(error);
    const auto requests = std::exchange(m_requests, {});
    for (const PendingRequest &r : requests) {
        delete r.guard;
        r.handler(error);
    }
    m_subscribeSeqs.clear();
}

void SwitchboardClient::disconnectFromHub()
{
    m_userDisconnect = true;
    m_reconnectTimer.stop();
    m_offline.clear();
    m_offlineCount = 0;
    if (auto *tcp = qobject_cast<QAbstractSocket *>(d->socket.data())) {
        flush();
        tcp->disconnectFromHost();
    } else if (auto *local = qobject_cast<QLocalSocket *>(d->socket.data())) {
        flush();
        local->disconnectFromServer();
    } else if (auto *direct = qobject_cast<DirectSocket *>(d->socket.data())) {
        flush();
        direct->close(); // what waits goes out first; disconnected() follows
    } else {
        setState(State::Disconnected);
    }
}

void SwitchboardClient::onReadyRead()
{
    QIODevice *socket = d->socket.data();
    // An unbuffered socket (plain TCP) has no Qt buffer to ask: read up to a chunk and stop when
    // the kernel had less. It also does not signal a closed connection: read() returns -1.
    const bool direct = socket && socket->openMode().testFlag(QIODevice::Unbuffered);
    qint64 budget = kReadPerTurn;
    while (socket) {
        const qint64 want = direct ? kReadChunk : socket->bytesAvailable();
        if (want <= 0)
            break;
        char *dst = d->reader.reserve(want);
        const qint64 got = socket->read(dst, want);
        d->reader.commit(qMax<qint64>(0, got));
        if (got < 0 && direct) {
            noteSocketGone(socket->errorString());
            onSocketDisconnected();
            return;
        }
        if (got <= 0)
            break;
        Frame frame;
        Error error;
        while (true) {
            const auto r = d->reader.next(frame, &error);
            if (r == FrameReader::Result::NeedMore)
                break;
            if (r == FrameReader::Result::Frame) {
                handleFrame(frame.type, frame.body);
                if (d->socket.data() != socket)
                    return; // the handler closed or replaced the socket
                continue;
            }
            m_lastError = error;
            Q_EMIT errorOccurred(error);
            if (r == FrameReader::Result::Corrupt) {
                socket->close();
                return;
            }
        }
        // Direct reads: the kernel is drained, or this turn's share is taken (the read re-armed
        // the notifier, so the rest comes on the next turn).
        if (direct && (got < want || (budget -= got) <= 0))
            break;
    }
}

qint64 SwitchboardClient::bytesToWrite() const
{
    return m_out.size() + (d->socket ? d->socket->bytesToWrite() : 0);
}

void SwitchboardClient::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, &SwitchboardClient::flush, Qt::QueuedConnection);
}

void SwitchboardClient::flush()
{
    m_flushScheduled = false;
    if (m_out.isEmpty() || !d->socket)
        return;
    // Not before the socket is up (the bytes wait in m_out; onSocketConnected flushes them).
    if (auto *tcp = qobject_cast<QAbstractSocket *>(d->socket.data()); tcp && tcp->state() != QAbstractSocket::ConnectedState)
        return;
    if (auto *local = qobject_cast<QLocalSocket *>(d->socket.data()); local && local->state() != QLocalSocket::ConnectedState)
        return;
    if (auto *direct = qobject_cast<DirectSocket *>(d->socket.data()); direct && !direct->isConnected())
        return;
    writeNow(d->socket.data(), m_out);
}

} // namespace sb
