// SPDX-License-Identifier: Apache-2.0
#include <switchboard/outboundwriter.h>

#include <switchboard/directsocket.h>

#include <QLocalSocket>
#include <QTcpSocket>

#include <cerrno>
#include <sys/socket.h>

namespace sb {

qint64 OutboundWriter::unsent() const
{
    return m_out.size() + (m_device ? m_device->bytesToWrite() : 0);
}

bool OutboundWriter::noteControl(qint64 bytes)
{
    ++m_counters.controlFrames;
    m_counters.controlBytes += quint64(bytes);
    if (!isOverLimit()) {
        m_over = false;
        return true;
    }
    if (!m_over)
        ++m_counters.overflows;
    m_over = true;
    return false;
}

void OutboundWriter::flush()
{
    if (m_device)
        writeNow(m_device.data(), m_out);
}

void OutboundWriter::reset(QIODevice *device)
{
    if (auto *direct = qobject_cast<DirectSocket *>(device)) {
        direct->abort();
    } else if (auto *tcp = qobject_cast<QAbstractSocket *>(device)) {
        if (const qintptr fd = tcp->socketDescriptor(); fd >= 0) {
            const linger noLinger{1, 0};
            ::setsockopt(int(fd), SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
        }
        tcp->abort();
    } else if (auto *local = qobject_cast<QLocalSocket *>(device)) {
        local->abort();
    } else if (device) {
        device->close();
    }
}

void OutboundWriter::writeNow(QIODevice *device, QByteArray &out)
{
    if (out.isEmpty())
        return;
    // Plain TCP and local sockets with nothing buffered in Qt: hand the bytes to the kernel
    // directly and skip Qt's copy into its write buffer. Whatever the kernel does not take (or an
    // error) goes through QIODevice::write below, which keeps the order, arms the write notifier
    // and reports errors the usual way. TLS sockets (a subclass) always take the Qt path.
    qsizetype sent = 0;
    qintptr fd = -1;
    const QMetaObject *mo = device->metaObject();
    if (mo == &QTcpSocket::staticMetaObject) {
        auto *tcp = static_cast<QTcpSocket *>(device);
        if (tcp->state() == QAbstractSocket::ConnectedState && tcp->bytesToWrite() == 0)
            fd = tcp->socketDescriptor();
    } else if (mo == &QLocalSocket::staticMetaObject) {
        auto *local = static_cast<QLocalSocket *>(device);
        if (local->state() == QLocalSocket::ConnectedState && local->bytesToWrite() == 0)
            fd = local->socketDescriptor();
    }
    if (fd >= 0) {
        while (sent < out.size()) {
            const ssize_t n = ::send(int(fd), out.constData() + sent, size_t(out.size() - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                sent += qsizetype(n);
            else if (n < 0 && errno == EINTR)
                continue;
            else
                break; // EAGAIN or an error: Qt takes the rest (and sees the error itself)
        }
        if (sent == out.size()) {
            out.resize(0);
            return;
        }
    }
    device->write(out.constData() + sent, out.size() - sent);
    out.resize(0);
    if (auto *tcp = qobject_cast<QAbstractSocket *>(device))
        tcp->flush();
    else if (auto *local = qobject_cast<QLocalSocket *>(device))
        local->flush();
}

} // namespace sb
