// SPDX-License-Identifier: Apache-2.0
#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/memorydeadletterstore.h>
#include <switchboard/topic.h>
#include <switchboard/topictrie.h>

#include "requesttracker_p.h"

#include <QDateTime>
#include <QMetaMethod>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace sb {

struct Bus::Subscription
{
    SubscriptionId id = 0;
    std::shared_ptr<SubscriberLink> link;
    Subscriber *subscriber = nullptr; // identity only; may live on another thread
    Space *space = nullptr;
    QString pattern;
    QString queueGroup;
    quint32 tag = 0;
    QPointer<Connection> origin;
    bool owned = false; // an in-process CallbackSubscriber the bus created
};

// The subscriptions a topic resolves to, cached per topic until the space's subscriptions change.
struct Bus::Route
{
    QVector<Subscription *> plain;
    QVector<QVector<Subscription *>> groups;
    QVector<quint64 *> cursors; // round-robin position per group
    StatsEntry *topicStats = nullptr;
};

struct Bus::Space
{
    ChannelConfig config;
    bool isDefault = false;
    TopicTrie trie;                           // topic spaces
    QVector<Subscription *> members;          // every subscription, in order
    QHash<QString, Subscription *> addresses; // point-to-point
    std::unordered_map<QString, Route> cache;
    std::unordered_map<QString, quint64> groupCursors;
    quint64 queueCursor = 0;
    std::deque<Message> backlog; // queue channels while no consumer is attached
    StatsEntry *stats = nullptr;

    void invalidate() { cache.clear(); }
};


Bus::Bus(QObject *parent)
    : QObject(parent), m_memoryStore(std::make_unique<MemoryDeadLetterStore>()), m_deadLetters(m_memoryStore.get()),
      m_default(std::make_unique<Space>()), m_requests(new RequestTracker(this))
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

void Bus::installAdvisoryObserver()
{
    // Dead letters can be added on any thread; advisories are published on the bus thread.
    m_deadLetters->setObserver([this](const DeadLetter &letter) {
        QMetaObject::invokeMethod(this, [this, letter] { publishAdvisory(letter); }, Qt::QueuedConnection);
    });
}

void Bus::publishAdvisory(const DeadLetter &letter)
{
    ++m_stats.global().total.deadLettered;
    if (letter.message.topic().startsWith(QLatin1String("$sb.")))
        return; // never advertise the loss of an advisory: that could loop
    Message m = Message::create(MessageType::Event,
                                QStringLiteral("$sb.deadletter.") + deadLetterReasonName(letter.reason).toLower());
    m.setContentType(QStringLiteral("application/json"));
    m.setPayload(QJsonDocument(QJsonObject::fromVariantMap(letter.toVariantMap(false))).toJson(QJsonDocument::Compact));
    m.setSource(QStringLiteral("hub"));
    route(m, nullptr, false);
    reapGone();
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

static Error channelNotFound(const QString &name)
{
    return Error(ErrorCode::ChannelNotFound, QStringLiteral("channel \"%1\" does not exist").arg(name),
                 {{QStringLiteral("channel"), name}});
}

// --- channels -------------------------------------------------------------------------------

Status Bus::createChannel(const ChannelConfig &config)
{
    if (Status st = ChannelConfig::validateName(config.name); !st)
        return st;
    if (m_channels.count(config.name))
        return Error(ErrorCode::ChannelExists, QStringLiteral("channel \"%1\" already exists").arg(config.name),
                     {{QStringLiteral("channel"), config.name}});
    auto s = std::make_unique<Space>();
    s->config = config;
    s->stats = &m_stats.entry(Stats::Channel, config.name);
    m_channels.emplace(config.name, std::move(s));
    Q_EMIT channelsChanged();
    return {};
}

Status Bus::updateChannel(const ChannelConfig &config)
{
    Space *s = config.name.isEmpty() ? nullptr : space(config.name);
    if (!s)
        return channelNotFound(config.name);
    if (s->config.type != config.type && !s->members.isEmpty())
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("channel \"%1\" has %2 subscription(s); its type cannot change while in use")
                         .arg(config.name)
                         .arg(s->members.size()),
                     {{QStringLiteral("key"), QStringLiteral("type")}});
    s->config = config;
    s->invalidate();
    Q_EMIT channelsChanged();
    return {};
}

Status Bus::deleteChannel(const QString &name)
{
    auto it = m_channels.find(name);
    if (it == m_channels.end())
        return channelNotFound(name);
    Space *s = it->second.get();
    const QVector<Subscription *> members = s->members;
    for (Subscription *sub : members)
        removeSubscription(sub->id);
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

Result<int> Bus::publish(Message message, Connection *origin)
{
    Result<int> r = route(message, origin, false);
    reapGone();
    return r;
}

Result<int> Bus::route(Message &message, Connection *origin, bool isRequest)
{
    StatsEntry &global = m_stats.global();
    auto fail = [&](Error e) -> Result<int> {
        ++global.total.errors;
        if (origin)
            origin->countError();
        return e;
    };
    if (origin && !origin->rateLimiter().isUnlimited()) {
        const qint64 now = RateLimiter::monotonicMsecs();
        if (!origin->rateLimiter().tryAcquireAt(now))
            return fail(Error(ErrorCode::RateLimited,
                              QStringLiteral("publish rate limit of %1 msg/s exceeded").arg(origin->rateLimiter().rate()),
                              {{QStringLiteral("retryAfterMs"), origin->rateLimiter().retryAfterMs(now)}}));
    }
    const QString channelName = message.channel();
    if (origin && message.topic().startsWith(QLatin1String("$sb.")))
        return fail(Error(ErrorCode::Forbidden, QStringLiteral("topics under \"$sb.\" are reserved for the hub's advisories"),
                          {{QStringLiteral("topic"), message.topic()}}));
    Space *sp = space(channelName);
    if (!sp)
        return fail(channelNotFound(channelName));
    const ChannelConfig &cfg = sp->config;
    const QString topic = message.topic();

    if (cfg.requireAuth && origin && !origin->identity().authenticated)
        return fail(Error(ErrorCode::Unauthenticated,
                          QStringLiteral("channel \"%1\" requires an authenticated connection").arg(channelName)));
    if (m_authorizer && origin) {
        if (Status st = m_authorizer->authorizePublish(origin->identity(), channelName, topic); !st) {
            deadLetter(message, DeadLetterReason::Rejected, channelName.isEmpty() ? topic : channelName,
                       st.error().message);
            return fail(st.error());
        }
    }
    // Topic rules per route type. A topic already in the route cache was validated before, and its
    // route is used below without a second lookup.
    const Route *cached = nullptr;
    if (cfg.type == ChannelType::Topic) {
        auto it = sp->cache.find(topic);
        if (it != sp->cache.end())
            cached = &it->second;
    }
    const bool needsTopic = cfg.type == ChannelType::Topic || cfg.type == ChannelType::PointToPoint;
    if ((needsTopic || !topic.isEmpty()) && !cached) {
        if (Status st = Topic::validateTopic(topic); !st)
            return fail(st.error());
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
    // Id, time and origin in one pass over the wire bytes (only what the sender left empty).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    message.stamp(message.hasId() ? QString() : Message::newId(), message.timestamp() == 0 ? now : 0,
                  origin && message.source().isEmpty() ? origin->id() : QString());
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
    if (origin)
        origin->countIn(quint64(bytes));

    if (cfg.type == ChannelType::Queue && !isRequest) {
        int n = deliverTo(*sp, message);
        if (n == 0) {
            const int depth = cfg.maxQueueDepth > 0 ? cfg.maxQueueDepth : m_limits.maxQueueDepth;
            if (int(sp->backlog.size()) >= depth) {
                deadLetter(message, DeadLetterReason::Overflow, channelName,
                           QStringLiteral("queue channel backlog full (%1 messages)").arg(depth));
                return fail(Error(ErrorCode::QueueFull,
                                  QStringLiteral("queue channel \"%1\" has no consumer and its backlog of %2 "
                                                 "messages is full")
                                      .arg(channelName)
                                      .arg(depth),
                                  {{QStringLiteral("limit"), depth}}));
            }
            sp->backlog.push_back(message);
        }
        return n;
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
        sp.cache.clear();

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

bool Bus::offer(Subscription *sub, const Message &message)
{
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
    switch (sp.config.type) {
    case ChannelType::Broadcast:
    case ChannelType::Topic: {
        const Route &r = known ? *known : routeFor(sp, message.topic());
        for (Subscription *s : r.plain)
            delivered += offer(s, message) ? 1 : 0;
        for (qsizetype g = 0; g < r.groups.size(); ++g) {
            const auto &members = r.groups[g];
            quint64 &cursor = *r.cursors[g];
            for (qsizetype tries = 0; tries < members.size(); ++tries) {
                Subscription *s = members[qsizetype(cursor++ % quint64(members.size()))];
                if (offer(s, message)) {
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
            delivered = offer(s, message) ? 1 : 0;
        break;
    case ChannelType::Queue:
        for (qsizetype tries = 0; tries < sp.members.size(); ++tries) {
            Subscription *s = sp.members[qsizetype(sp.queueCursor++ % quint64(sp.members.size()))];
            if (offer(s, message)) {
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
        if (m.isExpired(now)) {
            deadLetter(m, DeadLetterReason::Expired, sp.config.name, QStringLiteral("expired in the queue backlog"));
            continue;
        }
        if (deliverTo(sp, m) == 0) {
            sp.backlog.push_front(std::move(m));
            break;
        }
    }
    reapGone();
}

// --- subscriptions ----------------------------------------------------------------------------

Result<SubscriptionId> Bus::subscribe(Subscriber *subscriber, const SubscriptionOptions &options, Connection *origin)
{
    Space *sp = space(options.channel);
    if (!sp)
        return channelNotFound(options.channel);
    const ChannelConfig &cfg = sp->config;
    if (cfg.requireAuth && origin && !origin->identity().authenticated)
        return Error(ErrorCode::Unauthenticated,
                     QStringLiteral("channel \"%1\" requires an authenticated connection").arg(options.channel));
    if (m_authorizer && origin) {
        if (Status st = m_authorizer->authorizeSubscribe(origin->identity(), options.channel, options.pattern); !st)
            return st.error();
    }
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
    sub->origin = origin;
    Subscription *raw = sub.get();
    m_subscriptions.emplace(sub->id, std::move(sub));

    sp->members.append(raw);
    if (cfg.type == ChannelType::Topic)
        sp->trie.insert(raw->pattern, raw->id);
    else if (cfg.type == ChannelType::PointToPoint)
        sp->addresses.insert(raw->pattern, raw);
    sp->invalidate();
    if (origin)
        origin->setSubscriptionCount(origin->subscriptionCount() + 1);
    if (cfg.type == ChannelType::Queue && !sp->backlog.empty())
        dispatchBacklog(*sp);
    return raw->id;
}

Result<SubscriptionId> Bus::subscribe(const SubscriptionOptions &options, QObject *context, MessageHandler handler)
{
    Space *sp = space(options.channel);
    if (!sp)
        return channelNotFound(options.channel);
    auto *cs = new CallbackSubscriber(QStringLiteral("inproc-%1").arg(++m_inProcessCounter), std::move(handler),
                                      sp->isDefault ? m_limits.retry : sp->config.retry);
    cs->setQueueLimits(m_limits.subscriberQueue);
    cs->setDeadLetterStore(m_deadLetters);
    cs->moveToThread(context->thread());
    Result<SubscriptionId> r = subscribe(cs, options);
    if (!r) {
        delete cs;
        return r;
    }
    m_subscriptions[r.value()]->owned = true;
    const SubscriptionId id = r.value();
    connect(context, &QObject::destroyed, this, [this, id] { unsubscribe(id); });
    return r;
}

bool Bus::unsubscribe(SubscriptionId id)
{
    if (!m_subscriptions.count(id))
        return false;
    removeSubscription(id);
    return true;
}

void Bus::removeSubscription(SubscriptionId id)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    Subscription *sub = it->second.get();
    Space *sp = sub->space;
    sp->members.removeOne(sub);
    if (sp->config.type == ChannelType::Topic)
        sp->trie.remove(sub->pattern, sub->id);
    else if (sp->config.type == ChannelType::PointToPoint)
        sp->addresses.remove(sub->pattern);
    sp->invalidate();
    if (sub->origin)
        sub->origin->setSubscriptionCount(qMax(0, sub->origin->subscriptionCount() - 1));
    if (sub->owned && sub->link->isAlive())
        sub->subscriber->deleteLater();
    m_subscriptions.erase(it);
}

void Bus::removeSubscriber(Subscriber *subscriber)
{
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

// --- request / reply --------------------------------------------------------------------------

Result<QString> Bus::request(Message message, int timeoutMs, QObject *context, ReplyCallback callback,
                             Connection *origin)
{
    if (timeoutMs <= 0)
        timeoutMs = m_limits.defaultRequestTimeoutMs;
    timeoutMs = qMin(timeoutMs, m_limits.maxRequestTimeoutMs);
    message.setType(MessageType::Request);
    if (!message.hasId())
        message.setId(Message::newId());
    if (message.correlationId().isEmpty())
        message.setCorrelationId(message.id());
    const QString corr = message.correlationId();
    if (m_requests->contains(corr))
        return Error(ErrorCode::BadMessage, QStringLiteral("a request with correlation id \"%1\" is already pending").arg(corr));
    if (message.ttl() == 0)
        message.setTtl(timeoutMs); // nobody should work on a request after its requester gave up

    Result<int> r = route(message, origin, true);
    reapGone();
    if (!r)
        return r.error();
    const QString destination = message.channel().isEmpty() ? message.topic()
                                                             : message.channel() + QLatin1Char('/') + message.topic();
    if (r.value() == 0)
        return Error(ErrorCode::NoResponders, QStringLiteral("no responders for \"%1\"").arg(destination),
                     {{QStringLiteral("channel"), message.channel()}, {QStringLiteral("topic"), message.topic()}});

    m_requests->add(corr, context, std::move(callback), timeoutMs, destination);
    if (isSignalConnected(QMetaMethod::fromSignal(&Bus::requestObserved)))
        Q_EMIT requestObserved(corr, destination, origin ? origin->id() : QString());
    return corr;
}

Status Bus::reply(Message response, Connection *origin)
{
    const QString corr = response.correlationId();
    if (corr.isEmpty())
        return Error(ErrorCode::BadMessage, QStringLiteral("a response needs the correlation id of its request"));
    if (!m_requests->contains(corr)) {
        deadLetter(response, DeadLetterReason::NoRoute, corr, QStringLiteral("late or duplicate response"));
        return Error(ErrorCode::NoRoute,
                     QStringLiteral("no pending request with correlation id \"%1\" (it timed out or was already answered)")
                         .arg(corr),
                     {{QStringLiteral("correlationId"), corr}});
    }
    response.setType(MessageType::Response);
    if (!response.hasId())
        response.setId(Message::newId());
    if (response.timestamp() == 0)
        response.setTimestamp(QDateTime::currentMSecsSinceEpoch());
    if (origin) {
        origin->countIn(quint64(response.payloadSize()));
        if (response.source().isEmpty())
            response.setSource(origin->id());
    }
    ++m_stats.global().total.in;
    m_requests->complete(corr, response);
    if (isSignalConnected(QMetaMethod::fromSignal(&Bus::requestSettled)))
        Q_EMIT requestSettled(corr, ErrorCode::None);
    return {};
}

int Bus::pendingRequests() const
{
    return m_requests->size();
}

// --- retries and dead letters -----------------------------------------------------------------

Status Bus::retryDelivery(SubscriptionId subscription, Message message, const QString &why)
{
    auto it = m_subscriptions.find(subscription);
    if (it == m_subscriptions.end()) {
        deadLetter(message, DeadLetterReason::HandlerFailed, QString(), why + QStringLiteral(" (subscription gone)"));
        return Error(ErrorCode::NotFound, QStringLiteral("subscription %1 does not exist").arg(subscription));
    }
    Subscription *sub = it->second.get();
    const RetryPolicy &policy = sub->space->isDefault ? m_limits.retry : sub->space->config.retry;
    const int attempt = message.attempt();
    const QString destination = sub->link->subscriberId();
    if (!policy.shouldRetry(attempt)) {
        deadLetter(message, DeadLetterReason::HandlerFailed, destination,
                   QStringLiteral("failed %1 time(s): %2").arg(attempt).arg(why));
        return {};
    }
    message.setAttempt(attempt + 1);
    QTimer::singleShot(policy.delayBeforeAttempt(attempt + 1), this, [this, subscription, message, destination] {
        auto s = m_subscriptions.find(subscription);
        if (s == m_subscriptions.end()) {
            deadLetter(message, DeadLetterReason::SubscriberGone, destination,
                       QStringLiteral("subscription ended before the retry"));
            return;
        }
        offer(s->second.get(), message);
        reapGone();
    });
    return {};
}

Result<int> Bus::requeueDeadLetter(quint64 id)
{
    std::optional<DeadLetter> letter = m_deadLetters->get(id);
    if (!letter)
        return Error(ErrorCode::NotFound, QStringLiteral("dead letter %1 does not exist").arg(id),
                     {{QStringLiteral("id"), id}});
    Message m = letter->message;
    m.setHeader(QStringLiteral("x-sb-requeued-from"), QString::number(id));
    m.setHeader(QStringLiteral("x-sb-requeue-reason"), deadLetterReasonName(letter->reason));
    m.setHeader(QStringLiteral("x-sb-requeued-at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    m.setAttempt(1);
    if (m.ttl() > 0)
        m.setTimestamp(QDateTime::currentMSecsSinceEpoch()); // a fresh TTL window
    Result<int> r = 0;
    m_requeueing = true;
    if (m.type() == MessageType::Response) {
        if (Status st = reply(m); !st)
            r = st.error();
    } else {
        r = publish(m);
    }
    m_requeueing = false;
    if (!r)
        return r;
    m_deadLetters->take(id);
    return r;
}

} // namespace sb
