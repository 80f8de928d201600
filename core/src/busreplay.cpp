// SPDX-License-Identifier: Apache-2.0
// The bus's side of replays (ReplayManager): a stored message published again, stored only when
// asked, to everyone subscribed or to one subscription.
#include <switchboard/bus.h>
#include <switchboard/messagefilter.h>
#include <switchboard/topic.h>

#include "bus_p.h"

namespace sb {

Result<int> Bus::republish(Message message, const Principal &who, bool store, SubscriptionId only)
{
    Result<int> r = route(message, who, nullptr, Action::Publish, nullptr, nullptr, store, only);
    reapGone();
    return r;
}

// One subscription of \a sp that takes the message's topic: a replay to one subscriber.
Result<int> Bus::offerOnly(Space &sp, SubscriptionId id, const Message &message)
{
    auto it = m_subscriptions.find(id);
    Subscription *sub = it == m_subscriptions.end() ? nullptr : it->second.get();
    if (!sub || sub->space != &sp || (!sub->pattern.isEmpty() && !Topic::matches(sub->pattern, message.topic())))
        return Error(ErrorCode::NotFound,
                     QStringLiteral("subscription %1 is not on channel \"%2\" or does not take topic \"%3\"")
                         .arg(id)
                         .arg(message.channel(), message.topic()),
                     {{QStringLiteral("subscription"), QString::number(id)}});
    const FilterInput input(message);
    return offer(sub, message, &input) ? 1 : 0;
}

} // namespace sb
