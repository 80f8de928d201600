// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

#include <QString>
#include <QVariantMap>

namespace sb {

// Stable error codes. The names (errorCodeName) are part of every protocol's contract.
enum class ErrorCode : quint16 {
    None = 0,
    BadFrame,          // malformed bytes on the wire or in a codec
    BadMessage,        // well-formed but semantically invalid message
    InvalidTopic,
    UnknownFrame,
    TooLarge,
    ChannelNotFound,
    ChannelExists,
    InvalidConfig,
    NoRoute,
    AddressInUse,
    NotFound,
    NoResponders,
    Timeout,
    Expired,
    RateLimited,
    QueueFull,
    Overflow,
    Unauthenticated,
    Forbidden,
    HandlerFailed,
    NotConnected,
    PluginIncompatible,
    PluginLoadFailed,
    PortInUse,
    Internal,
    LimitExceeded,     // a configured cap (connections, subscriptions, pending requests, ...) is reached
    UnsupportedMediaType, // a request body in a content type the endpoint does not take (HTTP 415)
    ValidationFailed,     // a well-formed body that fails the channel's JSON Schema (HTTP 422)
    MethodNotAllowed,     // a known resource asked with a method it does not have (HTTP 405)
    Conflict,             // the request conflicts with one before it (an Idempotency-Key in use) (HTTP 409)
    StorageFull,          // the journal's disk budget is reached: persistent publishes are refused (HTTP 507)
    StorageFailed,        // the journal could not write or fsync: nothing more is acknowledged (HTTP 503)
};
// The highest code; the binary codec refuses larger numbers. Move it when a code is added.
constexpr ErrorCode LastErrorCode = ErrorCode::StorageFailed;

SWITCHBOARD_EXPORT QString errorCodeName(ErrorCode code);
SWITCHBOARD_EXPORT ErrorCode errorCodeFromName(const QString &name);

struct SWITCHBOARD_EXPORT Error {
    ErrorCode code = ErrorCode::None;
    QString message;
    QVariantMap details;

    Error() = default;
    Error(ErrorCode c, QString msg, QVariantMap det = {})
        : code(c), message(std::move(msg)), details(std::move(det)) {}

    bool isError() const { return code != ErrorCode::None; }
    QString codeName() const { return errorCodeName(code); }
    // "CODE: message" for logs and command-line output.
    QString toString() const;
};

} // namespace sb
