// SPDX-License-Identifier: Apache-2.0
#include <switchboard/deadletter.h>
#include <switchboard/jsoncodec.h>

namespace sb {

QString deadLetterReasonName(DeadLetterReason reason)
{
    switch (reason) {
    case DeadLetterReason::NoRoute: return QStringLiteral("NO_ROUTE");
    case DeadLetterReason::Expired: return QStringLiteral("EXPIRED");
    case DeadLetterReason::Overflow: return QStringLiteral("OVERFLOW");
    case DeadLetterReason::TooLarge: return QStringLiteral("TOO_LARGE");
    case DeadLetterReason::HandlerFailed: return QStringLiteral("HANDLER_FAILED");
    case DeadLetterReason::Rejected: return QStringLiteral("REJECTED");
    case DeadLetterReason::SubscriberGone: return QStringLiteral("SUBSCRIBER_GONE");
    }
    return QStringLiteral("REJECTED");
}

QVariantMap DeadLetter::toVariantMap(bool withPayload) const
{
    QVariantMap msg = JsonCodec::toJsonObject(message).toVariantMap();
    if (!withPayload) {
        msg.remove(QStringLiteral("data"));
        msg.remove(QStringLiteral("dataEncoding"));
        msg.insert(QStringLiteral("payloadSize"), message.payloadSize());
    }
    return {{QStringLiteral("id"), id},
            {QStringLiteral("reason"), deadLetterReasonName(reason)},
            {QStringLiteral("attempts"), attempts},
            {QStringLiteral("deadAt"), JsonCodec::formatTimestamp(deadAt)},
            {QStringLiteral("destination"), destination},
            {QStringLiteral("detail"), detail},
            {QStringLiteral("message"), msg}};
}

} // namespace sb
