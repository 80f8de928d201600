// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/directsocket.h>

#include <QList>
#include <QTcpServer>

namespace sb::native {

// A QTcpServer for plain TCP whose connections are DirectSockets (core's directsocket.h): reads go
// from the kernel straight into the connection's frame buffer and writes straight to the kernel.
// A QTcpSocket read into its ring buffer whatever its open mode (only connectToHost() makes a
// QAbstractSocket read unbuffered, setSocketDescriptor() does not) and kept the ring's 16 KiB block
// once it had read anything, so every read was two copies and an idle connection held 16 KiB.
// Accepted sockets get TCP_NODELAY. newConnection() as usual; take them with
// nextDirectConnection(), not nextPendingConnection(). (TLS stays on QSslServer.)
class DirectTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;
    ~DirectTcpServer() override;

    // The next accepted connection (parented to this server until taken), or nullptr.
    DirectSocket *nextDirectConnection();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    QList<DirectSocket *> m_pending;
};

} // namespace sb::native
