// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>
#include <switchboard/message.h>

#include <QDateTime>
#include <QUuid>

#include <atomic>

namespace sb {

class MessageData : public QSharedData
{
public:
    QString id;
    MessageType type = MessageType::Event;
    QString channel;
    QString topic;
    QString action;
    Headers headers;
    QByteArray payload;
    QString contentType;
    qint64 timestamp = 0;
    QString correlationId;
    QString replyTo;
    qint64 ttl = 0;
    int attempt = 1;
    QString source;
    Error error;
    mutable QByteArray wire; // cache of BinaryCodec::encodeMessage; cleared by every setter
};

QString messageTypeName(MessageType type)
{
    switch (type) {
    case MessageType::Event: return QStringLiteral("event");
    case MessageType::Request: return QStringLiteral("request");
    case MessageType::Response: return QStringLiteral("response");
    case MessageType::Subscribe: return QStringLiteral("subscribe");
    case MessageType::Unsubscribe: return QStringLiteral("unsubscribe");
    }
    return QStringLiteral("event");
}

bool messageTypeFromName(const QString &name, MessageType *type)
{
    static const MessageType all[] = {MessageType::Event, MessageType::Request, MessageType::Response,
                                      MessageType::Subscribe, MessageType::Unsubscribe};
    for (MessageType t : all) {
        if (messageTypeName(t) == name) {
            *type = t;
            return true;
        }
    }
    return false;
}

Message::Message() : d(new MessageData) {}

Message::Message(MessageType type, const QString &topic, const QByteArray &payload) : d(new MessageData)
{
    d->type = type;
    d->topic = topic;
    d->payload = payload;
}

Message::Message(const Message &other) = default;
Message::Message(Message &&other) noexcept = default;
Message &Message::operator=(const Message &other) = default;
Message &Message::operator=(Message &&other) noexcept = default;
Message::~Message() = default;

Message Message::create(MessageType type, const QString &topic, const QByteArray &payload)
{
    Message m(type, topic, payload);
    m.d->id = newId();
    m.d->timestamp = QDateTime::currentMSecsSinceEpoch();
    return m;
}

/*!
    A unique id: a random per-process prefix and a counter (like NATS' NUID), so that stamping an
    id costs no system call and no random draw per message.
*/
QString Message::newId()
{
    static const QString prefix = QUuid::createUuid().toString(QUuid::Id128).left(16) + QLatin1Char('-');
    static std::atomic<quint64> counter{0};
    return prefix + QString::number(counter.fetch_add(1, std::memory_order_relaxed) + 1, 36);
}

#define SB_SETTER(field, value)                                                                                \
    d->field = value;                                                                                          \
    d->wire.clear()

QString Message::id() const { return d->id; }
void Message::setId(const QString &id) { SB_SETTER(id, id); }
MessageType Message::type() const { return d->type; }
void Message::setType(MessageType type) { SB_SETTER(type, type); }
QString Message::channel() const { return d->channel; }
void Message::setChannel(const QString &channel) { SB_SETTER(channel, channel); }
QString Message::topic() const { return d->topic; }
void Message::setTopic(const QString &topic) { SB_SETTER(topic, topic); }
QString Message::action() const { return d->action; }
void Message::setAction(const QString &action) { SB_SETTER(action, action); }
Headers Message::headers() const { return d->headers; }
void Message::setHeaders(const Headers &headers) { SB_SETTER(headers, headers); }
QString Message::header(const QString &key) const { return d->headers.value(key); }
void Message::setHeader(const QString &key, const QString &value)
{
    d->headers.insert(key, value);
    d->wire.clear();
}
QByteArray Message::payload() const { return d->payload; }
void Message::setPayload(const QByteArray &payload) { SB_SETTER(payload, payload); }
QString Message::contentType() const { return d->contentType; }
void Message::setContentType(const QString &contentType) { SB_SETTER(contentType, contentType); }
qint64 Message::timestamp() const { return d->timestamp; }
void Message::setTimestamp(qint64 msecsSinceEpoch) { SB_SETTER(timestamp, msecsSinceEpoch); }
QString Message::correlationId() const { return d->correlationId; }
void Message::setCorrelationId(const QString &id) { SB_SETTER(correlationId, id); }
QString Message::replyTo() const { return d->replyTo; }
void Message::setReplyTo(const QString &replyTo) { SB_SETTER(replyTo, replyTo); }
qint64 Message::ttl() const { return d->ttl; }
void Message::setTtl(qint64 msecs) { SB_SETTER(ttl, msecs); }
int Message::attempt() const { return d->attempt; }
void Message::setAttempt(int attempt) { SB_SETTER(attempt, attempt); }
QString Message::source() const { return d->source; }
void Message::setSource(const QString &source) { SB_SETTER(source, source); }
Error Message::error() const { return d->error; }
void Message::setError(const Error &error) { SB_SETTER(error, error); }
bool Message::hasError() const { return d->error.isError(); }

#undef SB_SETTER

bool Message::isExpired(qint64 nowMsecs) const
{
    return d->ttl > 0 && d->timestamp + d->ttl < nowMsecs;
}

qint64 Message::byteSize() const
{
    // Strings are counted in UTF-16 code units times two; close enough for limits.
    qint64 size = 64 + d->payload.size();
    size += 2 * (d->id.size() + d->channel.size() + d->topic.size() + d->action.size() + d->contentType.size()
                 + d->correlationId.size() + d->replyTo.size() + d->source.size());
    for (auto it = d->headers.cbegin(); it != d->headers.cend(); ++it)
        size += 2 * (it.key().size() + it.value().size());
    return size;
}

const QByteArray &Message::wireBytes() const
{
    if (d->wire.isEmpty())
        d->wire = BinaryCodec::encodeMessage(*this);
    return d->wire;
}

void Message::setWireBytes(const QByteArray &bytes) const
{
    d->wire = bytes;
}

bool Message::operator==(const Message &other) const
{
    if (d == other.d)
        return true;
    return d->id == other.d->id && d->type == other.d->type && d->channel == other.d->channel
        && d->topic == other.d->topic && d->action == other.d->action && d->headers == other.d->headers
        && d->payload == other.d->payload && d->contentType == other.d->contentType
        && d->timestamp == other.d->timestamp && d->correlationId == other.d->correlationId
        && d->replyTo == other.d->replyTo && d->ttl == other.d->ttl && d->attempt == other.d->attempt
        && d->source == other.d->source && d->error.code == other.d->error.code
        && d->error.message == other.d->error.message && d->error.details == other.d->error.details;
}

} // namespace sb
