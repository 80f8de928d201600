// SPDX-License-Identifier: Apache-2.0
// The bus's private structures, shared by bus.cpp (routing, subscriptions) and busrequests.cpp
// (request/reply, retries, requeue, advisories).
#pragma once

#include <switchboard/bus.h>
#include <switchboard/topictrie.h>

#include <deque>
#include <map>
#include <unordered_map>

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
    Principal principal;  // who subscribed: advisories reach only those allowed to see their channel
    QStringList withheld; // deny patterns inside the subscribed pattern: their topics are not delivered
    MessageFilter filter; // event types and predicate (SubscriptionOptions::filter)
    bool owned = false;   // an in-process CallbackSubscriber the bus created
    Durable *durable = nullptr; // a member of this durable subscription: fed from the journal, not routed
};

// A durable subscription: what it read from the journal, what waits for an ack, its members.
struct Bus::Durable
{
    struct InFlight {
        SubscriptionId member = 0;
        int attempt = 1;
        qint64 deadline = 0; // monotonic ms
        Message message;
    };
    QString name;
    QString channel;
    QString pattern;
    quint64 cursor = 0;     // the journal is read after this sequence number
    quint64 saved = 0;      // the position last given to the journal
    bool caughtUp = false;  // the last read found nothing more: new messages come from the publish path
    std::map<quint64, InFlight> inFlight;
    QVector<Subscription *> members;
    quint64 nextMember = 0;
    quint64 delivered = 0, redelivered = 0, acknowledged = 0, deadLettered = 0;
    quint64 expired = 0; // stored messages whose TTL ran out before this subscription read them
    // Every stored message up to it is done: acknowledged, dead-lettered, expired, or not for this subscription.
    quint64 position() const { return inFlight.empty() ? cursor : inFlight.begin()->first - 1; }
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
    qint64 backlogBytes = 0;
    StatsEntry *stats = nullptr;
    // The last topic found in the cache and its route. Publishers send runs of one topic, and a
    // connection hands over one shared string while the topic repeats (BinaryCodec::StringCache):
    // the same string data is the same topic, found without hashing it (see cachedRoute()).
    QString lastTopic;
    const Route *lastRoute = nullptr;

    void invalidate()
    {
        cache.clear();
        forgetLastRoute();
    }
    void forgetLastRoute()
    {
        lastTopic = QString();
        lastRoute = nullptr;
    }
    const Route *cachedRoute(const QString &topic)
    {
        // Holding lastTopic keeps its data alive and unchanged (shared data is copied before any
        // change), so equal data pointers and sizes mean equal text.
        // (Qt 6.4 has no const d_ptr(); nothing is changed.) Raw data (no header) never matches.
        const auto *header = const_cast<QString &>(topic).data_ptr().d_ptr();
        if (lastRoute && header && header == lastTopic.data_ptr().d_ptr() && topic.constData() == lastTopic.constData()
            && topic.size() == lastTopic.size())
            return lastRoute;
        const auto it = cache.find(topic);
        if (it == cache.end())
            return nullptr;
        lastTopic = topic;
        lastRoute = &it->second;
        return lastRoute;
    }
};

inline Error channelNotFound(const QString &name)
{
    return Error(ErrorCode::ChannelNotFound, QStringLiteral("channel \"%1\" does not exist").arg(name),
                 {{QStringLiteral("channel"), name}});
}

} // namespace sb
