// SPDX-License-Identifier: Apache-2.0
#include "wsframereader.h"

namespace sb::http {

namespace {
enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

bool validCloseCode(quint16 code)
{
    // RFC 6455 7.4: 1000-1003, 1007-1011 (1012-1014 registered since), 3000-4999. Never 1005,
    // 1006 or 1015 on the wire.
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}
} // namespace

bool WsFrameReader::isUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int more;
        quint32 cp;
        quint32 min;
        if ((c & 0xE0) == 0xC0) {
            more = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + more >= n) // the sequence is cut off
            return false;
        for (int k = 1; k <= more; ++k) {
            const unsigned char d = p[i + k];
            if ((d & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

std::optional<WsEvent> WsFrameReader::fail(quint16 code, const QString &reason)
{
    m_errorCode = code;
    m_errorReason = reason;
    m_buffer.clear();
    m_pos = 0;
    m_message.clear();
    return std::nullopt;
}

std::optional<WsEvent> WsFrameReader::next()
{
    while (!hasError()) {
        const qsizetype available = m_buffer.size() - m_pos;
        if (available < 2)
            break;
        const auto *h = reinterpret_cast<const unsigned char *>(m_buffer.constData() + m_pos);
        const bool fin = h[0] & 0x80;
        const quint8 rsv = h[0] & 0x70;
        const quint8 opcode = h[0] & 0x0F;
        const bool masked = h[1] & 0x80;
        quint64 length = h[1] & 0x7F;
        qsizetype header = 2;
        const bool rsv1 = rsv == 0x40;
        if (rsv && !(rsv1 && m_compression && (opcode == Text || opcode == Binary)))
            return fail(WsClose::ProtocolError,
                        m_compression ? QStringLiteral("a reserved bit is set where permessage-deflate allows none")
                                      : QStringLiteral("a reserved bit is set and no extension was negotiated"));
        if (!masked)
            return fail(WsClose::ProtocolError, QStringLiteral("client frames must be masked (RFC 6455 5.1)"));
        const bool control = opcode & 0x8;
        if (opcode != Continuation && opcode != Text && opcode != Binary && opcode != Close && opcode != Ping && opcode != Pong)
            return fail(WsClose::ProtocolError, QStringLiteral("unknown opcode 0x%1").arg(opcode, 0, 16));
        if (control && (!fin || length > 125))
            return fail(WsClose::ProtocolError,
                        QStringLiteral("control frames must be whole and at most 125 bytes (RFC 6455 5.5)"));
        if (length == 126) {
            if (available < 4)
                break;
            length = (quint64(h[2]) << 8) | h[3];
            header = 4;
        } else if (length == 127) {
            if (available < 10)
                break;
            length = 0;
            for (int k = 0; k < 8; ++k)
                length = (length << 8) | h[2 + k];
            header = 10;
            if (length >> 63)
                return fail(WsClose::ProtocolError, QStringLiteral("the 64-bit length's top bit is set"));
        }
        if (length > quint64(m_limits.maxFrameBytes))
            return fail(WsClose::TooBig, QStringLiteral("a frame of %1 bytes, more than the limit of %2").arg(length).arg(m_limits.maxFrameBytes));
        if (!control) {
            if (opcode == Continuation && !m_inMessage)
                return fail(WsClose::ProtocolError, QStringLiteral("a continuation frame without a message to continue"));
            if (opcode != Continuation && m_inMessage)
                return fail(WsClose::ProtocolError, QStringLiteral("a new message before the last one's final fragment"));
            if (quint64(m_message.size()) + length > quint64(m_limits.maxMessageBytes))
                return fail(WsClose::TooBig, QStringLiteral("a message of more than %1 bytes").arg(m_limits.maxMessageBytes));
        }
        if (quint64(available) < quint64(header) + 4 + length)
            break; // the whole frame is not here yet
        const unsigned char *mask = h + header;
        const char *payload = reinterpret_cast<const char *>(h + header + 4);
        QByteArray data(payload, qsizetype(length));
        for (qsizetype k = 0; k < data.size(); ++k)
            data[k] = char(data[k] ^ mask[k & 3]);
        m_pos += header + 4 + qsizetype(length);
        if (m_pos > 64 * 1024 && m_pos * 2 > m_buffer.size()) { // drop what was parsed now and then
            m_buffer.remove(0, m_pos);
            m_pos = 0;
        }

        if (control) {
            WsEvent e;
            if (opcode == Ping) {
                e.type = WsEvent::Type::Ping;
                e.payload = data;
            } else if (opcode == Pong) {
                e.type = WsEvent::Type::Pong;
                e.payload = data;
            } else {
                e.type = WsEvent::Type::Close;
                if (data.size() == 1)
                    return fail(WsClose::ProtocolError, QStringLiteral("a close frame with a one-byte body"));
                e.closeCode = WsClose::NoStatus;
                if (data.size() >= 2) {
                    e.closeCode = quint16((quint8(data[0]) << 8) | quint8(data[1]));
                    if (!validCloseCode(e.closeCode))
                        return fail(WsClose::ProtocolError, QStringLiteral("close code %1 is not valid on the wire").arg(e.closeCode));
                    e.payload = data.mid(2);
                    if (!isUtf8(e.payload))
                        return fail(WsClose::InvalidData, QStringLiteral("the close reason is not UTF-8"));
                }
            }
            return e;
        }
        if (opcode != Continuation) {
            m_inMessage = true;
            m_messageIsText = opcode == Text;
            m_messageCompressed = rsv1;
        }
        m_message += data;
        if (!fin)
            continue;
        WsEvent e;
        e.type = m_messageIsText ? WsEvent::Type::Text : WsEvent::Type::Binary;
        e.payload = std::move(m_message);
        e.compressed = m_messageCompressed;
        m_message = QByteArray();
        m_inMessage = false;
        if (e.type == WsEvent::Type::Text && !e.compressed && !isUtf8(e.payload))
            return fail(WsClose::InvalidData, QStringLiteral("a text message that is not UTF-8"));
        return e;
    }
    if (m_pos == m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
    }
    return std::nullopt;
}

} // namespace sb::http
