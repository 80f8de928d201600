// SPDX-License-Identifier: Apache-2.0
// NativeConnection: the frames a client sends (CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, REQUEST,
// REPLY, NACK, PING), each turned into one bus call on behalf of the connection's principal.
#include "nativeconnection.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/recipients.h>

#include <QJsonArray>
#include <QJsonObject>

namespace sb::native {

namespace {
// A client's subscription id: an integer from 1 to 2^32-1 (a JSON number is a double; casting one
// out of range is undefined behaviour, so it is checked first).
std::optional<quint32> subscriptionId(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!(d >= 1 && d <= 4294967295.0) || d != double(quint64(d)))
        return std::nullopt;
    return quint32(d);
}
} // namespace

void NativeConnection::handleFrame(const Frame &frame)
{
    const quint32 seq = readU32(frame.body);
    if (frame.body.size() < 4) {
        const sb::Error e(ErrorCode::BadFrame,
                          QStringLiteral("%1 frame without its 4-byte sequence number").arg(frameTypeName(frame.type)));
        countError();
        if (!m_handshakeDone)
            close(e); // before CONNECT: one error answer, then the socket is closed
        else
            sendError(0, e);
        return;
    }
    if (!m_handshakeDone && frame.type != quint8(FrameType::Connect)) {
        close(sb::Error(ErrorCode::Unauthenticated,
                        QStringLiteral("the first frame must be CONNECT, got %1").arg(frameTypeName(frame.type))));
        return;
    }
    switch (FrameType(frame.type)) {
    case FrameType::Connect: return handleConnect(seq, frame.body);
    case FrameType::Publish: return handlePublish(frame.body);
    case FrameType::Subscribe: return handleSubscribe(seq, frame.body);
    case FrameType::Unsubscribe: return handleUnsubscribe(seq, frame.body);
    case FrameType::Request: return handleRequest(frame.body);
    case FrameType::Reply: return handleReply(frame.body);
    case FrameType::Nack: return handleNack(frame.body);
    case FrameType::AckDelivery: return handleAckDelivery(frame.body);
    case FrameType::Ping: {
        const qsizetype before = m_writer.buffer().size();
        appendControl(m_writer.buffer(), FrameType::Pong, seq);
        controlQueued(before);
        return;
    }
    case FrameType::Pong:
        return;
    case FrameType::Connected:
    case FrameType::Deliver:
    case FrameType::Ack:
    case FrameType::Error:
        break;
    }
    countError();
    sendError(seq, sb::Error(ErrorCode::UnknownFrame,
                             QStringLiteral("%1 is not a frame a client may send").arg(frameTypeName(frame.type)),
                             {{QStringLiteral("frameType"), frame.type}}));
}

void NativeConnection::handleConnect(quint32 seq, QByteArrayView body)
{
    if (m_handshakeDone) {
        countError();
        sendError(seq, sb::Error(ErrorCode::BadFrame, QStringLiteral("already connected")));
        return;
    }
    auto json = controlJson(body);
    if (!json) {
        close(json.error());
        return;
    }
    const int protocol = json->value(QStringLiteral("protocol")).toInt(MinProtocolVersion);
    if (protocol < MinProtocolVersion || protocol > ProtocolVersion) {
        close(sb::Error(ErrorCode::BadFrame, QStringLiteral("client speaks native protocol %1; this hub speaks %2 to %3")
                                                 .arg(protocol)
                                                 .arg(MinProtocolVersion)
                                                 .arg(ProtocolVersion)));
        return;
    }
    m_protocol = protocol;
    const QString user = json->value(QStringLiteral("user")).toString();
    const QByteArray token = json->value(QStringLiteral("token")).toString().toUtf8();
    // Without credentials a client is "anonymous", whatever user name it gives: only the hub's
    // authenticators name principals (a name in the source stamp must mean something).
    Identity identity;
    identity.name = QStringLiteral("anonymous");
    // Mutual TLS: the certificate the handshake verified is a credential of its own.
    const Authenticator *auth = m_hub->authenticator();
    const QSslCertificate certificate = auth && auth->acceptsCertificates() ? peerCertificate() : QSslCertificate();
    if (auth && (!token.isEmpty() || !certificate.isNull() || m_hub->requireAuth())) {
        AuthRequest request;
        request.user = user;
        request.credential = token;
        request.protocol = QStringLiteral("native");
        request.peerAddress = peerAddress();
        request.certificate = certificate;
        Result<Identity> r = auth->authenticate(request);
        if (!r) {
            close(r.error());
            return;
        }
        identity = r.value();
    } else if (m_hub->requireAuth()) {
        close(sb::Error(ErrorCode::Unauthenticated, QStringLiteral("this hub requires authentication")));
        return;
    }
    // What the client says about itself, for targeted sends (x-sb-to: meta.<name>=...).
    if (const QJsonValue meta = json->value(QStringLiteral("metadata")); !meta.isUndefined()) {
        const sb::Error bad(ErrorCode::BadMessage, QStringLiteral("CONNECT \"metadata\" is an object of strings"),
                            {{QStringLiteral("field"), QStringLiteral("metadata")}});
        if (!meta.isObject()) {
            close(bad);
            return;
        }
        ConnectionMetadata metadata;
        const QJsonObject entries = meta.toObject();
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            if (!it.value().isString()) {
                close(bad);
                return;
            }
            metadata.insert(it.key(), it.value().toString());
        }
        if (Status st = Recipients::checkMetadata(metadata, m_hub->bus()->limits().metadata); !st) {
            close(st.error());
            return;
        }
        setMetadata(metadata);
    }
    setIdentity(identity);
    // A client that will never NACK ("nack": false) spares the hub the window of its deliveries.
    if (!json->value(QStringLiteral("nack")).toBool(true))
        deliveries().setLimits({0, 0});
    m_handshakeDone = true;
    QJsonObject hello{{QStringLiteral("connectionId"), id()},
                      {QStringLiteral("server"), QStringLiteral("switchboard")},
                      {QStringLiteral("protocol"), m_protocol},
                      {QStringLiteral("maxFrameSize"), double(m_settings.maxFrameSize)},
                      {QStringLiteral("idleTimeoutMs"), m_settings.idleTimeoutMs},
                      {QStringLiteral("identity"), identity.name},
                      // What this hub takes beyond protocol 1's first form: "filters" (SUBSCRIBE's
                      // "filter" and "event_types"). A hub without it would ignore them.
                      // Protocol 2 adds "durable" (SUBSCRIBE's "durable", ACK_DELIVERY).
                      {QStringLiteral("features"), m_protocol >= 2 ? QJsonArray{QStringLiteral("filters"), QStringLiteral("metadata"),
                                                                                QStringLiteral("durable")}
                                                                   : QJsonArray{QStringLiteral("filters"), QStringLiteral("metadata")}}};
    const qsizetype before = m_writer.buffer().size();
    appendControl(m_writer.buffer(), FrameType::Connected, seq, hello);
    controlQueued(before);
}

void NativeConnection::handlePublish(QByteArrayView body)
{
    const quint32 seq = readU32(body);
    Result<Message> msg = BinaryCodec::decodeMessage(body.sliced(4), true, &m_strings);
    if (!msg) {
        countError();
        sendError(seq, msg.error());
        return;
    }
    // The ACK (or ERROR) on a persistent channel waits until the journal stored the message; the
    // bus drops the callback if this connection is gone by then. [this, seq] fits std::function's
    // local buffer: no allocation per publish.
    m_hub->bus()->publish(std::move(msg).value(), principal(), this, this, [this, seq](const Result<int> &r) {
        if (!r)
            sendError(seq, r.error());
        else if (seq != 0)
            sendPublishAck(seq, r.value());
    });
}

void NativeConnection::handleSubscribe(quint32 seq, QByteArrayView body)
{
    auto json = controlJson(body);
    if (!json) {
        countError();
        sendError(seq, json.error());
        return;
    }
    const std::optional<quint32> parsed = subscriptionId(json->value(QStringLiteral("sid")));
    if (!parsed) {
        countError();
        sendError(seq, sb::Error(ErrorCode::BadMessage,
                                 QStringLiteral("SUBSCRIBE needs an integer \"sid\" from 1 to 4294967295")));
        return;
    }
    const quint32 sid = *parsed;
    if (m_subscriptions.contains(sid)) {
        countError();
        sendError(seq, sb::Error(ErrorCode::BadMessage, QStringLiteral("subscription id %1 is already in use").arg(sid),
                                 {{QStringLiteral("sid"), sid}}));
        return;
    }
    SubscriptionOptions options;
    options.pattern = json->value(QStringLiteral("pattern")).toString();
    options.channel = json->value(QStringLiteral("channel")).toString();
    options.queueGroup = json->value(QStringLiteral("queue")).toString();
    options.tag = sid;
    Result<MessageFilter> filter = MessageFilter::fromJson(json.value(), m_hub->bus()->limits().filters);
    if (!filter) {
        countError();
        sb::Error e = filter.error();
        e.details.insert(QStringLiteral("sid"), sid);
        sendError(seq, e);
        return;
    }
    options.filter = std::move(filter.value());
    if (json->contains(QStringLiteral("durable"))) {
        if (m_protocol < 2) {
            countError();
            sendError(seq, sb::Error(ErrorCode::BadMessage, QStringLiteral("durable subscriptions need native protocol 2"),
                                     {{QStringLiteral("sid"), sid}}));
            return;
        }
        options.durable = json->value(QStringLiteral("durable")).toString();
        options.fromStart = json->value(QStringLiteral("from_start")).toBool(false);
    }
    Result<SubscriptionId> r = m_hub->bus()->subscribe(this, options, this);
    if (!r) {
        sb::Error e = r.error();
        e.details.insert(QStringLiteral("sid"), sid);
        sendError(seq, e);
        return;
    }
    m_subscriptions.insert(sid, r.value());
    sendAck(seq, {{QStringLiteral("sid"), double(sid)}});
}

void NativeConnection::handleUnsubscribe(quint32 seq, QByteArrayView body)
{
    auto json = controlJson(body);
    if (!json) {
        countError();
        sendError(seq, json.error());
        return;
    }
    const quint32 sid = subscriptionId(json->value(QStringLiteral("sid"))).value_or(0);
    const SubscriptionId *id = m_subscriptions.find(sid);
    if (!id) {
        countError();
        sendError(seq, sb::Error(ErrorCode::NotFound, QStringLiteral("no subscription with id %1").arg(sid),
                                 {{QStringLiteral("sid"), sid}}));
        return;
    }
    const Status st = m_hub->bus()->unsubscribe(*id, this);
    // Gone either way (a NOT_FOUND subscription ended with its channel): the sid is free again.
    m_subscriptions.remove(sid);
    deliveries().forget(sid);
    if (!st && st.error().code != ErrorCode::NotFound) {
        sendError(seq, st.error());
        return;
    }
    sendAck(seq, {{QStringLiteral("sid"), double(sid)}});
}

void NativeConnection::subscriptionEnded(quint32 tag, const sb::Error &reason)
{
    if (m_closing || !m_subscriptions.remove(tag))
        return;
    deliveries().forget(tag);
    sb::Error e = reason;
    e.details.insert(QStringLiteral("sid"), tag);
    e.details.insert(QStringLiteral("ended"), true);
    sendError(0, e);
}

void NativeConnection::handleRequest(QByteArrayView body)
{
    const quint32 seq = readU32(body);
    if (body.size() < 8) {
        countError();
        sendError(seq, sb::Error(ErrorCode::BadFrame, QStringLiteral("REQUEST frame without its timeout")));
        return;
    }
    const int timeoutMs = int(qMin<quint32>(readU32(body, 4), quint32(std::numeric_limits<int>::max())));
    Result<Message> msg = BinaryCodec::decodeMessage(body.sliced(8));
    if (!msg) {
        countError();
        sendError(seq, msg.error());
        return;
    }
    QPointer<NativeConnection> self(this);
    Result<QString> r = m_hub->bus()->request(
        std::move(msg).value(), timeoutMs, this,
        [self, seq](const Result<Message> &response) {
            if (!self || self->m_closing)
                return;
            if (response) {
                appendMessageFrame(self->m_writer.buffer(), FrameType::Reply, seq, response.value());
                self->countOut(1, quint64(response.value().payloadSize()));
                self->scheduleFlush();
            } else {
                self->sendError(seq, response.error());
            }
        },
        this);
    if (!r)
        sendError(seq, r.error());
}

void NativeConnection::handleReply(QByteArrayView body)
{
    const quint32 seq = readU32(body);
    Result<Message> msg = BinaryCodec::decodeMessage(body.sliced(4));
    if (!msg) {
        countError();
        sendError(seq, msg.error());
        return;
    }
    Status st = m_hub->bus()->reply(std::move(msg).value(), this);
    if (!st)
        sendError(seq, st.error());
    else if (seq != 0)
        sendAck(seq);
}

void NativeConnection::handleNack(QByteArrayView body)
{
    const quint32 sid = readU32(body);
    Result<Message> msg = BinaryCodec::decodeMessage(body.sliced(4));
    if (!msg) {
        countError();
        sendError(0, msg.error());
        return;
    }
    // Only the message id is taken from the client: the hub retries its own copy of a delivery
    // this connection holds, and counts the attempts itself.
    Status st = m_hub->bus()->nack(this, m_subscriptions.value(sid), sid, msg->id(),
                                   QStringLiteral("rejected by client %1").arg(id()));
    if (!st)
        sendError(0, st.error());
}

// ACK_DELIVERY: u32 sid + u64 seq. An ack that comes late (the delivery was made again to another
// subscriber, or dead-lettered) is answered NOT_FOUND but not counted as an error: it is normal.
void NativeConnection::handleAckDelivery(QByteArrayView body)
{
    if (body.size() != 12) {
        countError();
        sendError(0, sb::Error(ErrorCode::BadFrame, QStringLiteral("ACK_DELIVERY is a u32 sid and a u64 seq (12 bytes)")));
        return;
    }
    const quint32 sid = readU32(body);
    const quint64 seq = readU64(body, 4);
    const SubscriptionId *id = m_subscriptions.find(sid);
    if (!id) {
        countError();
        sendError(0, sb::Error(ErrorCode::NotFound, QStringLiteral("no subscription with id %1").arg(sid),
                               {{QStringLiteral("sid"), sid}}));
        return;
    }
    const Status st = m_hub->bus()->acknowledge(*id, seq, principal(), this);
    if (!st) {
        if (st.error().code != ErrorCode::NotFound)
            countError();
        sb::Error e = st.error();
        e.details.insert(QStringLiteral("sid"), sid);
        sendError(0, e);
    }
}

} // namespace sb::native
