// SPDX-License-Identifier: Apache-2.0
#include "wsframe.h"

namespace sb::http::WsFrame {

namespace {
void append(QByteArray &out, quint8 opcode, QByteArrayView payload, QByteArrayView more = {})
{
    const quint64 n = quint64(payload.size() + more.size());
    const qsizetype header = n < 126 ? 2 : (n <= 0xFFFF ? 4 : 10);
    const qsizetype at = out.size();
    out.resize(at + header + qsizetype(n));
    auto *h = reinterpret_cast<unsigned char *>(out.data() + at);
    h[0] = 0x80 | opcode; // FIN
    if (n < 126) {
        h[1] = quint8(n);
    } else if (n <= 0xFFFF) {
        h[1] = 126;
        h[2] = quint8(n >> 8);
        h[3] = quint8(n);
    } else {
        h[1] = 127;
        for (int k = 0; k < 8; ++k)
            h[2 + k] = quint8(n >> (8 * (7 - k)));
    }
    if (!payload.isEmpty())
        memcpy(h + header, payload.data(), size_t(payload.size()));
    if (!more.isEmpty())
        memcpy(h + header + payload.size(), more.data(), size_t(more.size()));
}
} // namespace

void appendText(QByteArray &out, QByteArrayView payload)
{
    append(out, 0x1, payload);
}

void appendText(QByteArray &out, QByteArrayView head, QByteArrayView tail)
{
    append(out, 0x1, head, tail);
}

void appendCompressedText(QByteArray &out, QByteArrayView payload)
{
    append(out, 0x40 | 0x1, payload); // RSV1: "per-message compressed"
}

void appendBinary(QByteArray &out, QByteArrayView payload)
{
    append(out, 0x2, payload);
}

void appendPing(QByteArray &out, QByteArrayView payload)
{
    append(out, 0x9, payload.first(qMin<qsizetype>(payload.size(), 125)));
}

void appendPong(QByteArray &out, QByteArrayView payload)
{
    append(out, 0xA, payload.first(qMin<qsizetype>(payload.size(), 125)));
}

void appendClose(QByteArray &out, quint16 code, QByteArrayView reason)
{
    qsizetype keep = qMin<qsizetype>(reason.size(), 123);
    while (keep > 0 && keep < reason.size() && (quint8(reason[keep]) & 0xC0) == 0x80)
        --keep; // do not cut a UTF-8 sequence in two
    QByteArray body(2, Qt::Uninitialized);
    body[0] = char(code >> 8);
    body[1] = char(code & 0xFF);
    body.append(reason.first(keep));
    append(out, 0x8, body);
}

} // namespace sb::http::WsFrame
