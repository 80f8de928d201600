// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

namespace sb {

enum class DeadLetterReason : quint8 {
    NoRoute,        // point-to-point destination or reply target absent
    Expired,        // TTL ran out before delivery
    Overflow,       // a subscriber's or queue channel's bound was hit
    TooLarge,       // over the channel's or hub's size limit
    HandlerFailed,  // the subscriber failed it on every attempt the retry policy allows
    Rejected,       // refused by policy (ACL) after being received
    SubscriberGone, // accepted for a subscriber that disconnected before delivery
};

SWITCHBOARD_EXPORT QString deadLetterReasonName(DeadLetterReason reason);

struct SWITCHBOARD_EXPORT DeadLetter
{
    quint64 id = 0;             // assigned by the store
    DeadLetterReason reason = DeadLetterReason::Rejected;
    Message message;            // the original message
    int attempts = 0;           // delivery attempts made
    qint64 deadAt = 0;          // ms since epoch
    QString destination;        // channel, topic or subscriber it was meant for
    QString detail;             // human-readable context
    // \a withPayload false leaves out the message's data (advisories stay small) and adds its size.
    QVariantMap toVariantMap(bool withPayload = true) const;
};

} // namespace sb
