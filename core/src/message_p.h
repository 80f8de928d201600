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
          source(other.source), wire(other.wire), payloadInWire(other.payloadInWire),
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
    std::unique_ptr<MessageExtras> extras;
};

} // namespace sb
