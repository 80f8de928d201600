// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apirouter.h"
#include "schemacache.h"

#include <QObject>

namespace sb {
class Hub;
}

namespace sb::http {

struct RestApiOptions {
    int defaultRequestTimeoutMs = 5000; // POST /api/v1/requests without ?timeout=
    int maxRequestTimeoutMs = 30000;    // the most a caller may ask for
    int defaultPageSize = 100;
    int maxPageSize = 1000;
};

// The mission's REST API (/api/v1) over core's public interface: every call runs for the
// request-scoped principal in ApiRequest, so the ACL, channel rules, limits and dead-lettering of
// core apply exactly as for every other protocol. Transport-free: the HTTP plugin feeds it
// requests and writes its replies; tests call it directly.
class RestApi : public QObject
{
    Q_OBJECT
public:
    RestApi(Hub *hub, const RestApiOptions &options, QObject *parent = nullptr);

    void handle(const ApiRequest &request, ApiResponder respond) const;
    // The same with the route already resolved (ApiRouter::resolve on this API's router).
    void handle(const ApiRequest &request, const ApiRouter::Match &match, ApiResponder respond) const;
    const ApiRouter &router() const { return m_router; }
    ApiRouter &router() { return m_router; } // for route groups outside this library (webhooks)
    const RestApiOptions &options() const { return m_options; }
    Hub *hub() const { return m_hub; }
    // Channels' compiled JSON Schemas, for the publishing routes (issue #13).
    SchemaCache &schemas() { return m_schemas; }

private:
    Hub *m_hub;
    RestApiOptions m_options;
    ApiRouter m_router;
    SchemaCache m_schemas;
};

// The route groups, one file each; all mount under \a prefix ("/api/v1").
void addEventRoutes(ApiRouter &router, RestApi *api, const QString &prefix);
void addChannelRoutes(ApiRouter &router, RestApi *api, const QString &prefix);
void addAdminRoutes(ApiRouter &router, RestApi *api, const QString &prefix);
void addStoredRoutes(ApiRouter &router, RestApi *api, const QString &prefix);
void addReplayRoutes(ApiRouter &router, RestApi *api, const QString &prefix);

} // namespace sb::http
