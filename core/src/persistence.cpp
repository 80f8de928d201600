// SPDX-License-Identifier: Apache-2.0
#include <switchboard/persistence.h>
#include <switchboard/configvalue.h>

namespace sb {

namespace {

Error badSync(const QString &key, const QString &what)
{
    return Error(ErrorCode::InvalidConfig,
                 QStringLiteral("%1: \"%2\" is not a sync policy (always, off, or batch with a duration: "
                                "\"batch: 50ms\" or {batch: 50ms})")
                     .arg(key, what),
                 {{QStringLiteral("key"), key}});
}

Result<SyncPolicy> batchPolicy(const QVariant &duration, const QString &key)
{
    const Result<qint64> ms = config::parseDurationMs(duration, key + QStringLiteral(".batch"));
    if (!ms)
        return ms.error();
    if (ms.value() <= 0 || ms.value() > 60000)
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1: batch must be from 1ms to 60s").arg(key),
                     {{QStringLiteral("key"), key}});
    SyncPolicy p;
    p.mode = SyncPolicy::Mode::Batch;
    p.batchMs = ms.value();
    return p;
}

} // namespace

Result<SyncPolicy> SyncPolicy::parse(const QVariant &value, const QString &key)
{
    if (value.typeId() == QMetaType::Bool) {
        SyncPolicy p;
        p.mode = value.toBool() ? Mode::Always : Mode::Off;
        return p;
    }
    if (value.typeId() == QMetaType::QVariantMap) {
        const QVariantMap m = value.toMap();
        if (m.size() != 1 || !m.contains(QStringLiteral("batch")))
            return badSync(key, QStringLiteral("{%1}").arg(m.keys().join(QStringLiteral(", "))));
        return batchPolicy(m.value(QStringLiteral("batch")), key);
    }
    const QString s = value.toString().trimmed();
    if (s == QLatin1String("always"))
        return SyncPolicy{};
    if (s == QLatin1String("off") || s == QLatin1String("false")) {
        SyncPolicy p;
        p.mode = Mode::Off;
        return p;
    }
    if (s.startsWith(QLatin1String("batch"))) {
        QString rest = s.mid(5).trimmed();
        if (rest.startsWith(QLatin1Char(':')))
            rest = rest.mid(1).trimmed();
        if (!rest.isEmpty())
            return batchPolicy(rest, key);
    }
    return badSync(key, s);
}

QString SyncPolicy::toString() const
{
    switch (mode) {
    case Mode::Always: return QStringLiteral("always");
    case Mode::Off: return QStringLiteral("off");
    case Mode::Batch: return QStringLiteral("batch: %1ms").arg(batchMs);
    }
    return QStringLiteral("always");
}

Result<RetentionPolicy> RetentionPolicy::fromVariantMap(const QVariantMap &map, const QString &key)
{
    RetentionPolicy r;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("max-age")) {
            const Result<qint64> ms = config::parseDurationMs(it.value(), k, 1000); // plain: seconds
            if (!ms)
                return ms.error();
            r.maxAgeMs = ms.value();
        } else if (it.key() == QLatin1String("max-bytes")) {
            const Result<qint64> n = config::parseSize(it.value(), k);
            if (!n)
                return n.error();
            r.maxBytes = n.value();
        } else if (it.key() == QLatin1String("max-messages")) {
            bool ok = false;
            r.maxMessages = it.value().toLongLong(&ok);
            if (!ok || r.maxMessages < 0)
                return Error(ErrorCode::InvalidConfig, QStringLiteral("%1: must be a non-negative integer").arg(k),
                             {{QStringLiteral("key"), k}});
        } else {
            return Error(ErrorCode::InvalidConfig,
                         QStringLiteral("%1: unknown key (expected max-age, max-bytes, max-messages)").arg(k),
                         {{QStringLiteral("key"), k}});
        }
    }
    return r;
}

QVariantMap RetentionPolicy::toVariantMap() const
{
    // max-age with its unit: a plain number there counts seconds.
    return {{QStringLiteral("max-age"), QStringLiteral("%1ms").arg(maxAgeMs)},
            {QStringLiteral("max-bytes"), maxBytes},
            {QStringLiteral("max-messages"), maxMessages}};
}

} // namespace sb
