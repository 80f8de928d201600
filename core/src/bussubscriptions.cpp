// SPDX-License-Identifier: Apache-2.0
// Bus: subscriptions: subscribe and unsubscribe, removal (and telling the subscriber when the hub
// ended one), and the re-check of live subscriptions when the ACL or a channel's rules change.
#include <switchboard/bus.h>
#include <switchboard/callbacksubscriber.h>
#include <switchboard/connection.h>
#include <switchboard/topic.h>
#include <switchboard/topictrie.h>

#include "bus_p.h"
#include "requesttracker_p.h"

namespace sb {

Result<SubscriptionId> Bus::subscribe(Subscriber *subscriber, const SubscriptionOptions &options, const Principal &who,
                                      Connection *via)
{
    Space *sp = space(options.channel);
    if (!sp)
        return channelNotFound(options.channel);
    const ChannelConfig &cfg = sp->config;
    if (via && via->subscriptionCount() >= m_limits.maxSubscriptionsPerConnection) {
        ++m_refusals.limits;
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("this connection has %1 subscriptions, the most allowed "
                                    "(limits.max-subscriptions-per-connection)")
                         .arg(via->subscriptionCount()),
                     {{QStringLiteral("limit"), m_limits.maxSubscriptionsPerConnection}});
    }
    if (subscriptionCount() >= m_limits.maxSubscriptions) {
        ++m_refusals.limits;
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("the hub has %1 subscriptions, the most allowed (limits.max-subscriptions)")
                         .arg(subscriptionCount()),
                     {{QStringLiteral("limit"), m_limits.maxSubscriptions}});
    }
    // Broadcast and queue channels hand every member every message whatever its pattern: the ACL
    // judges such a subscription as one to everything on the channel.
    const bool takesAll = cfg.type == ChannelType::Broadcast || cfg.type == ChannelType::Queue;
    const QString aclPattern = takesAll ? QStringLiteral(">") : options.pattern;
    if (Status st = admit(cfg, options.channel, who, Action::Subscribe, aclPattern); !st)
        return st.error();
    switch (cfg.type) {
    case ChannelType::Topic:
        if (Status st = Topic::validatePattern(options.pattern); !st)
            return st.error();
        break;
    case ChannelType::PointToPoint:
        if (Status st = Topic::validateTopic(options.pattern); !st)
            return Error(ErrorCode::InvalidTopic,
                         QStringLiteral("a point-to-point subscription needs an exact address: ") + st.error().message);
        if (sp->addresses.contains(options.pattern))
            return Error(ErrorCode::AddressInUse,
                         QStringLiteral("address \"%1\" on channel \"%2\" is already taken")
                             .arg(options.pattern, options.channel));
        break;
    case ChannelType::Broadcast:
    case ChannelType::Queue:
        if (!options.pattern.isEmpty()) {
            if (Status st = Topic::validatePattern(options.pattern); !st)
                return st.error();
        }
        break;
    }
    if (options.queueGroup.size() > 128 || options.queueGroup.contains(QLatin1Char(' ')))
        return Error(ErrorCode::BadMessage, QStringLiteral("queue group names are at most 128 characters, no spaces"));

    if (!subscriber->deadLetterStore())
        subscriber->setDeadLetterStore(m_deadLetters);
    auto sub = std::make_unique<Subscription>();
    sub->id = m_nextId++;
    sub->link = subscriber->link();
    sub->subscriber = subscriber;
    sub->space = sp;
    sub->pattern = options.pattern;
    sub->queueGroup = options.queueGroup;
    sub->tag = options.tag;
    sub->filter = options.filter;
    sub->origin = via;
    sub->principal = who;
    sub->withheld = m_authorizer->deniedWithin(who, options.channel, aclPattern);
    Subscription *raw = sub.get();
    const SubscriptionId id = sub->id;
    m_subscriptions.emplace(sub->id, std::move(sub));
    if (!options.durable.isEmpty()) {
        // Fed from the journal (busdurables.cpp), so not in the space's routes.
        if (Status st = joinDurable(raw, options); !st) {
            m_subscriptions.erase(id);
            return st.error();
        }
        if (via)
            via->setSubscriptionCount(via->subscriptionCount() + 1);
        // The first deliveries on the next turn: the protocol registers the subscription (its name,
        // its sid) when this returns, and formats deliveries with it.
        QMetaObject::invokeMethod(
            this,
            [this, name = options.durable] {
                auto d = m_durables.find(name);
                if (d != m_durables.end())
                    pump(*d->second);
            },
            Qt::QueuedConnection);
        return id;
    }

    sp->members.append(raw);
    if (cfg.type == ChannelType::Topic)
        sp->trie.insert(raw->pattern, raw->id);
    else if (cfg.type == ChannelType::PointToPoint)
        sp->addresses.insert(raw->pattern, raw);
    sp->invalidate();
    if (via)
        via->setSubscriptionCount(via->subscriptionCount() + 1);
    if (cfg.type == ChannelType::Queue && !sp->backlog.empty())
        dispatchBacklog(*sp); // may reap the new subscription itself (a subscriber already gone)
    return id;
}

Result<SubscriptionId> Bus::subscribe(const SubscriptionOptions &options, const Principal &who, QObject *context,
                                      MessageHandler handler)
{
    Space *sp = space(options.channel);
    if (!sp)
        return channelNotFound(options.channel);
    auto *cs = new CallbackSubscriber(QStringLiteral("inproc-%1").arg(++m_inProcessCounter), std::move(handler),
                                      sp->isDefault ? m_limits.retry : sp->config.retry);
    cs->setQueueLimits(m_limits.subscriberQueue);
    cs->setDeadLetterStore(m_deadLetters);
    cs->moveToThread(context->thread());
    Result<SubscriptionId> r = subscribe(cs, options, who);
    if (!r) {
        delete cs;
        return r;
    }
    m_subscriptions[r.value()]->owned = true;
    const SubscriptionId id = r.value();
    connect(context, &QObject::destroyed, this, [this, id] { removeSubscription(id); });
    return r;
}

Status Bus::unsubscribe(SubscriptionId id, const Principal &who, Connection *via)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return Error(ErrorCode::NotFound, QStringLiteral("subscription %1 does not exist").arg(id),
                     {{QStringLiteral("subscription"), id}});
    // Whoever made a subscription may end it; anybody else needs "administer" on its channel.
    const Subscription *sub = it->second.get();
    const bool own = via ? sub->origin == via : (!sub->origin && sub->principal.stamp() == who.stamp());
    if (!own) {
        if (Status st = administer(who, sub->space->config.name); !st)
            return st;
    }
    removeSubscription(id);
    return {};
}

void Bus::removeSubscription(SubscriptionId id)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    Subscription *sub = it->second.get();
    Space *sp = sub->space;
    if (sub->durable) {
        leaveDurable(sub);
    } else {
        sp->members.removeOne(sub);
        if (sp->config.type == ChannelType::Topic)
            sp->trie.remove(sub->pattern, sub->id);
        else if (sp->config.type == ChannelType::PointToPoint)
            sp->addresses.remove(sub->pattern);
        sp->invalidate();
    }
    if (sub->origin)
        sub->origin->setSubscriptionCount(qMax(0, sub->origin->subscriptionCount() - 1));
    if (sub->owned && sub->link->isAlive())
        sub->subscriber->deleteLater();
    m_subscriptions.erase(it);
}

void Bus::endSubscription(SubscriptionId id, const Error &reason)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    const Subscription *sub = it->second.get();
    Subscriber *subscriber = sub->subscriber;
    const quint32 tag = sub->tag;
    // Subscribers on other threads are identity only here (they may be going away): not told.
    const bool tell = !sub->owned && sub->link->isAlive() && subscriber->thread() == thread();
    removeSubscription(id);
    if (tell)
        subscriber->subscriptionEnded(tag, reason);
}

void Bus::setAccessControl(const AccessControl &acl)
{
    setAccessControl(acl, m_acl.requireAuth());
}

void Bus::setAccessControl(const AccessControl &acl, bool requireAuth)
{
    m_acl = acl;
    m_acl.setRequireAuth(requireAuth);
    recheckSubscriptions();
}

void Bus::setRequireAuth(bool required)
{
    if (m_acl.requireAuth() == required)
        return;
    m_acl.setRequireAuth(required);
    recheckSubscriptions();
}

void Bus::setAuthorizer(const Authorizer *authorizer)
{
    m_authorizer = authorizer ? authorizer : &m_acl;
    recheckSubscriptions();
}

// A subscription is judged as when it was made (admit: counted and logged when refused), with the
// principal it was made for; one no longer allowed ends, the others get their deny filters anew.
void Bus::recheckSubscriptions()
{
    QVector<std::pair<SubscriptionId, Error>> ended;
    for (const auto &[id, sub] : m_subscriptions) {
        const ChannelConfig &cfg = sub->space->config;
        const QString channel = sub->space->isDefault ? QString() : cfg.name;
        const bool takesAll = cfg.type == ChannelType::Broadcast || cfg.type == ChannelType::Queue;
        const QString aclPattern = takesAll ? QStringLiteral(">") : sub->pattern;
        if (Status st = admit(cfg, channel, sub->principal, Action::Subscribe, aclPattern); !st) {
            Error e = st.error();
            e.message = QStringLiteral("subscription ended: ") + e.message;
            ended.append({id, e});
            continue;
        }
        sub->withheld = m_authorizer->deniedWithin(sub->principal, channel, aclPattern);
    }
    for (const auto &[id, reason] : ended)
        endSubscription(id, reason);
    Q_EMIT accessRulesChanged();
}

void Bus::removeSubscriber(Subscriber *subscriber)
{
    if (auto *connection = qobject_cast<Connection *>(subscriber))
        m_requests->dropRequester(connection);
    QVector<SubscriptionId> ids;
    for (const auto &[id, sub] : m_subscriptions) {
        if (sub->subscriber == subscriber)
            ids.append(id);
    }
    for (SubscriptionId id : ids)
        removeSubscription(id);
}

void Bus::reapGone()
{
    if (m_gone.isEmpty())
        return;
    const QVector<SubscriptionId> gone = std::exchange(m_gone, {});
    for (SubscriptionId id : gone)
        removeSubscription(id);
}

} // namespace sb
