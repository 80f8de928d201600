// SPDX-License-Identifier: Apache-2.0
#include "unbufferedtcpserver.h"

#include <QTcpSocket>

#include <unistd.h>

namespace sb::native {

void UnbufferedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor, QAbstractSocket::ConnectedState,
                                     QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        delete socket;
        ::close(int(socketDescriptor)); // not ours to keep: refuse it rather than leak the descriptor
        return;
    }
    addPendingConnection(socket);
}

} // namespace sb::native
