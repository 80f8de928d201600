// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QRemoteObjectHost>
#include <QSslConfiguration>
#include <QVariantMap>
#include <memory>
#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QIODevice;
class QLocalServer;
class QTcpServer;
class QTimer;
QT_END_NAMESPACE

namespace sb {
class Authenticator;
}

namespace sb::remote {

class RemoteControl;

// Where and how the remote-control API is reachable, from the daemon's "remote" config section.
struct RemoteServerOptions
{
    QString localName;                 // socket name or path; empty: no local socket
    QString tcpHost;                   // empty: no TCP
    quint16 tcpPort = 0;
    // Required for TCP. Optional, so that a hub without TCP remote control never loads the TLS
    // backend (OpenSSL is 4 MB of resident memory on a small board).
    std::optional<QSslConfiguration> tls;
    bool localRequiresToken = false;   // the local socket is owner-only; a token may be required too
    QString role = QStringLiteral("admin");
    // A connection is "pending" from accept (TLS handshake included) until its hello is answered.
    // Pending connections never take a replica slot; they have limits of their own, so that
    // sockets which connect and say nothing cannot lock operators out. Over a pending limit the
    // oldest pending connection of that peer (per-peer limit) or of the busiest peer (total
    // limit) is closed with RATE_LIMITED to make room: a client that says its hello promptly
    // always gets to say it, and a silent one holds its place for handshakeTimeoutMs at most.
    int handshakeTimeoutMs = 5000;       // TLS handshake plus hello (remote.handshake-timeout-ms)
    int maxConnections = 32;             // authenticated replicas attached at once (remote.max-replicas)
    int maxPendingHandshakes = 64;       // pending in total (remote.max-pending-handshakes)
    int maxPendingHandshakesPerPeer = 8; // per IP address (TCP) or uid (local socket)
                                         // (remote.max-pending-handshakes-per-peer)
    int maxHelloBytes = 8192;            // the hello line, newline included (remote.max-hello-bytes)
};

// Listens for remote-control replicas on a local socket and on TCP with TLS, authenticates
// each one with a token (RemoteHandshake) and only then hands its socket to the
// QRemoteObjectHost that remotes the RemoteControl source. The host and the remoted objects are
// made when the first replica is accepted, and the source takes snapshots only while replicas
// are attached: a hub nobody watches pays neither memory nor bus-thread time for the API.
// Lives in the bus thread.
class RemoteServer : public QObject
{
    Q_OBJECT

public:
    RemoteServer(RemoteControl *source, const Authenticator *authenticator, const RemoteServerOptions &options,
                 QObject *parent = nullptr);
    ~RemoteServer() override;

    Status start();
    void stop();

    // The bound address ("local:<name>", "tls://127.0.0.1:7411") for logs and tests.
    QString localAddress() const;
    QString tcpAddress() const;
    quint16 tcpPort() const;
    int authenticatedCount() const { return int(m_counters.accepted); }
    int refusedCount() const { return int(m_counters.refused()); }
    // Replicas accepted and still connected.
    int attachedCount() const { return m_attached; }
    // Connections waiting for their hello.
    int pendingCount() const { return int(m_pending.size()); }
    // Gauges, limits and refusal counters (by reason) for health and the console.
    QVariantMap stats() const;
    // Closes the replicas that authenticated with \a provider's \a credentialId (a revoked API
    // key); returns how many. RemoteControl::credentialRevoked calls it.
    int closeReplicasOf(const QString &provider, const QString &credentialId);

Q_SIGNALS:
    void replicaAccepted(const QString &identity, const QString &peer);
    void replicaRefused(const QString &peer, const sb::Error &error);

private:
    enum class Refusal { PendingLimit, ReplicaLimit, Timeout, BadHello, Unauthenticated, Forbidden, Internal };
    struct Pending
    {
        QIODevice *device = nullptr;
        bool local = false;
        QString peer;    // for logs: "127.0.0.1:40312", "local (uid 1000, pid 4242)"
        QString peerKey; // what the per-peer limit counts: "tcp 127.0.0.1", "uid 1000"
        QTimer *timer = nullptr; // the hello deadline; a child of the device
        QMetaObject::Connection readyRead;
    };
    struct Counters
    {
        quint64 accepted = 0;
        quint64 pendingLimit = 0;
        quint64 replicaLimit = 0;
        quint64 timeout = 0;
        quint64 badHello = 0;
        quint64 unauthenticated = 0;
        quint64 forbidden = 0;
        quint64 internal = 0;
        quint64 refused() const
        {
            return pendingLimit + replicaLimit + timeout + badHello + unauthenticated + forbidden + internal;
        }
    };

    void accept(QIODevice *device, bool local, const QString &peer, const QString &peerKey);
    // Makes room for one more pending connection from \a peerKey by closing the oldest one of
    // that peer (per-peer limit) or of the peer with the most pending (total limit).
    void makeRoomForPending(const QString &peerKey);
    // Stops tracking a pending connection (hello read, refused or gone); false if it was not.
    bool takePending(QIODevice *device, Pending *out = nullptr);
    void onPendingReadyRead(QIODevice *device);
    void onHelloReady(QIODevice *device, bool local, const QString &peer, const QByteArray &line);
    // Writes the refusal and closes gracefully, so the replica reads why before the end.
    void refuse(QIODevice *device, const QString &peer, Refusal reason, const Error &error);
    void closeReplicaDevice(QIODevice *device);
    // Makes the host and remotes the source's objects, once.
    Status ensureHost();

    RemoteControl *m_source;
    const Authenticator *m_authenticator;
    RemoteServerOptions m_options;
    std::unique_ptr<QRemoteObjectHost> m_host; // made at the first replica; goes before the sockets it writes to
    QLocalServer *m_local = nullptr;
    QTcpServer *m_tcp = nullptr;
    std::vector<Pending> m_pending; // oldest first; a few dozen at most, so scanned
    Counters m_counters;
    int m_attached = 0;
    struct Replica
    {
        QPointer<QIODevice> device;
        QString provider;     // empty for a local replica without a token
        QString credentialId;
    };
    std::vector<Replica> m_replicas;
};

} // namespace sb::remote
