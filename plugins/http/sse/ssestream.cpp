// SPDX-License-Identifier: Apache-2.0
#include "ssestream.h"

#include "encodingcache.h"
#include "sseevent.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace sb::http {

namespace {
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
    : StreamConnection(hub, {config.highWaterBytes, config.maxOutboundBytes, config.attachTimeoutMs, config.stallTimeoutMs}, id, protocol, peer, parent),
      m_config(config)
{
}

Status SseStream::subscribe(const QStringList &patterns, const QString &channel, const MessageFilter &filter)
{
    for (qsizetype i = 0; i < patterns.size(); ++i) {
        SubscriptionOptions o;
        o.pattern = patterns.at(i);
        o.channel = channel;
        o.tag = quint32(i + 1);
        o.filter = filter;
        Result<SubscriptionId> r = hub()->bus()->subscribe(this, o, this);
        if (!r) {
            for (SubscriptionId id : std::as_const(m_subscriptions))
                hub()->bus()->unsubscribe(id, this);
            m_subscriptions.clear();
            Error e = r.error();
            e.details.insert(QStringLiteral("topic"), patterns.at(i));
            return e;
        }
        m_subscriptions.append(r.value());
    }
    return {};
}

void SseStream::attached(const QByteArray &readAhead)
{
    Q_UNUSED(readAhead)
    writer().buffer() += m_preamble;
    writer().noteControl(m_preamble.size());
    m_preamble.clear();
}

void SseStream::appendDelivery(const Message &message, quint32 tag)
{
    Q_UNUSED(tag)
    // Every stream of this thread that gets the message writes the same event: made once.
    static thread_local EncodingCache events(&SseEvent::messageEvent);
    const qsizetype before = writer().buffer().size();
    writer().buffer() += events.of(message);
    writer().noteDelivery(writer().buffer().size() - before);
    countOut(1, quint64(message.payloadSize()));
    m_wroteSinceBeat = true;
}

void SseStream::heartbeat()
{
    if (!socket() || isFinished())
        return;
    if (!m_wroteSinceBeat) {
        const qsizetype before = writer().buffer().size();
        SseEvent::appendComment(writer().buffer(), "heartbeat");
        if (!noteControl(before))
            return;
        flushNow();
    }
    m_wroteSinceBeat = false;
    if (writer().isOverLimit())
        overflowDisconnect();
}

void SseStream::readable()
{
    if (!socket() || isFinished())
        return;
    char sink[4096];
    qint64 got = 0;
    while (m_readBytes <= kMaxInput && (got = readInput(sink, sizeof sink)) > 0)
        m_readBytes += got;
    if (got < 0)
        return; // the client left
    if (m_readBytes > kMaxInput)
        close(Error(ErrorCode::BadMessage,
                    QStringLiteral("an event stream takes no input (%1 bytes received)").arg(m_readBytes)));
}

void SseStream::overflowDisconnect()
{
    const Error e(ErrorCode::Overflow, QStringLiteral("the client does not read its event stream (%1 bytes unsent, "
                                                      "limit %2); closed, the undelivered messages are in the dead letters")
                                           .arg(writer().unsent())
                                           .arg(m_config.maxOutboundBytes));
    close(e);
}

void SseStream::stalled(qint64 unsent, qint64 forMs)
{
    close(Error(ErrorCode::Overflow, QStringLiteral("the client took none of its event stream for %1 ms (%2 bytes "
                                                    "unsent, sse.stall-timeout); closed, the undelivered messages are "
                                                    "in the dead letters")
                                         .arg(forMs)
                                         .arg(unsent)));
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
    if (socket()) {
        Error e = reason;
        e.details.insert(QStringLiteral("ended"), true);
        SseEvent::appendNamed(writer().buffer(), "sb.error", errorJson(e));
        scheduleFlush();
    }
}

void SseStream::close(const Error &reason)
{
    if (isFinished())
        return;
    const bool reset = reason.code == ErrorCode::Overflow;
    if (socket() && !reset && socketConnected()) {
        SseEvent::appendNamed(writer().buffer(), "sb.error", errorJson(reason));
        flushNow();
    }
    finish(reason.code, reset);
}

} // namespace sb::http
