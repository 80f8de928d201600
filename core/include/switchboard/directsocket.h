// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

#include <QByteArray>
#include <QHostAddress>
#include <QIODevice>

class QSocketNotifier;

namespace sb {

// A connected stream socket, plain TCP or local (AF_UNIX), for the hub's server side (native local
// connections, SSE and WebSocket streams): the descriptor, a read notifier and, only while the
// kernel does not take everything, a write notifier. A QTcpSocket costs a connection about 1.5 kB more (its private
// data, the socket engine), and it reads into a ring buffer whatever its open mode: only
// connectToHost() makes a QAbstractSocket unbuffered, setSocketDescriptor() does not, and the
// ring keeps a 16 KiB block once it has read anything. Here reads go from the kernel straight
// into the caller's buffer.
//
// Opened ReadWrite | Unbuffered. Like Qt's unbuffered sockets, readyRead() is emitted once per
// arrival and the notifier is armed again by the next read, so a reader that stops reading is
// not woken in a loop. disconnected() comes once, from the event loop (never from inside a write,
// which may run under a subscriber's lock), when the peer is gone (read() < 0 too), a write
// failed, or close() (once what waited went out) or abort() closed the descriptor.
// Writes go to the kernel at once; what it does not take waits here (bytesToWrite()) and goes
// out as the socket becomes writable, each step reported by bytesWritten(). After a failed write
// (the peer is gone), read() still returns what the peer sent before it left, then -1.
class SWITCHBOARD_EXPORT DirectSocket : public QIODevice
{
    Q_OBJECT
public:
    // Takes \a fd: a connected stream socket (TCP or AF_UNIX); closed when this is destroyed.
    explicit DirectSocket(int fd, QObject *parent = nullptr);
    ~DirectSocket() override;

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override { return m_pending.size() - m_head; }

    bool isConnected() const { return m_fd >= 0 && !m_failed && !m_closing; }
    int descriptor() const { return m_fd; }
    // The peer's address and port (getpeername), or null / 0 once closed.
    QHostAddress peerAddress() const;
    quint16 peerPort() const;
    // Graceful: what is still waiting goes out first, then the descriptor is closed.
    void close() override;
    // At once, with a reset (SO_LINGER 0): what was not sent is dropped.
    void abort();

Q_SIGNALS:
    void disconnected();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    void readable();
    void writable();
    // What the kernel takes of \a size bytes now (0 when its buffer is full); -1: the connection failed.
    qint64 sendNow(const char *data, qint64 size);
    void fail();
    void announceGone();
    void closeDescriptor();
    void armWrite(bool on);

    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // made the first time the kernel's buffer was full
    QByteArray m_pending;                       // accepted, not yet taken by the kernel, from m_head on
    qsizetype m_head = 0;
    bool m_closing = false;
    bool m_failed = false;
    bool m_announced = false; // disconnected() is on its way
};

} // namespace sb
