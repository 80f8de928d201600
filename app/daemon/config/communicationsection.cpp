// SPDX-License-Identifier: Apache-2.0
// communication: the bus type, the protocol plugins in start order, and each plugin's own section
// (validated later by the plugin, which finds its lines through DaemonConfig::lines).
#include "configsection.h"

namespace sb::daemon {

namespace {

Status parseMessageBus(const QVariant &value, const QString &key, DaemonConfig &c)
{
    if (!isMap(value))
        return configError(c, key, QStringLiteral("must be a map {enabled, type}"));
    const QVariantMap mb = value.toMap();
    for (auto m = mb.cbegin(); m != mb.cend(); ++m) {
        const QString mk = key + QLatin1Char('.') + m.key();
        if (m.key() == QLatin1String("enabled")) {
            if (m.value().toString() != QLatin1String("true"))
                return configError(c, mk, QStringLiteral("the message bus is the hub; it cannot be disabled"));
        } else if (m.key() == QLatin1String("type")) {
            if (m.value().toString() != QLatin1String("embedded"))
                return configError(c, mk, QStringLiteral("\"%1\" is not available; use \"embedded\" (federation over "
                                                         "NATS is configured separately)")
                                              .arg(m.value().toString()));
        } else {
            return configError(c, mk, QStringLiteral("unknown key (expected enabled, type)"));
        }
    }
    return {};
}

Status parseProtocolList(const QVariant &value, const QString &key, DaemonConfig &c)
{
    if (!isList(value))
        return configError(c, key, QStringLiteral("must be a list of plugin ids, e.g. [native]"));
    int i = 0;
    for (const QVariant &p : value.toList()) {
        const QString id = p.toString();
        if (id.isEmpty() || isMap(p) || isList(p))
            return configError(c, key + QStringLiteral("[%1]").arg(i), QStringLiteral("must be a plugin id"));
        if (c.protocols.contains(id))
            return configError(c, key + QStringLiteral("[%1]").arg(i), QStringLiteral("\"%1\" is listed twice").arg(id));
        c.protocols.append(id);
        ++i;
    }
    return {};
}

} // namespace

Status parseCommunicationSection(const QVariant &value, DaemonConfig &c)
{
    if (value.isValid() && !isMap(value))
        return configError(c, QStringLiteral("communication"), QStringLiteral("must be a map"));
    const QVariantMap cm = value.toMap();
    bool protocolsGiven = false;
    for (auto it = cm.cbegin(); it != cm.cend(); ++it) {
        const QString key = QStringLiteral("communication.") + it.key();
        if (it.key() == QLatin1String("message-bus")) {
            if (Status st = parseMessageBus(it.value(), key, c); !st)
                return st;
        } else if (it.key() == QLatin1String("protocols")) {
            protocolsGiven = true;
            if (Status st = parseProtocolList(it.value(), key, c); !st)
                return st;
        } else {
            // A protocol's own section; the plugin validates it.
            if (!isMap(it.value()))
                return configError(c, key, QStringLiteral("a protocol section must be a map"));
            c.protocolConfig.insert(it.key(), it.value().toMap());
        }
    }
    if (!protocolsGiven)
        c.protocols = DaemonConfig::defaults().protocols;
    for (auto it = c.protocolConfig.cbegin(); it != c.protocolConfig.cend(); ++it) {
        if (!c.protocols.contains(it.key()))
            return configError(c, QStringLiteral("communication.") + it.key(),
                               QStringLiteral("section for protocol \"%1\", which is not in communication.protocols")
                                   .arg(it.key()));
    }
    // A protocol listed without a section of its own runs on its defaults.
    for (const QString &id : {QStringLiteral("native"), QStringLiteral("http")}) {
        if (c.protocols.contains(id) && !c.protocolConfig.contains(id))
            c.protocolConfig.insert(id, DaemonConfig::defaults().protocolConfig.value(id));
    }
    return {};
}

} // namespace sb::daemon
