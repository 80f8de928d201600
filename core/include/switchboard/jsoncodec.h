// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>
#include <switchboard/result.h>

#include <QJsonObject>

namespace sb {

// The JSON form of a Message: the IPC protocol's shape, whose field names are a contract:
//   {"messageId","type","channel","action","data","timestamp" (ISO-8601, UTC),"correlationId",
//    "error":{"code","message","details"}}
// Envelope fields beyond the contract ("topic","headers","contentType","replyTo","ttl","attempt",
// "source") are written only when set. "data" is the payload: embedded JSON when the content type
// is JSON, a string when the payload is UTF-8 text, else base64 with "dataEncoding":"base64".
class SWITCHBOARD_EXPORT JsonCodec
{
public:
    static QJsonObject toJsonObject(const Message &message);
    static QByteArray encode(const Message &message);
    static Result<Message> fromJsonObject(const QJsonObject &object);
    static Result<Message> decode(const QByteArray &json, qint64 maxSize = 1024 * 1024);

    static QString formatTimestamp(qint64 msecsSinceEpoch);
    static bool isJsonContentType(const QString &contentType);
};

} // namespace sb
