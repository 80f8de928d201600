// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTcpServer>

namespace sb::native {

// A QTcpServer whose connections are opened unbuffered: the hub reads publishes from the kernel
// straight into each connection's frame reader instead of through Qt's read buffer (which frees
// and reallocates a chunk for every read above 16 kB). Qt does not emit disconnected() for an
// unbuffered socket that finds the peer gone while reading; NativeConnection checks read() < 0.
class UnbufferedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr socketDescriptor) override;
};

} // namespace sb::native
