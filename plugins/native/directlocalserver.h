// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/directsocket.h>

#include <QList>
#include <QLocalServer>

namespace sb::native {

// A QLocalServer whose connections are DirectSockets (core's directsocket.h): reads go from the
// kernel straight into the connection's frame buffer and writes straight to the kernel, as on
// the TCP path, instead of through QLocalSocket and the buffered QAbstractSocket it wraps.
// newConnection() as usual; take them with nextDirectConnection(), not nextPendingConnection().
//
// Each accepted socket gets a kernel send buffer of sendBufferBytes() (SO_SNDBUF). An AF_UNIX
// stream socket can have only its send buffer in flight (212,992 bytes by default), where TCP
// over loopback grows its window to megabytes: with the default, a subscriber fed at full speed
// took the hub's writes in small rounds, and what it had not taken yet piled up in the hub
// (sb-bench W3: 1.1 GB peak RSS over the local socket, 28 MB over TCP).
class DirectLocalServer : public QLocalServer
{
    Q_OBJECT
public:
    using QLocalServer::QLocalServer;
    ~DirectLocalServer() override;

    // The next accepted connection (parented to this server until taken), or nullptr.
    DirectSocket *nextDirectConnection();

    // SO_SNDBUF for new connections; 0 leaves the kernel's default.
    void setSendBufferBytes(qint64 bytes) { m_sendBuffer = bytes; }
    qint64 sendBufferBytes() const { return m_sendBuffer; }
    // What the kernel granted the last connection (getsockopt; Linux reports twice the usable
    // size and caps a request at twice net.core.wmem_max); -1 before the first connection.
    qint64 effectiveSendBufferBytes() const { return m_effective; }

protected:
    void incomingConnection(quintptr socketDescriptor) override;

private:
    QList<DirectSocket *> m_pending;
    qint64 m_sendBuffer = 0;
    qint64 m_effective = -1;
    bool m_cappedLogged = false;
};

} // namespace sb::native
