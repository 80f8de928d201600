// SPDX-License-Identifier: Apache-2.0
#include <switchboard/configvalue.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/subscriber.h>

#include <QDateTime>
#include <QMetaObject>
#include <QThread>

namespace sb {

namespace {
constexpr qsizetype kKeptQueueCapacity = 64; // entries an emptied queue may keep for the next burst
}

QString overflowPolicyName(OverflowPolicy policy)
{
    switch (policy) {
    case OverflowPolicy::DropOldest: return QStringLiteral("drop-oldest");
    case OverflowPolicy::DropNewest: return QStringLiteral("drop-newest");
    case OverflowPolicy::Disconnect: return QStringLiteral("disconnect");
    }
    return QStringLiteral("drop-oldest");
}

bool overflowPolicyFromName(const QString &name, OverflowPolicy *policy)
{
    for (auto p : {OverflowPolicy::DropOldest, OverflowPolicy::DropNewest, OverflowPolicy::Disconnect}) {
        if (overflowPolicyName(p) == name) {
            *policy = p;
            return true;
        }
    }
    return false;
}

Result<QueueLimits> QueueLimits::fromVariantMap(const QVariantMap &map, const QString &context)
{
    QueueLimits l;
    const QString prefix = context.isEmpty() ? QString() : context + QLatin1Char('.');
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString key = prefix + it.key();
        bool ok = true;
        if (it.key() == QLatin1String("max-messages")) {
            l.maxMessages = it.value().toInt(&ok);
            if (!ok || l.maxMessages < 1)
                return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": must be a positive integer"),
                             {{QStringLiteral("key"), key}});
        } else if (it.key() == QLatin1String("max-bytes")) {
            const Result<qint64> n = config::parseSize(it.value(), key); // "64MiB" or plain bytes
            if (!n)
                return n.error();
            l.maxBytes = n.value();
            if (l.maxBytes < 1)
                return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": must be a positive number of bytes"),
                             {{QStringLiteral("key"), key}});
        } else if (it.key() == QLatin1String("overflow")) {
            if (!overflowPolicyFromName(it.value().toString(), &l.policy))
                return Error(ErrorCode::InvalidConfig,
                             key + QStringLiteral(": \"%1\" is not one of drop-oldest, drop-newest, disconnect")
                                       .arg(it.value().toString()),
                             {{QStringLiteral("key"), key}});
        } else {
            return Error(ErrorCode::InvalidConfig,
                         key + QStringLiteral(": unknown key (expected max-messages, max-bytes, overflow)"),
                         {{QStringLiteral("key"), key}});
        }
    }
    return l;
}

OfferResult SubscriberLink::offer(const Message &message, SubscriptionId subscription, quint32 tag, int *dropped)
{
    int droppedHere = 0;
    struct Report {
        int *out;
        int &n;
        ~Report() { if (out) *out = n; }
    } report{dropped, droppedHere};
    QMutexLocker lock(&m_mutex);
    if (!m_subscriber || m_overflowed)
        return OfferResult::Gone;
    // Write-through: same thread (so the subscriber cannot go away during the call), nothing
    // queued ahead of this message.
    if (m_writeThrough && m_queue.empty() && m_subscriber->thread() == QThread::currentThread()
        && m_subscriber->deliverNow(message, tag)) {
        ++m_accepted;
        return OfferResult::Accepted;
    }
    const qint64 size = message.byteSize();
    OfferResult result = OfferResult::Accepted;
    if (int(m_queue.size()) + 1 > m_limits.maxMessages || m_bytes + size > m_limits.maxBytes) {
        auto dead = [&](const Delivery &d) {
            ++m_dropped;
            ++droppedHere;
            if (m_store) {
                DeadLetter letter;
                letter.reason = DeadLetterReason::Overflow;
                letter.message = d.message;
                letter.attempts = d.message.attempt() - 1;
                letter.destination = m_id;
                letter.detail = QStringLiteral("subscriber queue full (%1 messages / %2 bytes, policy %3)")
                                    .arg(m_limits.maxMessages)
                                    .arg(m_limits.maxBytes)
                                    .arg(overflowPolicyName(m_limits.policy));
                m_store->add(std::move(letter));
            }
        };
        const Delivery incoming{message, subscription, tag};
        switch (m_limits.policy) {
        case OverflowPolicy::DropOldest:
            if (m_queue.empty() || size > m_limits.maxBytes) {
                dead(incoming);
                return OfferResult::DroppedNewest;
            }
            while (!m_queue.empty()
                   && (int(m_queue.size()) + 1 > m_limits.maxMessages || m_bytes + size > m_limits.maxBytes)) {
                m_bytes -= m_queue.front().message.byteSize();
                dead(m_queue.front());
                m_queue.pop_front();
            }
            result = OfferResult::DroppedOldest;
            break;
        case OverflowPolicy::DropNewest:
            dead(incoming);
            return OfferResult::DroppedNewest;
        case OverflowPolicy::Disconnect: {
            m_overflowed = true;
            dead(incoming);
            for (const Delivery &d : m_queue)
                dead(d);
            m_queue.clear();
            m_bytes = 0;
            Subscriber *s = m_subscriber;
            QMetaObject::invokeMethod(s, [s] { s->overflowDisconnect(); }, Qt::QueuedConnection);
            return OfferResult::Overflowed;
        }
        }
    }
    m_queue.push_back(Delivery{message, subscription, tag});
    m_bytes += size;
    ++m_accepted;
    if (!m_drainScheduled) {
        m_drainScheduled = true;
        Subscriber *s = m_subscriber;
        // Holding m_mutex keeps the subscriber alive while the call is posted; Qt discards
        // posted calls for objects deleted afterwards.
        QMetaObject::invokeMethod(s, [s] { s->runDrain(); }, Qt::QueuedConnection);
    }
    return result;
}

void SubscriberLink::detachStore(DeadLetterStore *store)
{
    QMutexLocker lock(&m_mutex);
    if (m_store == store)
        m_store = nullptr;
}

bool SubscriberLink::isAlive() const
{
    QMutexLocker lock(&m_mutex);
    return m_subscriber && !m_overflowed;
}

Subscriber::Subscriber(const QString &id, QObject *parent)
    : QObject(parent), m_link(std::make_shared<SubscriberLink>())
{
    m_link->m_subscriber = this;
    m_link->m_id = id;
}

Subscriber::~Subscriber()
{
    {
        QMutexLocker lock(&m_link->m_mutex);
        m_link->m_subscriber = nullptr; // from now on offers answer Gone
    }
    flushPendingToDeadLetters(DeadLetterReason::SubscriberGone, QStringLiteral("subscriber went away"));
}

QString Subscriber::subscriberId() const
{
    return m_link->m_id;
}

void Subscriber::setQueueLimits(const QueueLimits &limits)
{
    QMutexLocker lock(&m_link->m_mutex);
    m_link->m_limits = limits;
}

QueueLimits Subscriber::queueLimits() const
{
    QMutexLocker lock(&m_link->m_mutex);
    return m_link->m_limits;
}

void Subscriber::setDeadLetterStore(DeadLetterStore *store)
{
    QMutexLocker lock(&m_link->m_mutex);
    m_link->m_store = store;
}

DeadLetterStore *Subscriber::deadLetterStore() const
{
    QMutexLocker lock(&m_link->m_mutex);
    return m_link->m_store;
}

int Subscriber::pendingCount() const
{
    QMutexLocker lock(&m_link->m_mutex);
    return int(m_link->m_queue.size());
}

qint64 Subscriber::pendingBytes() const
{
    QMutexLocker lock(&m_link->m_mutex);
    return m_link->m_bytes;
}

quint64 Subscriber::droppedCount() const
{
    QMutexLocker lock(&m_link->m_mutex);
    return m_link->m_dropped;
}

quint64 Subscriber::acceptedCount() const
{
    QMutexLocker lock(&m_link->m_mutex);
    return m_link->m_accepted;
}

void Subscriber::deadLetter(const Delivery &delivery, DeadLetterReason reason, const QString &detail,
                            int attempts) const
{
    DeadLetterStore *store = deadLetterStore();
    if (!store)
        return;
    DeadLetter letter;
    letter.reason = reason;
    letter.message = delivery.message;
    letter.attempts = attempts;
    letter.destination = subscriberId();
    letter.detail = detail;
    store->add(std::move(letter));
}

int Subscriber::takePending(DeliveryQueue &out, int max)
{
    DeliveryQueue expired; // allocates only when something expired
    int taken = 0;
    {
        QMutexLocker lock(&m_link->m_mutex);
        auto &q = m_link->m_queue;
        qint64 now = 0;
        while (!q.empty() && taken < max) {
            Delivery &d = q.front();
            m_link->m_bytes -= d.message.byteSize();
            if (d.message.ttl() > 0) {
                if (!now)
                    now = QDateTime::currentMSecsSinceEpoch();
                if (d.message.isExpired(now)) {
                    expired.push_back(std::move(d));
                    q.pop_front();
                    continue;
                }
            }
            out.push_back(std::move(d));
            q.pop_front();
            ++taken;
        }
        // A burst's backlog does not stay allocated on a subscriber that is idle again.
        if (q.empty() && q.capacity() > kKeptQueueCapacity)
            q = DeliveryQueue();
    }
    for (const Delivery &d : expired)
        deadLetter(d, DeadLetterReason::Expired, QStringLiteral("TTL ran out while queued for the subscriber"),
                   d.message.attempt() - 1);
    return taken;
}

bool Subscriber::deliverNow(const Message &, quint32)
{
    return false;
}

void Subscriber::setWriteThrough(bool enabled)
{
    QMutexLocker lock(&m_link->m_mutex);
    m_link->m_writeThrough = enabled;
}

void Subscriber::scheduleDrain()
{
    QMutexLocker lock(&m_link->m_mutex);
    if (m_link->m_drainScheduled)
        return;
    m_link->m_drainScheduled = true;
    QMetaObject::invokeMethod(this, [this] { runDrain(); }, Qt::QueuedConnection);
}

void Subscriber::flushPendingToDeadLetters(DeadLetterReason reason, const QString &detail)
{
    DeliveryQueue pending;
    {
        QMutexLocker lock(&m_link->m_mutex);
        pending.swap(m_link->m_queue);
        m_link->m_bytes = 0;
        m_link->m_dropped += pending.size();
    }
    for (const Delivery &d : pending)
        deadLetter(d, reason, detail, d.message.attempt() - 1);
}

void Subscriber::runDrain()
{
    {
        QMutexLocker lock(&m_link->m_mutex);
        m_link->m_drainScheduled = false;
        if (m_link->m_queue.empty())
            return;
    }
    drain();
}

} // namespace sb
