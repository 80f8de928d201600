// SPDX-License-Identifier: Apache-2.0
// BinaryCodec's in-place editors of encoded message bytes: what lets Message's setters and the
// hub's stamps keep cached wire bytes instead of re-encoding.
#include <switchboard/binarycodec.h>

#include "binarycodec_p.h"

#include <QVarLengthArray>
#include <QtEndian>

#include <limits>

namespace sb {

using namespace codec;

namespace {

// Skips one varint; returns its value, or -1 when truncated or too long.
qint64 skipVarint(const char *data, qsizetype size, qsizetype &pos)
{
    quint64 v = 0;
    for (int shift = 0; shift < 64 && pos < size; shift += 7) {
        const quint8 byte = quint8(data[pos++]);
        v |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return v > quint64(std::numeric_limits<qint64>::max()) ? -1 : qint64(v);
    }
    return -1;
}

// Position of the string field \a index (0..7, in wire order), or of where it would go; -1 when
// \a wire does not parse that far.
qsizetype stringFieldPos(const QByteArray &wire, int index, quint16 mask)
{
    qsizetype pos = 4;
    for (int i = 0; i < index; ++i) {
        if (!(mask & (1u << i)))
            continue;
        const qint64 len = skipVarint(wire.constData(), wire.size(), pos);
        if (len < 0 || len > wire.size() - pos)
            return -1;
        pos += qsizetype(len);
    }
    return pos;
}

// Replaces wire[pos, pos + oldLen) with \a newLen bytes from \a data; grows in place when the
// capacity allows (decoded wire bytes keep some headroom for exactly this).
void splice(QByteArray &wire, qsizetype pos, qsizetype oldLen, const char *data, qsizetype newLen)
{
    const qsizetype size = wire.size();
    const qsizetype tail = size - pos - oldLen;
    if (newLen > oldLen)
        wire.resize(size + newLen - oldLen);
    char *p = wire.data();
    if (newLen != oldLen)
        memmove(p + pos + newLen, p + pos + oldLen, size_t(tail));
    if (newLen < oldLen)
        wire.resize(size - (oldLen - newLen));
    if (newLen > 0)
        memcpy(wire.data() + pos, data, size_t(newLen));
}

bool wireHeaderOk(const QByteArray &wire)
{
    return wire.size() >= 4 && quint8(wire[0]) == BinaryCodec::MessageCodecVersion;
}

quint16 wireMask(const QByteArray &wire)
{
    return quint16(quint8(wire[2]) << 8 | quint8(wire[3]));
}

void setWireMask(QByteArray &wire, quint16 mask)
{
    char *p = wire.data();
    p[2] = char(mask >> 8);
    p[3] = char(mask & 0xff);
}

// Position just after the eight string fields (where the timestamp starts), or -1.
qsizetype timestampPos(const QByteArray &wire, quint16 mask)
{
    const qsizetype pos = stringFieldPos(wire, 8, mask);
    return pos < 0 || pos + 8 > wire.size() ? -1 : pos;
}

} // namespace

bool BinaryCodec::patchStringField(QByteArray &wire, int index, QStringView value)
{
    if (index < 0 || index > 7 || !wireHeaderOk(wire))
        return false;
    const quint16 mask = wireMask(wire);
    const quint16 bit = quint16(1u << index);
    const qsizetype pos = stringFieldPos(wire, index, mask);
    if (pos < 0)
        return false;
    qsizetype oldLen = 0;
    if (mask & bit) {
        qsizetype end = pos;
        const qint64 len = skipVarint(wire.constData(), wire.size(), end);
        if (len < 0 || len > wire.size() - end)
            return false;
        oldLen = end - pos + qsizetype(len);
    }
    if (value.isEmpty()) {
        splice(wire, pos, oldLen, nullptr, 0);
        setWireMask(wire, mask & ~bit);
        return true;
    }
    // Length varint and text in one pass into a stack buffer; non-ASCII falls back to UTF-8.
    QVarLengthArray<char, 256> field(value.size() + 10);
    char *out = field.data();
    char *p = out;
    writeVarint(p, quint64(value.size()));
    bool ascii = true;
    for (const QChar c : value) {
        const char16_t u = c.unicode();
        if (u >= 0x80) {
            ascii = false;
            break;
        }
        *p++ = char(u);
    }
    if (!ascii) {
        const QByteArray utf8 = value.toUtf8();
        field.resize(utf8.size() + 10);
        p = out = field.data();
        writeVarint(p, quint64(utf8.size()));
        memcpy(p, utf8.constData(), size_t(utf8.size()));
        p += utf8.size();
    }
    splice(wire, pos, oldLen, out, qsizetype(p - out));
    setWireMask(wire, mask | bit);
    return true;
}

namespace {

// Encoded extent [pos, end) of string field \a bit at \a pos (empty when the field is absent).
// Inline, with a one-byte length (text under 128 bytes) first: the hub walks the leading fields
// of every message it stamps.
inline bool fieldExtent(const QByteArray &wire, quint16 mask, quint16 bit, qsizetype pos, qsizetype *end)
{
    *end = pos;
    if (!(mask & bit))
        return true;
    const qsizetype size = wire.size();
    const char *data = wire.constData();
    if (pos < size && quint8(data[pos]) < 0x80) {
        const qsizetype len = quint8(data[pos]);
        if (len > size - pos - 1)
            return false;
        *end = pos + 1 + len;
        return true;
    }
    const qint64 len = skipVarint(data, size, *end);
    if (len < 0 || len > size - *end)
        return false;
    *end += qsizetype(len);
    return true;
}

} // namespace

namespace {

// \a text in UTF-8 in \a out (ASCII narrowed without a conversion); an empty view for empty text.
QByteArrayView utf8Of(QStringView text, QVarLengthArray<char, 128> &out)
{
    if (text.isEmpty())
        return {};
    out.resize(text.size());
    char *p = out.data();
    for (const QChar c : text) {
        if (c.unicode() >= 0x80) {
            const QByteArray utf8 = text.toUtf8();
            out.resize(utf8.size());
            memcpy(out.data(), utf8.constData(), size_t(utf8.size()));
            return QByteArrayView(out.constData(), out.size());
        }
        *p++ = char(c.unicode());
    }
    return QByteArrayView(out.constData(), out.size());
}

qsizetype varintSize(quint64 v)
{
    qsizetype n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

void writeBytesField(char *p, QByteArrayView bytes)
{
    writeVarint(p, quint64(bytes.size()));
    memcpy(p, bytes.data(), size_t(bytes.size()));
}

} // namespace

bool BinaryCodec::stamp(QByteArray &wire, QStringView id, qint64 timestamp, QStringView source)
{
    QVarLengthArray<char, 128> idBytes, sourceBytes;
    return stampUtf8(wire, utf8Of(id, idBytes), timestamp, utf8Of(source, sourceBytes));
}

bool BinaryCodec::stampUtf8(QByteArray &wire, QByteArrayView id, qint64 timestamp, QByteArrayView source)
{
    if (!wireHeaderOk(wire))
        return false;
    const quint16 mask = wireMask(wire);
    // Layout: header [0,4) | id [4,idEnd) | fields 1..6 [idEnd,srcPos) | source [srcPos,srcEnd) |
    // rest (timestamp first, the payload last).
    qsizetype idEnd = 0, srcEnd = 0;
    if (!fieldExtent(wire, mask, FId, 4, &idEnd))
        return false;
    qsizetype srcPos = idEnd;
    for (quint16 bit = 1u << 1; bit < FSource; bit <<= 1) {
        if (!(mask & bit))
            continue;
        if (!fieldExtent(wire, mask, bit, srcPos, &srcPos))
            return false;
    }
    if (!fieldExtent(wire, mask, FSource, srcPos, &srcEnd) || srcEnd + 8 > wire.size())
        return false;
    const qsizetype idLen = id.isEmpty() ? idEnd - 4 : varintSize(quint64(id.size())) + id.size();
    const qsizetype srcLen = source.isEmpty() ? srcEnd - srcPos : varintSize(quint64(source.size())) + source.size();
    const qsizetype midLen = srcPos - idEnd, restLen = wire.size() - srcEnd;
    const qsizetype size = 4 + idLen + midLen + srcLen + restLen;
    const qsizetype newMid = 4 + idLen, newSrc = newMid + midLen, newRest = newSrc + srcLen;
    char *p = nullptr;
    if (wire.isDetached() && wire.capacity() >= size) {
        // In place (a decoded message's bytes keep WireHeadroom for this): the two runs that stay
        // move first, in the order that never overwrites what is still to be moved.
        if (size > wire.size())
            wire.resize(size);
        p = wire.data();
        if (newMid >= idEnd) {
            memmove(p + newRest, p + srcEnd, size_t(restLen));
            memmove(p + newMid, p + idEnd, size_t(midLen));
        } else {
            memmove(p + newMid, p + idEnd, size_t(midLen));
            memmove(p + newRest, p + srcEnd, size_t(restLen));
        }
        if (size < wire.size())
            wire.resize(size);
        p = wire.data();
    } else {
        // A fresh buffer (with headroom for later patches), filled in one pass.
        QByteArray out(size + WireHeadroom, Qt::Uninitialized);
        out.resize(size);
        p = out.data();
        const char *w = wire.constData();
        memcpy(p, w, 4);
        if (id.isEmpty())
            memcpy(p + 4, w + 4, size_t(idLen));
        memcpy(p + newMid, w + idEnd, size_t(midLen));
        if (source.isEmpty())
            memcpy(p + newSrc, w + srcPos, size_t(srcLen));
        memcpy(p + newRest, w + srcEnd, size_t(restLen));
        wire = std::move(out);
    }
    if (!id.isEmpty())
        writeBytesField(p + 4, id);
    if (!source.isEmpty())
        writeBytesField(p + newSrc, source);
    if (timestamp != 0) {
        qToBigEndian(quint64(timestamp), p + newRest);
    }
    quint16 newMask = mask;
    if (!id.isEmpty())
        newMask |= FId;
    if (!source.isEmpty())
        newMask |= FSource;
    setWireMask(wire, newMask);
    return true;
}

bool BinaryCodec::patchType(QByteArray &wire, MessageType type)
{
    if (!wireHeaderOk(wire))
        return false;
    wire.data()[1] = char(type);
    return true;
}

bool BinaryCodec::patchTimestamp(QByteArray &wire, qint64 msecsSinceEpoch)
{
    if (!wireHeaderOk(wire))
        return false;
    const qsizetype pos = timestampPos(wire, wireMask(wire));
    if (pos < 0)
        return false;
    char *p = wire.data() + pos;
    const quint64 ts = quint64(msecsSinceEpoch);
    for (int i = 0; i < 8; ++i)
        p[i] = char((ts >> (56 - 8 * i)) & 0xff);
    return true;
}

bool BinaryCodec::patchCounter(QByteArray &wire, Counter counter, quint64 value)
{
    if (!wireHeaderOk(wire))
        return false;
    const quint16 mask = wireMask(wire);
    qsizetype pos = timestampPos(wire, mask);
    if (pos < 0)
        return false;
    pos += 8;
    const quint16 bit = counter == Counter::Ttl ? quint16(FTtl) : quint16(FAttempt);
    if (counter == Counter::Attempt && (mask & FTtl) && skipVarint(wire.constData(), wire.size(), pos) < 0)
        return false;
    qsizetype oldLen = 0;
    if (mask & bit) {
        qsizetype end = pos;
        if (skipVarint(wire.constData(), wire.size(), end) < 0)
            return false;
        oldLen = end - pos;
    }
    // Absent means 0 for the TTL and 1 for the attempt (see appendMessage).
    const bool present = counter == Counter::Ttl ? value > 0 : value != 1;
    char buf[10] = {};
    char *end = buf;
    if (present)
        writeVarint(end, value);
    splice(wire, pos, oldLen, buf, qsizetype(end - buf));
    setWireMask(wire, present ? (mask | bit) : (mask & ~bit));
    return true;
}

} // namespace sb
