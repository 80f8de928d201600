// SPDX-License-Identifier: Apache-2.0
#include "streamconnection.h"

#include <switchboard/directsocket.h>

#include <switchboard/bus.h>
#include <switchboard/hub.h>

#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>
#include <QTimerEvent>

#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace sb::http {

namespace {
constexpr int kDrainBatch = 64;
constexpr qsizetype kKeptWriteCapacity = 512; // bytes an idle stream's write buffer may keep
}

StreamConnection::StreamConnection(Hub *hub, const Limits &limits, const QString &id, const QString &protocol,
                                   const QString &peer, QObject *parent)
    : Connection(id, protocol, peer, parent), m_hub(hub), m_stallTimeoutMs(limits.stallTimeoutMs)
{
    setQueueLimits(hub->bus()->limits().subscriberQueue);
    m_writer.setLimits({limits.highWaterBytes, limits.maxOutboundBytes});
    setWriteThrough(true);
    // A timer id, not a QTimer member: a QTimer is an object of its own on every stream, kept
    // for the stream's life though it only runs until the socket arrives.
    m_attachTimer = startTimer(int(qMin<qint64>(limits.attachTimeoutMs, 3600 * 1000)));
}

void StreamConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_stallTimer && m_stallTimer) {
        checkStall();
        return;
    }
    if (event->timerId() != m_attachTimer) {
        Connection::timerEvent(event);
        return;
    }
    stopAttachTimer();
    if (!m_socket) // the client left before its turn came, or its connection was closed
        finish(ErrorCode::Timeout, false);
}

void StreamConnection::watchStall()
{
    if (m_stallTimer || m_stallTimeoutMs <= 0 || m_finished)
        return;
    m_stallSinceMs = m_progressMs = RateLimiter::monotonicMsecs();
    // A quarter of the timeout between looks (at least 50 ms): a stream closes within 1.25 of it.
    m_stallTimer = startTimer(int(qBound(qint64(50), m_stallTimeoutMs / 4, qint64(3600) * 1000)));
}

void StreamConnection::checkStall()
{
    if (m_finished || !m_socket || m_writer.unsent() == 0) {
        killTimer(m_stallTimer);
        m_stallTimer = 0;
        return;
    }
    const qint64 now = RateLimiter::monotonicMsecs();
    if (now - qMax(m_stallSinceMs, m_progressMs) < m_stallTimeoutMs)
        return;
    killTimer(m_stallTimer);
    m_stallTimer = 0;
    stalled(m_writer.unsent(), now - qMax(m_stallSinceMs, m_progressMs));
}

void StreamConnection::stalled(qint64 unsent, qint64 forMs)
{
    Q_UNUSED(unsent)
    Q_UNUSED(forMs)
    overflowDisconnect();
}

void StreamConnection::stopAttachTimer()
{
    if (m_attachTimer) {
        killTimer(m_attachTimer);
        m_attachTimer = 0;
    }
}

StreamConnection::~StreamConnection()
{
    // A DirectSocket, a child, closes its descriptor as it goes (no reset: what the kernel holds
    // still goes out, as with QAbstractSocket::abort()).
    if (auto *s = qobject_cast<QAbstractSocket *>(m_socket.data()))
        s->abort();
}

// A plain TCP stream continues on a DirectSocket made from a duplicate of the descriptor (see
// core's directsocket.h: about 1.5 kB less per stream than the QTcpSocket, and no ring buffer); the
// HTTP layer's socket, with what it buffered after the request, goes. TLS sockets keep their
// state and stay as they are.
QIODevice *StreamConnection::direct(QTcpSocket *socket, QByteArray *readAhead)
{
    if (qobject_cast<QSslSocket *>(socket))
        return socket;
    socket->flush(); // the 101 or 200 head, should Qt still hold any of it
    const qintptr fd = socket->socketDescriptor();
    if (fd < 0 || socket->bytesToWrite() > 0)
        return socket;
    const int copy = ::fcntl(int(fd), F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        return socket;
    readAhead->append(socket->readAll());
    socket->disconnect();
    socket->abort(); // closes its descriptor only: the copy keeps the connection
    socket->deleteLater();
    return new DirectSocket(copy, this);
}

bool StreamConnection::socketConnected() const
{
    if (auto *d = qobject_cast<DirectSocket *>(m_socket.data()))
        return d->isConnected();
    if (auto *s = qobject_cast<QAbstractSocket *>(m_socket.data()))
        return s->state() == QAbstractSocket::ConnectedState;
    return false;
}

qint64 StreamConnection::readInput(char *into, qint64 max)
{
    if (!m_socket)
        return -1;
    if (qobject_cast<DirectSocket *>(m_socket.data())) {
        const qint64 got = m_socket->read(into, max);
        if (got < 0) { // the peer is gone
            finish(ErrorCode::NotConnected, false);
            return -1;
        }
        return got;
    }
    // A TLS socket reads into its ring buffer and keeps the ring's 16 KiB block once it has read
    // anything. Taking all it holds as a QByteArray hands the block over instead
    // (QIODevice::read(qint64) moves a chunk that is all there is); it is freed here once copied.
    if (const qint64 available = m_socket->bytesAvailable(); available > 0 && available <= max) {
        const QByteArray chunk = m_socket->read(available);
        std::memcpy(into, chunk.constData(), size_t(chunk.size()));
        return chunk.size();
    }
    return qMax<qint64>(m_socket->read(into, max), 0);
}

void StreamConnection::attach(QTcpSocket *given, const QByteArray &readAheadGiven)
{
    if (m_finished) {
        OutboundWriter::reset(given);
        given->deleteLater();
        return;
    }
    stopAttachTimer();
    QByteArray readAhead = readAheadGiven;
    QIODevice *socket = direct(given, &readAhead);
    socket->setParent(this);
    m_socket = socket;
    m_writer.setDevice(socket);
    connect(socket, &QIODevice::readyRead, this, &StreamConnection::readable);
    if (auto *d = qobject_cast<DirectSocket *>(socket))
        connect(d, &DirectSocket::disconnected, this, [this] { finish(ErrorCode::NotConnected, false); });
    else
        connect(given, &QAbstractSocket::disconnected, this, [this] { finish(ErrorCode::NotConnected, false); });
    connect(socket, &QIODevice::bytesWritten, this, [this] {
        if (m_stallTimer)
            m_progressMs = RateLimiter::monotonicMsecs();
        if (pendingCount() > 0 && m_writer.acceptsDeliveries())
            scheduleDrain();
    });
    attached(readAhead);
    flushNow();
    if (m_finished)
        return;
    if (!socketConnected()) {
        finish(ErrorCode::NotConnected, false);
        return;
    }
    if (pendingCount() > 0)
        scheduleDrain();
    readable(); // bytes that came before the hand-over
}

bool StreamConnection::deliverNow(const Message &message, quint32 tag)
{
    // The link's mutex is held: no queue accessors here. Above the high-water mark the message
    // queues, and drain() takes over once the socket has written its backlog.
    if (!m_socket || !open() || !m_writer.acceptsDeliveries())
        return false;
    appendDelivery(message, tag);
    scheduleFlush();
    return true;
}

void StreamConnection::drain()
{
    if (!m_socket || !open())
        return;
    while (m_writer.acceptsDeliveries()) {
        m_batch.clear();
        if (takePending(m_batch, kDrainBatch) == 0)
            break;
        for (const Delivery &d : m_batch)
            appendDelivery(d.message, d.tag);
        flushNow();
    }
    m_batch.clear();
    if (pendingCount() == 0)
        m_batch = DeliveryQueue(); // an idle stream keeps no batch memory
    flushNow();
}

void StreamConnection::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    if (m_flusher)
        m_flusher->schedule(this);
    else
        QMetaObject::invokeMethod(this, &StreamConnection::flushNow, Qt::QueuedConnection);
}

void StreamConnection::flushNow()
{
    m_flushScheduled = false;
    if (m_socket && !m_writer.isEmpty()) {
        m_writer.flush();
        if (m_writer.unsent() > 0)
            watchStall();
    }
    // All written. A buffer that grew past about one frame goes back: a hub has thousands of
    // streams, most of them idle between messages. One frame's worth stays: a broadcast fills
    // every stream's buffer before the one flush that writes them all, and buffers freed after
    // it and taken again at the next message cost an allocation per delivery and leave the
    // allocator with emptied pages it keeps as RSS until it purges them.
    if (m_writer.isEmpty() && m_writer.buffer().capacity() > kKeptWriteCapacity)
        m_writer.buffer().clear();
}

bool StreamConnection::noteControl(qsizetype before)
{
    if (m_writer.noteControl(m_writer.buffer().size() - before))
        return true;
    overflowDisconnect();
    return false;
}

void StreamConnection::finish(ErrorCode cause, bool reset)
{
    if (m_finished)
        return;
    m_finished = true;
    stopAttachTimer();
    if (m_stallTimer) {
        killTimer(m_stallTimer);
        m_stallTimer = 0;
    }
    flushPendingToDeadLetters(DeadLetterReason::SubscriberGone, QStringLiteral("the %1 connection ended").arg(protocol()));
    if (m_socket) {
        m_socket->disconnect(this);
        auto *d = qobject_cast<DirectSocket *>(m_socket.data());
        if (reset && d)
            d->abort(); // a peer that does not read: its unsent bytes are dropped
        else if (reset)
            OutboundWriter::reset(m_socket);
        else if (d)
            d->close(); // after what is still waiting
        else if (auto *s = qobject_cast<QAbstractSocket *>(m_socket.data()))
            s->disconnectFromHost();
    }
    Q_EMIT closed(id());
    Q_EMIT finished(this, cause);
}

HttpResponder::TakeOver takeOverInto(QObject *context, std::function<void(QTcpSocket *, const QByteArray &)> attach)
{
    QThread *target = context->thread();
    return [context, target, attach = std::move(attach)](QTcpSocket *socket, const QByteArray &readAhead) {
        if (socket->thread() != target)
            socket->moveToThread(target);
        QMetaObject::invokeMethod(context, [attach, socket, readAhead] { attach(socket, readAhead); }, Qt::QueuedConnection);
    };
}

} // namespace sb::http
