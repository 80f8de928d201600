// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/deadletter.h>
#include <switchboard/result.h>

#include <QList>
#include <QMutex>
#include <QObject>

#include <memory>

namespace sb {

class DeadLetterStore;
class Subscriber;

enum class OverflowPolicy : quint8 { DropOldest, DropNewest, Disconnect };
SWITCHBOARD_EXPORT QString overflowPolicyName(OverflowPolicy policy);
SWITCHBOARD_EXPORT bool overflowPolicyFromName(const QString &name, OverflowPolicy *policy);

// Bounds of one subscriber's outbound queue.
struct SWITCHBOARD_EXPORT QueueLimits
{
    int maxMessages = 10000;
    qint64 maxBytes = 64 * 1024 * 1024;
    OverflowPolicy policy = OverflowPolicy::DropOldest;

    // Keys: max-messages, max-bytes (size), overflow (drop-oldest | drop-newest | disconnect).
    static Result<QueueLimits> fromVariantMap(const QVariantMap &map, const QString &context = {});
};

struct Delivery
{
    Message message;
    SubscriptionId subscription = 0;
    quint32 tag = 0; // the subscriber's own id for the subscription (e.g. a client's sid)
};

// A FIFO of deliveries. QList, not std::deque: an empty one allocates nothing (libstdc++'s deque
// takes about 600 bytes at construction, per subscriber), and popping the front is O(1).
using DeliveryQueue = QList<Delivery>;

enum class OfferResult : quint8 {
    Accepted,
    DroppedOldest, // accepted; the oldest pending message was dead-lettered to make room
    DroppedNewest, // not accepted; dead-lettered
    Overflowed,    // not accepted; policy is disconnect: everything pending was dead-lettered
    Gone,          // the subscriber no longer exists; the bus drops its subscriptions
};

// The bus's handle on a subscriber. It outlives the subscriber, holds its bounded queue and is
// safe to use from the bus thread while the subscriber lives on another: offer() appends under a
// private mutex and posts at most one drain call per batch to the subscriber's thread.
// A subscriber that lives in the offering thread and accepts write-through deliveries (see
// Subscriber::deliverNow) gets a message handed over directly while its queue is empty: no queue
// entry, no posted drain. Order is kept: once anything is queued, everything queues behind it.
class SWITCHBOARD_EXPORT SubscriberLink
{
public:
    // \a dropped, when given, receives how many messages this offer dead-lettered.
    OfferResult offer(const Message &message, SubscriptionId subscription, quint32 tag, int *dropped = nullptr);
    bool isAlive() const;
    // Forget \a store if it is this subscriber's (its owner is going away).
    void detachStore(DeadLetterStore *store);
    QString subscriberId() const { return m_id; }
    Subscriber *subscriber() const { return m_subscriber; } // identity only; do not call across threads

private:
    friend class Subscriber;
    mutable QMutex m_mutex;
    Subscriber *m_subscriber = nullptr;
    QString m_id;
    DeliveryQueue m_queue; // its capacity goes once it is empty again (see takePending)
    qint64 m_bytes = 0;
    QueueLimits m_limits;
    DeadLetterStore *m_store = nullptr;
    bool m_drainScheduled = false;
    bool m_overflowed = false;
    bool m_writeThrough = false;
    quint64 m_dropped = 0;
    quint64 m_accepted = 0;
};

// Base of everything that receives messages from the bus: network connections and in-process
// subscriptions. Subclasses implement drain(), which runs in the subscriber's thread and takes
// what is pending with takePending().
class SWITCHBOARD_EXPORT Subscriber : public QObject
{
    Q_OBJECT
public:
    explicit Subscriber(const QString &id, QObject *parent = nullptr);
    ~Subscriber() override;

    QString subscriberId() const;
    void setQueueLimits(const QueueLimits &limits);
    QueueLimits queueLimits() const;
    void setDeadLetterStore(DeadLetterStore *store);
    DeadLetterStore *deadLetterStore() const;

    int pendingCount() const;
    qint64 pendingBytes() const;
    quint64 droppedCount() const;
    quint64 acceptedCount() const;

    const std::shared_ptr<SubscriberLink> &link() const { return m_link; }

    // The hub ended one of this subscriber's subscriptions (\a tag, as given when subscribing): the
    // ACL or its channel's rules no longer allow it (after a reload or a channel update), or its
    // channel was deleted. Called in the bus thread, and only for subscribers that live there;
    // protocols tell their client.
    virtual void subscriptionEnded(quint32 tag, const Error &reason)
    {
        Q_UNUSED(tag)
        Q_UNUSED(reason)
    }

    // Sends \a delivery to the dead-letter store (if any) with \a reason.
    void deadLetter(const Delivery &delivery, DeadLetterReason reason, const QString &detail, int attempts = 0) const;

protected:
    // Deliver what is pending. Called in this object's thread, at most once per event-loop turn.
    virtual void drain() = 0;
    // Called in this object's thread when the disconnect overflow policy triggered.
    virtual void overflowDisconnect() {}
    // Write-through delivery (enabled with setWriteThrough()): called from offer() in this
    // object's thread while nothing is queued, with the link's mutex held, so it must not call the
    // queue accessors above. Return false to have the message queued instead (e.g. the socket's
    // buffer is above its high-water mark); true means the message is delivered or on its way.
    virtual bool deliverNow(const Message &message, quint32 tag);
    void setWriteThrough(bool enabled);
    // Moves up to \a max pending deliveries into \a out (expired ones are dead-lettered instead).
    int takePending(DeliveryQueue &out, int max);
    // Ask for another drain() on the next event-loop turn (e.g. when a socket can take more).
    void scheduleDrain();
    // Dead-letter everything still pending with \a reason; call when a subscriber shuts down.
    void flushPendingToDeadLetters(DeadLetterReason reason, const QString &detail);

private:
    void runDrain();
    friend class SubscriberLink;
    std::shared_ptr<SubscriberLink> m_link;
};

} // namespace sb
