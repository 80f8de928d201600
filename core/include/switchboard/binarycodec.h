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
    // Remembers the channel, topic and source last decoded through it (keep one per connection),
    // so a stream of messages on one topic shares a single QString instead of allocating one each.
    struct StringCache
    {
        QByteArray bytes[3];
        QString text[3];
    };
    static Result<Message> decodeMessage(QByteArrayView data, bool keepWire = false, StringCache *cache = nullptr);
    // Like decodeMessage(data, true, cache), into \a message: a receive loop's scratch message
    // whose data and buffer are reused when nothing else holds them (no allocation per message);
    // a message still shared (a handler kept a copy) is replaced, never touched. On error
    // \a message holds no meaningful content.
    static Status decodeMessageInto(Message &message, QByteArrayView data, StringCache *cache = nullptr);

    // In-place edits of encoded message bytes, so that stamping a decoded message (id, source,
    // timestamp, TTL, attempt) costs a splice instead of a re-encode. Each returns false when
    // \a wire does not parse; the caller then drops the bytes and encodes afresh.
    // String fields in wire order: 0 id, 1 channel, 2 topic, 3 action, 4 content type,
    // 5 correlation id, 6 reply-to, 7 source. An empty value removes the field.
    enum class Counter { Ttl, Attempt };
    static bool patchStringField(QByteArray &wire, int index, QStringView value);
    static bool patchType(QByteArray &wire, MessageType type);
    static bool patchTimestamp(QByteArray &wire, qint64 msecsSinceEpoch);
    static bool patchCounter(QByteArray &wire, Counter counter, quint64 value);
    // Sets id, timestamp and source in one pass (an empty string or a 0 timestamp leaves that
    // field as it is): what the hub stamps on every routed message.
    static bool stamp(QByteArray &wire, QStringView id, qint64 timestamp, QStringView source);
    // The same with id and source already in UTF-8. In place when nobody shares \a wire and its
    // capacity holds the result (a decoded message keeps WireHeadroom for this), else in a new
    // buffer.
    static bool stampUtf8(QByteArray &wire, QByteArrayView id, qint64 timestamp, QByteArrayView source);
    static constexpr qsizetype WireHeadroom = 64;

    static void appendFrameHeader(QByteArray &out, quint8 frameType, quint8 flags, quint32 bodyLength);
    static QByteArray encodeFrame(quint8 frameType, const QByteArray &body, quint8 flags = 0);
    // A single frame carrying one message (the codec's "length-prefixed binary frame").
    static QByteArray encodeMessageFrame(const Message &message, quint8 frameType = 0);
    static Result<Message> decodeMessageFrame(QByteArrayView frame, qint64 maxFrameSize = DefaultMaxFrameSize);

private:
    static Status decodeInto(Message &message, QByteArrayView data, bool keepWire, StringCache *cache);
};

} // namespace sb
