// SPDX-License-Identifier: Apache-2.0
#include "webhookconfig.h"

#include "sectionvalues.h"
#include "webhooktargetpolicy.h"

#include <QDir>
#include <QFileInfo>

namespace sb::http {

using SectionValues::bad;
using SectionValues::count;
using SectionValues::duration;

namespace {

Result<QStringList> stringList(const QVariant &v, const QString &key)
{
    if (v.typeId() == QMetaType::QString)
        return QStringList{v.toString()};
    if (v.typeId() != QMetaType::QVariantList && v.typeId() != QMetaType::QStringList)
        return bad(key, QStringLiteral("must be a list of strings"));
    QStringList out;
    for (const QVariant &e : v.toList())
        out.append(e.toString());
    return out;
}

} // namespace

Result<WebhookConfig> WebhookConfig::fromVariant(const QVariant &value, const QString &key)
{
    WebhookConfig c;
    if (!value.isValid())
        return c;
    if (value.typeId() != QMetaType::QVariantMap)
        return bad(key, QStringLiteral("must be a map"));
    const QVariantMap map = value.toMap();
    const QStringList known{QStringLiteral("enabled"), QStringLiteral("file"), QStringLiteral("max-subscriptions"),
                            QStringLiteral("max-subscriptions-per-owner"), QStringLiteral("timeout"),
                            QStringLiteral("concurrency-per-target"), QStringLiteral("retry"), QStringLiteral("queue"),
                            QStringLiteral("allow-http"), QStringLiteral("allow-networks"), QStringLiteral("ca-file")};
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        const QVariant &v = it.value();
        Result<qint64> n = qint64(0);
        if (it.key() == QLatin1String("enabled") || it.key() == QLatin1String("allow-http")) {
            Result<bool> b = SectionValues::boolean(v, k);
            if (!b)
                return b.error();
            (it.key() == QLatin1String("enabled") ? c.enabled : c.allowHttp) = b.value();
        } else if (it.key() == QLatin1String("file")) {
            c.file = v.toString();
        } else if (it.key() == QLatin1String("ca-file")) {
            c.caFile = v.toString();
            if (!QFileInfo(c.caFile).isReadable())
                return bad(k, QStringLiteral("\"%1\" is not a readable file").arg(c.caFile));
        } else if (it.key() == QLatin1String("max-subscriptions")) {
            if ((n = count(v, k, 1, 1000000)))
                c.maxSubscriptions = int(n.value());
        } else if (it.key() == QLatin1String("max-subscriptions-per-owner")) {
            if ((n = count(v, k, 1, 1000000)))
                c.maxPerOwner = int(n.value());
        } else if (it.key() == QLatin1String("timeout")) {
            if ((n = duration(v, k, 100)))
                c.timeoutMs = n.value();
        } else if (it.key() == QLatin1String("concurrency-per-target")) {
            if ((n = count(v, k, 1, 1000)))
                c.concurrencyPerTarget = int(n.value());
        } else if (it.key() == QLatin1String("retry")) {
            if (v.typeId() != QMetaType::QVariantMap)
                return bad(k, QStringLiteral("must be a map {max-attempts, initial-backoff-ms, multiplier, max-backoff-ms, jitter}"));
            QVariantMap merged = c.retry.toVariantMap();
            const QVariantMap given = v.toMap();
            for (auto r = given.cbegin(); r != given.cend(); ++r)
                merged.insert(r.key(), r.value());
            Result<RetryPolicy> p = RetryPolicy::fromVariantMap(merged, k);
            if (!p)
                return p.error();
            c.retry = p.value();
        } else if (it.key() == QLatin1String("queue")) {
            if (v.typeId() != QMetaType::QVariantMap)
                return bad(k, QStringLiteral("must be a map {max-messages, max-bytes, overflow}"));
            QVariantMap merged{{QStringLiteral("max-messages"), c.queue.maxMessages},
                               {QStringLiteral("max-bytes"), c.queue.maxBytes},
                               {QStringLiteral("overflow"), overflowPolicyName(c.queue.policy)}};
            const QVariantMap given = v.toMap();
            for (auto q = given.cbegin(); q != given.cend(); ++q)
                merged.insert(q.key(), q.value());
            Result<QueueLimits> q = QueueLimits::fromVariantMap(merged, k);
            if (!q)
                return q.error();
            c.queue = q.value();
        } else if (it.key() == QLatin1String("allow-networks")) {
            Result<QStringList> list = stringList(v, k);
            if (!list)
                return list.error();
            QList<std::pair<QHostAddress, int>> parsed;
            QString why;
            if (!WebhookTargetPolicy::parseNetworks(list.value(), &parsed, &why))
                return bad(k, why);
            c.allowNetworks = list.value();
        } else {
            return bad(k, QStringLiteral("unknown key (expected %1)").arg(known.join(QStringLiteral(", "))));
        }
        if (!n)
            return n.error();
    }
    return c;
}

QString WebhookConfig::storePath() const
{
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (file.isEmpty())
        return state.isEmpty() ? QString() : QDir(state).filePath(QStringLiteral("webhooks.json"));
    if (QDir::isAbsolutePath(file) || state.isEmpty())
        return file;
    return QDir(state).filePath(file);
}

} // namespace sb::http
