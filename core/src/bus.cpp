// SPDX-License-Identifier: Apache-2.0
#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/memorydeadletterstore.h>
#include <switchboard/memoryjournal.h>
#include <switchboard/topic.h>
#include <switchboard/topictrie.h>

#include "bus_p.h"
#include "refusallog_p.h"
#include "requesttracker_p.h"

#include <QDateTime>
#include <QMetaMethod>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>

namespace sb {

Bus::Bus(QObject *parent)
    : QObject(parent), m_memoryStore(std::make_unique<MemoryDeadLetterStore>()), m_deadLetters(m_memoryStore.get()),
      m_refusalLog(std::make_unique<RefusalLog>()), m_default(std::make_unique<Space>()),
      m_requests(new RequestTracker(this))
{
    m_default->isDefault = true;
    m_default->config.type = ChannelType::Topic;
    connect(m_requests, &RequestTracker::timedOut, this, [this](const QString &corr) {
        ++m_stats.global().total.errors;
        if (isSignalConnected(QMetaMethod::fromSignal(&Bus::requestSettled)))
            Q_EMIT requestSettled(corr, ErrorCode::Timeout);
    });
    installAdvisoryObserver();
}

Bus::~Bus()
{
    m_deadLetters->setObserver({});
    // Owned in-process subscribers die with the bus; others only lose their subscriptions.
    for (auto &[id, sub] : m_subscriptions) {
        sub->link->detachStore(m_deadLetters);
        sub->link->detachStore(m_memoryStore.get());
        if (sub->owned && sub->link->isAlive())
            sub->subscriber->deleteLater();
    }
}

void Bus::setLimits(const BusLimits &limits)
{
    m_limits = limits;
    m_default->config.retry = limits.retry;
}

void Bus::setDeadLetterStore(DeadLetterStore *store)
{
    m_deadLetters->setObserver({});
    m_deadLetters = store ? store : m_memoryStore.get();
    installAdvisoryObserver();
}

Bus::Space *Bus::space(const QString &channel) const
{
    if (channel.isEmpty())
        return m_default.get();
    auto it = m_channels.find(channel);
    return it == m_channels.end() ? nullptr : it->second.get();
}


// --- channels -------------------------------------------------------------------------------

QVariantMap BusRefusals::toVariantMap() const
{
    return {{QStringLiteral("unauthenticated"), unauthenticated}, {QStringLiteral("forbidden"), forbidden},
            {QStringLiteral("spoofedReplies"), spoofedReplies}, {QStringLiteral("spoofedNacks"), spoofedNacks},
            {QStringLiteral("limits"), limits},                   {QStringLiteral("filtered"), filtered},
            {QStringLiteral("errorCapClosed"), errorCapClosed}};
}

Status Bus::createChannel(const ChannelConfig &config, const Principal &who)
{
    if (Status st = administer(who, config.name); !st)
        return st;
    if (Status st = config.validate(); !st)
        return st;
    if (m_channels.count(config.name))
        return Error(ErrorCode::ChannelExists, QStringLiteral("channel \"%1\" already exists").arg(config.name),
                     {{QStringLiteral("channel"), config.name}});
    auto s = std::make_unique<Space>();
    s->config = config;
    s->stats = &m_stats.entry(Stats::Channel, config.name);
    m_channels.emplace(config.name, std::move(s));
    if (config.persistence.persistent)
        journal()->setRetention(config.name, config.persistence.retention);
    Q_EMIT channelsChanged();
    return {};
}

Status Bus::updateChannel(const ChannelConfig &config, const Principal &who)
{
    if (Status st = administer(who, config.name); !st)
        return st;
    Space *s = config.name.isEmpty() ? nullptr : space(config.name);
    if (!s)
        return channelNotFound(config.name);
    if (Status st = config.validate(); !st)
        return st;
    if (s->config.type != config.type && !s->members.isEmpty())
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("channel \"%1\" has %2 subscription(s); its type cannot change while in use")
                         .arg(config.name)
                         .arg(s->members.size()),
                     {{QStringLiteral("key"), QStringLiteral("type")}});
    s->config = config;
    s->invalidate();
    if (config.persistence.persistent)
        journal()->setRetention(config.name, config.persistence.retention);
    recheckSubscriptions(); // require-auth and protocols apply to live subscriptions too
    Q_EMIT channelsChanged();
    return {};
}

Status Bus::deleteChannel(const QString &name, const Principal &who)
{
    if (Status st = administer(who, name); !st)
        return st;
    auto it = m_channels.find(name);
    if (it == m_channels.end())
        return channelNotFound(name);
    Space *s = it->second.get();
    const QVector<Subscription *> members = s->members;
    const Error gone(ErrorCode::ChannelNotFound, QStringLiteral("subscription ended: channel \"%1\" was deleted").arg(name),
                     {{QStringLiteral("channel"), name}});
    for (Subscription *sub : members)
        endSubscription(sub->id, gone);
    for (const Message &m : s->backlog)
        deadLetter(m, DeadLetterReason::Rejected, name, QStringLiteral("channel deleted before delivery"));
    m_stats.remove(Stats::Channel, name);
    m_channels.erase(it);
    Q_EMIT channelsChanged();
    return {};
}

QList<ChannelConfig> Bus::channels() const
{
    QList<ChannelConfig> out;
    for (const auto &[name, s] : m_channels)
        out.append(s->config);
    return out;
}

std::optional<ChannelConfig> Bus::channel(const QString &name) const
{
    auto it = m_channels.find(name);
    if (it == m_channels.end())
        return std::nullopt;
    return it->second->config;
}

// --- publishing -------------------------------------------------------------------------------

void Bus::deadLetter(const Message &message, DeadLetterReason reason, const QString &destination,
                     const QString &detail)
{
    if (m_requeueing)
        return; // a failed requeue leaves the original letter in place; no second copy
    DeadLetter letter;
    letter.reason = reason;
    letter.message = message;
    letter.attempts = qMax(0, message.attempt() - 1);
    letter.destination = destination;
    letter.detail = detail;
    m_deadLetters->add(std::move(letter));
}

quint64 Bus::addPublishObserver(PublishObserver observer)
{
    m_publishObservers.emplace_back(++m_nextPublishObserver, std::move(observer));
    return m_nextPublishObserver;
}

void Bus::removePublishObserver(quint64 handle)
{
    m_publishObservers.erase(std::remove_if(m_publishObservers.begin(), m_publishObservers.end(),
                                            [handle](const auto &o) { return o.first == handle; }),
                             m_publishObservers.end());
}

Result<int> Bus::publish(Message message, const Principal &who, Connection *via)
{
    Result<int> r = route(message, who, via, Action::Publish);
    reapGone();
    return r;
}

void Bus::publish(Message message, const Principal &who, Connection *via, QObject *context, PublishDone done)
{
    Result<int> r = route(message, who, via, Action::Publish, &done, context);
    reapGone();
    if (done)
        done(r);
}

// The checks every message and subscription pass, whatever the protocol: reserved topics, the
// channel's require-auth and protocols, and the ACL.
Status Bus::admit(const ChannelConfig &cfg, const QString &channel, const Principal &who, Action action,
                  const QString &topic)
{
    if (who.isHub())
        return {};
    Status st = check(cfg, channel, who, action, topic);
    if (!st)
        m_refusalLog->log(who, actionName(action), channel, topic, st.error());
    return st;
}

Status Bus::mayAct(const Principal &who, Action action, const QString &channel, const QString &topic)
{
    Space *sp = space(channel);
    if (!sp)
        return channelNotFound(channel);
    return admit(sp->config, channel, who, action, topic);
}

Status Bus::administer(const Principal &who, const QString &channel)
{
    Status st = m_authorizer->authorize(who, Action::Administer, channel, QString());
    if (!st) {
        ++m_refusals.forbidden;
        m_refusalLog->log(who, actionName(Action::Administer), channel, QString(), st.error());
    }
    return st;
}

Status Bus::check(const ChannelConfig &cfg, const QString &channel, const Principal &who, Action action,
                  const QString &topic)
{
    if (action != Action::Subscribe && Topic::isReserved(topic)) {
        ++m_refusals.forbidden;
        return Error(ErrorCode::Forbidden, QStringLiteral("topics under \"$sb.\" are reserved for the hub's advisories"),
                     {{QStringLiteral("topic"), topic}});
    }
    if (cfg.requireAuth && !who.authenticated) {
        ++m_refusals.unauthenticated;
        return Error(ErrorCode::Unauthenticated,
                     QStringLiteral("channel \"%1\" requires an authenticated connection").arg(channel),
                     {{QStringLiteral("channel"), channel}});
    }
    if (!cfg.protocols.isEmpty() && !cfg.protocols.contains(who.protocol)) {
        ++m_refusals.forbidden;
        return Error(ErrorCode::Forbidden,
                     QStringLiteral("channel \"%1\" is open to %2 only, not to %3")
                         .arg(channel, cfg.protocols.join(QStringLiteral(", ")), who.protocol),
                     {{QStringLiteral("channel"), channel}, {QStringLiteral("protocol"), who.protocol}});
    }
    if (Status st = m_authorizer->authorize(who, action, channel, topic); !st) {
        ++m_refusals.forbidden;
        return st;
    }
    return {};
}

// The connection's publish rate limit (publishes, requests and replies alike).
Status Bus::takeRate(Connection *via)
{
    if (!via || via->rateLimiter().isUnlimited())
        return {};
    const qint64 now = RateLimiter::monotonicMsecs();
    if (via->rateLimiter().tryAcquireAt(now))
        return {};
    return Error(ErrorCode::RateLimited,
                 QStringLiteral("publish rate limit of %1 msg/s exceeded").arg(via->rateLimiter().rate()),
                 {{QStringLiteral("retryAfterMs"), via->rateLimiter().retryAfterMs(now)}});
}

Result<int> Bus::route(Message &message, const Principal &who, Connection *via, Action action, PublishDone *done,
                       QObject *context, bool persist, SubscriptionId only)
{
    const bool isRequest = action == Action::Request;
    StatsEntry &global = m_stats.global();
    auto fail = [&](Error e) -> Result<int> {
        ++global.total.errors;
        if (via)
            via->countError();
        return e;
    };
    if (Status st = takeRate(via); !st)
        return fail(st.error());
    const QString channelName = message.channel();
    Space *sp = space(channelName);
    if (!sp)
        return fail(channelNotFound(channelName));
    const ChannelConfig &cfg = sp->config;
    const QString topic = message.topic();
    if (Status st = admit(cfg, channelName, who, action, topic); !st)
        return fail(st.error());
    // Topic rules per route type. A topic already in the route cache was validated before, and its
    // route is used below without a second lookup.
    const Route *cached = nullptr;
    if (cfg.type == ChannelType::Topic)
        cached = sp->cachedRoute(topic);
    const bool needsTopic = cfg.type == ChannelType::Topic || cfg.type == ChannelType::PointToPoint;
    if ((needsTopic || !topic.isEmpty()) && !cached) {
        if (Status st = Topic::validateTopic(topic); !st)
            return fail(st.error());
    }
    if (const QString to = message.header(Recipients::headerName()); !to.isNull()) {
        if (Result<Recipients> r = Recipients::parse(to); !r)
            return fail(r.error());
    }
    // Id, time and source in one pass over the wire bytes: the id and time only where the sender
    // left them empty, the source always (the hub's stamp of the principal; a requeue keeps the
    // stamp the hub gave the original). Before anything is dead-lettered: no letter keeps a
    // source the client made up.
    // A protocol that read a batch gives its time: one clock reading per batch, not per message.
    const qint64 now = via && via->arrivalTime() != 0 ? via->arrivalTime() : QDateTime::currentMSecsSinceEpoch();
    const qint64 stampTime = message.timestamp() == 0 ? now : 0;
    if (m_keepSource || message.source() == (via ? via->sourceStamp() : who.stamp())) {
        message.stampRouted(!message.hasId(), stampTime, QString(), {});
    } else if (via) {
        message.stampRouted(!message.hasId(), stampTime, via->sourceStamp(), via->sourceStampUtf8());
    } else {
        const QString source = who.stamp();
        message.stampRouted(!message.hasId(), stampTime, source, source.toUtf8());
    }
    const qint64 maxSize = cfg.maxMessageSize > 0 ? cfg.maxMessageSize : m_limits.maxMessageSize;
    if (message.payloadSize() > maxSize) {
        const QString dest = channelName.isEmpty() ? topic : channelName;
        deadLetter(message, DeadLetterReason::TooLarge, dest,
                   QStringLiteral("payload of %1 bytes exceeds %2").arg(message.payloadSize()).arg(maxSize));
        return fail(Error(ErrorCode::TooLarge,
                          QStringLiteral("payload of %1 bytes exceeds the limit of %2 bytes")
                              .arg(message.payloadSize())
                              .arg(maxSize),
                          {{QStringLiteral("limit"), maxSize}, {QStringLiteral("size"), message.payloadSize()}}));
    }
    if (message.ttl() == 0 && cfg.ttlMs > 0)
        message.setTtl(cfg.ttlMs);
    if (message.isExpired(now)) {
        deadLetter(message, DeadLetterReason::Expired, channelName.isEmpty() ? topic : channelName,
                   QStringLiteral("expired before it was routed"));
        return fail(Error(ErrorCode::Expired, QStringLiteral("message %1 expired before it was routed").arg(message.id())));
    }

    const qint64 bytes = message.payloadSize();
    ++global.total.in;
    global.total.bytesIn += quint64(bytes);
    if (sp->stats) {
        ++sp->stats->total.in;
        sp->stats->total.bytesIn += quint64(bytes);
    }
    if (via)
        via->countIn(quint64(bytes));

    if (!isRequest && persist) {
        if (const PersistencePolicy *p = persistenceFor(*sp, topic)) {
            store(channelName, message, p->sync, done, context); // delivered once stored
            return 0;
        }
    }
    if (only)
        return offerOnly(*sp, only, message);
    if (cfg.type == ChannelType::Queue && !isRequest) {
        int n = deliverTo(*sp, message);
        if (n == 0) {
            const int depth = cfg.maxQueueDepth > 0 ? cfg.maxQueueDepth : m_limits.maxQueueDepth;
            const qint64 size = message.byteSize();
            if (int(sp->backlog.size()) >= depth || sp->backlogBytes + size > m_limits.maxQueueBytes) {
                ++m_refusals.limits;
                deadLetter(message, DeadLetterReason::Overflow, channelName,
                           QStringLiteral("queue channel backlog full (%1 messages / %2 bytes)")
                               .arg(depth)
                               .arg(m_limits.maxQueueBytes));
                return fail(Error(ErrorCode::QueueFull,
                                  QStringLiteral("queue channel \"%1\" has no consumer and its backlog is full "
                                                 "(%2 messages / %3 bytes)")
                                      .arg(channelName)
                                      .arg(depth)
                                      .arg(m_limits.maxQueueBytes),
                                  {{QStringLiteral("limit"), depth},
                                   {QStringLiteral("limitBytes"), m_limits.maxQueueBytes}}));
            }
            sp->backlogBytes += size;
            sp->backlog.push_back(message);
        }
        return n;
    }

    if (!m_publishObservers.empty() && !isRequest && cfg.type != ChannelType::PointToPoint) {
        for (const auto &observer : m_publishObservers)
            observer.second(message);
    }
    // Nothing between the lookup above and here changes subscriptions, so the cached route is current.
    const int n = deliverTo(*sp, message, cached);
    if (n == 0 && cfg.type == ChannelType::PointToPoint && !isRequest) {
        deadLetter(message, DeadLetterReason::NoRoute, channelName + QLatin1Char('/') + topic,
                   QStringLiteral("no subscriber has the address"));
        return fail(Error(ErrorCode::NoRoute,
                          QStringLiteral("no subscriber with address \"%1\" on channel \"%2\"").arg(topic, channelName),
                          {{QStringLiteral("channel"), channelName}, {QStringLiteral("topic"), topic}}));
    }
    return n;
}

const Bus::Route &Bus::routeFor(Space &sp, const QString &topic)
{
    const QString key = sp.config.type == ChannelType::Broadcast ? QString() : topic;
    auto it = sp.cache.find(key);
    if (it != sp.cache.end())
        return it->second;
    if (int(sp.cache.size()) >= m_limits.matchCacheSize)
        sp.invalidate();

    Route r;
    QVector<Subscription *> candidates;
    if (sp.config.type == ChannelType::Broadcast) {
        candidates = sp.members;
    } else {
        QVector<SubscriptionId> ids;
        sp.trie.match(topic, ids);
        std::sort(ids.begin(), ids.end()); // subscription order, so round robin is stable
        candidates.reserve(ids.size());
        for (SubscriptionId id : ids) {
            auto s = m_subscriptions.find(id);
            if (s != m_subscriptions.end())
                candidates.append(s->second.get());
        }
    }
    QStringList groupNames;
    for (Subscription *s : candidates) {
        if (s->queueGroup.isEmpty()) {
            r.plain.append(s);
            continue;
        }
        qsizetype g = groupNames.indexOf(s->queueGroup);
        if (g < 0) {
            groupNames.append(s->queueGroup);
            r.groups.append(QVector<Subscription *>());
            r.cursors.append(&sp.groupCursors[s->queueGroup]);
            g = groupNames.size() - 1;
        }
        r.groups[g].append(s);
    }
    if (sp.isDefault)
        r.topicStats = &m_stats.entry(Stats::Topic, topic);
    return sp.cache.emplace(key, std::move(r)).first->second;
}

// Deliveries a subscription may not see although its pattern was allowed: topics under a deny rule
// inside that pattern, and advisories about channels its principal may not subscribe to.
bool Bus::withheld(const Subscription *sub, const Message &message)
{
    for (const QString &denied : sub->withheld) {
        if (Topic::matches(denied, message.topic()))
            return true;
    }
    if (m_advisoryOf) {
        const Message &about = m_advisoryOf->message;
        Space *sp = space(about.channel());
        const ChannelConfig cfg = sp ? sp->config : ChannelConfig();
        if (sub->principal.isHub())
            return false;
        if ((cfg.requireAuth && !sub->principal.authenticated)
            || (!cfg.protocols.isEmpty() && !cfg.protocols.contains(sub->principal.protocol)))
            return true;
        return !m_authorizer->authorize(sub->principal, Action::Subscribe, about.channel(), about.topic());
    }
    return false;
}

bool Bus::addressed(const Subscription *sub, const Recipients &to)
{
    const Connection *c = sub->origin.data();
    return to.matches(c ? c->id() : QString(), sub->principal.name, c ? &c->metadata() : nullptr);
}

bool Bus::offer(Subscription *sub, const Message &message, const FilterInput *input, const Recipients *to)
{
    if (to && !addressed(sub, *to))
        return false; // not one of the message's recipients: not a refusal, not counted
    if ((!sub->withheld.isEmpty() || m_advisoryOf) && withheld(sub, message)) {
        ++m_refusals.filtered;
        return false;
    }
    if (input && !sub->filter.isEmpty() && !sub->filter.matches(*input)) {
        ++m_stats.global().total.filtered;
        if (sub->origin)
            sub->origin->countFiltered(1);
        return false;
    }
    int dropped = 0;
    const OfferResult result = sub->link->offer(message, sub->id, sub->tag, &dropped);
    m_stats.global().total.dropped += quint64(dropped);
    if (sub->origin && dropped)
        sub->origin->countDropped(quint64(dropped));
    switch (result) {
    case OfferResult::Accepted:
    case OfferResult::DroppedOldest:
    case OfferResult::DroppedNewest:
    case OfferResult::Overflowed:
        if (m_recordTargets)
            m_recordTargets->append(sub->link->subscriberId());
        return true;
    case OfferResult::Gone:
        m_gone.append(sub->id);
        return false;
    }
    return false;
}

int Bus::deliverTo(Space &sp, Message &message, const Route *known)
{
    int delivered = 0;
    const FilterInput input(message); // the payload is parsed once, if a filter reads it
    // Targeted sends: route() refused a selector that does not parse.
    std::optional<Recipients> recipients;
    if (const QString sel = message.header(Recipients::headerName()); !sel.isNull()) {
        if (Result<Recipients> r = Recipients::parse(sel))
            recipients = std::move(r).value();
    }
    const Recipients *to = recipients ? &*recipients : nullptr;
    switch (sp.config.type) {
    case ChannelType::Broadcast:
    case ChannelType::Topic: {
        const Route &r = known ? *known : routeFor(sp, message.topic());
        for (Subscription *s : r.plain)
            delivered += offer(s, message, &input, to) ? 1 : 0;
        for (qsizetype g = 0; g < r.groups.size(); ++g) {
            const auto &members = r.groups[g];
            quint64 &cursor = *r.cursors[g];
            for (qsizetype tries = 0; tries < members.size(); ++tries) {
                Subscription *s = members[qsizetype(cursor++ % quint64(members.size()))];
                if (offer(s, message, &input, to)) {
                    ++delivered;
                    break;
                }
            }
        }
        if (r.topicStats) {
            StatsEntry &ts = *r.topicStats;
            const qint64 size = message.payloadSize();
            ++ts.total.in;
            ts.total.bytesIn += quint64(size);
            ts.total.out += quint64(delivered);
            m_stats.keepLastMessage(ts, message);
        }
        break;
    }
    case ChannelType::PointToPoint:
        if (Subscription *s = sp.addresses.value(message.topic()))
            delivered = offer(s, message, &input, to) ? 1 : 0;
        break;
    case ChannelType::Queue:
        for (qsizetype tries = 0; tries < sp.members.size(); ++tries) {
            Subscription *s = sp.members[qsizetype(sp.queueCursor++ % quint64(sp.members.size()))];
            if (offer(s, message, &input, to)) {
                delivered = 1;
                break;
            }
        }
        break;
    }
    m_stats.global().total.out += quint64(delivered);
    m_stats.global().total.bytesOut += quint64(delivered) * quint64(message.payloadSize());
    if (sp.stats)
        sp.stats->total.out += quint64(delivered);
    return delivered;
}

void Bus::dispatchBacklog(Space &sp)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (!sp.backlog.empty() && !sp.members.isEmpty()) {
        Message m = std::move(sp.backlog.front());
        sp.backlog.pop_front();
        sp.backlogBytes -= m.byteSize();
        if (m.isExpired(now)) {
            deadLetter(m, DeadLetterReason::Expired, sp.config.name, QStringLiteral("expired in the queue backlog"));
            continue;
        }
        if (deliverTo(sp, m) == 0) {
            sp.backlogBytes += m.byteSize();
            sp.backlog.push_front(std::move(m));
            break;
        }
    }
    reapGone();
}

// --- subscriptions ----------------------------------------------------------------------------

Result<DeadLetterStore *> Bus::administerDeadLetters(const Principal &who)
{
    // The store holds letters of every channel: administering it needs "administer" everywhere
    // (checked on the default topic space, which a rule without channels covers).
    if (Status st = administer(who, QString()); !st)
        return st.error();
    return m_deadLetters;
}

} // namespace sb
