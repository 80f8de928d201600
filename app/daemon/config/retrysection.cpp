// SPDX-License-Identifier: Apache-2.0
// retry: the default RetryPolicy outside channels (core parses it).
#include "configsection.h"

namespace sb::daemon {

Status parseRetrySection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    auto r = RetryPolicy::fromVariantMap(value.toMap(), QStringLiteral("retry"));
    if (!r)
        return locatedError(c, r.error());
    c.limits.retry = r.value();
    return {};
}

} // namespace sb::daemon
