// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>
#include <switchboard/callbacksubscriber.h>
#include <switchboard/channel.h>
#include <switchboard/deadletter.h>
#include <switchboard/message.h>
#include <switchboard/stats.h>
#include <switchboard/subscriber.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace sb {

class Connection;
class DeadLetterStore;
class MemoryDeadLetterStore;
class RequestTracker;

struct SubscriptionOptions
{
    QString pattern{};    // topic pattern; on a point-to-point channel the subscriber's exact address
    QString channel{};    // empty: the hub's default topic space
    QString queueGroup{}; // competing consumers among subscriptions of the same group
    quint32 tag = 0;    // handed back with every delivery (a client's subscription id)
};

struct SWITCHBOARD_EXPORT BusLimits
{
    qint64 maxMessageSize = 1024 * 1024; // payload bytes
    int maxQueueDepth = 10000;           // default backlog of queue channels without consumers
    // limits.max-queue-bytes: bytes of that backlog (queue channels while no consumer is attached).
    // Parsed and validated; not enforced by the bus yet (the integrator wires it).
    qint64 maxQueueBytes = 64 * 1024 * 1024;
    QueueLimits subscriberQueue;         // default bound of each subscriber's queue
    RetryPolicy retry;                   // default retry policy outside channels
    int defaultRequestTimeoutMs = 5000;
    int maxRequestTimeoutMs = 300000;
    int matchCacheSize = 10000;          // topics whose routes are cached per space
    // limits.max-subscriptions-per-connection / limits.max-pending-requests-per-connection.
    // Parsed and validated; not enforced by the bus yet (the integrator wires them).
    int maxSubscriptionsPerConnection = 1000;
    int maxPendingRequestsPerConnection = 1000;
};

// The message bus: channels, topic routing, queue groups, request/reply, backpressure and
// dead letters. Lives in one thread (the bus thread); every method must be called there.
// Subscribers may live on other threads: deliveries reach them through their SubscriberLink.
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
    MemoryDeadLetterStore *memoryDeadLetters() const { return m_memoryStore.get(); }
    void setAuthorizer(const Authorizer *authorizer) { m_authorizer = authorizer; }
    Stats *stats() { return &m_stats; }

    // Channels.
    Status createChannel(const ChannelConfig &config);
    Status updateChannel(const ChannelConfig &config);
    // Removes the channel and its subscriptions; a queue channel's backlog is dead-lettered.
    Status deleteChannel(const QString &name);
    QList<ChannelConfig> channels() const;
    std::optional<ChannelConfig> channel(const QString &name) const;

    // Fire-and-forget publish. Returns the number of deliveries made (0 is fine on topic and
    // broadcast routes). \a origin, when given, is checked for auth, ACL and rate limits.
    Result<int> publish(Message message, Connection *origin = nullptr);

    Result<SubscriptionId> subscribe(Subscriber *subscriber, const SubscriptionOptions &options,
                                     Connection *origin = nullptr);
    // In-process subscription: \a handler runs in \a context's thread until unsubscribe() or
    // until \a context is destroyed.
    Result<SubscriptionId> subscribe(const SubscriptionOptions &options, QObject *context, MessageHandler handler);
    bool unsubscribe(SubscriptionId id);
    void removeSubscriber(Subscriber *subscriber);
    int subscriptionCount() const { return int(m_subscriptions.size()); }

    // Request/reply. Sends \a message as a request and calls \a callback once, in \a context's
    // thread, with the first response or a TIMEOUT error. Returns the correlation id, or an error
    // at once (NO_RESPONDERS when nobody listens) in which case the callback is never called.
    Result<QString> request(Message message, int timeoutMs, QObject *context, ReplyCallback callback,
                            Connection *origin = nullptr);
    // Routes a response to the pending request with the same correlation id.
    Status reply(Message response, Connection *origin = nullptr);
    int pendingRequests() const;

    // A subscriber failed \a message: retry it with the subscription's policy, or dead-letter it.
    Status retryDelivery(SubscriptionId subscription, Message message, const QString &why);
    // Publishes a dead letter again to its original destination, with an audit header;
    // it leaves the store only when the publish succeeded.
    Result<int> requeueDeadLetter(quint64 id);

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

private:
    struct Subscription;
    struct Space;
    struct Route;

    Space *space(const QString &channel) const;
    Result<int> route(Message &message, Connection *origin, bool isRequest);
    int deliverTo(Space &space, Message &message, const Route *known = nullptr);
    bool offer(Subscription *sub, const Message &message);
    const Route &routeFor(Space &space, const QString &topic);
    void dispatchBacklog(Space &space);
    void deadLetter(const Message &message, DeadLetterReason reason, const QString &destination,
                    const QString &detail);
    void removeSubscription(SubscriptionId id);
    void installAdvisoryObserver();
    void publishAdvisory(const DeadLetter &letter);
    void reapGone();

    BusLimits m_limits;
    std::unique_ptr<MemoryDeadLetterStore> m_memoryStore;
    DeadLetterStore *m_deadLetters = nullptr;
    const Authorizer *m_authorizer = nullptr;
    Stats m_stats;
    std::unique_ptr<Space> m_default;
    std::map<QString, std::unique_ptr<Space>> m_channels;
    std::unordered_map<SubscriptionId, std::unique_ptr<Subscription>> m_subscriptions;
    SubscriptionId m_nextId = 1;
    QVector<SubscriptionId> m_gone;
    RequestTracker *m_requests = nullptr;
    bool m_requeueing = false;
    quint64 m_inProcessCounter = 0;
};

} // namespace sb
