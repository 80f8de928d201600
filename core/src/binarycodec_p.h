// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to libswitchboard: pieces of the message encoding shared by the encoder/decoder
// (binarycodec.cpp) and the in-place editors of encoded bytes (binarycodecpatch.cpp).

#include <QByteArray>
#include <QStringView>

namespace sb::codec {

// Presence-mask bits, in wire order (the eight string fields first).
enum Field : quint16 {
    FId = 1 << 0,
    FChannel = 1 << 1,
    FTopic = 1 << 2,
    FAction = 1 << 3,
    FContentType = 1 << 4,
    FCorrelation = 1 << 5,
    FReplyTo = 1 << 6,
    FSource = 1 << 7,
    FTtl = 1 << 8,
    FAttempt = 1 << 9,
    FHeaders = 1 << 10,
    FError = 1 << 11,
    FKnown = (1 << 12) - 1,
};

// One string field, ready to be written: ASCII strings are narrowed straight into the output
// (no intermediate QByteArray); anything else is converted to UTF-8 once.
struct EncodedField
{
    EncodedField(QStringView t) : text(t) {} // NOLINT: implicit, for the field tables
    QStringView text; // views into the message's own strings: no reference counting per field
    QByteArray utf8;
    bool ascii = true;
    qsizetype size() const { return ascii ? text.size() : utf8.size(); }
    void prepare()
    {
        ascii = QtPrivate::isAscii(QStringView(text));
        if (!ascii)
            utf8 = text.toUtf8();
    }
};

inline void writeVarint(char *&p, quint64 v)
{
    do {
        quint8 byte = v & 0x7f;
        v >>= 7;
        if (v)
            byte |= 0x80;
        *p++ = char(byte);
    } while (v);
}

inline void writeField(char *&p, const EncodedField &f)
{
    writeVarint(p, quint64(f.size()));
    if (f.ascii) {
        const QChar *c = f.text.constData();
        for (qsizetype i = 0, n = f.text.size(); i < n; ++i)
            *p++ = char(c[i].unicode());
    } else {
        memcpy(p, f.utf8.constData(), size_t(f.utf8.size()));
        p += f.utf8.size();
    }
}

} // namespace sb::codec
