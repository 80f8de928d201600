// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>

#include "binarycodec_p.h"
#include "message_p.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <limits>

namespace sb {

using namespace codec;

namespace {

void putVarint(QByteArray &out, quint64 v)
{
    char buf[10];
    int n = 0;
    do {
        quint8 byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        buf[n++] = char(byte);
    } while (v);
    out.append(buf, n);
}

void putString(QByteArray &out, const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    putVarint(out, quint64(utf8.size()));
    out.append(utf8);
}

void putBytes(QByteArray &out, const QByteArray &b)
{
    putVarint(out, quint64(b.size()));
    out.append(b);
}

void putU16(QByteArray &out, quint16 v)
{
    const char b[2] = {char(v >> 8), char(v & 0xff)};
    out.append(b, 2);
}


// Bounds-checked reader; every failure names what was being read and where.
class Reader
{
public:
    explicit Reader(QByteArrayView data) : m_data(data) {}

    bool failed() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    qsizetype pos() const { return m_pos; }
    bool atEnd() const { return m_pos == m_data.size(); }

    quint8 u8(const char *what)
    {
        if (!need(1, what))
            return 0;
        return quint8(m_data[m_pos++]);
    }
    quint16 u16(const char *what)
    {
        if (!need(2, what))
            return 0;
        const quint16 v = quint16(quint8(m_data[m_pos]) << 8 | quint8(m_data[m_pos + 1]));
        m_pos += 2;
        return v;
    }
    qint64 i64(const char *what)
    {
        if (!need(8, what))
            return 0;
        quint64 v = 0;
        for (int i = 0; i < 8; ++i)
            v = v << 8 | quint8(m_data[m_pos + i]);
        m_pos += 8;
        return qint64(v);
    }
    quint64 varint(const char *what)
    {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!need(1, what))
                return 0;
            const quint8 byte = quint8(m_data[m_pos++]);
            v |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return v;
        }
        fail(what, "varint longer than 10 bytes");
        return 0;
    }
    QByteArrayView bytes(const char *what)
    {
        const quint64 len = varint(what);
        if (failed() || !need(len, what))
            return {};
        const QByteArrayView v = m_data.sliced(m_pos, qsizetype(len));
        m_pos += qsizetype(len);
        return v;
    }
    QString string(const char *what)
    {
        const QByteArrayView b = bytes(what);
        return failed() ? QString() : QString::fromUtf8(b);
    }
    void fail(const char *what, const char *why)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 at byte %2: %3")
                          .arg(QLatin1String(what))
                          .arg(m_pos)
                          .arg(QLatin1String(why));
    }

private:
    bool need(quint64 n, const char *what)
    {
        if (failed())
            return false;
        if (n > quint64(m_data.size() - m_pos)) {
            fail(what, "truncated");
            return false;
        }
        return true;
    }

    QByteArrayView m_data;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace

QByteArray BinaryCodec::encodeMessage(const Message &message)
{
    QByteArray out;
    appendMessage(out, message);
    return out;
}

void BinaryCodec::appendMessage(QByteArray &out, const Message &m)
{
    // The hot path of every publish: sizes first, one resize, then straight writes. Fields are read
    // from the message's data directly (views, no copies).
    const MessageData &md = *m.d;
    const MessageExtras *x = md.ext();
    static const QString none;
    const QString lazyId = md.idLength > 0 ? md.lazyId() : QString(); // rare: re-encoding a decoded message
    EncodedField fields[8] = {{md.idLength > 0 ? lazyId : md.id},
                              {md.channel},
                              {md.topic},
                              {x ? x->action : none},
                              {x ? x->contentType : none},
                              {x ? x->correlationId : none},
                              {x ? x->replyTo : none},
                              {md.source}};
    static constexpr quint16 bits[8] = {FId, FChannel, FTopic, FAction, FContentType, FCorrelation, FReplyTo, FSource};
    quint16 mask = 0;
    qsizetype bound = 2 + 2 + 8 + 10 + 10 + 10;
    for (int i = 0; i < 8; ++i) {
        if (fields[i].text.isEmpty())
            continue;
        mask |= bits[i];
        fields[i].prepare();
        bound += 10 + fields[i].size();
    }
    if (md.ttl > 0) mask |= FTtl;
    if (md.attempt != 1) mask |= FAttempt;
    QByteArray extra; // headers and error: rare, encoded the simple way
    if (x && !x->headers.isEmpty()) {
        mask |= FHeaders;
        const Headers &h = x->headers;
        putVarint(extra, quint64(h.size()));
        for (auto it = h.cbegin(); it != h.cend(); ++it) {
            putString(extra, it.key());
            putString(extra, it.value());
        }
    }
    if (x && x->error.isError()) {
        mask |= FError;
        const Error &e = x->error;
        putU16(extra, quint16(e.code));
        putString(extra, e.message);
        putBytes(extra, e.details.isEmpty() ? QByteArray()
                                            : QJsonDocument(QJsonObject::fromVariantMap(e.details))
                                                  .toJson(QJsonDocument::Compact));
    }
    // A decoded message's payload is the tail of its wire bytes; a built one has its own.
    const qsizetype payloadSize = m.payloadSize();
    const char *payloadData = md.payloadInWire >= 0 ? md.wire.constData() + (md.wire.size() - payloadSize)
                                                    : md.payload.constData();
    bound += extra.size() + payloadSize;

    const qsizetype start = out.size();
    out.resize(start + bound);
    char *p = out.data() + start;
    *p++ = char(MessageCodecVersion);
    *p++ = char(md.type);
    *p++ = char(mask >> 8);
    *p++ = char(mask & 0xff);
    for (const EncodedField &f : fields) {
        if (!f.text.isEmpty())
            writeField(p, f);
    }
    const quint64 ts = quint64(md.timestamp);
    for (int i = 0; i < 8; ++i)
        *p++ = char((ts >> (56 - 8 * i)) & 0xff);
    if (mask & FTtl)
        writeVarint(p, quint64(md.ttl));
    if (mask & FAttempt)
        writeVarint(p, quint64(qMax(0, md.attempt)));
    memcpy(p, extra.constData(), size_t(extra.size()));
    p += extra.size();
    writeVarint(p, quint64(payloadSize));
    if (payloadSize)
        memcpy(p, payloadData, size_t(payloadSize));
    p += payloadSize;
    out.resize(p - out.constData());
}

Result<Message> BinaryCodec::decodeMessage(QByteArrayView data, bool keepWire, StringCache *cache)
{
    Message m;
    if (Status st = decodeInto(m, data, keepWire, cache); !st)
        return st.error();
    return m;
}

Status BinaryCodec::decodeMessageInto(Message &message, QByteArrayView data, StringCache *cache)
{
    // Reuse the data (and the wire buffer) only when nobody else holds them.
    if (!message.d || message.d->ref.loadRelaxed() != 1) // moved-from, or held elsewhere
        message = Message();
    return decodeInto(message, data, true, cache);
}

Status BinaryCodec::decodeInto(Message &m, QByteArrayView data, bool keepWire, StringCache *cache)
{
    Reader r(data);
    const quint8 version = r.u8("codec version");
    if (!r.failed() && version != MessageCodecVersion)
        return Error(ErrorCode::BadFrame,
                     QStringLiteral("unsupported message codec version %1 (this hub speaks %2)")
                         .arg(version)
                         .arg(MessageCodecVersion));
    const quint8 type = r.u8("message type");
    if (!r.failed() && type > quint8(MessageType::Unsubscribe))
        return Error(ErrorCode::BadFrame, QStringLiteral("unknown message type %1").arg(type));
    const quint16 mask = r.u16("presence mask");
    if (!r.failed() && (mask & ~FKnown))
        return Error(ErrorCode::BadFrame, QStringLiteral("unknown message fields 0x%1").arg(mask & ~FKnown, 0, 16));

    // Fields go straight into the message's data (no setters: nothing to detach or patch yet);
    // every field is (re)set, so a reused message carries nothing over.
    MessageData &md = *m.d;
    md.type = MessageType(type);
    md.id = QString();
    md.idOffset = 0;
    md.idLength = 0;
    md.channel = QString();
    md.topic = QString();
    md.source = QString();
    md.ttl = 0;
    md.attempt = 1;
    md.extras.reset();
    md.payloadInWire = -1;
    if (mask & FId) {
        // With the wire bytes kept, the id stays in them until someone asks (see MessageData).
        const QByteArrayView idBytes = r.bytes("id");
        if (!keepWire)
            md.id = QString::fromUtf8(idBytes);
        else if (!r.failed() && !idBytes.isEmpty()) {
            md.idOffset = qint32(idBytes.data() - data.data());
            md.idLength = qint32(idBytes.size());
        }
    }
    auto cachedString = [&r, cache](int slot, const char *what) {
        const QByteArrayView b = r.bytes(what);
        if (r.failed())
            return QString();
        if (!cache)
            return QString::fromUtf8(b);
        QByteArray &known = cache->bytes[slot];
        if (QByteArrayView(known) != b) {
            known.resize(b.size()); // keeps its capacity: no allocation on a miss either
            memcpy(known.data(), b.data(), size_t(b.size()));
            cache->text[slot] = QString::fromUtf8(b);
        }
        return cache->text[slot];
    };
    if (mask & FChannel) md.channel = cachedString(0, "channel");
    if (mask & FTopic) md.topic = cachedString(1, "topic");
    if (mask & FAction) md.mutableExt().action = r.string("action");
    if (mask & FContentType) md.mutableExt().contentType = r.string("content type");
    if (mask & FCorrelation) md.mutableExt().correlationId = r.string("correlation id");
    if (mask & FReplyTo) md.mutableExt().replyTo = r.string("reply-to");
    if (mask & FSource) md.source = cachedString(2, "source");
    md.timestamp = r.i64("timestamp");
    if (mask & FTtl) {
        const quint64 ttl = r.varint("ttl");
        if (ttl > quint64(std::numeric_limits<qint64>::max() / 2))
            r.fail("ttl", "out of range");
        md.ttl = qint64(ttl);
    }
    if (mask & FAttempt) {
        const quint64 attempt = r.varint("attempt");
        if (attempt > 1000000)
            r.fail("attempt", "out of range");
        md.attempt = int(attempt);
    }
    if (mask & FHeaders) {
        const quint64 count = r.varint("header count");
        if (count > quint64(data.size()))
            r.fail("header count", "more headers than bytes");
        Headers h;
        for (quint64 i = 0; i < count && !r.failed(); ++i) {
            const QString key = r.string("header key");
            h.insert(key, r.string("header value"));
        }
        md.mutableExt().headers = h;
    }
    if (mask & FError) {
        Error e;
        const quint16 code = r.u16("error code");
        if (code > quint16(LastErrorCode))
            r.fail("error code", "unknown code");
        // The encoder writes the field only for an error; one without a code (its message and
        // details would vanish on the next re-encode) is malformed.
        if (!r.failed() && code == quint16(ErrorCode::None))
            r.fail("error code", "missing (0)");
        e.code = ErrorCode(code);
        e.message = r.string("error message");
        const QByteArrayView details = r.bytes("error details");
        if (!r.failed() && !details.isEmpty()) {
            QJsonParseError pe;
            const QJsonDocument doc = QJsonDocument::fromJson(details.toByteArray(), &pe);
            if (!doc.isObject())
                r.fail("error details", "not a JSON object");
            e.details = doc.object().toVariantMap();
        }
        md.mutableExt().error = e;
    }
    const QByteArrayView payload = r.bytes("payload");
    if (r.failed())
        return Error(ErrorCode::BadFrame, QStringLiteral("malformed message: ") + r.error());
    if (!r.atEnd())
        return Error(ErrorCode::BadFrame,
                     QStringLiteral("malformed message: %1 trailing bytes after the payload")
                         .arg(data.size() - r.pos()));
    if (keepWire) {
        // Headroom, so that the hub's stamps (id, source) are patched in without a reallocation;
        // the payload stays in these bytes (their tail) instead of a copy of its own. A buffer
        // nobody shares and large enough is reused as it is.
        if (md.wire.isDetached() && md.wire.capacity() >= data.size()) {
            md.wire.resize(data.size());
        } else {
            md.wire = QByteArray(data.size() + WireHeadroom, Qt::Uninitialized);
            md.wire.resize(data.size()); // keeps the capacity
        }
        memcpy(md.wire.data(), data.data(), size_t(data.size()));
        md.payload = QByteArray();
        md.payloadInWire = payload.size();
    } else {
        md.wire = QByteArray();
        md.payload = payload.toByteArray();
    }
    return {};
}

void BinaryCodec::appendFrameHeader(QByteArray &out, quint8 frameType, quint8 flags, quint32 bodyLength)
{
    const char h[FrameHeaderSize] = {char(FrameMagic),        char(FrameVersion),
                                     char(frameType),         char(flags),
                                     char(bodyLength >> 24),  char((bodyLength >> 16) & 0xff),
                                     char((bodyLength >> 8) & 0xff), char(bodyLength & 0xff)};
    out.append(h, FrameHeaderSize);
}

QByteArray BinaryCodec::encodeFrame(quint8 frameType, const QByteArray &body, quint8 flags)
{
    QByteArray out;
    out.reserve(FrameHeaderSize + body.size());
    appendFrameHeader(out, frameType, flags, quint32(body.size()));
    out.append(body);
    return out;
}

QByteArray BinaryCodec::encodeMessageFrame(const Message &message, quint8 frameType)
{
    return encodeFrame(frameType, message.wireBytes());
}

Result<Message> BinaryCodec::decodeMessageFrame(QByteArrayView frame, qint64 maxFrameSize)
{
    if (frame.size() < FrameHeaderSize)
        return Error(ErrorCode::BadFrame,
                     QStringLiteral("frame of %1 bytes is shorter than the %2-byte header")
                         .arg(frame.size())
                         .arg(FrameHeaderSize));
    if (quint8(frame[0]) != FrameMagic)
        return Error(ErrorCode::BadFrame, QStringLiteral("not a Switchboard frame (bad magic byte)"));
    if (quint8(frame[1]) != FrameVersion)
        return Error(ErrorCode::BadFrame,
                     QStringLiteral("unsupported frame version %1").arg(quint8(frame[1])));
    const quint32 len = quint32(quint8(frame[4])) << 24 | quint32(quint8(frame[5])) << 16
        | quint32(quint8(frame[6])) << 8 | quint32(quint8(frame[7]));
    if (qint64(len) + FrameHeaderSize > maxFrameSize)
        return Error(ErrorCode::TooLarge,
                     QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes")
                         .arg(qint64(len) + FrameHeaderSize)
                         .arg(maxFrameSize),
                     {{QStringLiteral("limit"), maxFrameSize}});
    if (qint64(len) != frame.size() - FrameHeaderSize)
        return Error(ErrorCode::BadFrame,
                     QStringLiteral("frame header announces %1 body bytes, %2 present")
                         .arg(len)
                         .arg(frame.size() - FrameHeaderSize));
    return decodeMessage(frame.sliced(FrameHeaderSize));
}

} // namespace sb
