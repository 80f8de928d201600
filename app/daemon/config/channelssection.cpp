// SPDX-License-Identifier: Apache-2.0
// channels: a list of ChannelConfig maps (core parses each one), names unique.
#include "configsection.h"

namespace sb::daemon {

Status parseChannelsSection(const QVariant &value, DaemonConfig &c)
{
    if (value.isValid() && !isList(value))
        return configError(c, QStringLiteral("channels"), QStringLiteral("must be a list of channel maps"));
    int i = 0;
    for (const QVariant &ch : value.toList()) {
        const QString key = QStringLiteral("channels[%1]").arg(i++);
        if (!isMap(ch))
            return configError(c, key, QStringLiteral("must be a map {name, type, ...}"));
        auto parsed = ChannelConfig::fromVariantMap(ch.toMap());
        if (!parsed) {
            const QString sub = parsed.error().details.value(QStringLiteral("key")).toString();
            return c.withLocation(Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + parsed.error().message),
                                  sub.isEmpty() ? key : key + QLatin1Char('.') + sub);
        }
        for (const ChannelConfig &existing : std::as_const(c.channels)) {
            if (existing.name == parsed->name)
                return configError(c, key + QStringLiteral(".name"),
                                   QStringLiteral("channel \"%1\" is defined twice").arg(existing.name));
        }
        c.channels.append(parsed.value());
    }
    return {};
}

} // namespace sb::daemon
