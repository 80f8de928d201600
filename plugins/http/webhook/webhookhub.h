// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "webhookconfig.h"
#include "webhookstore.h"
#include "webhooksubscription.h"
#include "webhooktargetpolicy.h"
#include "webhooktargets.h"

#include <QJsonArray>
#include <QObject>

#include <map>
#include <memory>

namespace sb {
class Hub;
}

namespace sb::http {

// The webhook subscriptions of one HTTP endpoint (docs/CONTRACTS.md section 15), in the hub's
// thread: made with POST /api/v1/subscribe for the caller's principal, listed and deleted by
// their owner (or an operator who may administer), kept in the store across restarts and started
// again with the hub.
class WebhookHub : public QObject
{
    Q_OBJECT
public:
    WebhookHub(Hub *hub, const WebhookConfig &config, QObject *parent = nullptr);
    ~WebhookHub() override;

    // Loads the store and starts every subscription in it (a refused one is kept, inactive, with
    // its error shown). Errors are logged; the hub runs without the broken store's webhooks.
    void start();
    void stop();

    // {topic, channel?, event_types?, filter?, webhook} -> the record with its secret (shown once).
    Result<QJsonObject> create(const QJsonObject &body, const Principal &who);
    // The caller's subscriptions; with \a all, everybody's (FORBIDDEN unless \a who may administer).
    Result<QJsonArray> list(const Principal &who, bool all);
    Result<QJsonObject> get(const QString &id, const Principal &who);
    // NOT_FOUND unless it exists and \a who owns it or may administer.
    Status remove(const QString &id, const Principal &who);
    QVariantMap health() const;
    bool isEnabled() const { return m_shared.config.enabled; }

private:
    Error disabled() const;
    Status checkTarget(const QString &url) const;
    WebhookSubscription *visible(const QString &id, const Principal &who);
    WebhookSubscription *launch(const WebhookRecord &record);
    void drop(const QString &id);
    // Starts again every inactive subscription the rules now allow (Bus::accessRulesChanged, channelsChanged).
    void reactivate();
    QList<WebhookRecord> records() const;
    QJsonObject describe(const WebhookSubscription *s) const;

    WebhookTargetPolicy m_policy;
    WebhookTargets m_targets;
    WebhookShared m_shared;
    WebhookStore m_store;
    std::map<QString, WebhookSubscription *> m_subscriptions; // id -> subscription (children)
    QString m_storeError;
    bool m_started = false;
};

} // namespace sb::http
