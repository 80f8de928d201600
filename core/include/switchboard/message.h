// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/error.h>
#include <switchboard/global.h>

#include <QByteArray>
#include <QMap>
#include <QSharedDataPointer>
#include <QString>

namespace sb {

enum class MessageType : quint8 { Event = 0, Request = 1, Response = 2, Subscribe = 3, Unsubscribe = 4 };

SWITCHBOARD_EXPORT QString messageTypeName(MessageType type);
// Returns false when \a name is not one of request|response|event|subscribe|unsubscribe.
SWITCHBOARD_EXPORT bool messageTypeFromName(const QString &name, MessageType *type);

using Headers = QMap<QString, QString>;

class MessageData;

// The envelope every protocol is translated into. An immutable-by-convention value type:
// copies share their data (one allocation per message, not per subscriber).
class SWITCHBOARD_EXPORT Message
{
public:
    Message();
    Message(MessageType type, const QString &topic, const QByteArray &payload = {});
    Message(const Message &other);
    Message(Message &&other) noexcept;
    Message &operator=(const Message &other);
    Message &operator=(Message &&other) noexcept;
    ~Message();

    // A new message with a fresh id and the current time.
    static Message create(MessageType type, const QString &topic, const QByteArray &payload = {});
    static QString newId();
    // Writes a new id (ASCII, at most MaxNewIdSize bytes) to \a out; returns its length.
    static qsizetype newIdInto(char *out);
    static constexpr qsizetype MaxNewIdSize = 32;

    QString id() const;
    bool hasId() const; // !id().isEmpty(), without converting a decoded id
    void setId(const QString &id);
    // setId(), setTimestamp() and setSource() at once, skipping empty / 0 arguments; cached wire
    // bytes are rewritten in one pass. The hub stamps every routed message this way.
    void stamp(const QString &id, qint64 timestamp, const QString &source);
    // What the hub stamps on every message it routes, in one pass over the wire bytes: a new id
    // when \a newId, the time when not 0, the source when not empty (\a sourceUtf8: the same in
    // UTF-8). A new id written into the wire bytes is converted only when id() asks for it.
    void stampRouted(bool newId, qint64 timestamp, const QString &source, QByteArrayView sourceUtf8);
    MessageType type() const;
    void setType(MessageType type);
    QString channel() const;
    void setChannel(const QString &channel);
    QString topic() const;
    void setTopic(const QString &topic);
    QString action() const;
    void setAction(const QString &action);
    Headers headers() const;
    void setHeaders(const Headers &headers);
    QString header(const QString &key) const;
    void setHeader(const QString &key, const QString &value);
    QByteArray payload() const;
    qsizetype payloadSize() const; // payload().size() without touching reference counts
    void setPayload(const QByteArray &payload);
    QString contentType() const;
    void setContentType(const QString &contentType);
    qint64 timestamp() const; // milliseconds since the epoch, UTC
    void setTimestamp(qint64 msecsSinceEpoch);
    QString correlationId() const;
    void setCorrelationId(const QString &id);
    QString replyTo() const;
    void setReplyTo(const QString &replyTo);
    qint64 ttl() const; // milliseconds from timestamp; 0 means no expiry
    void setTtl(qint64 msecs);
    int attempt() const; // 1 for the first delivery
    void setAttempt(int attempt);
    QString source() const;
    void setSource(const QString &source);
    Error error() const;
    void setError(const Error &error);
    bool hasError() const;

    // Wall-clock times before this (2025-01-01) are taken for a clock that was not set yet (a
    // board without a real-time clock boots in 1970): nothing expires or ages by them.
    static constexpr qint64 PlausibleClockMs = 1735689600000LL;

    // True when ttl() is set and timestamp() + ttl() lies before \a nowMsecs (a sum past the range
    // of qint64 never expires). A message stamped before PlausibleClockMs never expires once the
    // clock reads after it: the clock was set in between, and its age is unknown.
    bool isExpired(qint64 nowMsecs) const;
    // Approximate memory/wire size, used for byte limits on queues.
    qint64 byteSize() const;

    // The binary encoding (BinaryCodec::encodeMessage), computed once and shared by every copy
    // until the message is modified. Call from the thread that owns the message's route.
    const QByteArray &wireBytes() const;
    bool hasWireBytes() const; // whether wireBytes() is cached (costs nothing)

    // Whether \a other is a copy that shares this message's data (no setter called on either
    // since): the same envelope, so an encoding of one is an encoding of the other. Caches of an
    // encoding keep a copy and ask this (a broadcast encodes once, not per subscriber).
    bool sharesDataWith(const Message &other) const { return d.constData() == other.d.constData(); }

    bool operator==(const Message &other) const;
    bool operator!=(const Message &other) const { return !(*this == other); }

private:
    friend class BinaryCodec; // decodes straight into the data
    void dropWire(); // before a change the codec cannot patch in: the payload gets its own copy
    void materializeId(); // a lazily decoded id becomes a string of its own
    QSharedDataPointer<MessageData> d;
};

} // namespace sb

Q_DECLARE_METATYPE(sb::Message)
