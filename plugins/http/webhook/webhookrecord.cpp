// SPDX-License-Identifier: Apache-2.0
#include "webhookrecord.h"

#include <QDateTime>
#include <QJsonArray>

namespace sb::http {

namespace {

QJsonArray toArray(const QStringList &list)
{
    QJsonArray a;
    for (const QString &s : list)
        a.append(s);
    return a;
}

QStringList fromArray(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out.append(e.toString());
    return out;
}

} // namespace

Principal WebhookRecord::principal() const
{
    Identity identity;
    identity.name = owner;
    identity.authenticated = authenticated;
    identity.roles = roles;
    return authenticated ? Principal::fromIdentity(identity, QStringLiteral("webhook"))
                         : Principal::anonymous(QStringLiteral("webhook"));
}

QString WebhookRecord::secretText() const
{
    return QStringLiteral("whsec_")
           + QString::fromLatin1(secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QJsonObject WebhookRecord::toJson(bool withSecret) const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("owner"), owner},
                  {QStringLiteral("topic"), topic},
                  {QStringLiteral("webhook"), url},
                  {QStringLiteral("createdAt"),
                   QDateTime::fromMSecsSinceEpoch(createdAtMs, Qt::UTC).toString(Qt::ISODateWithMs)}};
    if (!channel.isEmpty())
        o.insert(QStringLiteral("channel"), channel);
    if (!eventTypes.isEmpty())
        o.insert(QStringLiteral("event_types"), toArray(eventTypes));
    if (!filter.isEmpty())
        o.insert(QStringLiteral("filter"), filter);
    if (withSecret) {
        o.insert(QStringLiteral("roles"), toArray(roles));
        o.insert(QStringLiteral("authenticated"), authenticated);
        o.insert(QStringLiteral("secret"), secretText());
    }
    return o;
}

Result<WebhookRecord> WebhookRecord::fromJson(const QJsonObject &o)
{
    WebhookRecord r;
    r.id = o.value(QStringLiteral("id")).toString();
    r.owner = o.value(QStringLiteral("owner")).toString();
    r.roles = fromArray(o.value(QStringLiteral("roles")));
    r.authenticated = o.value(QStringLiteral("authenticated")).toBool();
    r.topic = o.value(QStringLiteral("topic")).toString();
    r.channel = o.value(QStringLiteral("channel")).toString();
    r.eventTypes = fromArray(o.value(QStringLiteral("event_types")));
    r.filter = o.value(QStringLiteral("filter")).toString();
    r.url = o.value(QStringLiteral("webhook")).toString();
    r.createdAtMs = QDateTime::fromString(o.value(QStringLiteral("createdAt")).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
    const QString secret = o.value(QStringLiteral("secret")).toString();
    if (secret.startsWith(QLatin1String("whsec_")))
        r.secret = QByteArray::fromBase64(secret.mid(6).toLatin1(), QByteArray::Base64UrlEncoding);
    if (r.id.isEmpty() || r.owner.isEmpty() || r.topic.isEmpty() || r.url.isEmpty() || r.secret.size() < 16)
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("a webhook record without id, owner, topic, webhook or secret (\"%1\")").arg(r.id.left(64)));
    return r;
}

} // namespace sb::http
