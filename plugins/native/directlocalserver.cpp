// SPDX-License-Identifier: Apache-2.0
#include "directlocalserver.h"

#include "nativeconnection.h" // lcNative

#include <fcntl.h>
#include <sys/socket.h>

#include <limits>

namespace sb::native {

DirectLocalServer::~DirectLocalServer() = default; // pending sockets are children

DirectSocket *DirectLocalServer::nextDirectConnection()
{
    return m_pending.isEmpty() ? nullptr : m_pending.takeFirst();
}

void DirectLocalServer::incomingConnection(quintptr socketDescriptor)
{
    const int fd = int(socketDescriptor);
    // DirectSocket reads and writes with MSG_DONTWAIT; non-blocking as well for anything else
    // that touches the descriptor.
    if (const int flags = ::fcntl(fd, F_GETFL); flags >= 0)
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    if (m_sendBuffer > 0) {
        const int wanted = int(qMin<qint64>(m_sendBuffer, std::numeric_limits<int>::max() / 2));
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof wanted);
        int granted = 0;
        socklen_t len = sizeof granted;
        if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &granted, &len) == 0) {
            m_effective = granted;
            // Linux keeps twice what it grants (the other half for its own bookkeeping).
            if (qint64(granted) < 2 * qint64(wanted) && !m_cappedLogged) {
                m_cappedLogged = true;
                qCWarning(lcNative).noquote()
                    << QStringLiteral("native: local connections get a send buffer of %1 bytes (%2 usable), not the "
                                      "%3 of native.local-send-buffer: the kernel caps it at net.core.wmem_max; "
                                      "raise that sysctl for full speed over the local socket")
                           .arg(granted)
                           .arg(granted / 2)
                           .arg(wanted);
            }
        }
    }
    m_pending.append(new DirectSocket(fd, this));
    Q_EMIT newConnection(); // what QLocalServer's own incomingConnection() does
}

} // namespace sb::native
