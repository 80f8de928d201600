// SPDX-License-Identifier: Apache-2.0
// shutdown-drain-ms: how long a stopping hub lets connections drain (a duration: 2000, 2s).
#include "configsection.h"

#include <switchboard/configvalue.h>

#include <limits>

namespace sb::daemon {

Status parseShutdownDrainSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    const QString key = QStringLiteral("shutdown-drain-ms");
    const Result<qint64> ms = config::parseDurationMs(value, key);
    if (!ms)
        return locatedError(c, ms.error());
    if (ms.value() > std::numeric_limits<int>::max())
        return configError(c, key, QStringLiteral("is too large (at most %1 ms)").arg(std::numeric_limits<int>::max()));
    c.shutdownDrainMs = int(ms.value());
    return {};
}

} // namespace sb::daemon
