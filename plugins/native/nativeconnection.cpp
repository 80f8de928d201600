// SPDX-License-Identifier: Apache-2.0
#include "nativeconnection.h"

#include "flushscheduler.h"
#include "nativeendpoint.h"

#include <switchboard/directsocket.h>
#include <switchboard/hub.h>
#include <switchboard/topic.h>

#include <QJsonObject>
#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include <cstring>

#include <sys/ioctl.h>
#include <sys/socket.h>

Q_LOGGING_CATEGORY(lcNative, "switchboard.native")

namespace sb::native {

namespace {
constexpr int kDrainBatch = 512;

// Publishes are handled in chunks of this size; the deliveries of each chunk are written before
// the next is read, so one fast publisher cannot fill every subscriber's buffer in one go.
constexpr qint64 kReadChunk = 64 * 1024;
// At most this much input per event-loop turn and connection; the rest waits one turn, so queued
// drains and other connections get their share and a fast publisher cannot starve the writes.
constexpr qint64 kReadPerTurn = 4 * kReadChunk;
} // namespace

NativeConnection::NativeConnection(Hub *hub, QIODevice *socket, const QString &protocol, const QString &peer,
                                   const NativeSettings &settings, std::shared_ptr<FlushScheduler> flusher,
                                   QObject *parent)
    : Connection(hub->nextConnectionId(QStringLiteral("native")), protocol, peer, parent), m_hub(hub),
      m_flusher(std::move(flusher)), m_socket(socket), m_settings(settings), m_reader(settings.maxFrameSize),
      m_writer(socket),
      m_lastActivity(RateLimiter::monotonicMsecs()), m_connectedAtMono(m_lastActivity)
{
    socket->setParent(this);
    setQueueLimits(settings.queue);
    m_writer.setLimits(settings.outbound);
    deliveries().setLimits(settings.nackWindow);
    setWriteThrough(true);
    rateLimiter().configure(settings.rateLimit, settings.rateBurst);
    connect(socket, &QIODevice::readyRead, this, &NativeConnection::onReadyRead);
    connect(socket, &QIODevice::bytesWritten, this, [this] {
        if (pendingCount() > 0 || (m_draining && m_socket && m_socket->bytesToWrite() == 0))
            scheduleDrainOrFinish();
    });
    if (auto *tcp = qobject_cast<QAbstractSocket *>(socket)) {
        connect(tcp, &QAbstractSocket::disconnected, this, &NativeConnection::onDisconnected);
        tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        // Bounded, so one burst cannot grow Qt's buffer without limit. (Qt frees a chunk larger
        // than 16 kB once it is read; a 16 kB bound avoids that but measured slower here: four
        // times the writes to every subscriber per byte published.)
        tcp->setReadBufferSize(kReadPerTurn);
    } else if (auto *direct = qobject_cast<DirectSocket *>(socket)) {
        // Local sockets (DirectLocalServer): read only when asked, so nothing to bound here, and
        // no ring buffer to take from.
        connect(direct, &DirectSocket::disconnected, this, &NativeConnection::onDisconnected);
        m_directSocket = true;
    }
    hub->registerConnection(this);
    // Bytes may already be waiting (e.g. sent together with the TLS handshake).
    if (socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &NativeConnection::onReadyRead, Qt::QueuedConnection);
}

NativeConnection::~NativeConnection()
{
    m_hub->memoryBudget().release(m_accounted);
    if (!m_gone)
        m_hub->unregisterConnection(this);
}

void NativeConnection::onReadyRead()
{
    // Past its error cap a connection is closed on the next turn: nothing more is read or answered.
    if (!m_socket || m_closing || m_draining || errorCapReached())
        return;
    m_lastActivity = RateLimiter::monotonicMsecs();
    m_pingSent = false;
    m_readPosted = false;
    // Plain TCP is opened unbuffered (UnbufferedTcpServer: see there for what that does and does
    // not do), local connections are DirectSockets (DirectLocalServer): read a chunk at a time
    // until less than a chunk comes; a peer that is gone may show as read() < 0 rather than as a
    // signal.
    const bool direct = m_socket->openMode().testFlag(QIODevice::Unbuffered);
    qint64 budget = kReadPerTurn;
    // The bus stamps a chunk's messages with the time it was read (set below, per chunk).
    struct Arrival {
        Connection &c;
        ~Arrival() { c.setArrivalTime(0); }
    } arrival{*this};
    while (true) {
        const qint64 avail = direct ? m_readSize : m_socket->bytesAvailable();
        if (avail <= 0)
            break;
        if (budget <= 0) {
            // Qt emits readyRead only for new data (a buffered socket) or re-arms the notifier on
            // every read (unbuffered): either way, come back for the rest on the next turn.
            if (!m_readPosted && !direct) {
                m_readPosted = true;
                QMetaObject::invokeMethod(this, &NativeConnection::onReadyRead, Qt::QueuedConnection);
            }
            break;
        }
        budget -= qMin(avail, kReadChunk);
        const qint64 want = qMin(avail, kReadChunk);
        char *dst = m_reader.reserve(want);
        qint64 got = 0;
        // QAbstractSocket reads into its own ring buffer in every open mode (only connectToHost()
        // makes a socket read unbuffered) and keeps the ring's 16 KiB block once it has read
        // anything. Taking all it holds as a QByteArray hands the block over (it is freed below)
        // instead of leaving 16 KiB on every idle connection.
        if (const qint64 held = m_directSocket ? 0 : m_socket->bytesAvailable(); held > 0 && held <= want) {
            const QByteArray chunk = m_socket->read(held);
            std::memcpy(dst, chunk.constData(), size_t(chunk.size()));
            got = chunk.size();
        } else {
            got = m_socket->read(dst, want);
        }
        m_reader.commit(qMax<qint64>(0, got));
        if (got < 0 && direct) {
            onDisconnected();
            return;
        }
        if (got <= 0)
            break;
        setArrivalTime(QDateTime::currentMSecsSinceEpoch());
        if (!m_handshakeDone && (m_readBeforeConnect += got) > m_settings.preAuthBytes) {
            countError();
            close(sb::Error(ErrorCode::Unauthenticated,
                            QStringLiteral("more than %1 bytes before CONNECT").arg(m_settings.preAuthBytes)));
            return;
        }
        if (direct) {
            if (got == want)
                m_readSize = qMin(kReadChunk, m_readSize * 2);
            else if (got < want / 4)
                m_readSize = qMax<qint64>(4096, m_readSize / 2);
        }
        // The chunk's deliveries are written when it is done (and the batch ends on every path).
        struct Batch {
            FlushScheduler &f;
            explicit Batch(FlushScheduler &s) : f(s) { f.beginBatch(); }
            ~Batch() { f.endBatch(); }
        } batch(*m_flusher);
        Frame frame;
        sb::Error error;
        bool stop = false;
        while (!stop && !m_closing && !errorCapReached()) {
            switch (m_reader.next(frame, &error)) {
            case FrameReader::Result::NeedMore:
                stop = true;
                break;
            case FrameReader::Result::Frame:
                handleFrame(frame);
                break;
            case FrameReader::Result::Oversize:
                countError();
                if (!m_handshakeDone) {
                    close(error); // before CONNECT: one error answer, then the socket is closed
                    return;
                }
                sendError(error.details.value(QStringLiteral("seq")).toUInt(), error);
                break;
            case FrameReader::Result::Corrupt:
                countError();
                close(error);
                return;
            }
        }
        if (m_closing || errorCapReached() || (direct && got < want))
            break; // closed by a frame, past the error cap, or the kernel had no more
    }
    account();
}

// Reports what this connection holds (read buffer, unsent output, queued deliveries) to the hub's
// memory budget; over budget, a connection holding more than its share is closed with OVERFLOW.
void NativeConnection::account()
{
    if (m_closing)
        return;
    // The NACK window is not counted: it holds references to messages that subscribers' queues and
    // other windows share, and counting each reference in full would overflow healthy consumers.
    const qint64 now = m_reader.capacity() + m_writer.unsent() + pendingBytes();
    MemoryBudget &budget = m_hub->memoryBudget();
    if (budget.update(m_accounted, now, m_hub->connectionCount()))
        return;
    countError();
    close(sb::Error(ErrorCode::Overflow,
                    QStringLiteral("the hub's buffers are full (%1 of %2 bytes, limits.max-buffered-bytes) and this "
                                   "connection holds %3 of them")
                        .arg(budget.used())
                        .arg(budget.limit())
                        .arg(now)));
}

void NativeConnection::sendError(quint32 seq, const sb::Error &error, bool fatal)
{
    if (!m_socket || errorCapReached())
        return; // past the cap only the closing RATE_LIMITED is sent
    const qsizetype before = m_writer.buffer().size();
    appendError(m_writer.buffer(), seq, error, fatal);
    controlQueued(before);
}

void NativeConnection::sendAck(quint32 seq, const QJsonObject &extra)
{
    const qsizetype before = m_writer.buffer().size();
    appendControl(m_writer.buffer(), FrameType::Ack, seq, extra);
    controlQueued(before);
}

void NativeConnection::sendPublishAck(quint32 seq, int deliveries)
{
    const qsizetype before = m_writer.buffer().size();
    appendPublishAck(m_writer.buffer(), seq, deliveries);
    controlQueued(before);
}

// Control answers cannot be dropped without desynchronising the client: a peer that lets them
// pile up past the outbound limit (it does not read) is closed with OVERFLOW.
void NativeConnection::controlQueued(qsizetype before)
{
    if (m_writer.noteControl(m_writer.buffer().size() - before)) {
        scheduleFlush();
        return;
    }
    countError();
    close(sb::Error(ErrorCode::Overflow,
                    QStringLiteral("%1 bytes of answers unread (the limit is %2, max-outbound-bytes); the peer "
                                   "does not read")
                        .arg(m_writer.unsent())
                        .arg(m_settings.outbound.maxBytes)));
}

void NativeConnection::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    m_flusher->schedule(this);
}

void NativeConnection::flush()
{
    m_flushScheduled = false;
    if (m_writer.isEmpty() || !m_socket)
        return;
    m_writer.flush();
    account();
}

void NativeConnection::drain()
{
    if (!m_socket || m_closing)
        return;
    int delivered = 0;
    quint64 bytes = 0;
    while (m_writer.acceptsDeliveries()) {
        m_batch.clear();
        if (takePending(m_batch, kDrainBatch) == 0)
            break;
        const qsizetype before = m_writer.buffer().size();
        for (const Delivery &d : m_batch) {
            appendMessageFrame(m_writer.buffer(), FrameType::Deliver, d.tag, d.message);
            deliveries().remember(d.tag, d.message);
            bytes += quint64(d.message.payloadSize());
        }
        m_writer.noteDelivery(m_writer.buffer().size() - before);
        delivered += int(m_batch.size());
        flush();
    }
    m_batch.clear();
    if (pendingCount() == 0)
        m_batch = DeliveryQueue(); // an idle connection keeps no batch memory
    countOut(quint64(delivered), bytes);
    flush();
    account();
    if (m_draining && pendingCount() == 0 && m_socket->bytesToWrite() == 0)
        close(sb::Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
}

bool NativeConnection::deliverNow(const Message &message, quint32 tag)
{
    // The link's mutex is held: no queue accessors here. Above the high-water mark the message
    // queues, and drain() takes over once the socket has written its backlog.
    if (!m_socket || m_closing || m_draining || !m_writer.acceptsDeliveries())
        return false;
    const qsizetype before = m_writer.buffer().size();
    appendMessageFrame(m_writer.buffer(), FrameType::Deliver, tag, message);
    m_writer.noteDelivery(m_writer.buffer().size() - before);
    deliveries().remember(tag, message);
    countOut(1, quint64(message.payloadSize()));
    scheduleFlush();
    return true;
}

void NativeConnection::scheduleDrainOrFinish()
{
    if (pendingCount() > 0)
        scheduleDrain();
    else if (m_draining)
        QMetaObject::invokeMethod(this, &NativeConnection::drain, Qt::QueuedConnection);
}

void NativeConnection::overflowDisconnect()
{
    close(sb::Error(ErrorCode::Overflow,
                    QStringLiteral("outbound queue full (%1 messages / %2 bytes); disconnected by policy, the "
                                   "undelivered messages are in the dead letters")
                        .arg(queueLimits().maxMessages)
                        .arg(queueLimits().maxBytes)));
}

QString NativeConnection::peerAddress() const
{
    if (const auto *tcp = qobject_cast<const QAbstractSocket *>(m_socket.data()))
        return tcp->peerAddress().toString();
    return {};
}

QSslCertificate NativeConnection::peerCertificate() const
{
    if (const auto *ssl = qobject_cast<const QSslSocket *>(m_socket.data()))
        return ssl->peerCertificate();
    return QSslCertificate();
}

void NativeConnection::close(const sb::Error &reason)
{
    if (m_closing)
        return;
    qCInfo(lcNative).noquote() << id() << peer() << "closed:" << reason.toString();
    m_closing = true;
    m_hub->memoryBudget().release(m_accounted);
    if (auto *endpoint = qobject_cast<NativeEndpoint *>(parent()))
        endpoint->countClosed(reason.code, !m_handshakeDone);
    if (m_socket) {
        appendError(m_writer.buffer(), 0, reason, true);
        flush();
    }
    m_hub->unregisterConnection(this);
    m_gone = true;
    flushPendingToDeadLetters(DeadLetterReason::SubscriberGone, QStringLiteral("connection closed: ") + reason.toString());
    // A peer that has not taken what is already on its way will not read an error frame behind
    // it either: a consumer cut off for overflowing, or one with more than the high-water mark
    // still unsent (in Qt's buffer or the kernel's), is reset now instead of being left to
    // trickle megabytes out of a closed socket.
    if (reason.code == ErrorCode::Overflow || unsentBytes() > m_settings.outbound.highWaterBytes) {
        abortSocket();
        return;
    }
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_socket.data()))
        tcp->disconnectFromHost(); // writes what is buffered first
    else if (auto *direct = qobject_cast<DirectSocket *>(m_socket.data()))
        direct->close(); // writes what waits first
    // Never wait for a peer that does not read: abort after a grace period.
    QTimer::singleShot(2000, this, &NativeConnection::abortSocket);
}

qint64 NativeConnection::unsentBytes() const
{
    if (!m_socket)
        return 0;
    qint64 unsent = m_socket->bytesToWrite();
    qintptr fd = -1;
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_socket.data()))
        fd = tcp->socketDescriptor();
    else if (auto *direct = qobject_cast<DirectSocket *>(m_socket.data()))
        fd = direct->descriptor();
    int queued = 0;
    if (fd >= 0 && ::ioctl(int(fd), TIOCOUTQ, &queued) == 0)
        unsent += queued;
    return unsent;
}

void NativeConnection::drainAndClose(int timeoutMs)
{
    if (m_closing)
        return;
    m_draining = true; // stop reading; deliver what is queued, then close
    drain();
    QTimer::singleShot(qMax(0, timeoutMs), this, [this] {
        close(sb::Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
    });
}

void NativeConnection::abortSocket()
{
    OutboundWriter::reset(m_socket.data());
    deleteLater();
}

void NativeConnection::onDisconnected()
{
    if (!m_gone) {
        m_hub->unregisterConnection(this);
        m_gone = true;
        flushPendingToDeadLetters(DeadLetterReason::SubscriberGone, QStringLiteral("peer disconnected"));
    }
    m_closing = true;
    m_hub->memoryBudget().release(m_accounted);
    deleteLater();
}

void NativeConnection::checkTimeouts(qint64 nowMsecs)
{
    if (m_closing)
        return;
    if (!m_handshakeDone) {
        if (nowMsecs - m_connectedAtMono > m_settings.handshakeTimeoutMs)
            close(sb::Error(ErrorCode::Timeout,
                            QStringLiteral("no CONNECT within %1 ms").arg(m_settings.handshakeTimeoutMs)));
        return;
    }
    if (m_settings.idleTimeoutMs <= 0)
        return;
    const qint64 idle = nowMsecs - m_lastActivity;
    if (idle > 2 * qint64(m_settings.idleTimeoutMs)) {
        close(sb::Error(ErrorCode::Timeout, QStringLiteral("no traffic for %1 ms").arg(idle)));
    } else if (idle > m_settings.idleTimeoutMs && !m_pingSent) {
        m_pingSent = true;
        const qsizetype before = m_writer.buffer().size();
        appendControl(m_writer.buffer(), FrameType::Ping, 0);
        controlQueued(before);
    }
}

} // namespace sb::native
