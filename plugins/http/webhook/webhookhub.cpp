// SPDX-License-Identifier: Apache-2.0
#include "webhookhub.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/messagefilter.h>

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QUrl>

Q_LOGGING_CATEGORY(lcWebhooks, "switchboard.http.webhooks")

namespace sb::http {

namespace {

QByteArray randomBytes(int n)
{
    QByteArray out(n, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(out.data()),
                                         reinterpret_cast<quint32 *>(out.data() + n));
    return out;
}

Error badField(const QString &field, const QString &why)
{
    return Error(ErrorCode::BadMessage, why, {{QStringLiteral("field"), field}});
}

} // namespace

WebhookHub::WebhookHub(Hub *hub, const WebhookConfig &config, QObject *parent)
    : QObject(parent), m_targets(config.concurrencyPerTarget), m_store(config.storePath())
{
    m_policy.allowHttp = config.allowHttp;
    QString ignored; // WebhookConfig checked the networks
    WebhookTargetPolicy::parseNetworks(config.allowNetworks, &m_policy.allowNetworks, &ignored);
    m_shared.hub = hub;
    m_shared.config = config;
    m_shared.policy = &m_policy;
    m_shared.targets = &m_targets;
    if (!config.caFile.isEmpty())
        m_shared.caCertificates = QSslCertificate::fromPath(config.caFile);
}

WebhookHub::~WebhookHub()
{
    stop();
}

void WebhookHub::start()
{
    if (m_started || !m_shared.config.enabled)
        return;
    m_started = true;
    // A webhook the ACL or a channel's rules stopped is kept, inactive; when the rules change it
    // is tried again, and delivers once they allow it.
    connect(m_shared.hub->bus(), &Bus::accessRulesChanged, this, &WebhookHub::reactivate, Qt::UniqueConnection);
    connect(m_shared.hub->bus(), &Bus::channelsChanged, this, &WebhookHub::reactivate, Qt::UniqueConnection);
    Result<QList<WebhookRecord>> loaded = m_store.load();
    if (!loaded) {
        m_storeError = loaded.error().message;
        qCCritical(lcWebhooks).noquote() << loaded.error().message;
        return;
    }
    for (const WebhookRecord &r : loaded.value()) {
        WebhookSubscription *s = launch(r);
        if (!s->isActive())
            qCWarning(lcWebhooks).noquote() << "webhook" << r.id << "of" << r.owner << "is inactive:" << s->lastError().message;
    }
}

void WebhookHub::reactivate()
{
    for (const auto &[id, s] : m_subscriptions) {
        if (s->isActive())
            continue;
        if (s->start())
            qCInfo(lcWebhooks).noquote() << "webhook" << id << "of" << s->record().owner << "is active again";
    }
}

void WebhookHub::stop()
{
    const auto all = std::exchange(m_subscriptions, {});
    for (const auto &[id, s] : all) {
        m_shared.hub->unregisterConnection(s);
        delete s;
    }
    m_started = false;
}

Error WebhookHub::disabled() const
{
    return Error(ErrorCode::NotFound, QStringLiteral("webhooks are off on this hub (communication.http.webhooks.enabled)"));
}

Status WebhookHub::checkTarget(const QString &text) const
{
    const QUrl url(text, QUrl::StrictMode);
    QString why;
    if (text.size() > 2048 || !url.isValid() || !m_policy.checkUrl(url, &why))
        return badField(QStringLiteral("webhook"),
                        QStringLiteral("webhook URL \"%1\": %2").arg(text.left(256), why.isEmpty() ? QStringLiteral("not a URL") : why));
    const QHostAddress literal(url.host());
    if (!literal.isNull() && !m_policy.permits(literal, &why))
        return Error(ErrorCode::Forbidden, QStringLiteral("webhook URL \"%1\": %2").arg(text.left(256), why),
                     {{QStringLiteral("field"), QStringLiteral("webhook")}});
    return {};
}

WebhookSubscription *WebhookHub::launch(const WebhookRecord &record)
{
    auto *s = new WebhookSubscription(record, &m_shared, this);
    m_shared.hub->registerConnection(s);
    s->start();
    connect(s, &WebhookSubscription::closeRequested, this, [this](const QString &id, const Error &reason) {
        qCInfo(lcWebhooks).noquote() << "webhook" << id << "deleted: its connection was closed:" << reason.message;
        drop(id);
        if (Status st = m_store.save(records()); !st)
            qCCritical(lcWebhooks).noquote() << st.error().message;
    });
    m_subscriptions.emplace(record.id, s);
    return s;
}

void WebhookHub::drop(const QString &id)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    WebhookSubscription *s = it->second;
    m_subscriptions.erase(it);
    m_shared.hub->unregisterConnection(s);
    s->deleteLater();
}

QList<WebhookRecord> WebhookHub::records() const
{
    QList<WebhookRecord> out;
    for (const auto &[id, s] : m_subscriptions)
        out.append(s->record());
    return out;
}

Result<QJsonObject> WebhookHub::create(const QJsonObject &body, const Principal &who)
{
    if (!m_shared.config.enabled)
        return disabled();
    WebhookRecord r;
    r.topic = body.value(QStringLiteral("topic")).toString();
    r.channel = body.value(QStringLiteral("channel")).toString();
    r.url = body.value(QStringLiteral("webhook")).toString();
    r.filter = body.value(QStringLiteral("filter")).toString();
    if (r.topic.isEmpty())
        return badField(QStringLiteral("topic"), QStringLiteral("\"topic\" is required: the pattern to subscribe to"));
    if (r.url.isEmpty())
        return badField(QStringLiteral("webhook"), QStringLiteral("\"webhook\" is required: the URL deliveries are POSTed to"));
    const QJsonValue types = body.value(QStringLiteral("event_types"));
    if (!types.isUndefined() && !types.isArray())
        return badField(QStringLiteral("event_types"), QStringLiteral("\"event_types\" is a list of strings"));
    for (const QJsonValue &t : types.toArray()) {
        if (!t.isString())
            return badField(QStringLiteral("event_types"), QStringLiteral("\"event_types\" is a list of strings"));
        r.eventTypes.append(t.toString());
    }
    if (Status st = checkTarget(r.url); !st)
        return st.error();
    if (Result<MessageFilter> f = MessageFilter::compile(r.eventTypes, r.filter, m_shared.hub->bus()->limits().filters); !f)
        return f.error();
    if (int(m_subscriptions.size()) >= m_shared.config.maxSubscriptions)
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("this hub has %1 webhook subscriptions, its limit (webhooks.max-subscriptions)")
                         .arg(m_subscriptions.size()),
                     {{QStringLiteral("limit"), m_shared.config.maxSubscriptions}});
    const int owned = int(std::count_if(m_subscriptions.begin(), m_subscriptions.end(),
                                        [&](const auto &e) { return e.second->record().owner == who.name; }));
    if (owned >= m_shared.config.maxPerOwner)
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("%1 has %2 webhook subscriptions, the limit per owner (webhooks.max-subscriptions-per-owner)")
                         .arg(who.name)
                         .arg(owned),
                     {{QStringLiteral("limit"), m_shared.config.maxPerOwner}});
    r.id = QStringLiteral("wh-") + QString::fromLatin1(randomBytes(8).toHex());
    r.owner = who.name;
    r.roles = who.roles;
    r.authenticated = who.authenticated;
    r.secret = randomBytes(32);
    r.createdAtMs = QDateTime::currentMSecsSinceEpoch();
    WebhookSubscription *s = launch(r);
    if (!s->isActive()) { // the ACL, the channel's rules or a limit: nothing is kept
        const Error e = s->lastError();
        drop(r.id);
        return e;
    }
    if (Status st = m_store.save(records()); !st) {
        drop(r.id);
        qCCritical(lcWebhooks).noquote() << st.error().message;
        return st.error();
    }
    qCInfo(lcWebhooks).noquote() << "webhook" << r.id << "made by" << who.stamp() << "for" << r.topic << "->" << r.url;
    if (!m_store.isPersistent())
        qCWarning(lcWebhooks).noquote() << "webhook" << r.id << "is kept in memory only: set communication.http.webhooks.file "
                                           "or $STATE_DIRECTORY to keep webhook subscriptions across restarts";
    QJsonObject o = describe(s);
    o.insert(QStringLiteral("secret"), r.secretText());
    return o;
}

QJsonObject WebhookHub::describe(const WebhookSubscription *s) const
{
    QJsonObject o = s->record().toJson(false);
    o.insert(QStringLiteral("status"), s->status());
    return o;
}

Result<QJsonArray> WebhookHub::list(const Principal &who, bool all)
{
    if (!m_shared.config.enabled)
        return disabled();
    if (all) {
        if (Status st = m_shared.hub->bus()->administer(who, QString()); !st)
            return st.error();
    }
    QJsonArray out;
    for (const auto &[id, s] : m_subscriptions) {
        if (all || s->record().owner == who.name)
            out.append(describe(s));
    }
    return out;
}

WebhookSubscription *WebhookHub::visible(const QString &id, const Principal &who)
{
    auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return nullptr;
    if (it->second->record().owner == who.name)
        return it->second;
    // Somebody else's: only an operator may see it; others learn nothing from a right id.
    return m_shared.hub->bus()->administer(who, QString()) ? it->second : nullptr;
}

Result<QJsonObject> WebhookHub::get(const QString &id, const Principal &who)
{
    if (!m_shared.config.enabled)
        return disabled();
    WebhookSubscription *s = visible(id, who);
    if (!s)
        return Error(ErrorCode::NotFound, QStringLiteral("no webhook subscription \"%1\"").arg(id.left(64)));
    return describe(s);
}

Status WebhookHub::remove(const QString &id, const Principal &who)
{
    if (!m_shared.config.enabled)
        return disabled();
    if (!visible(id, who))
        return Error(ErrorCode::NotFound, QStringLiteral("no webhook subscription \"%1\"").arg(id.left(64)));
    drop(id);
    if (Status st = m_store.save(records()); !st) {
        qCCritical(lcWebhooks).noquote() << st.error().message;
        return st;
    }
    qCInfo(lcWebhooks).noquote() << "webhook" << id << "deleted by" << who.stamp();
    return {};
}

QVariantMap WebhookHub::health() const
{
    QVariantMap h{{QStringLiteral("subscriptions"), int(m_subscriptions.size())},
                  {QStringLiteral("persistent"), m_store.isPersistent() && m_storeError.isEmpty()},
                  {QStringLiteral("inFlight"), m_targets.inFlight()},
                  {QStringLiteral("delivered"), double(m_shared.delivered)},
                  {QStringLiteral("failedAttempts"), double(m_shared.failedAttempts)},
                  {QStringLiteral("retries"), double(m_shared.retries)},
                  {QStringLiteral("deadLettered"), double(m_shared.deadLettered)},
                  {QStringLiteral("refusedTargets"), double(m_shared.refusedTargets)},
                  {QStringLiteral("targetWaits"), double(m_targets.waits())}};
    if (!m_storeError.isEmpty())
        h.insert(QStringLiteral("storeError"), m_storeError);
    return h;
}

} // namespace sb::http
