// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>
#include <switchboard/result.h>

#include <QByteArrayView>

namespace sb {

// The compact, versioned binary form of a Message, and the length-prefixed frame header that
// carries it (and the native protocol's control frames) on the wire.
//
// Frame header, 8 bytes:  'S' | version (1) | frame type | flags | body length (u32, big endian)
// Message body:           codec version | type | presence mask (u16 BE) | fields ... | payload
class SWITCHBOARD_EXPORT BinaryCodec
{
public:
    static constexpr quint8 FrameMagic = 'S';
    static constexpr quint8 FrameVersion = 1;
    static constexpr quint8 MessageCodecVersion = 1;
    static constexpr int FrameHeaderSize = 8;
    static constexpr qint64 DefaultMaxFrameSize = 1024 * 1024;

    static QByteArray encodeMessage(const Message &message);
    static void appendMessage(QByteArray &out, const Message &message);
    // Decodes exactly \a data (trailing bytes are an error). The decoded message keeps \a data
    // as its wire bytes when \a keepWire is true, so forwarding it costs no re-encode.
    static Result<Message> decodeMessage(QByteArrayView data, bool keepWire = false);

    static void appendFrameHeader(QByteArray &out, quint8 frameType, quint8 flags, quint32 bodyLength);
    static QByteArray encodeFrame(quint8 frameType, const QByteArray &body, quint8 flags = 0);
    // A single frame carrying one message (the codec's "length-prefixed binary frame").
    static QByteArray encodeMessageFrame(const Message &message, quint8 frameType = 0);
    static Result<Message> decodeMessageFrame(QByteArrayView frame, qint64 maxFrameSize = DefaultMaxFrameSize);
};

} // namespace sb
