// SPDX-License-Identifier: Apache-2.0
#include "restapi.h"

namespace sb::http {

RestApi::RestApi(Hub *hub, const RestApiOptions &options, QObject *parent)
    : QObject(parent), m_hub(hub), m_options(options)
{
    const QString v1 = QStringLiteral("/api/v1");
    addEventRoutes(m_router, this, v1);
    addChannelRoutes(m_router, this, v1);
    addAdminRoutes(m_router, this, v1);
    addStoredRoutes(m_router, this, v1);
    addReplayRoutes(m_router, this, v1);
}

void RestApi::handle(const ApiRequest &request, ApiResponder respond) const
{
    m_router.dispatch(request, std::move(respond));
}

void RestApi::handle(const ApiRequest &request, const ApiRouter::Match &match, ApiResponder respond) const
{
    m_router.dispatch(request, match, std::move(respond));
}

} // namespace sb::http
