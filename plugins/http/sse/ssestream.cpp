// SPDX-License-Identifier: Apache-2.0
#include "ssestream.h"

#include "sseevent.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace sb::http {

namespace {
constexpr int kDrainBatch = 64;
constexpr qint64 kMaxInput = 64 * 1024; // an event stream takes no input; a client may send a little

QByteArray errorJson(const Error &e)
{
    QJsonObject o{{QStringLiteral("code"), e.codeName()}, {QStringLiteral("message"), e.message}};
    if (!e.details.isEmpty())
        o.insert(QStringLiteral("details"), QJsonObject::fromVariantMap(e.details));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
} // namespace

SseStream::SseStream(Hub *hub, const SseConfig &config, const QString &id, const QString &protocol, const QString &peer,
                     QObject *parent)
    : Connection(id, protocol, peer, parent), m_hub(hub), m_config(config)
{
    setQueueLimits(hub->bus()->limits().subscriberQueue);
    m_writer.setLimits({config.highWaterBytes, config.maxOutboundBytes});
    setWriteThrough(true);
    m_heartbeat.setInterval(int(qMin<qint64>(config.heartbeatMs, 24LL * 3600 * 1000)));
    connect(&m_heartbeat, &QTimer::timeout, this, &SseStream::heartbeat);
    m_attachDeadline.setSingleShot(true);
    connect(&m_attachDeadline, &QTimer::timeout, this, [this] {
        if (!m_socket) // the client left before its turn came, or its connection was closed
            finish(ErrorCode::Timeout, false);
    });
    m_attachDeadline.start(int(qMin<qint64>(config.attachTimeoutMs, 3600 * 1000)));
}

SseStream::~SseStream()
{
    if (m_socket)
        m_socket->abort();
}

Status SseStream::subscribe(const QStringList &patterns, const QString &channel, const MessageFilter &filter)
{
    for (qsizetype i = 0; i < patterns.size(); ++i) {
        SubscriptionOptions o;
        o.pattern = patterns.at(i);
        o.channel = channel;
        o.tag = quint32(i + 1);
        o.filter = filter;
        Result<SubscriptionId> r = m_hub->bus()->subscribe(this, o, this);
        if (!r) {
            for (SubscriptionId id : std::as_const(m_subscriptions))
                m_hub->bus()->unsubscribe(id, this);
            m_subscriptions.clear();
            Error e = r.error();
            e.details.insert(QStringLiteral("topic"), patterns.at(i));
            return e;
        }
        m_subscriptions.append(r.value());
    }
    return {};
}

void SseStream::attach(QTcpSocket *socket)
{
    if (m_finished) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    m_attachDeadline.stop();
    socket->setParent(this);
    m_socket = socket;
    m_writer.setDevice(socket);
    connect(socket, &QTcpSocket::readyRead, this, &SseStream::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, [this] { finish(ErrorCode::NotConnected, false); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this] {
        if (pendingCount() > 0 && m_writer.acceptsDeliveries())
            scheduleDrain();
    });
    m_writer.buffer() += m_preamble;
    m_writer.noteControl(m_preamble.size());
    m_preamble.clear();
    m_heartbeat.start();
    flushNow();
    if (socket->state() != QAbstractSocket::ConnectedState) {
        finish(ErrorCode::NotConnected, false);
        return;
    }
    if (pendingCount() > 0)
        scheduleDrain();
    onReadyRead(); // bytes that came before the hand-over
}

void SseStream::appendDelivery(const Message &message)
{
    const qsizetype before = m_writer.buffer().size();
    SseEvent::appendMessage(m_writer.buffer(), message);
    m_writer.noteDelivery(m_writer.buffer().size() - before);
    countOut(1, quint64(message.payloadSize()));
    m_wroteSinceBeat = true;
}

bool SseStream::deliverNow(const Message &message, quint32 tag)
{
    Q_UNUSED(tag)
    // The link's mutex is held: no queue accessors here.
    if (!m_socket || m_finished || !m_writer.acceptsDeliveries())
        return false;
    appendDelivery(message);
    scheduleFlush();
    return true;
}

void SseStream::drain()
{
    if (!m_socket || m_finished)
        return;
    while (m_writer.acceptsDeliveries()) {
        m_batch.clear();
        if (takePending(m_batch, kDrainBatch) == 0)
            break;
        for (const Delivery &d : m_batch)
            appendDelivery(d.message);
        flushNow();
    }
    m_batch.clear();
    flushNow();
}

void SseStream::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    QMetaObject::invokeMethod(this, &SseStream::flushNow, Qt::QueuedConnection);
}

void SseStream::flushNow()
{
    m_flushScheduled = false;
    if (!m_socket || m_writer.isEmpty())
        return;
    m_writer.flush();
}

void SseStream::heartbeat()
{
    if (!m_socket || m_finished)
        return;
    if (!m_wroteSinceBeat) {
        const qsizetype before = m_writer.buffer().size();
        SseEvent::appendComment(m_writer.buffer(), "heartbeat");
        if (!m_writer.noteControl(m_writer.buffer().size() - before)) {
            overflowDisconnect();
            return;
        }
        flushNow();
    }
    m_wroteSinceBeat = false;
    if (m_writer.isOverLimit())
        overflowDisconnect();
}

void SseStream::onReadyRead()
{
    if (!m_socket)
        return;
    const QByteArray in = m_socket->readAll();
    m_readBytes += in.size();
    if (m_readBytes > kMaxInput)
        close(Error(ErrorCode::BadMessage,
                    QStringLiteral("an event stream takes no input (%1 bytes received)").arg(m_readBytes)));
}

void SseStream::overflowDisconnect()
{
    const Error e(ErrorCode::Overflow, QStringLiteral("the client does not read its event stream (%1 bytes unsent, "
                                                      "limit %2); closed, the undelivered messages are in the dead letters")
                                           .arg(m_writer.unsent())
                                           .arg(m_config.maxOutboundBytes));
    close(e);
}

void SseStream::subscriptionEnded(quint32 tag, const Error &reason)
{
    if (tag >= 1 && qsizetype(tag) <= m_subscriptions.size())
        m_subscriptions[qsizetype(tag) - 1] = 0;
    bool any = false;
    for (SubscriptionId id : std::as_const(m_subscriptions))
        any = any || id != 0;
    if (!any) {
        close(reason);
        return;
    }
    if (m_socket) {
        Error e = reason;
        e.details.insert(QStringLiteral("ended"), true);
        SseEvent::appendNamed(m_writer.buffer(), "sb.error", errorJson(e));
        scheduleFlush();
    }
}

void SseStream::close(const Error &reason)
{
    if (m_finished)
        return;
    const bool reset = reason.code == ErrorCode::Overflow;
    if (m_socket && !reset && m_socket->state() == QAbstractSocket::ConnectedState) {
        SseEvent::appendNamed(m_writer.buffer(), "sb.error", errorJson(reason));
        flushNow();
    }
    finish(reason.code, reset);
}

void SseStream::finish(ErrorCode reason, bool reset)
{
    if (m_finished)
        return;
    m_finished = true;
    m_heartbeat.stop();
    m_attachDeadline.stop();
    flushPendingToDeadLetters(DeadLetterReason::SubscriberGone, QStringLiteral("the SSE stream ended"));
    if (m_socket) {
        m_socket->disconnect(this);
        if (reset)
            OutboundWriter::reset(m_socket); // a peer that does not read: its unsent bytes are dropped
        else
            m_socket->disconnectFromHost();
    }
    Q_EMIT closed(id());
    Q_EMIT finished(this, reason);
}

} // namespace sb::http
