// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QIODevice>

class QSocketNotifier;

namespace sb::http {

// A plain TCP stream's socket once the HTTP layer has handed it over (WebSocket, SSE): the
// descriptor, a read notifier and, only while the kernel does not take everything, a write
// notifier. A QTcpSocket costs a stream about 1.5 kB more (its private data, the socket engine,
// the HTTP layer's connections), and it reads into a ring buffer whatever its open mode: only
// connectToHost() makes a QAbstractSocket unbuffered, setSocketDescriptor() does not. Here reads
// go from the kernel straight into the caller's buffer.
//
// Opened ReadWrite | Unbuffered. Like Qt's unbuffered sockets, readyRead() is emitted once per
// arrival and the notifier is armed again by the next read, so a reader that stops reading is
// not woken in a loop. A peer that is gone shows as read() < 0 and as disconnected(), emitted
// from the event loop (never from inside a write, which may run under a subscriber's lock).
// Writes go to the kernel at once; what it does not take waits here (bytesToWrite()) and goes
// out as the socket becomes writable, each step reported by bytesWritten().
class DirectSocket : public QIODevice
{
    Q_OBJECT
public:
    // Takes \a fd: a connected, non-blocking TCP socket; closed when this is destroyed.
    explicit DirectSocket(int fd, QObject *parent = nullptr);
    ~DirectSocket() override;

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;
    qint64 bytesToWrite() const override { return m_pending.size() - m_head; }

    bool isConnected() const { return m_fd >= 0 && !m_failed && !m_closing; }
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
    void closeDescriptor();
    void armWrite(bool on);

    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // made the first time the kernel's buffer was full
    QByteArray m_pending;                       // accepted, not yet taken by the kernel, from m_head on
    qsizetype m_head = 0;
    bool m_closing = false;
    bool m_failed = false;
};

} // namespace sb::http
