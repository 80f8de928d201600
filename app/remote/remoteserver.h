// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QRemoteObjectHost>
#include <QSslConfiguration>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QIODevice;
class QLocalServer;
class QTcpServer;
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
    int handshakeTimeoutMs = 5000;
    int maxConnections = 32;
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
    int authenticatedCount() const { return m_authenticated; }
    int refusedCount() const { return m_refused; }
    // Replicas accepted and still connected.
    int attachedCount() const { return m_attached; }

Q_SIGNALS:
    void replicaAccepted(const QString &identity, const QString &peer);
    void replicaRefused(const QString &peer, const sb::Error &error);

private:
    void accept(QIODevice *device, bool local, const QString &peer);
    void onHelloReady(QIODevice *device, bool local, const QString &peer);
    // Writes the refusal and closes gracefully, so the replica reads why before the end.
    void refuse(QIODevice *device, const QString &peer, const Error &error);
    // Makes the host and remotes the source's objects, once.
    Status ensureHost();

    RemoteControl *m_source;
    const Authenticator *m_authenticator;
    RemoteServerOptions m_options;
    std::unique_ptr<QRemoteObjectHost> m_host; // made at the first replica; goes before the sockets it writes to
    QLocalServer *m_local = nullptr;
    QTcpServer *m_tcp = nullptr;
    int m_open = 0;
    int m_authenticated = 0;
    int m_refused = 0;
    int m_attached = 0;
};

} // namespace sb::remote
