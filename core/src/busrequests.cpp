// SPDX-License-Identifier: Apache-2.0
// Bus: request/reply, NACKs and retries, requeues and dead-letter advisories.
#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/memorydeadletterstore.h>

#include "bus_p.h"
#include "refusallog_p.h"
#include "requesttracker_p.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaMethod>

namespace sb {

// --- advisories -------------------------------------------------------------------------------

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
    // Only principals allowed to subscribe to the letter's channel and topic hear of it.
    m_advisoryOf = &letter;
    route(m, Principal::hub(), nullptr, Action::Publish);
    m_advisoryOf = nullptr;
    reapGone();
}

// --- request / reply --------------------------------------------------------------------------

Result<QString> Bus::request(Message message, int timeoutMs, QObject *context, ReplyCallback callback,
                             const Principal &who, Connection *via)
{
    if (via && via->pendingRequestCount() >= m_limits.maxPendingRequestsPerConnection) {
        ++m_refusals.limits;
        via->countError();
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("this connection has %1 requests waiting for an answer, the most allowed "
                                    "(limits.max-pending-requests-per-connection)")
                         .arg(via->pendingRequestCount()),
                     {{QStringLiteral("limit"), m_limits.maxPendingRequestsPerConnection}});
    }
    if (m_requests->size() >= m_limits.maxPendingRequests) {
        ++m_refusals.limits;
        if (via)
            via->countError();
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("the hub has %1 requests waiting for an answer, the most allowed "
                                    "(limits.max-pending-requests)")
                         .arg(m_requests->size()),
                     {{QStringLiteral("limit"), m_limits.maxPendingRequests}});
    }
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

    RequestTracker::Route info;
    m_recordTargets = &info.responders;
    Result<int> r = route(message, who, via, Action::Request);
    m_recordTargets = nullptr;
    reapGone();
    if (!r)
        return r.error();
    info.channel = message.channel();
    info.topic = message.topic();
    info.destination = info.channel.isEmpty() ? info.topic : info.channel + QLatin1Char('/') + info.topic;
    info.requester = via;
    if (r.value() == 0)
        return Error(ErrorCode::NoResponders, QStringLiteral("no responders for \"%1\"").arg(info.destination),
                     {{QStringLiteral("channel"), info.channel}, {QStringLiteral("topic"), info.topic}});

    const QString destination = info.destination;
    m_requests->add(corr, context, std::move(callback), timeoutMs, std::move(info));
    if (isSignalConnected(QMetaMethod::fromSignal(&Bus::requestObserved)))
        Q_EMIT requestObserved(corr, destination, via ? via->id() : who.stamp());
    return corr;
}

Status Bus::reply(Message response, const Principal &who, Connection *via)
{
    auto fail = [&](Error e) -> Status {
        ++m_stats.global().total.errors;
        if (via)
            via->countError();
        return e;
    };
    if (Status st = takeRate(via); !st)
        return fail(st.error());
    const QString corr = response.correlationId();
    if (corr.isEmpty())
        return fail(Error(ErrorCode::BadMessage, QStringLiteral("a response needs the correlation id of its request")));
    const RequestTracker::Route *info = m_requests->route(corr);
    // A connection answers only what it was asked: an unknown id and a request delivered elsewhere
    // get the same answer, so correlation ids cannot be probed. In-process code (which has no
    // connection) answers as itself, and a requeue is the hub's own doing.
    const bool inProcess = who.protocol == QLatin1String("inproc") || who.isHub();
    const bool responder = info && (via ? info->responders.contains(via->id()) : inProcess);
    if (!responder) {
        if (info) {
            ++m_refusals.spoofedReplies;
            m_refusalLog->log(who, QStringLiteral("reply"), info->channel, info->topic,
                              Error(ErrorCode::NoRoute, QStringLiteral("request %1 was not delivered to it").arg(corr)));
        }
        else if (inProcess)
            deadLetter(response, DeadLetterReason::NoRoute, corr, QStringLiteral("late or duplicate response"));
        // A connection's unknown response is refused, not kept: a requeue must never let a made-up
        // response answer a later request.
        return fail(Error(ErrorCode::NoRoute,
                          QStringLiteral("no pending request with correlation id \"%1\" was delivered to this "
                                         "connection (it timed out, was answered, or went elsewhere)")
                              .arg(corr),
                          {{QStringLiteral("correlationId"), corr}}));
    }
    Space *sp = space(info->channel);
    if (Status st = admit(sp ? sp->config : ChannelConfig(), info->channel, who, Action::Reply, info->topic); !st)
        return fail(st.error());
    const qint64 maxSize = sp && sp->config.maxMessageSize > 0 ? sp->config.maxMessageSize : m_limits.maxMessageSize;
    if (response.payloadSize() > maxSize)
        return fail(Error(ErrorCode::TooLarge,
                          QStringLiteral("response payload of %1 bytes exceeds the limit of %2 bytes")
                              .arg(response.payloadSize())
                              .arg(maxSize),
                          {{QStringLiteral("limit"), maxSize}, {QStringLiteral("size"), response.payloadSize()}}));
    response.setType(MessageType::Response);
    if (!response.hasId())
        response.setId(Message::newId());
    if (response.timestamp() == 0)
        response.setTimestamp(QDateTime::currentMSecsSinceEpoch());
    if (!m_keepSource)
        response.setSource(via ? via->sourceStamp() : who.stamp());
    if (via)
        via->countIn(quint64(response.payloadSize()));
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

Status Bus::nack(Connection *via, SubscriptionId subscription, quint32 tag, const QString &messageId, const QString &why)
{
    auto it = m_subscriptions.find(subscription);
    std::optional<Message> held;
    if (it != m_subscriptions.end() && it->second->origin == via)
        held = via->deliveries().take(tag, messageId);
    if (!held) {
        ++m_refusals.spoofedNacks;
        via->countError();
        m_refusalLog->log(via->principal(), QStringLiteral("nack"), QString(), QString(),
                          Error(ErrorCode::NotFound, QStringLiteral("message \"%1\" on subscription %2 is not held by it")
                                                         .arg(messageId)
                                                         .arg(tag)));
        return Error(ErrorCode::NotFound,
                     QStringLiteral("no delivery of message \"%1\" on subscription %2 is held by this connection "
                                    "(NACK only what was delivered; the window keeps the last %3 deliveries, none "
                                    "when the client said \"nack\": false)")
                         .arg(messageId)
                         .arg(tag)
                         .arg(via->deliveries().limits().maxMessages),
                     {{QStringLiteral("sid"), tag}, {QStringLiteral("id"), messageId}});
    }
    return retryDelivery(subscription, std::move(*held), why);
}

Status Bus::retryDelivery(SubscriptionId subscription, Message message, const QString &why)
{
    auto it = m_subscriptions.find(subscription);
    if (it == m_subscriptions.end()) {
        deadLetter(message, DeadLetterReason::HandlerFailed, QString(), why + QStringLiteral(" (subscription gone)"));
        return Error(ErrorCode::NotFound, QStringLiteral("subscription %1 does not exist").arg(subscription));
    }
    Subscription *sub = it->second.get();
    const RetryPolicy &policy = sub->space->isDefault ? m_limits.retry : sub->space->config.retry;
    const int attempt = qMax(1, message.attempt());
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

Result<int> Bus::requeueDeadLetter(quint64 id, const Principal &who)
{
    std::optional<DeadLetter> letter = m_deadLetters->get(id);
    if (!letter)
        return Error(ErrorCode::NotFound, QStringLiteral("dead letter %1 does not exist").arg(id),
                     {{QStringLiteral("id"), id}});
    if (Status st = administer(who, letter->message.channel()); !st)
        return st.error();
    // A letter kept without its payload (over limits.dead-letter-max-bytes on its own) would be
    // published empty: refused, and the letter stays for inspection.
    const QString dropped = letter->message.header(MemoryDeadLetterStore::payloadDroppedHeader());
    if (!dropped.isEmpty())
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("dead letter %1 was kept without its payload (%2 bytes, over "
                                    "limits.dead-letter-max-bytes): requeueing it would publish an empty message")
                         .arg(id)
                         .arg(dropped),
                     {{QStringLiteral("id"), id}, {QStringLiteral("droppedBytes"), dropped.toLongLong()}});
    Message m = letter->message;
    m.setHeader(QStringLiteral("x-sb-requeued-from"), QString::number(id));
    m.setHeader(QStringLiteral("x-sb-requeue-reason"), deadLetterReasonName(letter->reason));
    m.setHeader(QStringLiteral("x-sb-requeued-at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    m.setHeader(QStringLiteral("x-sb-requeued-by"), who.stamp());
    m.setAttempt(1);
    if (m.ttl() > 0)
        m.setTimestamp(QDateTime::currentMSecsSinceEpoch()); // a fresh TTL window
    // Always published to its destination, never handed to a pending request as its answer: a
    // response letter may have been made up by a client (published as a response to no one).
    if (m.type() == MessageType::Response)
        m.setType(MessageType::Event);
    m_requeueing = true;
    m_keepSource = true;
    const Result<int> r = publish(m, who);
    m_keepSource = false;
    m_requeueing = false;
    if (!r)
        return r;
    m_deadLetters->take(id);
    return r;
}

} // namespace sb
