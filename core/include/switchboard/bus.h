// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/accesscontrol.h>
#include <switchboard/auth.h>
#include <switchboard/callbacksubscriber.h>
#include <switchboard/messagefilter.h>
#include <switchboard/channel.h>
#include <switchboard/connection.h>
#include <switchboard/deadletter.h>
#include <switchboard/message.h>
#include <switchboard/persistence.h>
#include <switchboard/recipients.h>
#include <switchboard/stats.h>
#include <switchboard/subscriber.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <vector>
#include <map>
#include <memory>
#include <optional>

namespace sb {

class Connection;
class DeadLetterStore;
class Journal;
class MemoryJournal;
class MemoryDeadLetterStore;
class RefusalLog;
class RequestTracker;

struct SubscriptionOptions
{
    QString pattern{};    // topic pattern; on a point-to-point channel the subscriber's exact address
    QString channel{};    // empty: the hub's default topic space
    QString queueGroup{}; // competing consumers among subscriptions of the same group
    quint32 tag = 0;    // handed back with every delivery (a client's subscription id)
    MessageFilter filter{}; // event types and a predicate; messages it refuses are counted, not delivered
    // A durable subscription (persistent channels and topics only): its name, unique in the hub.
    // It reads the journal from its acknowledged position, so what its subscribers did not
    // acknowledge is delivered again, after a restart too. Subscriptions with the same name share
    // it, each message going to one of them.
    QString durable{};
    bool fromStart = false; // a new durable starts at the oldest stored message, not the next one
};

// Bounds of durable subscriptions (limits.durable-*).
struct SWITCHBOARD_EXPORT DurableLimits
{
    int maxDurables = 1000;      // limits.max-durables: durable names the hub keeps
    int maxAckPending = 256;     // limits.durable-max-ack-pending: deliveries waiting for their ack, per durable
    int ackTimeoutMs = 30000;    // limits.durable-ack-timeout: then the delivery is made again
    int maxDeliver = 5;          // limits.durable-max-deliver: deliveries before it is dead-lettered
};

struct SWITCHBOARD_EXPORT BusLimits
{
    qint64 maxMessageSize = 1024 * 1024; // payload bytes
    int maxQueueDepth = 10000;           // default backlog of queue channels without consumers
    qint64 maxQueueBytes = 16 * 1024 * 1024; // limits.max-queue-bytes: and its bytes
    QueueLimits subscriberQueue;         // default bound of each subscriber's queue
    RetryPolicy retry;                   // default retry policy outside channels
    int defaultRequestTimeoutMs = 5000;
    int maxRequestTimeoutMs = 300000;
    int matchCacheSize = 10000;          // topics whose routes are cached per space
    FilterLimits filters;                // limits.max-filter-length / -depth: what protocols compile
    MetadataLimits metadata;             // limits.max-connection-metadata / -bytes: what protocols accept
    int maxSubscriptionsPerConnection = 1000;
    int maxPendingRequestsPerConnection = 1000;
    int maxSubscriptions = 10000;    // hub-wide (~2.6 kB each at worst: distinct patterns)
    int maxPendingRequests = 10000;  // hub-wide (~0.5 kB each)
    // limits.connection-errors: errors one connection may cause per second (bad frames, refusals,
    // rate-limited publishes), with a burst of two seconds' worth; past it the connection is closed
    // with RATE_LIMITED. 0: no cap. Every error answer costs the hub a parse and a write, so a peer
    // that floods them must not hold the bus thread (it starved well-behaved clients for seconds).
    double connectionErrorsPerSecond = 100;
    DurableLimits durables;
    int maxReplays = 8; // limits.max-replays: replays running or paused at once (ReplayManager)
};

// What the bus refused, by cause, for health, the console and /metrics.
struct SWITCHBOARD_EXPORT BusRefusals
{
    quint64 unauthenticated = 0; // channel requires auth
    quint64 forbidden = 0;       // ACL, reserved topics, channel protocols
    quint64 spoofedReplies = 0;  // a reply from a connection the request was not delivered to
    quint64 spoofedNacks = 0;    // a NACK for a delivery the connection does not hold
    quint64 limits = 0;          // subscriptions / pending requests per connection, backlog bytes
    quint64 filtered = 0;        // deliveries withheld by a deny rule within an allowed pattern
    quint64 errorCapClosed = 0;  // connections closed for causing errors past limits.connection-errors
    QVariantMap toVariantMap() const;
};

// The message bus: channels, topic routing, queue groups, request/reply, backpressure and
// dead letters. Lives in one thread (the bus thread); every method must be called there.
// Subscribers may live on other threads: deliveries reach them through their SubscriberLink.
//
// Every call carries the principal it is made for, and the connection it came through when there
// is one (rate limits, per-connection bounds, counters). Auth, the ACL, channel protocols, sizes
// and TTLs are checked here, once, for every protocol; a message's source is always the hub's
// stamp of its principal.
class SWITCHBOARD_EXPORT Bus : public QObject
{
    Q_OBJECT
public:
    using ReplyCallback = std::function<void(const Result<Message> &)>;

    explicit Bus(QObject *parent = nullptr);
    ~Bus() override;

    void setLimits(const BusLimits &limits);
    const BusLimits &limits() const { return m_limits; }
    // The default store is in memory; a journal may replace it (not owned; must outlive the bus).
    void setDeadLetterStore(DeadLetterStore *store);
    DeadLetterStore *deadLetters() const { return m_deadLetters; }
    // The store, for dead-letter administration (inspect, edit, purge) on behalf of \a who:
    // FORBIDDEN unless \a who may administer.
    Result<DeadLetterStore *> administerDeadLetters(const Principal &who);
    // FORBIDDEN (counted and logged) unless \a who may administer \a channel ("" and a rule without
    // channels: the hub as a whole: connections, reloads).
    Status administer(const Principal &who, const QString &channel);
    // Whether \a who may do \a action on \a topic of \a channel (CHANNEL_NOT_FOUND,
    // UNAUTHENTICATED, FORBIDDEN), asked before work that must not run for a caller who may not,
    // such as a protocol's body validation. The call itself (publish(), ...) checks again.
    Status mayAct(const Principal &who, Action action, const QString &channel, const QString &topic);
    MemoryDeadLetterStore *memoryDeadLetters() const { return m_memoryStore.get(); }
    // The ACL (built-in roles until configured).
    // The ACL's require-auth follows setRequireAuth() (the hub's auth.required).
    // Each of these re-checks the live subscriptions: those no longer allowed end (the subscriber
    // is told, see Subscriber::subscriptionEnded), and deny filters are recomputed.
    void setAccessControl(const AccessControl &acl);
    // Both at once, so no subscription is judged by the new rules with the old require-auth.
    void setAccessControl(const AccessControl &acl, bool requireAuth);
    void setRequireAuth(bool required);
    const AccessControl &accessControl() const { return m_acl; }
    // Replaces the ACL with another authorizer (not owned; nullptr: back to accessControl()).
    void setAuthorizer(const Authorizer *authorizer);
    Stats *stats() { return &m_stats; }
    const BusRefusals &refusals() const { return m_refusals; }
    // The hub counts here the connections it closed for too many errors (Connection::errorCapExceeded).
    void countErrorCapClosed() { ++m_refusals.errorCapClosed; }
    void countLimitRefused() { ++m_refusals.limits; } // a cap outside the bus (limits.max-replays)

    // Channels (the "administer" action).
    Status createChannel(const ChannelConfig &config, const Principal &who);
    Status updateChannel(const ChannelConfig &config, const Principal &who);
    // Removes the channel and its subscriptions; a queue channel's backlog is dead-lettered.
    Status deleteChannel(const QString &name, const Principal &who);
    QList<ChannelConfig> channels() const;
    std::optional<ChannelConfig> channel(const QString &name) const;

    // The journal of persistent channels and topics (not owned; must outlive the bus). Without one
    // the bus keeps them in a MemoryJournal of its own (journal() creates it).
    void setJournal(Journal *journal);
    Journal *journal();
    // The journal in use, or nullptr while nothing persistent has needed one.
    const Journal *journalInUse() const { return m_journal; }
    // Topics of the default space that are stored like a persistent channel's messages (patterns in
    // the hub's wildcard syntax), with their fsync and retention.
    void setPersistentTopics(const QStringList &patterns, const PersistencePolicy &policy);
    QStringList persistentTopics() const { return m_persistentTopics; }

    // Told of every event the bus accepted on a topic or broadcast route, stamped (id, time,
    // source), before its deliveries, in the bus thread: SSE's resume buffer (Last-Event-ID).
    // Costs nothing while none is added.
    using PublishObserver = std::function<void(const Message &message)>;
    quint64 addPublishObserver(PublishObserver observer);
    void removePublishObserver(quint64 handle);

    // Fire-and-forget publish. Returns the number of deliveries made (0 is fine on topic and
    // broadcast routes).
    Result<int> publish(Message message, const Principal &who, Connection *via = nullptr);
    Result<int> publish(Message message, Connection *via) { return publish(std::move(message), via->principal(), via); }
    // Publishes like publish() and calls \a done once, in the bus thread, with the outcome. Before
    // this returns, unless the message goes to a persistent channel or topic: then when the journal
    // has stored it under its fsync policy (the deliveries are made then, after the publish
    // observers), or could not (STORAGE_FULL, STORAGE_FAILED: nothing is delivered). A protocol
    // acknowledges its publisher from \a done. \a done is dropped if \a context is destroyed first.
    // publish() without it stores such a message too and returns 0 deliveries.
    using PublishDone = std::function<void(const Result<int> &deliveries)>;
    void publish(Message message, const Principal &who, Connection *via, QObject *context, PublishDone done);
    // A replayed message (ReplayManager): checked and routed like publish(), except that a
    // persistent channel or topic stores it again only with \a store (otherwise live subscribers
    // get it and durable subscriptions, which read the journal, do not), and with \a only, it goes
    // to that one subscription, which must be on the message's channel and take its topic
    // (NOT_FOUND otherwise).
    Result<int> republish(Message message, const Principal &who, bool store, SubscriptionId only = 0);

    Result<SubscriptionId> subscribe(Subscriber *subscriber, const SubscriptionOptions &options, const Principal &who,
                                     Connection *via = nullptr);
    Result<SubscriptionId> subscribe(Subscriber *subscriber, const SubscriptionOptions &options, Connection *via)
    {
        return subscribe(subscriber, options, via->principal(), via);
    }
    // In-process subscription: \a handler runs in \a context's thread until unsubscribe() or
    // until \a context is destroyed.
    Result<SubscriptionId> subscribe(const SubscriptionOptions &options, const Principal &who, QObject *context,
                                     MessageHandler handler);
    // Ends a subscription: its maker's own (same connection, or same in-process principal), or
    // anybody's with "administer" on its channel.
    Status unsubscribe(SubscriptionId id, const Principal &who, Connection *via = nullptr);
    Status unsubscribe(SubscriptionId id, Connection *via) { return unsubscribe(id, via->principal(), via); }
    void removeSubscriber(Subscriber *subscriber);
    int subscriptionCount() const { return int(m_subscriptions.size()); }

    // Request/reply. Sends \a message as a request and calls \a callback once, in \a context's
    // thread, with the first response or a TIMEOUT error. Returns the correlation id, or an error
    // at once (NO_RESPONDERS when nobody listens) in which case the callback is never called.
    Result<QString> request(Message message, int timeoutMs, QObject *context, ReplyCallback callback,
                            const Principal &who, Connection *via = nullptr);
    Result<QString> request(Message message, int timeoutMs, QObject *context, ReplyCallback callback, Connection *via)
    {
        return request(std::move(message), timeoutMs, context, std::move(callback), via->principal(), via);
    }
    // Routes a response to the pending request with the same correlation id. A connection may
    // answer only a request the hub delivered to it; in-process code answers as itself.
    Status reply(Message response, const Principal &who, Connection *via = nullptr);
    Status reply(Message response, Connection *via) { return reply(std::move(response), via->principal(), via); }
    int pendingRequests() const;

    // A durable subscription's subscriber acknowledges the delivery of stored message \a seq (its
    // "x-sb-seq" header). NOT_FOUND unless that delivery is one \a id holds; the subscription must
    // be \a via's (or, in-process, \a who's).
    Status acknowledge(SubscriptionId id, quint64 seq, const Principal &who, Connection *via = nullptr);
    // Durable subscriptions: name, channel, pattern, position, subscribers, deliveries waiting for
    // an ack, redeliveries, dead-lettered, expired (health, the console, sbctl). With \a backlog,
    // also "backlog": the stored messages after the position that the subscription will read,
    // counted up to BacklogCountCap ("backlogCapped" when it got there).
    QVariantList durables(bool backlog = false) const;
    static constexpr qint64 BacklogCountCap = 10000;
    // Forgets a durable subscription and its position ("administer" on its channel); its
    // subscribers, if any, are ended.
    Status deleteDurable(const QString &name, const Principal &who);
    // The header that carries a stored message's sequence number in its deliveries.
    static QString seqHeader();

    // A connection failed the delivery of message \a messageId on its subscription \a subscription
    // (the protocol's \a tag for it): the hub retries its own copy with the subscription's policy,
    // or dead-letters it. Refused (NOT_FOUND) unless the connection holds that delivery.
    Status nack(Connection *via, SubscriptionId subscription, quint32 tag, const QString &messageId,
                const QString &why);
    // An in-process subscriber failed \a message: retry it with the subscription's policy, or
    // dead-letter it.
    Status retryDelivery(SubscriptionId subscription, Message message, const QString &why);
    // Publishes a dead letter again to its original destination, with audit headers (the original
    // source is kept: the hub stamped it); \a who needs "administer" on the destination and the
    // right to publish there. The letter leaves the store only when the publish succeeded.
    Result<int> requeueDeadLetter(quint64 id, const Principal &who);

// Every dead letter is also announced as an event on "$sb.deadletter.<reason>" (no_route, expired,
// overflow, too_large, handler_failed, rejected, subscriber_gone) with the letter as JSON (the
// original's envelope and payload size, not its data: advisories stay small); clients
// may subscribe to "$sb.>" but not publish there.
Q_SIGNALS:
    // Request/reply as it happens, for observers such as the remote-control API (emitted only
    // while something is connected): a request went out to responders; it was settled by a
    // response (code None) or ended with TIMEOUT.
    void requestObserved(const QString &correlationId, const QString &destination, const QString &origin);
    void requestSettled(const QString &correlationId, sb::ErrorCode code);
    void channelsChanged();
    // The ACL, the authorizer or require-auth changed, and live subscriptions were judged by the
    // new rules (those no longer allowed ended). Holders of subscriptions that ended earlier, such
    // as webhooks, may try them again.
    void accessRulesChanged();

private:
    struct Subscription;
    struct Space;
    struct Route;
    struct Durable;

    Space *space(const QString &channel) const;
    // The checks every message and subscription pass, whatever the protocol (counted, and logged
    // when refused): reserved topics, the channel's require-auth and protocols, the ACL.
    Status admit(const ChannelConfig &cfg, const QString &channel, const Principal &who, Action action,
                 const QString &topic);
    Status check(const ChannelConfig &cfg, const QString &channel, const Principal &who, Action action,
                 const QString &topic);
    Status takeRate(Connection *via);
    // \a done, when given and the message is stored first, is moved into the journal's callback
    // (and left empty); otherwise the caller calls it with the result.
    Result<int> route(Message &message, const Principal &who, Connection *via, Action action,
                      PublishDone *done = nullptr, QObject *context = nullptr, bool persist = true,
                      SubscriptionId only = 0);
    const PersistencePolicy *persistenceFor(const Space &space, const QString &topic) const;
    Result<int> offerOnly(Space &space, SubscriptionId id, const Message &message);
    void store(const QString &channel, const Message &message, const SyncPolicy &sync, PublishDone *done,
               QObject *context);
    int deliverStored(const QString &channel, Message &message, quint64 seq);
    void applyRetention();
    // Durable subscriptions (busdurables.cpp).
    Status joinDurable(Subscription *sub, const SubscriptionOptions &options);
    void leaveDurable(Subscription *sub);
    void pump(Durable &durable);
    bool deliverDurable(Durable &durable, quint64 seq, const Message &message, int attempt);
    void storedForDurables(const QString &channel, const Message &message, quint64 seq);
    void savePosition(Durable &durable);
    void durableTick();
    int deliverTo(Space &space, Message &message, const Route *known = nullptr);
    // \a input, when given, is checked against the subscription's filter (a retry is not);
    // \a to, when given, against the subscription's connection (targeted sends).
    bool offer(Subscription *sub, const Message &message, const FilterInput *input = nullptr,
               const Recipients *to = nullptr);
    static bool addressed(const Subscription *sub, const Recipients &to);
    bool withheld(const Subscription *sub, const Message &message);
    const Route &routeFor(Space &space, const QString &topic);
    void dispatchBacklog(Space &space);
    void deadLetter(const Message &message, DeadLetterReason reason, const QString &destination,
                    const QString &detail);
    void removeSubscription(SubscriptionId id);
    // Removes the subscription and tells its subscriber why (Subscriber::subscriptionEnded).
    void endSubscription(SubscriptionId id, const Error &reason);
    void recheckSubscriptions();
    void installAdvisoryObserver();
    void publishAdvisory(const DeadLetter &letter);
    void reapGone();

    BusLimits m_limits;
    std::unique_ptr<MemoryDeadLetterStore> m_memoryStore;
    DeadLetterStore *m_deadLetters = nullptr;
    AccessControl m_acl;
    const Authorizer *m_authorizer = &m_acl;
    BusRefusals m_refusals;
    std::unique_ptr<RefusalLog> m_refusalLog;
    const DeadLetter *m_advisoryOf = nullptr; // while an advisory is routed: its letter
    QStringList *m_recordTargets = nullptr;   // while a request is routed: who got it
    Stats m_stats;
    std::unique_ptr<Space> m_default;
    std::map<QString, std::unique_ptr<Space>> m_channels;
    std::unordered_map<SubscriptionId, std::unique_ptr<Subscription>> m_subscriptions;
    SubscriptionId m_nextId = 1;
    QVector<SubscriptionId> m_gone;
    RequestTracker *m_requests = nullptr;
    bool m_requeueing = false;
    bool m_keepSource = false;
    quint64 m_inProcessCounter = 0;
    std::vector<std::pair<quint64, PublishObserver>> m_publishObservers;
    std::unique_ptr<MemoryJournal> m_memoryJournal;
    Journal *m_journal = nullptr;
    QStringList m_persistentTopics;
    PersistencePolicy m_topicPersistence;
    std::map<QString, std::unique_ptr<Durable>> m_durables;
    QTimer *m_durableTimer = nullptr;
    quint64 m_nextPublishObserver = 0;
};

} // namespace sb
