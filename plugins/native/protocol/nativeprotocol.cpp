// SPDX-License-Identifier: Apache-2.0
#include "nativeprotocol.h"

#include <cstdio>

#include <switchboard/outboundwriter.h>

#include <QAbstractSocket>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QTcpSocket>

#include <cerrno>
#include <sys/socket.h>

namespace sb::native {

QString frameTypeName(quint8 type)
{
    static const char *const names[] = {"?",       "CONNECT", "CONNECTED", "PUBLISH", "SUBSCRIBE",
                                        "UNSUBSCRIBE", "DELIVER", "REQUEST", "REPLY", "ACK",
                                        "ERROR",   "PING",    "PONG",      "NACK",    "ACK_DELIVERY"};
    return isKnownFrameType(type) ? QString::fromLatin1(names[type]) : QStringLiteral("type %1").arg(type);
}

bool isKnownFrameType(quint8 type)
{
    return type >= quint8(FrameType::Connect) && type <= quint8(FrameType::AckDelivery);
}

FrameReader::FrameReader(qint64 maxFrameSize) : m_maxFrameSize(maxFrameSize) {}

void FrameReader::compact()
{
    if (m_pos == 0)
        return;
    if (m_pos == m_buffer.size()) {
        // Idle connections should not keep the capacity of their largest burst.
        if (m_buffer.capacity() > 256 * 1024)
            m_buffer = QByteArray();
        else
            m_buffer.resize(0);
    } else {
        m_buffer.remove(0, m_pos);
    }
    m_pos = 0;
}

char *FrameReader::reserve(qint64 n)
{
    if (m_pos > 0 && (m_pos == m_buffer.size() || m_pos > 64 * 1024))
        compact();
    const qsizetype old = m_buffer.size();
    m_buffer.resize(old + qsizetype(n));
    m_reserved = n;
    return m_buffer.data() + old;
}

void FrameReader::commit(qint64 n)
{
    // reserve() grew the buffer by m_reserved; keep only what was actually read.
    m_buffer.resize(m_buffer.size() - qsizetype(m_reserved - qBound<qint64>(0, n, m_reserved)));
    m_reserved = 0;
}

void FrameReader::append(QByteArrayView data)
{
    if (data.isEmpty())
        return; // an empty view's data() may be null, which memcpy must not get
    char *p = reserve(data.size());
    memcpy(p, data.data(), size_t(data.size()));
    m_reserved = 0;
}

FrameReader::Result FrameReader::next(Frame &frame, sb::Error *error)
{
    while (true) {
        const qsizetype available = m_buffer.size() - m_pos;
        if (m_skip > 0) {
            const qint64 n = qMin<qint64>(m_skip, available);
            m_pos += qsizetype(n);
            m_skip -= n;
            if (m_skip > 0)
                return Result::NeedMore;
            continue;
        }
        if (available < BinaryCodec::FrameHeaderSize)
            return Result::NeedMore;
        const auto *h = reinterpret_cast<const uchar *>(m_buffer.constData() + m_pos);
        if (h[0] != BinaryCodec::FrameMagic) {
            *error = sb::Error(ErrorCode::BadFrame,
                               QStringLiteral("bad frame magic 0x%1 (expected 0x53 'S'); the stream is not the "
                                              "Switchboard native protocol")
                                   .arg(h[0], 2, 16, QLatin1Char('0')));
            return Result::Corrupt;
        }
        if (h[1] != BinaryCodec::FrameVersion) {
            *error = sb::Error(ErrorCode::BadFrame, QStringLiteral("unsupported frame version %1 (this hub speaks %2)")
                                                        .arg(h[1])
                                                        .arg(BinaryCodec::FrameVersion));
            return Result::Corrupt;
        }
        const quint32 len = quint32(h[4]) << 24 | quint32(h[5]) << 16 | quint32(h[6]) << 8 | quint32(h[7]);
        const qint64 total = qint64(len) + BinaryCodec::FrameHeaderSize;
        if (total > m_maxFrameSize) {
            *error = sb::Error(ErrorCode::TooLarge,
                               QStringLiteral("%1 frame of %2 bytes exceeds the limit of %3 bytes; it was discarded")
                                   .arg(frameTypeName(h[2]))
                                   .arg(total)
                                   .arg(m_maxFrameSize),
                               {{QStringLiteral("limit"), m_maxFrameSize}, {QStringLiteral("size"), total}});
            if (available >= BinaryCodec::FrameHeaderSize + 4 && len >= 4) // the sender's seq, so it can match the error
                error->details.insert(QStringLiteral("seq"), readU32(QByteArrayView(m_buffer.constData() + m_pos + BinaryCodec::FrameHeaderSize, 4)));
            m_pos += BinaryCodec::FrameHeaderSize;
            m_skip = len;
            frame.type = h[2];
            return Result::Oversize;
        }
        if (available < total)
            return Result::NeedMore;
        frame.type = h[2];
        frame.flags = h[3];
        frame.body = QByteArrayView(m_buffer.constData() + m_pos + BinaryCodec::FrameHeaderSize, qsizetype(len));
        m_pos += qsizetype(total);
        return Result::Frame;
    }
}

void appendControl(QByteArray &out, FrameType type, quint32 seq, const QJsonObject &json)
{
    const QByteArray body = json.isEmpty() ? QByteArray() : QJsonDocument(json).toJson(QJsonDocument::Compact);
    BinaryCodec::appendFrameHeader(out, quint8(type), 0, quint32(4 + body.size()));
    const char s[4] = {char(seq >> 24), char((seq >> 16) & 0xff), char((seq >> 8) & 0xff), char(seq & 0xff)};
    out.append(s, 4);
    out.append(body);
}

void appendPublishAck(QByteArray &out, quint32 seq, int deliveries)
{
    // {"deliveries":N} without building a JSON document: one per acknowledged publish.
    char body[48];
    const int n = std::snprintf(body, sizeof body, "{\"deliveries\":%d}", deliveries);
    BinaryCodec::appendFrameHeader(out, quint8(FrameType::Ack), 0, quint32(4 + n));
    const char s[4] = {char(seq >> 24), char((seq >> 16) & 0xff), char((seq >> 8) & 0xff), char(seq & 0xff)};
    out.append(s, 4);
    out.append(body, n);
}

void appendMessageFrame(QByteArray &out, FrameType type, quint32 seqOrSid, const Message &message,
                        const QByteArray *prefixExtra)
{
    // Once per delivery: one resize and three copies, no per-field appends.
    const QByteArray &wire = message.wireBytes();
    const qsizetype extra = prefixExtra ? prefixExtra->size() : 0;
    const qsizetype bodyLength = 4 + extra + wire.size();
    const qsizetype start = out.size();
    out.resize(start + BinaryCodec::FrameHeaderSize + bodyLength);
    char *p = out.data() + start;
    const quint32 len = quint32(bodyLength);
    const char header[BinaryCodec::FrameHeaderSize + 4] = {
        char(BinaryCodec::FrameMagic), char(BinaryCodec::FrameVersion), char(type), 0,
        char(len >> 24), char((len >> 16) & 0xff), char((len >> 8) & 0xff), char(len & 0xff),
        char(seqOrSid >> 24), char((seqOrSid >> 16) & 0xff), char((seqOrSid >> 8) & 0xff), char(seqOrSid & 0xff)};
    memcpy(p, header, sizeof header);
    p += sizeof header;
    if (extra) {
        memcpy(p, prefixExtra->constData(), size_t(extra));
        p += extra;
    }
    memcpy(p, wire.constData(), size_t(wire.size()));
}

qsizetype appendMessageFrameOnce(QByteArray &out, FrameType type, quint32 seqOrSid, const Message &message)
{
    const qsizetype start = out.size();
    if (message.hasWireBytes()) {
        appendMessageFrame(out, type, seqOrSid, message);
        return out.size() - start;
    }
    constexpr qsizetype prefix = BinaryCodec::FrameHeaderSize + 4;
    out.resize(start + prefix);
    BinaryCodec::appendMessage(out, message);
    const quint32 len = quint32(out.size() - start - BinaryCodec::FrameHeaderSize);
    const char header[prefix] = {
        char(BinaryCodec::FrameMagic), char(BinaryCodec::FrameVersion), char(type), 0,
        char(len >> 24), char((len >> 16) & 0xff), char((len >> 8) & 0xff), char(len & 0xff),
        char(seqOrSid >> 24), char((seqOrSid >> 16) & 0xff), char((seqOrSid >> 8) & 0xff), char(seqOrSid & 0xff)};
    memcpy(out.data() + start, header, sizeof header);
    return out.size() - start;
}

void appendError(QByteArray &out, quint32 seq, const sb::Error &error, bool fatal)
{
    QJsonObject o{{QStringLiteral("code"), error.codeName()},
                  {QStringLiteral("message"), error.message},
                  {QStringLiteral("fatal"), fatal}};
    if (!error.details.isEmpty())
        o.insert(QStringLiteral("details"), QJsonObject::fromVariantMap(error.details));
    appendControl(out, FrameType::Error, seq, o);
}

void appendAckDelivery(QByteArray &out, quint32 sid, quint64 seq)
{
    BinaryCodec::appendFrameHeader(out, quint8(FrameType::AckDelivery), 0, 12);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(char((sid >> shift) & 0xff));
    for (int shift = 56; shift >= 0; shift -= 8)
        out.append(char((seq >> shift) & 0xff));
}

void writeNow(QIODevice *device, QByteArray &out)
{
    OutboundWriter::writeNow(device, out);
}

quint32 readU32(QByteArrayView body, qsizetype at)
{
    if (body.size() < at + 4)
        return 0;
    const auto *p = reinterpret_cast<const uchar *>(body.data() + at);
    return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | quint32(p[3]);
}

quint64 readU64(QByteArrayView body, qsizetype at)
{
    return quint64(readU32(body, at)) << 32 | readU32(body, at + 4);
}

sb::Result<QJsonObject> controlJson(QByteArrayView body)
{
    if (body.size() < 4)
        return sb::Error(ErrorCode::BadFrame, QStringLiteral("control frame shorter than its 4-byte sequence number"));
    if (body.size() == 4)
        return QJsonObject();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body.sliced(4).toByteArray(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return sb::Error(ErrorCode::BadFrame,
                         QStringLiteral("control frame body is not a JSON object: %1").arg(pe.errorString()));
    return doc.object();
}

sb::Error errorFromJson(const QJsonObject &json, bool *fatal)
{
    if (fatal)
        *fatal = json.value(QStringLiteral("fatal")).toBool();
    return sb::Error(errorCodeFromName(json.value(QStringLiteral("code")).toString()),
                     json.value(QStringLiteral("message")).toString(),
                     json.value(QStringLiteral("details")).toObject().toVariantMap());
}

} // namespace sb::native
