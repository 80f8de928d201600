// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTcpServer>

namespace sb::native {

// A QTcpServer whose connections are opened with QIODevice::Unbuffered. Measured in session 11:
// that makes QIODevice::read() skip QIODevice's own buffering, but the QAbstractSocket still
// reads into its ring buffer on every read notification (only connectToHost() turns its
// socket-level buffering off; setSocketDescriptor() does not), and the ring keeps a 16 KiB block
// once it has read anything. NativeConnection therefore takes all the ring holds as one
// QByteArray, which hands the block over, and still checks read() < 0 for a peer that is gone.
// The HTTP plugin's streams read the descriptor directly (core's directsocket.h); moving native
// connections onto it is open (session 11's note: tst_memorybudgetattack's per-peer count).
class UnbufferedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr socketDescriptor) override;
};

} // namespace sb::native
