// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace sb::http {

// RFC 6455 close codes the hub sends.
namespace WsClose {
constexpr quint16 Normal = 1000;
constexpr quint16 GoingAway = 1001;
constexpr quint16 ProtocolError = 1002;
constexpr quint16 NoStatus = 1005; // received: a close frame without a code (never sent)
constexpr quint16 InvalidData = 1007; // text that is not UTF-8
constexpr quint16 PolicyViolation = 1008;
constexpr quint16 TooBig = 1009;
constexpr quint16 InternalError = 1011;
} // namespace WsClose

// A message or a control frame from a client.
struct WsEvent {
    enum class Type : quint8 { Text, Binary, Ping, Pong, Close };
    Type type = Type::Text;
    QByteArray payload;  // unmasked; fragments joined; for Close: the reason (UTF-8)
    quint16 closeCode = 0; // Close: the code, or WsClose::NoStatus
    bool compressed = false; // Text, Binary: RSV1 was set (permessage-deflate); payload still compressed
};

struct WsLimits {
    qint64 maxFrameBytes = 1024 * 1024;   // one frame's payload
    qint64 maxMessageBytes = 1024 * 1024; // a message's fragments together
};

// The server side of RFC 6455 framing, without I/O: bytes in, messages and control frames out.
// Checks what a server must (section 5): client frames masked, no RSV bit (no extension is
// negotiated), known opcodes, control frames whole and at most 125 bytes, fragments in order, the
// 64-bit length's top bit clear, the close code valid, text and close reasons UTF-8 (section 8.1);
// and the limits. The first violation stops the reader with the close code to answer (1002
// protocol error, 1007 invalid data, 1009 too big) and a reason.
class WsFrameReader
{
public:
    explicit WsFrameReader(const WsLimits &limits = {}) : m_limits(limits) {}
    // permessage-deflate was agreed: RSV1 may mark a message's first frame as compressed (the
    // message is handed out still compressed; text is checked for UTF-8 after inflating).
    void setCompressionAgreed(bool agreed) { m_compression = agreed; }

    void append(QByteArrayView bytes) { m_buffer.append(bytes.data(), bytes.size()); }
    // The next complete message or control frame; nullopt when more bytes are needed, or after an
    // error (hasError()).
    std::optional<WsEvent> next();

    bool hasError() const { return m_errorCode != 0; }
    quint16 errorCode() const { return m_errorCode; }
    const QString &errorReason() const { return m_errorReason; }
    // Bytes held: unparsed input and the fragments of a message in progress.
    qint64 buffered() const { return m_buffer.size() - m_pos + m_message.size(); }

    // Whether \a bytes is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
    static bool isUtf8(QByteArrayView bytes);

private:
    std::optional<WsEvent> fail(quint16 code, const QString &reason);

    WsLimits m_limits;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    QByteArray m_message;   // fragments so far
    bool m_inMessage = false;
    bool m_messageIsText = false;
    bool m_messageCompressed = false;
    bool m_compression = false;
    quint16 m_errorCode = 0;
    QString m_errorReason;
};

} // namespace sb::http
