// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>
#include <switchboard/message.h>

#include "message_p.h"

#include <QDateTime>
#include <QUuid>

#include <atomic>

namespace sb {

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
    char id[MaxNewIdSize];
    return QString::fromLatin1(id, newIdInto(id));
}

qsizetype Message::newIdInto(char *out)
{
    struct Prefix
    {
        char text[17];
        Prefix()
        {
            const QByteArray hex = QUuid::createUuid().toByteArray(QUuid::Id128).left(16);
            memcpy(text, hex.constData(), 16);
            text[16] = '-';
        }
    };
    static const Prefix prefix;
    static std::atomic<quint64> counter{0};
    // Each thread takes counters in blocks (one atomic operation per block) and keeps the last
    // one's base-36 digits, counting up in them: no division per id.
    constexpr quint64 Block = 1024;
    struct Ids
    {
        quint64 next = 0, end = 0;
        char digits[13] = {}; // 2^64 has 13 digits in base 36; right-aligned
        int len = 0;
    };
    // initial-exec: libswitchboard is loaded with the program (or early enough for glibc's spare
    // static TLS), and the id needs no __tls_get_addr call per message.
    static thread_local Ids ids __attribute__((tls_model("initial-exec")));
    if (ids.next == ids.end) {
        ids.next = counter.fetch_add(Block, std::memory_order_relaxed) + 1;
        ids.end = ids.next + Block;
        quint64 n = ids.next;
        ids.len = 0;
        do {
            const int d36 = int(n % 36);
            ids.digits[12 - ids.len++] = char(d36 < 10 ? '0' + d36 : 'a' + d36 - 10);
            n /= 36;
        } while (n);
    } else {
        for (int i = 12;; --i) {
            if (i < 13 - ids.len) { // carried past the first digit
                ids.digits[i] = '1';
                ++ids.len;
                break;
            }
            char &c = ids.digits[i];
            if (c == 'z') {
                c = '0';
                continue;
            }
            c = c == '9' ? 'a' : char(c + 1);
            break;
        }
    }
    ++ids.next;
    memcpy(out, prefix.text, sizeof prefix.text);
    memcpy(out + sizeof prefix.text, ids.digits + 13 - ids.len, size_t(ids.len));
    return qsizetype(sizeof prefix.text) + ids.len;
}

#define SB_SETTER(field, value)                                                                                \
    d->field = value;                                                                                          \
    dropWire()

// Setters of fields the codec can patch keep the cached wire bytes up to date in place.
#define SB_PATCHED(field, value, patch)                                                                        \
    d->field = value;                                                                                          \
    if (!d->wire.isEmpty() && !(patch))                                                                        \
        dropWire()

QString Message::id() const { return d->idLength > 0 ? d->lazyId() : d->id; }
bool Message::hasId() const { return d->idLength > 0 || !d->id.isEmpty(); }
void Message::setId(const QString &id)
{
    d->id = id;
    d->idLength = 0;
    if (!d->wire.isEmpty() && !BinaryCodec::patchStringField(d->wire, 0, id))
        dropWire();
}
void Message::stamp(const QString &id, qint64 timestamp, const QString &source)
{
    if (id.isEmpty() && timestamp == 0 && source.isEmpty())
        return;
    if (!id.isEmpty()) {
        d->id = id;
        d->idLength = 0;
    }
    if (timestamp != 0)
        d->timestamp = timestamp;
    if (!source.isEmpty())
        d->source = source;
    if (d->wire.isEmpty())
        return;
    // The payload stays the wire's tail, and a lazily kept id keeps its offset (it is the first
    // field and the rewrite starts after it unless it replaces it, which ends the laziness above).
    if (!BinaryCodec::stamp(d->wire, id, timestamp, source))
        dropWire();
}
void Message::stampRouted(bool newId, qint64 timestamp, const QString &source, QByteArrayView sourceUtf8)
{
    if (!newId && timestamp == 0 && source.isEmpty())
        return;
    char id[MaxNewIdSize];
    const qsizetype idSize = newId ? newIdInto(id) : 0;
    if (timestamp != 0)
        d->timestamp = timestamp;
    if (!source.isEmpty())
        d->source = source;
    if (!d->wire.isEmpty() && BinaryCodec::stampUtf8(d->wire, QByteArrayView(id, idSize), timestamp, sourceUtf8)) {
        if (newId) {
            // The id stays in the wire bytes (after the 4-byte header and its one-byte length)
            // until someone asks for it.
            d->id = QString();
            d->idOffset = 5;
            d->idLength = qint32(idSize);
        }
        return;
    }
    if (newId) {
        d->id = QString::fromLatin1(id, idSize);
        d->idLength = 0;
    }
    if (!d->wire.isEmpty())
        dropWire();
}
MessageType Message::type() const { return d->type; }
void Message::setType(MessageType type) { SB_PATCHED(type, type, BinaryCodec::patchType(d->wire, type)); }
QString Message::channel() const { return d->channel; }
void Message::setChannel(const QString &channel) { SB_PATCHED(channel, channel, BinaryCodec::patchStringField(d->wire, 1, channel)); }
QString Message::topic() const { return d->topic; }
void Message::setTopic(const QString &topic) { SB_PATCHED(topic, topic, BinaryCodec::patchStringField(d->wire, 2, topic)); }
QString Message::action() const { return d->ext() ? d->ext()->action : QString(); }
void Message::setAction(const QString &action) { SB_PATCHED(mutableExt().action, action, BinaryCodec::patchStringField(d->wire, 3, action)); }
Headers Message::headers() const { return d->ext() ? d->ext()->headers : Headers(); }
void Message::setHeaders(const Headers &headers) { SB_SETTER(mutableExt().headers, headers); }
QString Message::header(const QString &key) const { return d->ext() ? d->ext()->headers.value(key) : QString(); }
void Message::setHeader(const QString &key, const QString &value)
{
    d->mutableExt().headers.insert(key, value);
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
    materializeId(); // a lazily decoded id lives in the wire bytes cleared below
    d->payload = payload;
    d->payloadInWire = -1;
    d->wire.clear();
}
void Message::materializeId()
{
    if (d->idLength > 0) {
        d->id = d->lazyId();
        d->idLength = 0;
    }
}
void Message::dropWire()
{
    materializeId();
    if (d->payloadInWire >= 0) {
        d->payload = payload().sliced(0); // a copy of its own: the wire bytes go away
        d->payloadInWire = -1;
    }
    d->wire.clear();
}
QString Message::contentType() const { return d->ext() ? d->ext()->contentType : QString(); }
void Message::setContentType(const QString &contentType)
{
    SB_PATCHED(mutableExt().contentType, contentType, BinaryCodec::patchStringField(d->wire, 4, contentType));
}
qint64 Message::timestamp() const { return d->timestamp; }
void Message::setTimestamp(qint64 msecsSinceEpoch)
{
    SB_PATCHED(timestamp, msecsSinceEpoch, BinaryCodec::patchTimestamp(d->wire, msecsSinceEpoch));
}
QString Message::correlationId() const { return d->ext() ? d->ext()->correlationId : QString(); }
void Message::setCorrelationId(const QString &id)
{
    SB_PATCHED(mutableExt().correlationId, id, BinaryCodec::patchStringField(d->wire, 5, id));
}
QString Message::replyTo() const { return d->ext() ? d->ext()->replyTo : QString(); }
void Message::setReplyTo(const QString &replyTo) { SB_PATCHED(mutableExt().replyTo, replyTo, BinaryCodec::patchStringField(d->wire, 6, replyTo)); }
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
Error Message::error() const { return d->ext() ? d->ext()->error : Error(); }
void Message::setError(const Error &error) { SB_SETTER(mutableExt().error, error); }
bool Message::hasError() const { return d->ext() && d->ext()->error.isError(); }

#undef SB_PATCHED
#undef SB_SETTER

/*!
    Both values come from the wire, so the sum must not overflow: a deadline beyond the range of
    qint64 (a huge ttl, or a timestamp near its maximum) means the message never expires. A
    negative timestamp plus a positive ttl cannot overflow. A clock that was set after the message
    was stamped (NTP at the boot of a board that started in 1970) would expire everything stamped
    before: such a message does not expire.
*/
bool Message::isExpired(qint64 nowMsecs) const
{
    if (d->ttl <= 0)
        return false;
    if (d->timestamp < PlausibleClockMs && nowMsecs >= PlausibleClockMs)
        return false;
    qint64 deadline;
    if (__builtin_add_overflow(d->timestamp, d->ttl, &deadline))
        return false;
    return deadline < nowMsecs;
}

qint64 Message::byteSize() const
{
    // Strings are counted in UTF-16 code units times two; close enough for limits.
    qint64 size = 64 + payloadSize();
    size += 2 * ((d->idLength > 0 ? d->idLength : d->id.size()) + d->channel.size() + d->topic.size() + d->source.size());
    if (const MessageExtras *x = d->ext()) {
        size += 2 * (x->action.size() + x->contentType.size() + x->correlationId.size() + x->replyTo.size());
        for (auto it = x->headers.cbegin(); it != x->headers.cend(); ++it)
            size += 2 * (it.key().size() + it.value().size());
    }
    return size;
}

bool Message::hasWireBytes() const
{
    return !d->wire.isEmpty();
}

const QByteArray &Message::wireBytes() const
{
    if (d->wire.isEmpty())
        d->wire = BinaryCodec::encodeMessage(*this);
    return d->wire;
}

bool Message::operator==(const Message &other) const
{
    if (d == other.d)
        return true;
    if (!(id() == other.id() && d->type == other.d->type && d->channel == other.d->channel
          && d->topic == other.d->topic && payload() == other.payload() && d->timestamp == other.d->timestamp
          && d->ttl == other.d->ttl && d->attempt == other.d->attempt && d->source == other.d->source))
        return false;
    static const MessageExtras none;
    const MessageExtras &a = d->ext() ? *d->ext() : none;
    const MessageExtras &b = other.d->ext() ? *other.d->ext() : none;
    return a.action == b.action && a.headers == b.headers && a.contentType == b.contentType
        && a.correlationId == b.correlationId && a.replyTo == b.replyTo && a.error.code == b.error.code
        && a.error.message == b.error.message && a.error.details == b.error.details;
}

} // namespace sb
