// SPDX-License-Identifier: Apache-2.0
// acl: access control rules. The daemon only checks that the section is a map and keeps it raw in
// DaemonConfig::acl (its key lines stay in DaemonConfig::lines); sb::AccessControl::fromVariantMap
// in core parses and validates it, and errors found there are located with withLocation("acl...").
#include "configsection.h"

namespace sb::daemon {

Status parseAclSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    if (!isMap(value))
        return configError(c, QStringLiteral("acl"), QStringLiteral("must be a map"));
    c.acl = value.toMap();
    return {};
}

} // namespace sb::daemon
