// SPDX-License-Identifier: Apache-2.0
#include "httpplugin.h"

#include "httpendpoint.h"

namespace sb::http {

Result<Endpoint *> HttpPlugin::createEndpoint(const QVariantMap &config, Hub *hub, QObject *parent)
{
    Result<HttpEndpointConfig> parsed = HttpEndpointConfig::fromVariantMap(config);
    if (!parsed)
        return parsed.error();
    return static_cast<Endpoint *>(new HttpEndpoint(parsed.value(), hub, parent));
}

} // namespace sb::http
