// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/binarycodec.h>
#include <switchboard/message.h>
#include <switchboard/result.h>

#include <QByteArrayView>
#include <QJsonObject>

class QIODevice;

namespace sb::native {

// The native wire protocol: BinaryCodec frames. Every frame body starts with a u32 (big endian):
// the sender's sequence number for control frames (0: no answer wanted), the subscription id for
// DELIVER and NACK. Control bodies continue with compact JSON, message frames with a binary message.
enum class FrameType : quint8 {
    Connect = 1,     // C->S seq + {"protocol":1,"name","user","token"}
    Connected = 2,   // S->C seq + {"connectionId","server","protocol","maxFrameSize","idleTimeoutMs"}
    Publish = 3,     // C->S seq + message; seq != 0 asks for an ACK
    Subscribe = 4,   // C->S seq + {"sid","pattern","channel","queue"}
    Unsubscribe = 5, // C->S seq + {"sid"}
    Deliver = 6,     // S->C sid + message
    Request = 7,     // C->S seq + u32 timeout ms + message
    Reply = 8,       // C->S seq + response message; S->C seq of the client's request + response
    Ack = 9,         // S->C seq + {"deliveries"...} (JSON may be empty)
    Error = 10,      // S->C seq + {"code","message","details","fatal"}
    Ping = 11,       // either way, seq
    Pong = 12,       // answer to Ping, same seq
    Nack = 13,       // C->S sid + message: the subscriber failed it; the hub retries per policy
    AckDelivery = 14, // C->S sid + u64 seq (protocol 2): a durable subscription's delivery is done
};
// Protocol 2 adds durable subscriptions: SUBSCRIBE's "durable" and "from_start", ACK_DELIVERY.
// The hub serves clients of every version from MinProtocolVersion.
constexpr int ProtocolVersion = 2;
constexpr int MinProtocolVersion = 1;
constexpr int DefaultPort = 7400;

QString frameTypeName(quint8 type);
bool isKnownFrameType(quint8 type);

struct Frame
{
    quint8 type = 0;
    quint8 flags = 0;
    QByteArrayView body; // valid until the reader is fed again
};

// Incremental frame parser over a reusable buffer. Oversize frames are skipped (the stream stays
// in sync) and reported; a bad magic or version means the stream cannot be trusted.
class FrameReader
{
public:
    enum class Result { NeedMore, Frame, Oversize, Corrupt };

    explicit FrameReader(qint64 maxFrameSize = BinaryCodec::DefaultMaxFrameSize);
    void setMaxFrameSize(qint64 max) { m_maxFrameSize = max; }
    qint64 maxFrameSize() const { return m_maxFrameSize; }

    // Space to read \a n more bytes into; call commit() with how many were read.
    char *reserve(qint64 n);
    void commit(qint64 n);
    void append(QByteArrayView data);

    // Next complete frame; on Oversize/Corrupt \a error says why.
    Result next(Frame &frame, sb::Error *error);
    qint64 buffered() const { return m_buffer.size() - m_pos; }
    qint64 capacity() const { return m_buffer.capacity(); } // what the reader holds in memory

private:
    void compact();

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_skip = 0;
    qint64 m_reserved = 0;
    qint64 m_maxFrameSize;
};

// Writers append whole frames to an outbound buffer (coalesced: one write per flush).
void appendControl(QByteArray &out, FrameType type, quint32 seq, const QJsonObject &json = {});
void appendMessageFrame(QByteArray &out, FrameType type, quint32 seqOrSid, const Message &message,
                        const QByteArray *prefixExtra = nullptr);
// For a message sent once (a client's publish): encodes straight into \a out unless the message
// already carries its wire bytes, instead of caching an encoding nobody reuses. Returns the
// frame's size.
qsizetype appendMessageFrameOnce(QByteArray &out, FrameType type, quint32 seqOrSid, const Message &message);
void appendError(QByteArray &out, quint32 seq, const sb::Error &error, bool fatal);
void appendAckDelivery(QByteArray &out, quint32 sid, quint64 seq);
// ACK of a publish: {"deliveries": N}, written directly.
void appendPublishAck(QByteArray &out, quint32 seq, int deliveries);

// Hands \a out to \a device and pushes it to the kernel now (QIODevice::write only buffers until
// the next event-loop turn). Plain TCP and local sockets with an empty Qt write buffer get the bytes
// with send(2) directly; the rest goes through QIODevice::write. \a out is emptied, keeping its
// capacity.
void writeNow(QIODevice *device, QByteArray &out);

// Readers of a frame body.
quint32 readU32(QByteArrayView body, qsizetype at = 0);
quint64 readU64(QByteArrayView body, qsizetype at = 0);
sb::Result<QJsonObject> controlJson(QByteArrayView body);
sb::Error errorFromJson(const QJsonObject &json, bool *fatal = nullptr);

} // namespace sb::native
