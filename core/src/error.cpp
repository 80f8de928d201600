// SPDX-License-Identifier: Apache-2.0
#include <switchboard/error.h>

#include <array>

namespace sb {

namespace {
struct CodeName {
    ErrorCode code;
    const char *name;
};
constexpr std::array<CodeName, 33> kNames{{
    {ErrorCode::None, "OK"},
    {ErrorCode::BadFrame, "BAD_FRAME"},
    {ErrorCode::BadMessage, "BAD_MESSAGE"},
    {ErrorCode::InvalidTopic, "INVALID_TOPIC"},
    {ErrorCode::UnknownFrame, "UNKNOWN_FRAME"},
    {ErrorCode::TooLarge, "TOO_LARGE"},
    {ErrorCode::ChannelNotFound, "CHANNEL_NOT_FOUND"},
    {ErrorCode::ChannelExists, "CHANNEL_EXISTS"},
    {ErrorCode::InvalidConfig, "INVALID_CONFIG"},
    {ErrorCode::NoRoute, "NO_ROUTE"},
    {ErrorCode::AddressInUse, "ADDRESS_IN_USE"},
    {ErrorCode::NotFound, "NOT_FOUND"},
    {ErrorCode::NoResponders, "NO_RESPONDERS"},
    {ErrorCode::Timeout, "TIMEOUT"},
    {ErrorCode::Expired, "EXPIRED"},
    {ErrorCode::RateLimited, "RATE_LIMITED"},
    {ErrorCode::QueueFull, "QUEUE_FULL"},
    {ErrorCode::Overflow, "OVERFLOW"},
    {ErrorCode::Unauthenticated, "UNAUTHENTICATED"},
    {ErrorCode::Forbidden, "FORBIDDEN"},
    {ErrorCode::HandlerFailed, "HANDLER_FAILED"},
    {ErrorCode::NotConnected, "NOT_CONNECTED"},
    {ErrorCode::PluginIncompatible, "PLUGIN_INCOMPATIBLE"},
    {ErrorCode::PluginLoadFailed, "PLUGIN_LOAD_FAILED"},
    {ErrorCode::PortInUse, "PORT_IN_USE"},
    {ErrorCode::Internal, "INTERNAL"},
    {ErrorCode::LimitExceeded, "LIMIT_EXCEEDED"},
    {ErrorCode::UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
    {ErrorCode::ValidationFailed, "VALIDATION_FAILED"},
    {ErrorCode::MethodNotAllowed, "METHOD_NOT_ALLOWED"},
    {ErrorCode::Conflict, "CONFLICT"},
    {ErrorCode::StorageFull, "STORAGE_FULL"},
    {ErrorCode::StorageFailed, "STORAGE_FAILED"},
}};
} // namespace

/*!
    Returns the stable, upper-case name of \a code ("TIMEOUT", "NO_RESPONDERS", ...).
    These names travel on every protocol and must never change.
*/
QString errorCodeName(ErrorCode code)
{
    for (const auto &entry : kNames) {
        if (entry.code == code)
            return QString::fromLatin1(entry.name);
    }
    return QStringLiteral("INTERNAL");
}

/*!
    Maps a name produced by errorCodeName() back to its code; unknown names give Internal.
*/
ErrorCode errorCodeFromName(const QString &name)
{
    for (const auto &entry : kNames) {
        if (name == QLatin1String(entry.name))
            return entry.code;
    }
    return ErrorCode::Internal;
}

QString Error::toString() const
{
    return codeName() + QStringLiteral(": ") + message;
}

} // namespace sb
