// SPDX-License-Identifier: Apache-2.0
// BinaryCodec's in-place editors of encoded message bytes: what lets Message's setters and the
// hub's stamps keep cached wire bytes instead of re-encoding.
#include <switchboard/binarycodec.h>

#include "binarycodec_p.h"

#include <QVarLengthArray>

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
bool fieldExtent(const QByteArray &wire, quint16 mask, quint16 bit, qsizetype pos, qsizetype *end)
{
    *end = pos;
    if (!(mask & bit))
        return true;
    const qint64 len = skipVarint(wire.constData(), wire.size(), *end);
    if (len < 0 || len > wire.size() - *end)
        return false;
    *end += qsizetype(len);
    return true;
}

} // namespace

bool BinaryCodec::stamp(QByteArray &wire, QStringView id, qint64 timestamp, QStringView source)
{
    if (!wireHeaderOk(wire))
        return false;
    const quint16 mask = wireMask(wire);
    // Old layout: header [0,4) | id [4,idEnd) | fields 1..6 [idEnd,srcPos) | source [srcPos,srcEnd) | rest
    qsizetype idEnd = 0, srcEnd = 0;
    if (!fieldExtent(wire, mask, FId, 4, &idEnd))
        return false;
    qsizetype srcPos = idEnd;
    for (int i = 1; i < 7; ++i) {
        qsizetype e = 0;
        if (!fieldExtent(wire, mask, quint16(1u << i), srcPos, &e))
            return false;
        srcPos = e;
    }
    if (!fieldExtent(wire, mask, FSource, srcPos, &srcEnd) || srcEnd + 8 > wire.size())
        return false;
    // New fields are written straight into the new buffer (ASCII narrowed in place).
    auto varintSize = [](quint64 v) {
        qsizetype n = 1;
        while (v >= 0x80) {
            v >>= 7;
            ++n;
        }
        return n;
    };
    EncodedField idField{id}, srcField{source};
    qsizetype idLen = idEnd - 4, srcLen = srcEnd - srcPos;
    if (!id.isEmpty()) {
        idField.prepare();
        idLen = varintSize(quint64(idField.size())) + idField.size();
    }
    if (!source.isEmpty()) {
        srcField.prepare();
        srcLen = varintSize(quint64(srcField.size())) + srcField.size();
    }
    // A fresh buffer (with headroom for later patches) in one pass: no shifting.
    const qsizetype size = 4 + idLen + (srcPos - idEnd) + srcLen + (wire.size() - srcEnd);
    QByteArray out(size + WireHeadroom, Qt::Uninitialized);
    char *p = out.data();
    const char *w = wire.constData();
    memcpy(p, w, 4);
    p += 4;
    if (id.isEmpty()) {
        memcpy(p, w + 4, size_t(idLen));
        p += idLen;
    } else {
        writeField(p, idField);
    }
    memcpy(p, w + idEnd, size_t(srcPos - idEnd));
    p += srcPos - idEnd;
    if (source.isEmpty()) {
        memcpy(p, w + srcPos, size_t(srcLen));
        p += srcLen;
    } else {
        writeField(p, srcField);
    }
    char *ts = p;
    memcpy(p, w + srcEnd, size_t(wire.size() - srcEnd));
    if (timestamp != 0) {
        const quint64 v = quint64(timestamp);
        for (int i = 0; i < 8; ++i)
            ts[i] = char((v >> (56 - 8 * i)) & 0xff);
    }
    out.resize(size);
    quint16 newMask = mask;
    if (!id.isEmpty())
        newMask |= FId;
    if (!source.isEmpty())
        newMask |= FSource;
    setWireMask(out, newMask);
    wire = std::move(out);
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
