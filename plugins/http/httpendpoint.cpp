// SPDX-License-Identifier: Apache-2.0
#include "httpendpoint.h"

#include "httpgateway.h"
#include "httplistener.h"
#include "httpworkerpool.h"
#include "httpmetrics.h"
#include "httpservices.h"
#include "prometheusexporter.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/tls.h>

#include <QPointer>
#include <QVariantList>

namespace sb::http {

HttpEndpoint::HttpEndpoint(const HttpEndpointConfig &config, Hub *hub, QObject *parent)
    : Endpoint(QStringLiteral("http"), QStringLiteral("http"), parent), m_config(config), m_hub(hub),
      m_metrics(std::make_unique<HttpMetrics>()), m_services(std::make_unique<HttpServices>(hub, config))
{
    m_services->health = [this] { return healthReport(); };
    m_services->stats = &hub->bus()->stats()->entry(Stats::Plugin, QStringLiteral("http"));
    m_services->metrics = [this] { return metricsText(); };
    HttpMetrics *metrics = m_metrics.get();
    m_services->record = [metrics](const QString &route, const QByteArray &method, int status, qint64 us) {
        metrics->record(route, method, status, us);
    };
}

HttpEndpoint::~HttpEndpoint()
{
    stop();
}

Status HttpEndpoint::startListener(const HttpListenerConfig &config)
{
    auto gateway = std::make_unique<HttpGateway>(config, m_services.get());
    auto *listener = new HttpListener(m_config.limits, gateway.get(), this);
    listener->setWorkerPool(m_pool.get());
    // Keep-alive clients appear as hub connections for as long as their socket is open.
    HttpClientRegistry *clients = &gateway->clients();
    clients->setCloser([guard = QPointer<HttpListener>(listener)](quint64 key) {
        if (guard)
            guard->closeConnection(key);
    });
    connect(listener, &HttpListener::connectionOpened, this,
            [clients](quint64 key, const QHostAddress &peer, quint16 port, bool secure) { clients->opened(key, peer, port, secure); });
    connect(listener, &HttpListener::connectionClosed, this, [clients](quint64 key) { clients->closed(key); });
    if (config.isTls()) {
        Result<QSslConfiguration> tls = loadServerTls(config.tlsCert, config.tlsKey);
        Status mtls;
        if (tls && !config.tlsClientCa.isEmpty())
            mtls = requireClientCertificates(tls.value(), config.tlsClientCa);
        if (!tls || !mtls) {
            delete listener;
            const Error why = tls ? mtls.error() : tls.error();
            return Error(ErrorCode::InvalidConfig, QStringLiteral("http.listeners: %1: %2").arg(config.address, why.message),
                         {{QStringLiteral("key"), QStringLiteral("http.listeners")}});
        }
        listener->setTlsConfiguration(tls.value());
    }
    if (Status st = listener->listen(config.host, config.port); !st) {
        delete listener;
        return Error(st.error().code, QStringLiteral("http: cannot listen on %1: %2").arg(config.address, st.error().message));
    }
    m_gateways.push_back(std::move(gateway));
    m_listeners.push_back(listener);
    return {};
}

Status HttpEndpoint::start()
{
    if (m_config.ioThreads > 0 && !m_pool)
        m_pool = std::make_unique<HttpWorkerPool>(m_config.ioThreads);
    for (const HttpListenerConfig &l : std::as_const(m_config.listeners)) {
        if (Status st = startListener(l); !st) {
            stop();
            setError(st.error());
            return st;
        }
    }
    m_services->webhooks.start(); // with the hub's other subscribers: the store's subscriptions run again
    setState(State::Running);
    return {};
}

void HttpEndpoint::stop(int drainMs)
{
    Q_UNUSED(drainMs) // answers in flight are written before a listener closes its connections
    m_services->sse.closeAll(Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
    m_services->ws.closeAll(Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
    m_services->webhooks.stop();
    for (HttpListener *l : m_listeners) {
        l->close();
        delete l;
    }
    m_listeners.clear();
    // Connections on I/O threads close there before the gateways (their handlers) go.
    m_pool.reset();
    m_gateways.clear();
    if (state() == State::Running)
        setState(State::Stopped);
}

QStringList HttpEndpoint::addresses() const
{
    QStringList out;
    for (const HttpListener *l : m_listeners) {
        const QHostAddress a = l->serverAddress();
        out.append((a.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]:%2") : QStringLiteral("%1:%2"))
                       .arg(a.toString())
                       .arg(l->serverPort()));
    }
    return out;
}

QByteArray HttpEndpoint::metricsText() const
{
    QList<std::pair<QString, const HttpServerCounters *>> listeners;
    const QStringList bound = addresses();
    for (size_t i = 0; i < m_listeners.size(); ++i)
        listeners.append({bound.value(qsizetype(i)), &m_listeners[i]->counters()});
    QByteArray out = PrometheusExporter::render(*m_hub, m_metrics.get(), listeners);
    out += PrometheusExporter::renderStats("switchboard_http_sse_stat", "Server-Sent Events counters by key (health's sse).",
                                           m_services->sse.health());
    out += PrometheusExporter::renderStats("switchboard_http_websocket_stat", "WebSocket counters by key (health's websocket).",
                                           m_services->ws.health());
    out += PrometheusExporter::renderStats("switchboard_http_webhook_stat",
                                           "Webhook counters by key (health's webhooks: delivered, failedAttempts, ...).",
                                           m_services->webhooks.health());
    return out;
}

QVariantMap HttpEndpoint::health() const
{
    QVariantMap h = Endpoint::health();
    QVariantList listeners;
    int connections = 0;
    for (const HttpListener *l : m_listeners) {
        listeners.append(l->health());
        connections += l->connectionCount();
    }
    h.insert(QStringLiteral("listeners"), listeners);
    h.insert(QStringLiteral("addresses"), addresses());
    h.insert(QStringLiteral("connections"), connections);
    const HttpRateLimiter::Counters &rc = m_services->rates.counters();
    h.insert(QStringLiteral("rateLimited"), double(rc.refusedIdentity + rc.refusedAddress + rc.refusedRoute));
    h.insert(QStringLiteral("unauthenticated"), double(m_services->unauthenticated));
    h.insert(QStringLiteral("idempotentReplays"), double(m_services->idempotency.replays()));
    h.insert(QStringLiteral("idempotencyConflicts"), double(m_services->idempotency.conflicts()));
    h.insert(QStringLiteral("sse"), m_services->sse.health());
    h.insert(QStringLiteral("websocket"), m_services->ws.health());
    h.insert(QStringLiteral("webhooks"), m_services->webhooks.health());
    return h;
}

QVariantMap HttpEndpoint::healthReport() const
{
    QVariantList checks;
    bool healthy = true;
    for (const Endpoint *e : m_hub->endpoints()) {
        const bool up = e->state() == State::Running;
        healthy = healthy && up;
        checks.append(QVariantMap{{QStringLiteral("name"), e->name()},
                                  {QStringLiteral("status"), up ? QStringLiteral("healthy") : QStringLiteral("unhealthy")}});
    }
    for (const QString &a : addresses())
        checks.append(QVariantMap{{QStringLiteral("name"), QStringLiteral("http %1").arg(a)},
                                  {QStringLiteral("status"), QStringLiteral("healthy")}});
    return {{QStringLiteral("status"), healthy ? QStringLiteral("healthy") : QStringLiteral("unhealthy")},
            {QStringLiteral("checks"), checks}};
}

} // namespace sb::http
