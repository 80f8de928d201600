// SPDX-License-Identifier: Apache-2.0
// log: the level of the daemon's log.
#include "configsection.h"

namespace sb::daemon {

Status parseLogSection(const QVariant &value, DaemonConfig &c)
{
    const QVariantMap lg = value.toMap();
    for (auto it = lg.cbegin(); it != lg.cend(); ++it) {
        const QString key = QStringLiteral("log.") + it.key();
        if (it.key() == QLatin1String("level")) {
            static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                                            QStringLiteral("error")};
            if (!levels.contains(it.value().toString()))
                return configError(c, key, QStringLiteral("must be one of debug, info, warning, error"));
            c.logLevel = it.value().toString();
        } else {
            return configError(c, key, QStringLiteral("unknown key (expected level)"));
        }
    }
    return {};
}

} // namespace sb::daemon
