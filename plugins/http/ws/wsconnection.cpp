// SPDX-License-Identifier: Apache-2.0
#include "wsconnection.h"

#include "encodingcache.h"
#include "wsframe.h"

#include <switchboard/binarycodec.h>
#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/jsoncodec.h>
#include <switchboard/messagefilter.h>
#include <switchboard/ratelimiter.h>
#include <switchboard/recipients.h>

#include <QJsonDocument>
#include <QTcpSocket>


namespace sb::http {

namespace {
constexpr qint64 kReadChunk = 64 * 1024;
constexpr qsizetype kMaxName = 128; // a subscription's name (its subscribe messageId)

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject errorObject(const Error &e)
{
    QJsonObject o{{QStringLiteral("code"), e.codeName()}, {QStringLiteral("message"), e.message}};
    if (!e.details.isEmpty())
        o.insert(QStringLiteral("details"), QJsonObject::fromVariantMap(e.details));
    return o;
}

quint16 closeCodeFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotConnected: return WsClose::GoingAway;     // the hub stops
    case ErrorCode::TooLarge: return WsClose::TooBig;
    case ErrorCode::Internal: return WsClose::InternalError;
    default: return WsClose::PolicyViolation;                     // auth expired, closed by an operator, error cap
    }
}
} // namespace

WsConnection::WsConnection(Hub *hub, const WsConfig &config, const Timeouts &timeouts,
                           std::optional<WsDeflateParams> deflate, const QString &id, const QString &protocol,
                           const QString &peer, QObject *parent)
    : StreamConnection(hub, {config.highWaterBytes, config.maxOutboundBytes, config.attachTimeoutMs, config.stallTimeoutMs}, id, protocol, peer, parent),
      m_config(config), m_timeouts(timeouts), m_reader(config.frames)
{
    deliveries().setLimits({0, 0}); // no NACKs over WebSocket: nothing to keep
    if (deflate) {
        m_deflate = std::make_unique<WsDeflate>(*deflate);
        m_reader.setCompressionAgreed(true);
    }
}

Status WsConnection::subscribeAtUpgrade(const QString &pattern)
{
    if (tagOf(pattern))
        return {};
    SubscriptionOptions o;
    o.pattern = pattern;
    o.tag = ++m_nextTag;
    Result<SubscriptionId> r = hub()->bus()->subscribe(this, o, this);
    if (!r) {
        Error e = r.error();
        e.details.insert(QStringLiteral("topic"), pattern);
        return e;
    }
    m_subscriptions.insert(o.tag, named(pattern, r.value()));
    return {};
}

void WsConnection::attached(const QByteArray &readAhead)
{
    if (auto *tls = qobject_cast<QAbstractSocket *>(socket()))
        tls->setReadBufferSize(kReadChunk); // backpressure: Qt stops reading past it (a DirectSocket reads only when asked)
    m_lastInputMs = RateLimiter::monotonicMsecs();
    if (!readAhead.isEmpty())
        m_reader.append(readAhead);
}

void WsConnection::readable()
{
    if (!socket() || isFinished())
        return;
    static thread_local QByteArray scratch(kReadChunk, Qt::Uninitialized); // every connection of the thread reads through it
    const qint64 got = readInput(scratch.data(), kReadChunk);
    if (got < 0)
        return; // the peer left
    const QByteArrayView in(scratch.constData(), got);
    if (!in.isEmpty()) {
        m_lastInputMs = RateLimiter::monotonicMsecs();
        m_pingSentMs = 0;
        m_reader.append(in);
    }
    while (!isFinished() && !m_closing && !errorCapReached()) {
        std::optional<WsEvent> e = m_reader.next();
        if (!e)
            break;
        handle(*e);
    }
    if (m_reader.hasError() && !m_closing) {
        countError();
        closeWith(m_reader.errorCode(), m_reader.errorReason(),
                  m_reader.errorCode() == WsClose::TooBig ? ErrorCode::TooLarge : ErrorCode::BadFrame);
        return;
    }
    flushNow();
    if (socket() && socket()->bytesAvailable() > 0 && !m_closing)
        QMetaObject::invokeMethod(this, &WsConnection::readable, Qt::QueuedConnection); // the rest next turn
}

void WsConnection::handle(const WsEvent &event)
{
    QByteArray inflated;
    if (event.compressed) {
        QString error;
        bool tooBig = false;
        if (!m_deflate || !m_deflate->decompress(event.payload, m_config.frames.maxMessageBytes, &inflated, &error, &tooBig)) {
            countError();
            if (tooBig)
                closeWith(WsClose::TooBig, QStringLiteral("a message that inflates past %1 bytes").arg(m_config.frames.maxMessageBytes),
                          ErrorCode::TooLarge);
            else
                closeWith(WsClose::InvalidData, error, ErrorCode::BadFrame);
            return;
        }
        if (event.type == WsEvent::Type::Text && !WsFrameReader::isUtf8(inflated)) {
            countError();
            closeWith(WsClose::InvalidData, QStringLiteral("a text message that is not UTF-8"), ErrorCode::BadFrame);
            return;
        }
    }
    const QByteArray &payload = event.compressed ? inflated : event.payload;
    switch (event.type) {
    case WsEvent::Type::Text:
        handleText(payload);
        break;
    case WsEvent::Type::Binary:
        handleBinary(payload);
        break;
    case WsEvent::Type::Ping: {
        const qsizetype before = writer().buffer().size();
        WsFrame::appendPong(writer().buffer(), event.payload);
        noteControl(before);
        break;
    }
    case WsEvent::Type::Pong:
        break; // any input counts as alive
    case WsEvent::Type::Close: {
        // Answer with the same code (RFC 6455 5.5.1), then the server closes the TCP connection.
        const quint16 code = event.closeCode == WsClose::NoStatus ? WsClose::Normal : event.closeCode;
        WsFrame::appendClose(writer().buffer(), code);
        m_closing = true;
        flushNow();
        finish(ErrorCode::NotConnected, false);
        break;
    }
    }
}

void WsConnection::handleText(const QByteArray &text)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        countError();
        respondError(QString(), Error(ErrorCode::BadMessage,
                                      pe.error != QJsonParseError::NoError
                                          ? QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset)
                                          : QStringLiteral("a message must be a JSON object (the envelope)")));
        return;
    }
    const QJsonObject envelope = doc.object();
    const QString type = envelope.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("subscribe")) {
        handleSubscribe(envelope);
        return;
    }
    if (type == QLatin1String("unsubscribe")) {
        handleUnsubscribe(envelope);
        return;
    }
    if (type == QLatin1String("ack")) {
        handleAck(envelope);
        return;
    }
    const QString id = envelope.value(QStringLiteral("messageId")).toString();
    if (type != QLatin1String("event") && type != QLatin1String("request") && type != QLatin1String("response")) {
        countError();
        respondError(id, Error(ErrorCode::BadMessage,
                               QStringLiteral("\"type\" must be subscribe, unsubscribe, ack, event, request or response"),
                               {{QStringLiteral("field"), QStringLiteral("type")}}));
        return;
    }
    Result<Message> message = JsonCodec::fromJsonObject(envelope);
    if (!message) {
        countError();
        respondError(id, message.error());
        return;
    }
    if (const QJsonValue to = envelope.value(QStringLiteral("to")); !to.isUndefined()) {
        Result<QString> selector = Recipients::selectorFromJson(to);
        if (!selector) {
            countError();
            respondError(id, selector.error());
            return;
        }
        message.value().setHeader(Recipients::headerName(), selector.value());
    }
    if (type == QLatin1String("event")) {
        handlePublish(std::move(message).value(), id);
    } else if (type == QLatin1String("request")) {
        const QJsonValue t = envelope.value(QStringLiteral("timeout"));
        int timeout = m_timeouts.defaultRequestMs;
        if (t.isDouble())
            timeout = int(qBound<double>(1, t.toDouble(), m_timeouts.maxRequestMs));
        handleRequest(std::move(message).value(), timeout);
    } else {
        handleReply(std::move(message).value());
    }
}

void WsConnection::handleBinary(const QByteArray &bytes)
{
    Result<Message> message = BinaryCodec::decodeMessage(bytes);
    if (!message) {
        countError();
        respondError(QString(), message.error());
        return;
    }
    switch (message.value().type()) {
    case MessageType::Event:
        handlePublish(std::move(message).value(), QString());
        break;
    case MessageType::Request:
        handleRequest(std::move(message).value(), m_timeouts.defaultRequestMs);
        break;
    case MessageType::Response:
        handleReply(std::move(message).value());
        break;
    default:
        countError();
        respondError(QString(), Error(ErrorCode::BadMessage,
                                      QStringLiteral("a binary message must be an event, a request or a response")));
    }
}

void WsConnection::handleSubscribe(const QJsonObject &envelope)
{
    const QString name = envelope.value(QStringLiteral("messageId")).toString();
    auto refuse = [&](const Error &e) {
        countError();
        respondError(name, e);
    };
    if (name.isEmpty() || name.size() > kMaxName)
        return refuse(Error(ErrorCode::BadMessage,
                            QStringLiteral("subscribe needs a \"messageId\" of 1 to %1 characters: it names the subscription").arg(kMaxName),
                            {{QStringLiteral("field"), QStringLiteral("messageId")}}));
    if (tagOf(name))
        return refuse(Error(ErrorCode::BadMessage, QStringLiteral("subscription \"%1\" exists already").arg(name),
                            {{QStringLiteral("subscription"), name}}));
    Result<MessageFilter> filter = MessageFilter::fromJson(envelope, hub()->bus()->limits().filters);
    if (!filter)
        return refuse(filter.error());
    SubscriptionOptions o;
    o.pattern = envelope.value(QStringLiteral("topic")).toString();
    o.channel = envelope.value(QStringLiteral("channel")).toString();
    o.queueGroup = envelope.value(QStringLiteral("queue")).toString();
    o.filter = std::move(filter.value());
    o.durable = envelope.value(QStringLiteral("durable")).toString();
    o.fromStart = envelope.value(QStringLiteral("from_start")).toBool(false);
    o.tag = ++m_nextTag;
    Result<SubscriptionId> r = hub()->bus()->subscribe(this, o, this);
    if (!r) {
        respondError(name, r.error());
        return;
    }
    m_subscriptions.insert(o.tag, named(name, r.value()));
    respond(name, {{QStringLiteral("subscription"), name}});
}

// {type: ack, subscription, seq}: a durable subscription's delivery is done. A late ack (the
// delivery went to another member) is answered NOT_FOUND, not counted as an error.
void WsConnection::handleAck(const QJsonObject &envelope)
{
    const QString answer = envelope.value(QStringLiteral("messageId")).toString();
    const QString name = envelope.value(QStringLiteral("subscription")).toString();
    // "seq" as the x-sb-seq header's text, or a JSON number that is a whole number: Qt keeps
    // JSON integers exactly, and toInteger() refuses fractions and what does not fit (a double
    // cast to an integer out of range would be undefined behaviour).
    const QJsonValue seqValue = envelope.value(QStringLiteral("seq"));
    bool ok = false;
    quint64 seq = 0;
    if (seqValue.isString()) {
        seq = seqValue.toString().toULongLong(&ok);
    } else if (const qint64 n = seqValue.toInteger(0); n > 0) {
        seq = quint64(n);
        ok = true;
    }
    ok = ok && seq > 0;
    const quint32 tag = tagOf(name);
    if (!tag || !ok) {
        countError();
        respondError(answer, !tag ? Error(ErrorCode::NotFound, QStringLiteral("no subscription \"%1\"").arg(name.left(kMaxName)),
                                          {{QStringLiteral("subscription"), name.left(kMaxName)}})
                                  : Error(ErrorCode::BadMessage, QStringLiteral("an ack needs \"seq\": the delivery's x-sb-seq header"),
                                          {{QStringLiteral("field"), QStringLiteral("seq")}}));
        return;
    }
    const Status st = hub()->bus()->acknowledge(m_subscriptions.find(tag)->id, seq, principal(), this);
    if (!st) {
        if (st.error().code != ErrorCode::NotFound)
            countError();
        respondError(answer, st.error());
        return;
    }
    if (!answer.isEmpty())
        respond(answer, {{QStringLiteral("subscription"), name}, {QStringLiteral("seq"), QString::number(seq)}});
}

void WsConnection::handleUnsubscribe(const QJsonObject &envelope)
{
    const QString answer = envelope.value(QStringLiteral("messageId")).toString();
    const QString name = envelope.value(QStringLiteral("subscription")).toString();
    const quint32 tag = tagOf(name);
    if (!tag) {
        countError();
        respondError(answer, Error(ErrorCode::NotFound, QStringLiteral("no subscription \"%1\"").arg(name.left(kMaxName)),
                                   {{QStringLiteral("subscription"), name.left(kMaxName)}}));
        return;
    }
    const SubscriptionId id = m_subscriptions.find(tag)->id;
    m_subscriptions.remove(tag);
    hub()->bus()->unsubscribe(id, this);
    respond(answer, {{QStringLiteral("subscription"), name}, {QStringLiteral("ended"), true}});
}

void WsConnection::handlePublish(Message message, const QString &answerId)
{
    // On a persistent channel the answer waits until the journal stored the message; the bus drops
    // it if this connection is gone by then.
    hub()->bus()->publish(std::move(message), principal(), this, this, [this, answerId](const Result<int> &r) {
        if (!open())
            return;
        if (!r) {
            respondError(answerId, r.error());
            return;
        }
        if (!answerId.isEmpty()) // the client asked for an acknowledgement by naming its message
            respond(answerId, {{QStringLiteral("id"), answerId}, {QStringLiteral("deliveries"), r.value()}});
    });
}

void WsConnection::handleRequest(Message message, int timeoutMs)
{
    QPointer<WsConnection> self(this);
    const QString id = message.hasId() ? message.id() : QString();
    Result<QString> r = hub()->bus()->request(
        std::move(message), timeoutMs, this,
        [self, id](const Result<Message> &reply) {
            if (!self || !self->open())
                return;
            if (!reply) {
                self->respondError(id, reply.error());
                return;
            }
            QJsonObject o = JsonCodec::toJsonObject(reply.value());
            o.insert(QStringLiteral("type"), QStringLiteral("response"));
            o.insert(QStringLiteral("correlationId"), id);
            self->countOut(1, quint64(reply.value().payloadSize()));
            self->sendText(compact(o));
        },
        this);
    if (!r)
        respondError(id, r.error());
}

void WsConnection::handleReply(Message message)
{
    const QString correlation = message.correlationId();
    if (Status st = hub()->bus()->reply(std::move(message), this); !st)
        respondError(correlation, st.error());
}

void WsConnection::respond(const QString &correlationId, const QJsonObject &data)
{
    sendText(compact({{QStringLiteral("type"), QStringLiteral("response")},
                      {QStringLiteral("correlationId"), correlationId},
                      {QStringLiteral("data"), data}}));
}

void WsConnection::respondError(const QString &correlationId, const Error &error)
{
    sendText(compact({{QStringLiteral("type"), QStringLiteral("response")},
                      {QStringLiteral("correlationId"), correlationId},
                      {QStringLiteral("error"), errorObject(error)}}));
}

// Answers and errors: always appended and counted against max-outbound-bytes.
void WsConnection::sendText(const QByteArray &json)
{
    if (!socket() || !open())
        return;
    const qsizetype before = writer().buffer().size();
    appendText(json);
    if (noteControl(before))
        scheduleFlush();
}

void WsConnection::appendText(QByteArrayView json)
{
    if (m_deflate) {
        QByteArray compressed;
        if (m_deflate->compress(json, &compressed)) {
            WsFrame::appendCompressedText(writer().buffer(), compressed);
            return;
        }
    }
    WsFrame::appendText(writer().buffer(), json);
}

WsConnection::Named WsConnection::named(const QString &name, SubscriptionId id)
{
    // compact() of {"subscription": name} without its closing brace, then a comma.
    QByteArray prefix = compact({{QStringLiteral("subscription"), name}});
    prefix.chop(1);
    prefix += ',';
    return {name, id, prefix};
}

quint32 WsConnection::tagOf(const QString &name) const
{
    for (const auto &[tag, subscription] : m_subscriptions) {
        if (subscription.name == name)
            return tag;
    }
    return 0;
}

// A delivery: the message's envelope with the name of the subscription it came by first. The
// envelope is encoded once per message for every connection of this thread (a broadcast), and
// written into the frame behind the subscription's prefix without another copy.
void WsConnection::appendDelivery(const Message &message, quint32 tag)
{
    static thread_local EncodingCache envelopes(&JsonCodec::encode);
    const QByteArray &json = envelopes.of(message);
    const Named *subscription = m_subscriptions.find(tag);
    const QByteArrayView prefix = subscription ? QByteArrayView(subscription->prefix) : QByteArrayView("{");
    const QByteArrayView rest = QByteArrayView(json).sliced(1); // past the envelope's "{"
    const qsizetype before = writer().buffer().size();
    if (m_deflate) {
        QByteArray whole;
        whole.reserve(prefix.size() + rest.size());
        whole.append(prefix).append(rest);
        appendText(whole);
    } else {
        WsFrame::appendText(writer().buffer(), prefix, rest);
    }
    writer().noteDelivery(writer().buffer().size() - before);
    countOut(1, quint64(message.payloadSize()));
}

int WsConnection::keepaliveTickMs(const WsConfig &config)
{
    return int(qBound(qint64(50), qMin(config.pingIntervalMs, config.pongTimeoutMs) / 2, qint64(60000)));
}

void WsConnection::keepalive()
{
    if (!socket() || isFinished())
        return;
    if (writer().isOverLimit()) {
        overflowDisconnect();
        return;
    }
    const qint64 now = RateLimiter::monotonicMsecs();
    if (m_pingSentMs && now - m_pingSentMs >= m_config.pongTimeoutMs) {
        closeWith(WsClose::GoingAway,
                  QStringLiteral("no pong within %1 ms (ws.pong-timeout)").arg(m_config.pongTimeoutMs), ErrorCode::Timeout);
        return;
    }
    if (!m_pingSentMs && now - m_lastInputMs >= m_config.pingIntervalMs) {
        const qsizetype before = writer().buffer().size();
        WsFrame::appendPing(writer().buffer(), "sb");
        if (!noteControl(before))
            return;
        m_pingSentMs = now;
        flushNow();
    }
}

void WsConnection::overflowDisconnect()
{
    finish(ErrorCode::Overflow, true);
}

void WsConnection::subscriptionEnded(quint32 tag, const Error &reason)
{
    const Named *subscription = m_subscriptions.find(tag);
    if (!subscription)
        return;
    const QString name = subscription->name;
    m_subscriptions.remove(tag);
    Error e = reason;
    e.details.insert(QStringLiteral("subscription"), name);
    e.details.insert(QStringLiteral("ended"), true);
    respondError(name, e);
}

void WsConnection::close(const Error &reason)
{
    if (isFinished())
        return;
    if (reason.code == ErrorCode::Overflow) {
        finish(ErrorCode::Overflow, true);
        return;
    }
    closeWith(closeCodeFor(reason.code), reason.message, reason.code);
}

void WsConnection::closeWith(quint16 code, const QString &reason, ErrorCode cause)
{
    if (isFinished())
        return;
    if (socket() && !m_closing && socketConnected()) {
        WsFrame::appendClose(writer().buffer(), code, reason.toUtf8());
        m_closing = true;
        flushNow();
    }
    finish(cause, false);
}

} // namespace sb::http
