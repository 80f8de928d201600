// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpendpointconfig.h"

#include <switchboard/endpoint.h>

#include <memory>
#include <vector>

namespace sb {
class Hub;
}

namespace sb::http {

class HttpGateway;
class HttpListener;
class HttpMetrics;
class HttpWorkerPool;
struct HttpServices;

// The "http" protocol's endpoint: one HttpListener (plain or TLS) per configured address, each
// with its gateway, all sharing one REST API, rate limits and Idempotency-Key cache, and the
// I/O threads (io-threads) that read, parse and write the connections of every listener.
class HttpEndpoint : public Endpoint
{
    Q_OBJECT
public:
    HttpEndpoint(const HttpEndpointConfig &config, Hub *hub, QObject *parent = nullptr);
    ~HttpEndpoint() override;

    Status start() override;
    void stop(int drainMs = 0) override;
    QVariantMap health() const override;

    // {"status": "healthy"|"unhealthy", "checks": [{"name", "status"}]}: every endpoint of the
    // hub and every HTTP listener (GET /health).
    QVariantMap healthReport() const;
    // The listeners' bound addresses ("127.0.0.1:7480"), in config order.
    QStringList addresses() const;
    // GET /metrics: the hub's and this endpoint's metrics in Prometheus text format.
    QByteArray metricsText() const;

private:
    Status startListener(const HttpListenerConfig &config);

    HttpEndpointConfig m_config;
    Hub *m_hub;
    std::unique_ptr<HttpMetrics> m_metrics;
    std::unique_ptr<HttpServices> m_services;
    std::vector<std::unique_ptr<HttpGateway>> m_gateways;
    std::vector<HttpListener *> m_listeners; // children; parallel to m_gateways
    std::unique_ptr<HttpWorkerPool> m_pool;  // io-threads > 0
};

} // namespace sb::http
