// SPDX-License-Identifier: Apache-2.0
#include "streamconnection.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>

#include <QTcpSocket>
#include <QThread>

namespace sb::http {

namespace {
constexpr int kDrainBatch = 64;
}

StreamConnection::StreamConnection(Hub *hub, const Limits &limits, const QString &id, const QString &protocol,
                                   const QString &peer, QObject *parent)
    : Connection(id, protocol, peer, parent), m_hub(hub)
{
    setQueueLimits(hub->bus()->limits().subscriberQueue);
    m_writer.setLimits({limits.highWaterBytes, limits.maxOutboundBytes});
    setWriteThrough(true);
    m_attachDeadline.setSingleShot(true);
    connect(&m_attachDeadline, &QTimer::timeout, this, [this] {
        if (!m_socket) // the client left before its turn came, or its connection was closed
            finish(ErrorCode::Timeout, false);
    });
    m_attachDeadline.start(int(qMin<qint64>(limits.attachTimeoutMs, 3600 * 1000)));
}

StreamConnection::~StreamConnection()
{
    if (m_socket)
        m_socket->abort();
}

void StreamConnection::attach(QTcpSocket *socket, const QByteArray &readAhead)
{
    if (m_finished) {
        OutboundWriter::reset(socket);
        socket->deleteLater();
        return;
    }
    m_attachDeadline.stop();
    socket->setParent(this);
    m_socket = socket;
    m_writer.setDevice(socket);
    connect(socket, &QTcpSocket::readyRead, this, &StreamConnection::readable);
    connect(socket, &QTcpSocket::disconnected, this, [this] { finish(ErrorCode::NotConnected, false); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (pendingCount() > 0 && m_writer.acceptsDeliveries())
            scheduleDrain();
    });
    attached(readAhead);
    flushNow();
    if (m_finished)
        return;
    if (socket->state() != QAbstractSocket::ConnectedState) {
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
    if (m_socket && !m_writer.isEmpty())
        m_writer.flush();
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
    m_attachDeadline.stop();
    flushPendingToDeadLetters(DeadLetterReason::SubscriberGone, QStringLiteral("the %1 connection ended").arg(protocol()));
    if (m_socket) {
        m_socket->disconnect(this);
        if (reset)
            OutboundWriter::reset(m_socket); // a peer that does not read: its unsent bytes are dropped
        else
            m_socket->disconnectFromHost();
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
