// SPDX-License-Identifier: Apache-2.0
#include <switchboard/directsocket.h>

#include <QMetaObject>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sb {

namespace {
bool wouldBlock(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}
} // namespace

DirectSocket::DirectSocket(int fd, QObject *parent) : QIODevice(parent), m_fd(fd)
{
    m_readNotifier = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &DirectSocket::readable);
    QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

DirectSocket::~DirectSocket()
{
    closeDescriptor();
}

QHostAddress DirectSocket::peerAddress() const
{
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (m_fd < 0 || ::getpeername(m_fd, reinterpret_cast<sockaddr *>(&a), &len) != 0)
        return {};
    return QHostAddress(reinterpret_cast<const sockaddr *>(&a));
}

quint16 DirectSocket::peerPort() const
{
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    if (m_fd < 0 || ::getpeername(m_fd, reinterpret_cast<sockaddr *>(&a), &len) != 0)
        return 0;
    if (a.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in *>(&a)->sin_port);
    if (a.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(&a)->sin6_port);
    return 0;
}

qint64 DirectSocket::bytesAvailable() const
{
    int n = 0;
    if (m_fd < 0 || ::ioctl(m_fd, FIONREAD, &n) < 0)
        return QIODevice::bytesAvailable();
    return QIODevice::bytesAvailable() + n;
}

void DirectSocket::readable()
{
    // Once per arrival: the next read arms the notifier again.
    m_readNotifier->setEnabled(false);
    Q_EMIT readyRead();
}

qint64 DirectSocket::readData(char *data, qint64 maxSize)
{
    // After a failed write the descriptor is still open until close(): what the peer sent before
    // it left (a last error frame) can still be read, then the end shows as -1.
    if (m_fd < 0)
        return -1;
    if (maxSize <= 0)
        return 0;
    const ssize_t n = ::recv(m_fd, data, size_t(maxSize), MSG_DONTWAIT);
    if (n > 0) {
        if (!m_failed)
            m_readNotifier->setEnabled(true);
        return qint64(n);
    }
    if (n < 0 && wouldBlock(errno)) {
        if (m_failed)
            return -1; // nothing more will come: disconnected() is on its way
        m_readNotifier->setEnabled(true);
        return 0;
    }
    // 0: the peer closed its side; < 0: the connection failed
    setErrorString(n == 0 ? QStringLiteral("the peer closed the connection") : QString::fromLocal8Bit(std::strerror(errno)));
    fail();
    return -1;
}

qint64 DirectSocket::sendNow(const char *data, qint64 size)
{
    qint64 sent = 0;
    while (sent < size) {
        const ssize_t n = ::send(m_fd, data + sent, size_t(size - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            sent += n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && wouldBlock(errno))
            break;
        else {
            setErrorString(QString::fromLocal8Bit(std::strerror(errno)));
            return -1;
        }
    }
    return sent;
}

qint64 DirectSocket::writeData(const char *data, qint64 size)
{
    if (m_fd < 0 || m_failed || m_closing)
        return -1;
    const qint64 sent = bytesToWrite() == 0 ? sendNow(data, size) : 0; // behind a backlog: in order
    if (sent < 0) {
        fail();
        return -1;
    }
    if (sent < size) {
        m_pending.append(data + sent, size - sent);
        armWrite(true);
    }
    return size;
}

void DirectSocket::writable()
{
    const qint64 sent = sendNow(m_pending.constData() + m_head, m_pending.size() - m_head);
    if (sent < 0) {
        fail();
        return;
    }
    m_head += sent;
    if (m_head == m_pending.size()) {
        m_pending = QByteArray(); // a drained backlog keeps no memory
        m_head = 0;
    } else if (m_head > m_pending.size() / 2) {
        m_pending.remove(0, m_head); // now and then, not per write: a long backlog is not moved each time
        m_head = 0;
    }
    if (bytesToWrite() == 0) {
        armWrite(false);
        if (m_closing) {
            closeDescriptor();
            return;
        }
    }
    if (sent > 0)
        Q_EMIT bytesWritten(sent);
}

void DirectSocket::armWrite(bool on)
{
    if (!m_writeNotifier) {
        if (!on)
            return;
        m_writeNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &DirectSocket::writable);
    }
    m_writeNotifier->setEnabled(on);
}

void DirectSocket::fail()
{
    if (m_failed)
        return;
    m_failed = true;
    m_pending = QByteArray();
    m_head = 0;
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    announceGone();
}

void DirectSocket::announceGone()
{
    if (m_announced)
        return;
    m_announced = true;
    // From the event loop: a failed write may come from inside a delivery, a close from inside
    // the owner's own handler.
    QMetaObject::invokeMethod(this, [this] { Q_EMIT disconnected(); }, Qt::QueuedConnection);
}

void DirectSocket::close()
{
    if (m_closing || m_fd < 0) {
        QIODevice::close();
        return;
    }
    m_closing = true;
    m_readNotifier->setEnabled(false);
    QIODevice::close();
    if (bytesToWrite() == 0 || m_failed)
        closeDescriptor();
}

void DirectSocket::abort()
{
    if (m_fd >= 0) {
        const linger noLinger{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
    }
    m_pending = QByteArray();
    m_head = 0;
    m_closing = true;
    QIODevice::close();
    closeDescriptor();
}

void DirectSocket::closeDescriptor()
{
    if (m_fd < 0)
        return;
    // The notifiers go before their descriptor: disabled now (out of the event dispatcher), deleted
    // later, as this may run inside one's own activation (a reader that closes from readyRead()).
    for (QSocketNotifier *n : {m_readNotifier, m_writeNotifier}) {
        if (n) {
            n->setEnabled(false);
            n->deleteLater();
        }
    }
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    announceGone(); // a close() that finished, or abort(): as QAbstractSocket emits disconnected()
}

} // namespace sb
