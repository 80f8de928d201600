// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpserverlimits.h"
#include "restapi.h"
#include "sseconfig.h"
#include "webhookconfig.h"
#include "wsconfig.h"

#include <switchboard/configvalue.h>

#include <QHostAddress>
#include <QStringList>

namespace sb::http {

// Cross-origin requests a listener answers (browsers' CORS): origins allowed ("*" for any),
// whether credentials may be sent, how long a preflight is cached. No origins: CORS off, no
// Access-Control-* header is ever sent.
struct CorsPolicy {
    QStringList origins;
    bool credentials = false;
    int maxAgeSeconds = 600;
    bool enabled() const { return !origins.isEmpty(); }
    bool allows(const QByteArray &origin) const;
};

struct HttpListenerConfig {
    QString address;     // "127.0.0.1:7480" as configured (health, sbctl)
    QHostAddress host;
    quint16 port = 0;
    QString tlsCert, tlsKey, tlsClientCa; // tls: {cert, key, client-ca}
    CorsPolicy cors;
    bool isTls() const { return !tlsCert.isEmpty(); }
};

// Token buckets per identity, per peer address and per route (hub-wide); 0 = unlimited.
// Each bucket holds a burst of one second's worth (at least 1).
struct HttpRateLimits {
    config::Rate perIdentity, perAddress, perRoute;
    int maxTracked = 10000; // identities (and addresses) tracked at once; the idlest are forgotten
};

// Idempotency-Key on POSTs: a repeat within the window gets the first answer.
struct HttpIdempotency {
    qint64 windowMs = 24 * 3600 * 1000;
    int maxEntries = 10000;
    qint64 maxBytes = 16 * 1024 * 1024; // answers kept, together
};

// The plugin's section, communication.http (docs/CONTRACTS.md section 9).
struct HttpEndpointConfig {
    QList<HttpListenerConfig> listeners;
    HttpServerLimits limits;
    RestApiOptions api;
    HttpRateLimits rates;
    HttpIdempotency idempotency;
    SseConfig sse; // sse: Server-Sent Events (GET /api/v1/stream)
    WebhookConfig webhooks; // webhooks: POST /api/v1/subscribe
    WsConfig ws;   // ws: WebSocket (GET /api/v1/ws)
    bool metricsRequireAuth = false; // GET /metrics: any client, or only authenticated ones
    // io-threads: threads that read, parse and write HTTP connections (the routes run on the bus
    // thread); 0: the bus thread does it all. "auto" (the default): 1 on a machine with 4 cores
    // or more, or 2 cores and the process on jemalloc (switchboardd is); else 0.
    int ioThreads = defaultIoThreads();
    static constexpr int kMaxIoThreads = 64;
    static int defaultIoThreads();
    static bool runsOnJemalloc(); // mallctl is in the process

    static QVariantMap defaults(); // one listener on 127.0.0.1:7480
    static Result<HttpEndpointConfig> fromVariantMap(const QVariantMap &map);
};

} // namespace sb::http
