// SPDX-License-Identifier: Apache-2.0
#include "incompatibleplugin.h"

#include <cstdlib>

IncompatiblePlugin::IncompatiblePlugin()
{
    // Being instantiated at all is the bug the host must avoid.
    qFatal("IncompatiblePlugin must never be instantiated");
}

sb::Result<sb::Endpoint *> IncompatiblePlugin::createEndpoint(const QVariantMap &, sb::Hub *, QObject *)
{
    return sb::Error(sb::ErrorCode::Internal, QStringLiteral("unreachable"));
}
