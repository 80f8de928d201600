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
// The HTTP plugin's streams (plugins/http/stream/directsocket.h) read the descriptor directly.
class UnbufferedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr socketDescriptor) override;
};

} // namespace sb::native
