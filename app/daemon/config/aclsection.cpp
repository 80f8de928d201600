// SPDX-License-Identifier: Apache-2.0
// acl: roles -> allow / deny rules (sb::AccessControl, which parses and validates them). The map is
// kept in DaemonConfig::acl and applied by the daemon at start and on every reload; an invalid rule
// is reported here, with its file and line, so --check-config and reloads refuse it.
#include "configsection.h"

#include <switchboard/accesscontrol.h>

namespace sb::daemon {

Status parseAclSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    if (!isMap(value))
        return configError(c, QStringLiteral("acl"), QStringLiteral("must be a map {roles: {NAME: [rules]}}"));
    const Result<AccessControl> acl = AccessControl::fromVariantMap(value.toMap());
    if (!acl) {
        const QString key = QStringLiteral("acl.") + acl.error().details.value(QStringLiteral("key")).toString();
        return c.withLocation(Error(ErrorCode::InvalidConfig, QStringLiteral("acl.") + acl.error().message), key);
    }
    c.acl = value.toMap();
    return {};
}

} // namespace sb::daemon
