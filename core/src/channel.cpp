// SPDX-License-Identifier: Apache-2.0
#include <switchboard/channel.h>
#include <switchboard/configvalue.h>

#include <QRegularExpression>

namespace sb {

namespace {

// protocols: a list of distinct, non-empty lower-case protocol names ("native", "http", "mqtt").
Result<QStringList> parseProtocols(const QVariant &value)
{
    static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9_-]*$"));
    const int type = value.typeId();
    if (type != QMetaType::QVariantList && type != QMetaType::QStringList)
        return Error(ErrorCode::InvalidConfig, QStringLiteral("must be a list of protocol names, e.g. [native, http]"));
    QStringList names;
    for (const QVariant &v : value.toList()) {
        const QString name = v.toString();
        if (v.typeId() != QMetaType::QString || !re.match(name).hasMatch())
            return Error(ErrorCode::InvalidConfig,
                         QStringLiteral("\"%1\" is not a protocol name (lower-case letters, digits, '_' or '-', "
                                        "e.g. native, http, mqtt)")
                             .arg(name));
        if (names.contains(name))
            return Error(ErrorCode::InvalidConfig, QStringLiteral("\"%1\" is listed twice").arg(name));
        names.append(name);
    }
    return names;
}

} // namespace

QString channelTypeName(ChannelType type)
{
    switch (type) {
    case ChannelType::Broadcast: return QStringLiteral("broadcast");
    case ChannelType::Topic: return QStringLiteral("topic");
    case ChannelType::PointToPoint: return QStringLiteral("point-to-point");
    case ChannelType::Queue: return QStringLiteral("queue");
    }
    return QStringLiteral("topic");
}

bool channelTypeFromName(const QString &name, ChannelType *type)
{
    for (ChannelType t : {ChannelType::Broadcast, ChannelType::Topic, ChannelType::PointToPoint, ChannelType::Queue}) {
        if (channelTypeName(t) == name) {
            *type = t;
            return true;
        }
    }
    return false;
}

Status ChannelConfig::validateName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"));
    if (!re.match(name).hasMatch())
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("channel name \"%1\" is invalid: use 1 to 128 letters, digits, '_', '-' or '.', "
                                    "starting with a letter or digit")
                         .arg(name),
                     {{QStringLiteral("key"), QStringLiteral("name")}});
    return {};
}

Result<ChannelConfig> ChannelConfig::fromVariantMap(const QVariantMap &map)
{
    ChannelConfig c;
    c.name = map.value(QStringLiteral("name")).toString();
    if (Status st = validateName(c.name); !st)
        return st.error();
    auto bad = [&](const QString &key, const QString &why) {
        return Error(ErrorCode::InvalidConfig, QStringLiteral("channel \"%1\": %2: %3").arg(c.name, key, why),
                     {{QStringLiteral("key"), key}, {QStringLiteral("channel"), c.name}});
    };
    // An error from a value parser (switchboard/configvalue.h) already reads "key: why".
    auto badValue = [&](const Error &e) {
        return Error(ErrorCode::InvalidConfig, QStringLiteral("channel \"%1\": %2").arg(c.name, e.message),
                     {{QStringLiteral("key"), e.details.value(QStringLiteral("key"))}, {QStringLiteral("channel"), c.name}});
    };
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString &key = it.key();
        bool ok = true;
        if (key == QLatin1String("name")) {
            continue;
        } else if (key == QLatin1String("type")) {
            if (!channelTypeFromName(it.value().toString(), &c.type))
                return bad(key, QStringLiteral("\"%1\" is not one of broadcast, topic, point-to-point, queue")
                                    .arg(it.value().toString()));
        } else if (key == QLatin1String("description")) {
            c.description = it.value().toString();
        } else if (key == QLatin1String("max-message-size")) {
            const Result<qint64> n = config::parseSize(it.value(), key);
            if (!n)
                return badValue(n.error());
            c.maxMessageSize = n.value();
        } else if (key == QLatin1String("max-queue-depth")) {
            c.maxQueueDepth = it.value().toInt(&ok);
            if (!ok || c.maxQueueDepth < 0)
                return bad(key, QStringLiteral("must be a non-negative integer"));
        } else if (key == QLatin1String("ttl-ms")) {
            const Result<qint64> n = config::parseDurationMs(it.value(), key);
            if (!n)
                return badValue(n.error());
            c.ttlMs = n.value();
        } else if (key == QLatin1String("require-auth")) {
            const QString v = it.value().toString();
            if (v != QLatin1String("true") && v != QLatin1String("false"))
                return bad(key, QStringLiteral("must be true or false"));
            c.requireAuth = v == QLatin1String("true");
        } else if (key == QLatin1String("retry")) {
            if (it.value().typeId() != QMetaType::QVariantMap)
                return bad(key, QStringLiteral("must be a map"));
            auto retry = RetryPolicy::fromVariantMap(it.value().toMap(), QStringLiteral("retry"));
            if (!retry)
                return bad(key, retry.error().message);
            c.retry = retry.value();
        } else if (key == QLatin1String("protocols")) {
            Result<QStringList> names = parseProtocols(it.value());
            if (!names)
                return bad(key, names.error().message);
            c.protocols = names.value();
        } else if (key == QLatin1String("schema")) {
            // Only carried here: the HTTP plugin compiles it (valijson) and says what is wrong inside.
            if (it.value().typeId() != QMetaType::QVariantMap)
                return bad(key, QStringLiteral("must be a map (a JSON Schema document, e.g. {type: object})"));
            c.schema = it.value().toMap();
        } else if (key == QLatin1String("persistent")) {
            const QString v = it.value().toString();
            if (v != QLatin1String("true") && v != QLatin1String("false"))
                return bad(key, QStringLiteral("must be true or false"));
            c.persistence.persistent = v == QLatin1String("true");
        } else if (key == QLatin1String("fsync")) {
            Result<SyncPolicy> sync = SyncPolicy::parse(it.value(), key);
            if (!sync)
                return badValue(sync.error());
            c.persistence.sync = sync.value();
        } else if (key == QLatin1String("retention")) {
            if (it.value().typeId() != QMetaType::QVariantMap)
                return bad(key, QStringLiteral("must be a map {max-age, max-bytes, max-messages}"));
            Result<RetentionPolicy> retention = RetentionPolicy::fromVariantMap(it.value().toMap(), key);
            if (!retention)
                return badValue(retention.error());
            c.persistence.retention = retention.value();
        } else {
            return bad(key, QStringLiteral("unknown key (expected type, description, max-message-size, "
                                           "max-queue-depth, ttl-ms, retry, require-auth, protocols, schema, persistent, fsync, retention)"));
        }
    }
    if (Status st = c.validate(); !st)
        return st.error();
    return c;
}

Status ChannelConfig::validate() const
{
    if (Status st = validateName(name); !st)
        return st;
    if (persistence.persistent && type != ChannelType::Topic && type != ChannelType::Broadcast)
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("channel \"%1\": persistent: a persistent channel is a topic or broadcast channel, "
                                    "not %2 (durable subscriptions with a queue group give a queue's at-least-once)")
                         .arg(name, channelTypeName(type)),
                     {{QStringLiteral("key"), QStringLiteral("persistent")}, {QStringLiteral("channel"), name}});
    return {};
}

QVariantMap ChannelConfig::toVariantMap() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("type"), channelTypeName(type)},
            {QStringLiteral("description"), description},
            {QStringLiteral("max-message-size"), maxMessageSize},
            {QStringLiteral("max-queue-depth"), maxQueueDepth},
            {QStringLiteral("ttl-ms"), ttlMs},
            {QStringLiteral("retry"), retry.toVariantMap()},
            {QStringLiteral("require-auth"), requireAuth},
            {QStringLiteral("protocols"), protocols},
            {QStringLiteral("schema"), schema},
            {QStringLiteral("persistent"), persistence.persistent},
            {QStringLiteral("fsync"), persistence.sync.toString()},
            {QStringLiteral("retention"), persistence.retention.toVariantMap()}};
}

bool ChannelConfig::operator==(const ChannelConfig &o) const
{
    return name == o.name && type == o.type && description == o.description && maxMessageSize == o.maxMessageSize
        && maxQueueDepth == o.maxQueueDepth && ttlMs == o.ttlMs && retry == o.retry && requireAuth == o.requireAuth
        && protocols == o.protocols && schema == o.schema && persistence == o.persistence;
}

} // namespace sb
