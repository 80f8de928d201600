// SPDX-License-Identifier: Apache-2.0
#include "nativeendpoint.h"

#include "unbufferedtcpserver.h"

#include <switchboard/configvalue.h>
#include <switchboard/hub.h>
#include <switchboard/tls.h>

#include <QLocalServer>
#include <QLocalSocket>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

#include <limits>

namespace sb::native {

namespace {
Error badKey(const QString &key, const QString &why)
{
    return Error(ErrorCode::InvalidConfig, QStringLiteral("native.%1: %2").arg(key, why),
                 {{QStringLiteral("key"), QString(QStringLiteral("native.") + key)}});
}

// A size key ("1MiB" or plain bytes) of at least \a min bytes.
Status parseBytes(const QVariant &v, const QString &key, qint64 min, qint64 *out)
{
    const Result<qint64> n = config::parseSize(v, QStringLiteral("native.") + key);
    if (!n)
        return n.error();
    if (n.value() < min)
        return badKey(key, QStringLiteral("must be a number of bytes >= %1").arg(min));
    *out = n.value();
    return {};
}

// A duration key ("5s" or plain milliseconds) from \a min into an int of milliseconds.
Status parseMs(const QVariant &v, const QString &key, qint64 min, const QString &why, int *out)
{
    const Result<qint64> n = config::parseDurationMs(v, QStringLiteral("native.") + key);
    if (!n)
        return n.error();
    if (n.value() < min || n.value() > std::numeric_limits<int>::max())
        return badKey(key, why);
    *out = int(n.value());
    return {};
}

// rate-limit: "100/second" (or a plain number per second), or {messages-per-second, burst}.
Status parseRateLimit(const QVariant &v, NativeSettings *settings)
{
    const QString key = QStringLiteral("rate-limit");
    if (v.typeId() != QMetaType::QVariantMap) {
        const Result<config::Rate> rate = config::parseRate(v, QStringLiteral("native.") + key);
        if (!rate)
            return rate.error();
        settings->rateLimit = rate->perSecond;
        settings->rateBurst = 0; // the limiter's default: one second's worth
        return {};
    }
    const QVariantMap rl = v.toMap();
    const Result<config::Rate> rate = config::parseRate(rl.value(QStringLiteral("messages-per-second"), 0),
                                                        QStringLiteral("native.rate-limit.messages-per-second"));
    if (!rate)
        return rate.error();
    bool ok = true;
    settings->rateLimit = rate->perSecond;
    settings->rateBurst = rl.value(QStringLiteral("burst"), 0).toDouble(&ok);
    if (!ok || settings->rateBurst < 0)
        return badKey(key, QStringLiteral("needs non-negative \"messages-per-second\" and \"burst\""));
    return {};
}
} // namespace

// The connection bounds: max-connections, max-connections-per-peer, max-outbound-bytes,
// pre-auth-bytes, nack-window {max-messages, max-bytes}. False: not one of these keys.
static Result<bool> parseBound(const QString &key, const QVariant &v, NativeEndpointConfig &c)
{
    qint64 n = 0;
    if (key == QLatin1String("max-connections") || key == QLatin1String("max-connections-per-peer")) {
        bool ok = false;
        n = v.toLongLong(&ok);
        if (!ok || n < 1 || n > 1000000)
            return badKey(key, QStringLiteral("must be a number of connections from 1 to 1000000"));
        (key == QLatin1String("max-connections") ? c.maxConnections : c.maxConnectionsPerPeer) = int(n);
    } else if (key == QLatin1String("max-outbound-bytes")) {
        if (Status st = parseBytes(v, key, 4096, &c.settings.outbound.maxBytes); !st)
            return st.error();
    } else if (key == QLatin1String("pre-auth-bytes")) {
        if (Status st = parseBytes(v, key, 256, &c.settings.preAuthBytes); !st)
            return st.error();
    } else if (key == QLatin1String("nack-window")) {
        const QVariantMap w = v.toMap();
        for (auto it = w.cbegin(); it != w.cend(); ++it) {
            bool ok = false;
            if (it.key() == QLatin1String("max-messages") && (n = it.value().toLongLong(&ok), ok) && n >= 0 && n <= 1000000) {
                c.settings.nackWindow.maxMessages = int(n);
            } else if (it.key() == QLatin1String("max-bytes")) {
                if (Status st = parseBytes(it.value(), key + QStringLiteral(".max-bytes"), 0, &c.settings.nackWindow.maxBytes); !st)
                    return st.error();
            } else {
                return badKey(key + QLatin1Char('.') + it.key(),
                              QStringLiteral("expected max-messages (0 to 1000000) or max-bytes (a size)"));
            }
        }
    } else {
        return false;
    }
    return true;
}

Result<NativeEndpointConfig> NativeEndpointConfig::fromVariantMap(const QVariantMap &map)
{
    NativeEndpointConfig c;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString &key = it.key();
        const QVariant &v = it.value();
        if (key == QLatin1String("tcp")) {
            const QString s = v.toString();
            if (s.isEmpty())
                continue;
            const qsizetype colon = s.lastIndexOf(QLatin1Char(':'));
            bool ok = false;
            const uint port = colon > 0 ? s.mid(colon + 1).toUInt(&ok) : 0;
            if (colon <= 0 || !ok || port > 65535)
                return badKey(key, QStringLiteral("\"%1\" is not host:port (e.g. 127.0.0.1:7400; port 0 picks a free one)").arg(s));
            c.tcpHost = s.left(colon);
            if (c.tcpHost.startsWith(QLatin1Char('[')) && c.tcpHost.endsWith(QLatin1Char(']')))
                c.tcpHost = c.tcpHost.mid(1, c.tcpHost.size() - 2);
            if (QHostAddress(c.tcpHost).isNull() && c.tcpHost != QLatin1String("localhost"))
                return badKey(key, QStringLiteral("\"%1\" is not an IP address").arg(c.tcpHost));
            c.tcpPort = quint16(port);
        } else if (key == QLatin1String("local")) {
            c.localName = v.toString();
        } else if (key == QLatin1String("tls")) {
            const QVariantMap tls = v.toMap();
            c.tlsCert = tls.value(QStringLiteral("cert")).toString();
            c.tlsKey = tls.value(QStringLiteral("key")).toString();
            c.tlsClientCa = tls.value(QStringLiteral("client-ca")).toString();
            if (c.tlsCert.isEmpty() || c.tlsKey.isEmpty())
                return badKey(key, QStringLiteral("needs both \"cert\" and \"key\" (PEM file paths)"));
            for (auto t = tls.cbegin(); t != tls.cend(); ++t) {
                if (t.key() != QLatin1String("cert") && t.key() != QLatin1String("key") && t.key() != QLatin1String("client-ca"))
                    return badKey(key + QLatin1Char('.') + t.key(), QStringLiteral("unknown key (expected cert, key, client-ca)"));
            }
        } else if (key == QLatin1String("max-frame-size")) {
            if (Status st = parseBytes(v, key, 1024, &c.settings.maxFrameSize); !st)
                return st.error();
        } else if (key == QLatin1String("handshake-timeout-ms")) {
            if (Status st = parseMs(v, key, 1, QStringLiteral("must be a positive number of milliseconds"),
                                    &c.settings.handshakeTimeoutMs);
                !st)
                return st.error();
        } else if (key == QLatin1String("idle-timeout-ms")) {
            if (Status st = parseMs(v, key, 0, QStringLiteral("must be a number of milliseconds (0: never)"),
                                    &c.settings.idleTimeoutMs);
                !st)
                return st.error();
        } else if (key == QLatin1String("local-send-buffer")) {
            if (Status st = parseBytes(v, key, 0, &c.localSendBuffer); !st)
                return st.error();
            if (c.localSendBuffer > 256 * 1024 * 1024)
                return badKey(key, QStringLiteral("must be at most 256MiB (the kernel caps it at twice net.core.wmem_max)"));
        } else if (key == QLatin1String("high-water-bytes")) {
            if (Status st = parseBytes(v, key, 1024, &c.settings.outbound.highWaterBytes); !st)
                return st.error();
        } else if (Result<bool> bound = parseBound(key, v, c); !bound) {
            return bound.error();
        } else if (bound.value()) {
            continue;
        } else if (key == QLatin1String("queue")) {
            auto q = QueueLimits::fromVariantMap(v.toMap(), QStringLiteral("native.queue"));
            if (!q)
                return q.error();
            c.settings.queue = q.value();
        } else if (key == QLatin1String("rate-limit")) {
            if (Status st = parseRateLimit(v, &c.settings); !st)
                return st.error();
        } else {
            return badKey(key, QStringLiteral("unknown key"));
        }
    }
    if (c.settings.outbound.maxBytes <= c.settings.outbound.highWaterBytes)
        return badKey(QStringLiteral("max-outbound-bytes"),
                      QStringLiteral("must be larger than high-water-bytes (%1): the room left for answers")
                          .arg(c.settings.outbound.highWaterBytes));
    if (c.tcpHost.isEmpty() && c.localName.isEmpty())
        return badKey(QStringLiteral("tcp"), QStringLiteral("neither \"tcp\" nor \"local\" is set; nothing to listen on"));
    return c;
}

NativeEndpoint::NativeEndpoint(const NativeEndpointConfig &config, Hub *hub, QObject *parent)
    : Endpoint(QStringLiteral("native"), QStringLiteral("native"), parent), m_config(config), m_hub(hub)
{
    m_sweep.setInterval(qBound(100, qMin(config.settings.handshakeTimeoutMs, config.settings.idleTimeoutMs > 0
                                                                                   ? config.settings.idleTimeoutMs
                                                                                   : 1000) / 2,
                               1000));
    connect(&m_sweep, &QTimer::timeout, this, &NativeEndpoint::sweep);
}

NativeEndpoint::~NativeEndpoint() = default;

Status NativeEndpoint::start()
{
    if (!m_config.tcpHost.isEmpty()) {
        if (!m_config.tlsCert.isEmpty()) {
            Result<QSslConfiguration> ssl = loadServerTls(m_config.tlsCert, m_config.tlsKey);
            Status mtls;
            if (ssl && !m_config.tlsClientCa.isEmpty())
                mtls = requireClientCertificates(ssl.value(), m_config.tlsClientCa);
            if (!ssl || !mtls) {
                const Error e = badKey(QStringLiteral("tls"), ssl ? mtls.error().message : ssl.error().message);
                setError(e);
                return e;
            }
            auto *server = new QSslServer(this);
            server->setSslConfiguration(ssl.value());
            m_tcp = server;
        } else {
            m_tcp = new UnbufferedTcpServer(this);
        }
        const QHostAddress address = m_config.tcpHost == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                                                    : QHostAddress(m_config.tcpHost);
        if (!m_tcp->listen(address, m_config.tcpPort)) {
            const Error e(m_tcp->serverError() == QAbstractSocket::AddressInUseError ? ErrorCode::PortInUse
                                                                                      : ErrorCode::Internal,
                          QStringLiteral("native: cannot listen on %1:%2: %3")
                              .arg(m_config.tcpHost)
                              .arg(m_config.tcpPort)
                              .arg(m_tcp->errorString()));
            delete m_tcp;
            m_tcp = nullptr;
            setError(e);
            return e;
        }
        connect(m_tcp, &QTcpServer::pendingConnectionAvailable, this, &NativeEndpoint::acceptTcp);
    }
    if (!m_config.localName.isEmpty()) {
        // A live hub on the socket is never displaced (QLocalServer would silently replace the file
        // when socket options are set); a stale file from a crashed hub is removed.
        {
            QLocalSocket probe;
            probe.connectToServer(m_config.localName);
            if (probe.waitForConnected(500)) {
                probe.abort();
                const Error e(ErrorCode::PortInUse,
                              QStringLiteral("native: local socket \"%1\" is in use by a running server")
                                  .arg(m_config.localName));
                if (m_tcp)
                    m_tcp->close();
                setError(e);
                return e;
            }
            QLocalServer::removeServer(m_config.localName);
        }
        m_local = new DirectLocalServer(this);
        m_local->setSocketOptions(QLocalServer::UserAccessOption);
        m_local->setSendBufferBytes(m_config.localSendBuffer);
        m_local->listen(m_config.localName);
        if (!m_local->isListening()) {
            const Error e(m_local->serverError() == QAbstractSocket::AddressInUseError ? ErrorCode::PortInUse
                                                                                        : ErrorCode::Internal,
                          QStringLiteral("native: cannot listen on local socket \"%1\": %2")
                              .arg(m_config.localName, m_local->errorString()));
            delete m_local;
            m_local = nullptr;
            if (m_tcp)
                m_tcp->close();
            setError(e);
            return e;
        }
        connect(m_local, &QLocalServer::newConnection, this, &NativeEndpoint::acceptLocal);
    }
    m_sweep.start();
    setState(State::Running);
    return {};
}

// Over a connection bound the socket gets one fatal ERROR frame (LIMIT_EXCEEDED) and is reset.
bool NativeEndpoint::admit(QIODevice *socket, const QString &address)
{
    Error refusal;
    if (liveConnections().size() >= m_config.maxConnections) {
        refusal = Error(ErrorCode::LimitExceeded,
                        QStringLiteral("this endpoint has %1 connections, the most allowed (native.max-connections)")
                            .arg(m_config.maxConnections),
                        {{QStringLiteral("limit"), m_config.maxConnections}});
    } else if (!address.isEmpty() && m_perPeer.value(address) >= m_config.maxConnectionsPerPeer) {
        refusal = Error(ErrorCode::LimitExceeded,
                        QStringLiteral("%1 has %2 connections, the most allowed per peer (native.max-connections-per-peer)")
                            .arg(address)
                            .arg(m_config.maxConnectionsPerPeer),
                        {{QStringLiteral("limit"), m_config.maxConnectionsPerPeer}});
    }
    if (!refusal.isError())
        return true;
    ++m_refused;
    // Logged at most once a second: a peer hammering a full endpoint must not flood the log.
    const qint64 now = RateLimiter::monotonicMsecs();
    if (now - m_lastRefusalLog >= 1000) {
        qCInfo(lcNative).noquote() << "refused a connection from"
                                   << (address.isEmpty() ? QStringLiteral("a local peer") : address) << refusal.toString()
                                   << QStringLiteral("(%1 refused in all)").arg(m_refused);
        m_lastRefusalLog = now;
    }
    QByteArray out;
    appendError(out, 0, refusal, true);
    socket->write(out);
    if (auto *direct = qobject_cast<DirectSocket *>(socket)) {
        direct->abort(); // the ERROR frame went to the kernel with the write above
    } else if (auto *tcp = qobject_cast<QAbstractSocket *>(socket)) {
        tcp->flush();
        tcp->abort();
    }
    socket->deleteLater();
    return false;
}

void NativeEndpoint::acceptTcp()
{
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        const QString address = socket->peerAddress().toString();
        if (!admit(socket, address))
            continue;
        const QString peer = address + QLatin1Char(':') + QString::number(socket->peerPort());
        const QString protocol = qobject_cast<QSslSocket *>(socket) ? QStringLiteral("native+tls")
                                                                     : QStringLiteral("native+tcp");
        auto *c = new NativeConnection(m_hub, socket, protocol, peer, m_config.settings, m_flusher, this);
        ++m_perPeer[address];
        connect(c, &QObject::destroyed, this, [this, address] {
            if (--m_perPeer[address] <= 0)
                m_perPeer.remove(address);
        });
    }
}

void NativeEndpoint::acceptLocal()
{
    while (DirectSocket *socket = m_local->nextDirectConnection()) {
        if (!admit(socket, QString()))
            continue; // local peers share one address: only the endpoint's total applies
        new NativeConnection(m_hub, socket, QStringLiteral("native+local"), m_local->fullServerName(),
                             m_config.settings, m_flusher, this);
    }
}

QList<NativeConnection *> NativeEndpoint::liveConnections() const
{
    return findChildren<NativeConnection *>(QString(), Qt::FindDirectChildrenOnly);
}

void NativeEndpoint::sweep()
{
    const qint64 now = RateLimiter::monotonicMsecs();
    for (NativeConnection *c : liveConnections())
        c->checkTimeouts(now);
}

void NativeEndpoint::stop(int drainMs)
{
    if (m_tcp)
        m_tcp->close();
    if (m_local)
        m_local->close();
    for (NativeConnection *c : liveConnections()) {
        if (drainMs > 0)
            c->drainAndClose(drainMs);
        else
            c->close(Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
    }
    setState(State::Stopped);
}

void NativeEndpoint::countClosed(ErrorCode code, bool beforeConnect)
{
    if (code == ErrorCode::Overflow)
        ++m_overflowClosed;
    if (beforeConnect)
        ++m_preAuthClosed;
}

QString NativeEndpoint::tcpAddress() const
{
    if (!m_tcp || !m_tcp->isListening())
        return {};
    return m_tcp->serverAddress().toString() + QLatin1Char(':') + QString::number(m_tcp->serverPort());
}

QString NativeEndpoint::localAddress() const
{
    return m_local && m_local->isListening() ? m_local->fullServerName() : QString();
}

QVariantMap NativeEndpoint::health() const
{
    QVariantMap h = Endpoint::health();
    h.insert(QStringLiteral("tcp"), tcpAddress());
    h.insert(QStringLiteral("tls"), !m_config.tlsCert.isEmpty());
    h.insert(QStringLiteral("local"), localAddress());
    if (m_local && m_local->effectiveSendBufferBytes() >= 0)
        h.insert(QStringLiteral("localSendBuffer"), double(m_local->effectiveSendBufferBytes()));
    h.insert(QStringLiteral("connections"), liveConnections().size());
    h.insert(QStringLiteral("maxConnections"), m_config.maxConnections);
    h.insert(QStringLiteral("maxConnectionsPerPeer"), m_config.maxConnectionsPerPeer);
    h.insert(QStringLiteral("refusedConnections"), double(m_refused));
    h.insert(QStringLiteral("overflowClosed"), double(m_overflowClosed));
    h.insert(QStringLiteral("preAuthClosed"), double(m_preAuthClosed));
    return h;
}

} // namespace sb::native
