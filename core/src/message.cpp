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
    mutable QByteArray wire; // cache of BinaryCodec::encodeMessage; patched or cleared by setters
    // >= 0: the payload is the last payloadInWire bytes of wire (a decoded message: no copy of
    // its own); -1: payload holds it.
    qsizetype payloadInWire = -1;
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
    quint64 n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    // One allocation: the prefix and the counter in base 36, written straight into the string.
    char digits[13];
    int len = 0;
    do {
        const int d36 = int(n % 36);
        digits[len++] = char(d36 < 10 ? '0' + d36 : 'a' + d36 - 10);
        n /= 36;
    } while (n);
    QString id(prefix.size() + len, Qt::Uninitialized);
    QChar *p = id.data();
    memcpy(p, prefix.constData(), size_t(prefix.size()) * sizeof(QChar));
    p += prefix.size();
    while (len)
        *p++ = QLatin1Char(digits[--len]);
    return id;
}

#define SB_SETTER(field, value)                                                                                \
    d->field = value;                                                                                          \
    dropWire()

// Setters of fields the codec can patch keep the cached wire bytes up to date in place.
#define SB_PATCHED(field, value, patch)                                                                        \
    d->field = value;                                                                                          \
    if (!d->wire.isEmpty() && !(patch))                                                                        \
        dropWire()

QString Message::id() const { return d->id; }
void Message::setId(const QString &id) { SB_PATCHED(id, id, BinaryCodec::patchStringField(d->wire, 0, id)); }
MessageType Message::type() const { return d->type; }
void Message::setType(MessageType type) { SB_PATCHED(type, type, BinaryCodec::patchType(d->wire, type)); }
QString Message::channel() const { return d->channel; }
void Message::setChannel(const QString &channel) { SB_PATCHED(channel, channel, BinaryCodec::patchStringField(d->wire, 1, channel)); }
QString Message::topic() const { return d->topic; }
void Message::setTopic(const QString &topic) { SB_PATCHED(topic, topic, BinaryCodec::patchStringField(d->wire, 2, topic)); }
QString Message::action() const { return d->action; }
void Message::setAction(const QString &action) { SB_PATCHED(action, action, BinaryCodec::patchStringField(d->wire, 3, action)); }
Headers Message::headers() const { return d->headers; }
void Message::setHeaders(const Headers &headers) { SB_SETTER(headers, headers); }
QString Message::header(const QString &key) const { return d->headers.value(key); }
void Message::setHeader(const QString &key, const QString &value)
{
    d->headers.insert(key, value);
    dropWire();
}
QByteArray Message::payload() const
{
    if (d->payloadInWire < 0)
        return d->payload;
    // A view of the wire bytes' tail that shares their allocation: one reference count, no copy.
    // The payload is last in the encoding, so the view is NUL-terminated like any QByteArray.
    QByteArray::DataPointer &wire = const_cast<QByteArray &>(d->wire).data_ptr();
    char *begin = wire.data() + (wire.size - d->payloadInWire);
    if (QArrayData *header = wire.d_ptr()) {
        header->ref();
        return QByteArray(QByteArray::DataPointer(static_cast<QTypedArrayData<char> *>(header), begin, d->payloadInWire));
    }
    return QByteArray(begin, d->payloadInWire);
}
qsizetype Message::payloadSize() const
{
    return d->payloadInWire >= 0 ? d->payloadInWire : d->payload.size();
}
void Message::setPayload(const QByteArray &payload)
{
    d->payload = payload;
    d->payloadInWire = -1;
    d->wire.clear();
}
void Message::dropWire()
{
    if (d->payloadInWire >= 0) {
        d->payload = payload().sliced(0); // a copy of its own: the wire bytes go away
        d->payloadInWire = -1;
    }
    d->wire.clear();
}
QString Message::contentType() const { return d->contentType; }
void Message::setContentType(const QString &contentType)
{
    SB_PATCHED(contentType, contentType, BinaryCodec::patchStringField(d->wire, 4, contentType));
}
qint64 Message::timestamp() const { return d->timestamp; }
void Message::setTimestamp(qint64 msecsSinceEpoch)
{
    SB_PATCHED(timestamp, msecsSinceEpoch, BinaryCodec::patchTimestamp(d->wire, msecsSinceEpoch));
}
QString Message::correlationId() const { return d->correlationId; }
void Message::setCorrelationId(const QString &id)
{
    SB_PATCHED(correlationId, id, BinaryCodec::patchStringField(d->wire, 5, id));
}
QString Message::replyTo() const { return d->replyTo; }
void Message::setReplyTo(const QString &replyTo) { SB_PATCHED(replyTo, replyTo, BinaryCodec::patchStringField(d->wire, 6, replyTo)); }
qint64 Message::ttl() const { return d->ttl; }
void Message::setTtl(qint64 msecs)
{
    SB_PATCHED(ttl, msecs, msecs >= 0 && BinaryCodec::patchCounter(d->wire, BinaryCodec::Counter::Ttl, quint64(msecs)));
}
int Message::attempt() const { return d->attempt; }
void Message::setAttempt(int attempt)
{
    SB_PATCHED(attempt, attempt, attempt >= 0 && BinaryCodec::patchCounter(d->wire, BinaryCodec::Counter::Attempt, quint64(attempt)));
}
QString Message::source() const { return d->source; }
void Message::setSource(const QString &source) { SB_PATCHED(source, source, BinaryCodec::patchStringField(d->wire, 7, source)); }
Error Message::error() const { return d->error; }
void Message::setError(const Error &error) { SB_SETTER(error, error); }
bool Message::hasError() const { return d->error.isError(); }

#undef SB_PATCHED
#undef SB_SETTER

bool Message::isExpired(qint64 nowMsecs) const
{
    return d->ttl > 0 && d->timestamp + d->ttl < nowMsecs;
}

qint64 Message::byteSize() const
{
    // Strings are counted in UTF-16 code units times two; close enough for limits.
    qint64 size = 64 + payloadSize();
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

void Message::setWireBytes(const QByteArray &bytes, qsizetype payloadSize)
{
    if (payloadSize >= 0 && payloadSize <= bytes.size()) {
        d->payload = QByteArray();
        d->payloadInWire = payloadSize;
    } else if (d->payloadInWire >= 0) {
        d->payload = payload().sliced(0);
        d->payloadInWire = -1;
    }
    d->wire = bytes;
}

bool Message::operator==(const Message &other) const
{
    if (d == other.d)
        return true;
    return d->id == other.d->id && d->type == other.d->type && d->channel == other.d->channel
        && d->topic == other.d->topic && d->action == other.d->action && d->headers == other.d->headers
        && payload() == other.payload() && d->contentType == other.d->contentType
        && d->timestamp == other.d->timestamp && d->correlationId == other.d->correlationId
        && d->replyTo == other.d->replyTo && d->ttl == other.d->ttl && d->attempt == other.d->attempt
        && d->source == other.d->source && d->error.code == other.d->error.code
        && d->error.message == other.d->error.message && d->error.details == other.d->error.details;
}

} // namespace sb
