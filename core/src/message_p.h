// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to libswitchboard: the shared data behind Message, for Message and BinaryCodec.

#include <switchboard/message.h>

#include <QSharedData>

#include <memory>

namespace sb {

// The envelope fields most messages never set; allocated on first use, so a plain publish
// builds and frees only the common fields.
struct MessageExtras
{
    QString action;
    QString contentType;
    QString correlationId;
    QString replyTo;
    Headers headers;
    Error error;
};

class MessageData : public QSharedData
{
public:
    MessageData() = default;
    MessageData(const MessageData &other)
        : QSharedData(other), id(other.id), type(other.type), channel(other.channel), topic(other.topic),
          payload(other.payload), timestamp(other.timestamp), ttl(other.ttl), attempt(other.attempt),
          source(other.source), wire(other.wire), payloadInWire(other.payloadInWire), idOffset(other.idOffset),
          idLength(other.idLength),
          extras(other.extras ? std::make_unique<MessageExtras>(*other.extras) : nullptr)
    {
    }
    MessageData &operator=(const MessageData &) = delete;

    const MessageExtras *ext() const { return extras.get(); }
    MessageExtras &mutableExt()
    {
        if (!extras)
            extras = std::make_unique<MessageExtras>();
        return *extras;
    }

    QString id;
    MessageType type = MessageType::Event;
    QString channel;
    QString topic;
    QByteArray payload;
    qint64 timestamp = 0;
    qint64 ttl = 0;
    int attempt = 1;
    QString source;
    mutable QByteArray wire; // cache of BinaryCodec::encodeMessage; patched or cleared by setters
    // >= 0: the payload is the last payloadInWire bytes of wire (a decoded message: no copy of
    // its own); -1: payload holds it.
    qsizetype payloadInWire = -1;
    // idLength > 0: the id is the UTF-8 at wire[idOffset, idOffset + idLength) and is converted
    // only when asked for (a decoded message's id is rarely read; this saves an allocation per
    // delivery). The id is the first field, so patches of later fields never move it.
    qint32 idOffset = 0;
    qint32 idLength = 0;
    std::unique_ptr<MessageExtras> extras;

    QString lazyId() const { return QString::fromUtf8(wire.constData() + idOffset, idLength); }
};

} // namespace sb
