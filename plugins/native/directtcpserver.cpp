// SPDX-License-Identifier: Apache-2.0
#include "directtcpserver.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace sb::native {

DirectTcpServer::~DirectTcpServer() = default; // pending sockets are children

DirectSocket *DirectTcpServer::nextDirectConnection()
{
    return m_pending.isEmpty() ? nullptr : m_pending.takeFirst();
}

void DirectTcpServer::incomingConnection(qintptr socketDescriptor)
{
    const int fd = int(socketDescriptor);
    // DirectSocket reads and writes with MSG_DONTWAIT; non-blocking as well for anything else
    // that touches the descriptor. Frames go out as they are flushed (no Nagle delay).
    if (const int flags = ::fcntl(fd, F_GETFL); flags >= 0)
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_pending.append(new DirectSocket(fd, this));
    Q_EMIT newConnection();
}

} // namespace sb::native
