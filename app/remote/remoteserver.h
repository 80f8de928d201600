// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QRemoteObjectHost>
#include <QSslConfiguration>
#include <memory>

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
    QSslConfiguration tls;             // required for TCP
    bool localRequiresToken = false;   // the local socket is owner-only; a token may be required too
    QString role = QStringLiteral("admin");
    int handshakeTimeoutMs = 5000;
    int maxConnections = 32;
};

// Listens for remote-control replicas on a local socket and on TCP with TLS, authenticates
// each one with a token (RemoteHandshake) and only then hands its socket to the
// QRemoteObjectHost that remotes the RemoteControl source. Lives in the bus thread.
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

Q_SIGNALS:
    void replicaAccepted(const QString &identity, const QString &peer);
    void replicaRefused(const QString &peer, const sb::Error &error);

private:
    void accept(QIODevice *device, bool local, const QString &peer);
    void onHelloReady(QIODevice *device, bool local, const QString &peer);
    // Writes the refusal and closes gracefully, so the replica reads why before the end.
    void refuse(QIODevice *device, const QString &peer, const Error &error);

    RemoteControl *m_source;
    const Authenticator *m_authenticator;
    RemoteServerOptions m_options;
    std::unique_ptr<QRemoteObjectHost> m_host; // goes before the sockets it writes to
    QLocalServer *m_local = nullptr;
    QTcpServer *m_tcp = nullptr;
    int m_open = 0;
    int m_authenticated = 0;
    int m_refused = 0;
};

} // namespace sb::remote
