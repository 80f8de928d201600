// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "webhookclient.h"
#include "webhookconfig.h"
#include "webhookrecord.h"

#include <switchboard/connection.h>

#include <QSslCertificate>

#include <list>

namespace sb {
class Hub;
}

namespace sb::http {

class WebhookTargets;
class WebhookTargetPolicy;

// What every webhook subscription of an endpoint shares (owned by WebhookHub).
struct WebhookShared {
    Hub *hub = nullptr;
    WebhookConfig config;
    const WebhookTargetPolicy *policy = nullptr;
    WebhookTargets *targets = nullptr;
    QList<QSslCertificate> caCertificates;
    // Counters of the endpoint's webhooks, for health and /metrics.
    quint64 delivered = 0;
    quint64 failedAttempts = 0;
    quint64 retries = 0;
    quint64 deadLettered = 0;
    quint64 refusedTargets = 0;
};

// One webhook subscription while the hub runs: a hub connection (protocol "webhook", listed with
// the others, counted) that subscribes on its owner's behalf and POSTs each delivery — the JSON
// envelope — to the owner's URL, signed with the subscription's secret:
//
//     X-Switchboard-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// A delivery leaves the subscription's bounded queue (webhooks.queue) only when a slot is free,
// for the subscription (at most concurrency-per-target outstanding, in flight or waiting to be
// retried) and for its target (WebhookTargets). A 2xx answer settles it; a 5xx, 408, 429, a
// timeout or a network error is retried with the retry policy's backoff; any other answer, a
// target the policy refuses, or the last attempt failing dead-letters it HANDLER_FAILED with the
// last status in its header x-sb-webhook-status and the detail.
class WebhookSubscription : public Connection
{
    Q_OBJECT
public:
    WebhookSubscription(const WebhookRecord &record, WebhookShared *shared, QObject *parent = nullptr);
    ~WebhookSubscription() override;

    const WebhookRecord &record() const { return m_record; }
    // Subscribes on the bus as the record's principal (the ACL applies as for any client).
    Status start();
    bool isActive() const { return m_subscription != 0; }
    Error lastError() const { return m_stateError; }
    // Delivery counters and state for GET /api/v1/subscriptions.
    QJsonObject status() const;
    // A target slot freed up: try again.
    void wake() { kick(); }
    // An operator closed the connection: the hub deletes the subscription (see WebhookHub).
    void close(const Error &reason) override;

Q_SIGNALS:
    void closeRequested(const QString &id, const sb::Error &reason);

protected:
    void drain() override;
    void subscriptionEnded(quint32 tag, const Error &reason) override;

private:
    struct Outstanding {
        quint64 seq = 0;
        Delivery delivery;
        QByteArray body;    // the JSON envelope, encoded once for every attempt
        int attempts = 0;
        bool inFlight = false;
        bool ready = true;  // false while a retry waits for its backoff
    };
    void kick();
    void send(Outstanding &o);
    void settle(quint64 seq, const WebhookClient::Outcome &outcome);
    void giveUp(std::list<Outstanding>::iterator it, const WebhookClient::Outcome &outcome, const QString &why);
    static bool retryable(const WebhookClient::Outcome &outcome);

    WebhookRecord m_record;
    WebhookShared *m_shared;
    QString m_target; // scheme://host:port
    SubscriptionId m_subscription = 0;
    Error m_stateError;
    std::list<Outstanding> m_outstanding;
    quint64 m_nextSeq = 0;
    int m_lastStatus = 0;
    QString m_lastFailure;
    qint64 m_lastDeliveryMs = 0;
    quint64 m_delivered = 0;
    quint64 m_failed = 0;
    quint64 m_deadLettered = 0;
    bool m_kicked = false;
};

} // namespace sb::http
