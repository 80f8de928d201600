// SPDX-License-Identifier: Apache-2.0
#include "nativeplugin.h"
#include "nativeendpoint.h"

namespace sb::native {

Result<Endpoint *> NativePlugin::createEndpoint(const QVariantMap &config, Hub *hub, QObject *parent)
{
    auto parsed = NativeEndpointConfig::fromVariantMap(config);
    if (!parsed)
        return parsed.error();
    return static_cast<Endpoint *>(new NativeEndpoint(parsed.value(), hub, parent));
}

} // namespace sb::native
