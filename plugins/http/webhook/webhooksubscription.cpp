// SPDX-License-Identifier: Apache-2.0
#include "webhooksubscription.h"

#include "webhooktargets.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/jsoncodec.h>
#include <switchboard/messagefilter.h>

#include <QDateTime>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTimer>
#include <QUrl>

namespace sb::http {

namespace {

QString targetOf(const QUrl &url)
{
    return url.scheme() + QStringLiteral("://") + url.host() + QLatin1Char(':')
           + QString::number(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
}

QString outcomeText(const WebhookClient::Outcome &o)
{
    if (o.failure == WebhookClient::Outcome::Failure::None)
        return QStringLiteral("HTTP %1").arg(o.status);
    return o.detail;
}

} // namespace

WebhookSubscription::WebhookSubscription(const WebhookRecord &record, WebhookShared *shared, QObject *parent)
    : Connection(record.id, QStringLiteral("webhook"), targetOf(QUrl(record.url)), parent), m_record(record),
      m_shared(shared), m_target(targetOf(QUrl(record.url)))
{
    setIdentity(record.principal().identity());
    setQueueLimits(shared->config.queue);
    deliveries().setLimits({0, 0}); // the hub retries webhooks itself: no NACK window
}

WebhookSubscription::~WebhookSubscription()
{
    m_shared->targets->forget(this);
    for (const Outstanding &o : m_outstanding) {
        if (o.inFlight)
            m_shared->targets->release(m_target);
        deadLetter(o.delivery, DeadLetterReason::SubscriberGone,
                   QStringLiteral("webhook %1 ended with this delivery outstanding").arg(m_record.id), o.attempts);
    }
}

Status WebhookSubscription::start()
{
    Result<MessageFilter> filter =
        MessageFilter::compile(m_record.eventTypes, m_record.filter, m_shared->hub->bus()->limits().filters);
    if (!filter) {
        m_stateError = filter.error();
        return filter.error();
    }
    SubscriptionOptions o;
    o.pattern = m_record.topic;
    o.channel = m_record.channel;
    o.filter = filter.value();
    o.tag = 1;
    Result<SubscriptionId> r = m_shared->hub->bus()->subscribe(this, o, this);
    if (!r) {
        m_stateError = r.error();
        return r.error();
    }
    m_subscription = r.value();
    m_stateError = Error();
    return {};
}

void WebhookSubscription::subscriptionEnded(quint32, const Error &reason)
{
    m_subscription = 0;
    m_stateError = reason; // the ACL or the channel no longer allows it: kept, shown, not delivered
}

void WebhookSubscription::close(const Error &reason)
{
    Q_EMIT closeRequested(id(), reason);
}

// Subscriber::scheduleDrain() drains only when the queue holds something; a retry whose backoff
// ended, or a target slot that freed up, has to send although the queue may be empty.
void WebhookSubscription::kick()
{
    if (m_kicked)
        return;
    m_kicked = true;
    QMetaObject::invokeMethod(this, [this] {
        m_kicked = false;
        drain();
    }, Qt::QueuedConnection);
}

void WebhookSubscription::drain()
{
    const int limit = m_shared->config.concurrencyPerTarget;
    for (Outstanding &o : m_outstanding) {
        if (o.inFlight || !o.ready)
            continue;
        if (!m_shared->targets->tryAcquire(m_target, this))
            return;
        send(o);
    }
    while (int(m_outstanding.size()) < limit && pendingCount() > 0) {
        if (!m_shared->targets->tryAcquire(m_target, this))
            return;
        DeliveryQueue taken;
        if (takePending(taken, 1) == 0) {
            m_shared->targets->release(m_target);
            return;
        }
        Outstanding o;
        o.seq = ++m_nextSeq;
        o.delivery = std::move(taken.front());
        o.body = JsonCodec::encode(o.delivery.message);
        m_outstanding.push_back(std::move(o));
        send(m_outstanding.back());
    }
}

void WebhookSubscription::send(Outstanding &o)
{
    o.inFlight = true;
    ++o.attempts;
    const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, m_record.secret);
    mac.addData(timestamp);
    mac.addData(".");
    mac.addData(o.body);
    WebhookClient::Request request;
    request.url = QUrl(m_record.url);
    request.body = o.body;
    request.timeoutMs = int(m_shared->config.timeoutMs);
    request.caCertificates = m_shared->caCertificates;
    request.headers = {{"content-type", "application/json"},
                       {"x-switchboard-webhook", m_record.id.toLatin1()},
                       {"x-switchboard-delivery", (o.delivery.message.id() + QLatin1Char('.') + m_record.id).toUtf8()},
                       {"x-switchboard-attempt", QByteArray::number(o.attempts)},
                       {"x-switchboard-timestamp", timestamp},
                       {"x-switchboard-signature", "v1=" + mac.result().toHex()}};
    auto *client = new WebhookClient(*m_shared->policy, this);
    const quint64 seq = o.seq;
    connect(client, &WebhookClient::finished, this, [this, client, seq](const WebhookClient::Outcome &outcome) {
        client->deleteLater();
        settle(seq, outcome);
    });
    client->post(request);
}

bool WebhookSubscription::retryable(const WebhookClient::Outcome &o)
{
    using F = WebhookClient::Outcome::Failure;
    if (o.failure == F::Refused)
        return false; // the policy will refuse it next time too
    if (o.failure != F::None)
        return true;
    return o.status >= 500 || o.status == 408 || o.status == 429;
}

void WebhookSubscription::settle(quint64 seq, const WebhookClient::Outcome &outcome)
{
    m_shared->targets->release(m_target);
    auto it = std::find_if(m_outstanding.begin(), m_outstanding.end(), [seq](const Outstanding &o) { return o.seq == seq; });
    if (it == m_outstanding.end())
        return;
    it->inFlight = false;
    m_lastStatus = outcome.status;
    m_lastDeliveryMs = QDateTime::currentMSecsSinceEpoch();
    if (outcome.failure == WebhookClient::Outcome::Failure::None && outcome.status >= 200 && outcome.status < 300) {
        ++m_delivered;
        ++m_shared->delivered;
        countOut(1, quint64(it->delivery.message.payloadSize()));
        m_outstanding.erase(it);
        kick();
        return;
    }
    ++m_failed;
    ++m_shared->failedAttempts;
    m_lastFailure = outcomeText(outcome);
    if (outcome.failure == WebhookClient::Outcome::Failure::Refused)
        ++m_shared->refusedTargets;
    if (!retryable(outcome))
        return giveUp(it, outcome, QStringLiteral("not retried"));
    if (!m_shared->config.retry.shouldRetry(it->attempts))
        return giveUp(it, outcome, QStringLiteral("attempt %1 of %1").arg(it->attempts));
    ++m_shared->retries;
    it->ready = false;
    int delay = m_shared->config.retry.delayBeforeAttempt(it->attempts + 1);
    if (outcome.retryAfterSeconds > 0) // the receiver asked for a pause (429, 503): at least that, within max-backoff
        delay = qMax(delay, int(qMin<qint64>(qint64(outcome.retryAfterSeconds) * 1000, m_shared->config.retry.maxBackoffMs)));
    QTimer::singleShot(delay, this, [this, seq] {
        for (Outstanding &o : m_outstanding) {
            if (o.seq == seq)
                o.ready = true;
        }
        kick();
    });
}

void WebhookSubscription::giveUp(std::list<Outstanding>::iterator it, const WebhookClient::Outcome &outcome, const QString &why)
{
    Delivery d = it->delivery;
    if (outcome.status)
        d.message.setHeader(QStringLiteral("x-sb-webhook-status"), QString::number(outcome.status));
    deadLetter(d, DeadLetterReason::HandlerFailed,
               QStringLiteral("webhook %1 POST %2: %3 (%4)").arg(m_record.id, m_record.url, outcomeText(outcome), why),
               it->attempts);
    ++m_deadLettered;
    ++m_shared->deadLettered;
    m_outstanding.erase(it);
    kick();
}

QJsonObject WebhookSubscription::status() const
{
    QJsonObject o{{QStringLiteral("state"), isActive() ? QStringLiteral("active") : QStringLiteral("inactive")},
                  {QStringLiteral("delivered"), double(m_delivered)},
                  {QStringLiteral("failedAttempts"), double(m_failed)},
                  {QStringLiteral("deadLettered"), double(m_deadLettered)},
                  {QStringLiteral("pending"), pendingCount() + int(m_outstanding.size())}};
    if (m_lastStatus)
        o.insert(QStringLiteral("lastStatus"), m_lastStatus);
    if (!m_lastFailure.isEmpty())
        o.insert(QStringLiteral("lastFailure"), m_lastFailure);
    if (m_lastDeliveryMs)
        o.insert(QStringLiteral("lastAttemptAt"),
                 QDateTime::fromMSecsSinceEpoch(m_lastDeliveryMs, Qt::UTC).toString(Qt::ISODateWithMs));
    if (!isActive() && m_stateError.code != ErrorCode::None)
        o.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), m_stateError.codeName()},
                                                      {QStringLiteral("message"), m_stateError.message}});
    return o;
}

} // namespace sb::http
