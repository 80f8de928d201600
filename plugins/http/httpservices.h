// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpendpointconfig.h"
#include "httpratelimiter.h"
#include "idempotencycache.h"
#include "restapi.h"
#include "ssehub.h"
#include "webhookhub.h"
#include "webhookroutes.h"
#include "wshub.h"

#include <switchboard/stats.h>

namespace sb {
class Hub;
}

namespace sb::http {

class HttpMetrics;

// What every listener's gateway of one HTTP endpoint shares: the hub, the REST API, the rate
// limits and the Idempotency-Key answers (all in the hub's thread).
struct HttpServices {
    HttpServices(Hub *h, const HttpEndpointConfig &c)
        : hub(h), config(c), api(h, c.api), rates(c.rates), idempotency(c.idempotency), sse(h, c.sse),
          ws(h, c.ws, {c.api.defaultRequestTimeoutMs, c.api.maxRequestTimeoutMs}), webhooks(h, c.webhooks)
    {
        addWebhookRoutes(api.router(), &webhooks, QStringLiteral("/api/v1"));
    }
    Hub *hub;
    HttpEndpointConfig config;
    RestApi api;
    HttpRateLimiter rates;
    IdempotencyCache idempotency;
    SseHub sse; // GET /api/v1/stream
    WsHub ws;   // GET /api/v1/ws (upgrade)
    WebhookHub webhooks; // POST /api/v1/subscribe, /api/v1/subscriptions
    // Health of the endpoint (listeners, counters) and the Prometheus text, from the endpoint.
    std::function<QVariantMap()> health;
    std::function<QByteArray()> metrics;
    // Called once per answered request: the route pattern (never the raw path), status, time.
    std::function<void(const QString &route, const QByteArray &method, int status, qint64 durationUs)> record;
    quint64 unauthenticated = 0; // requests refused with 401
    // The "http" row of the hub's per-protocol statistics (console Overview, sbctl, /metrics):
    // messages accepted through the REST API, and error answers.
    StatsEntry *stats = nullptr;
};

} // namespace sb::http
