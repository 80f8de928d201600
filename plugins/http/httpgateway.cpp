// SPDX-License-Identifier: Apache-2.0
#include "httpgateway.h"

#include "httpclientconnection.h"

#include "apijson.h"
#include "openapidocument.h"

#include <switchboard/auth.h>
#include <switchboard/hub.h>
#include <switchboard/ratelimiter.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <optional>

// One line per request (method, path, status, time, principal, traceparent) when enabled:
// QT_LOGGING_RULES="switchboard.http.access.info=true".
Q_LOGGING_CATEGORY(lcHttpAccess, "switchboard.http.access", QtWarningMsg)

namespace sb::http {

namespace {

QString peerOf(const HttpRequest &request)
{
    return request.peerText().isNull() ? HttpRequest::addressText(request.peerAddress()) : request.peerText();
}

ApiRequest toApiRequest(const HttpRequest &request, const Principal &who)
{
    ApiRequest rq;
    rq.method = request.method();
    rq.target = request.rawTarget();
    rq.headers = request.headers();
    rq.body = request.body();
    rq.principal = who;
    return rq;
}

} // namespace

// The "http" row of the per-protocol stats and the client's own counters: messages accepted through
// the REST API (publish, send, request), error answers.
void HttpGateway::count(const HttpRequest &request, const QString &routeName, const HttpResponse &response,
                        const Principal &who)
{
    const bool error = response.status() >= 400;
    const bool message = !error && request.method() == "POST" && routeName.contains(QLatin1String("/api/v1/"))
                         && !routeName.contains(QLatin1String("/channels")) && !routeName.contains(QLatin1String("/deadletters"));
    if (StatsEntry *stats = m_services->stats) {
        if (error) {
            ++stats->total.errors;
        } else if (message) {
            ++stats->total.in;
            stats->total.bytesIn += quint64(request.body().size());
        }
    }
    if (HttpClientConnection *client = m_clients.client(request.connectionKey())) {
        client->countRequest(message ? qMax<qint64>(1, request.body().size()) : 0, response.body().size(), error);
        if (who.authenticated && client->identity().name != who.name)
            client->setIdentity(who.identity());
    }
}

HttpGateway::HttpGateway(const HttpListenerConfig &listener, HttpServices *services)
    : m_listener(listener), m_services(services), m_clients(services->hub)
{
}

HttpResponse HttpGateway::toResponse(const ApiReply &reply)
{
    HttpResponse r(reply.status);
    if (!reply.body.isEmpty() || !reply.contentType.isEmpty())
        r.setBody(reply.body, reply.contentType);
    for (const auto &h : reply.headers)
        r.addHeader(h.first, h.second);
    if (reply.status == 401)
        r.setHeader("www-authenticate", "Bearer realm=\"switchboard\"");
    return r;
}

Result<Principal> HttpGateway::authenticate(const HttpRequest &request) const
{
    const QString peer = peerOf(request);
    QByteArray credential;
    const QByteArray authorization = request.header("authorization");
    if (!authorization.isNull()) {
        if (!authorization.toLower().startsWith("bearer "))
            return Error(ErrorCode::Unauthenticated,
                         QStringLiteral("the Authorization header must be \"Bearer <token, API key or JWT>\""));
        credential = authorization.mid(7).trimmed();
    } else {
        credential = request.header("x-api-key").trimmed();
    }
    // Browsers' EventSource and WebSocket cannot send headers: a stream may carry its token in the query.
    if (credential.isEmpty()
        && (request.path() == QLatin1String("/api/v1/stream") || request.path() == QLatin1String("/api/v1/ws")))
        credential = request.queryValue(QStringLiteral("access_token")).toUtf8();
    const Authenticator *auth = m_services->hub->authenticator();
    // Not even a null QSslCertificate on plain connections: constructing one initialises the TLS
    // backend's bookkeeping, per request.
    std::optional<QSslCertificate> certificate;
    if (request.isSecure() && auth && auth->acceptsCertificates())
        certificate = request.peerCertificate();
    if (credential.isEmpty() && (!certificate || certificate->isNull())) {
        if (m_services->hub->requireAuth())
            return Error(ErrorCode::Unauthenticated,
                         QStringLiteral("this hub requires authentication: send \"Authorization: Bearer <token>\" (a "
                                        "token, an API key or a JWT), \"X-API-Key: <key>\" or a client certificate"));
        return Principal::anonymous(QStringLiteral("http"), peer);
    }
    if (!auth)
        return Error(ErrorCode::Unauthenticated, QStringLiteral("credentials were sent, but this hub has no authentication "
                                                                "configured (auth section): none can be verified"));
    AuthRequest ar;
    ar.credential = credential;
    ar.peerAddress = peer;
    ar.protocol = QStringLiteral("http");
    if (certificate)
        ar.certificate = *certificate;
    const Result<Identity> id = auth->authenticate(ar);
    if (!id)
        return id.error();
    return Principal::fromIdentity(id.value(), QStringLiteral("http"), peer);
}

void HttpGateway::corsHeaders(const HttpRequest &request, HttpResponse &response) const
{
    const QByteArray origin = request.header("origin");
    if (!m_listener.cors.enabled() || !m_listener.cors.allows(origin))
        return;
    const bool any = m_listener.cors.origins.contains(QStringLiteral("*"));
    response.setHeader("access-control-allow-origin", any ? QByteArray("*") : origin);
    if (!any)
        response.addHeader("vary", "Origin");
    if (m_listener.cors.credentials)
        response.setHeader("access-control-allow-credentials", "true");
    response.setHeader("access-control-expose-headers", "Retry-After, Traceparent, Location, Idempotent-Replayed");
}

bool HttpGateway::preflight(const HttpRequest &request, HttpResponder &responder) const
{
    if (request.method() != "OPTIONS" || !m_listener.cors.enabled() || !request.hasHeader("access-control-request-method"))
        return false;
    const QByteArray origin = request.header("origin");
    if (!m_listener.cors.allows(origin)) {
        ApiReply refused = ApiJson::error(Error(ErrorCode::Forbidden,
                                                QStringLiteral("origin \"%1\" is not allowed on this listener (cors.origins)")
                                                    .arg(QString::fromLatin1(origin))));
        responder.respond(toResponse(refused));
        return true;
    }
    HttpResponse r(204);
    corsHeaders(request, r);
    r.setHeader("access-control-allow-methods", "GET, POST, PUT, DELETE, OPTIONS");
    r.setHeader("access-control-allow-headers",
                "Authorization, Content-Type, X-API-Key, Idempotency-Key, Traceparent");
    r.setHeader("access-control-max-age", QByteArray::number(m_listener.cors.maxAgeSeconds));
    responder.respond(r);
    return true;
}

bool HttpGateway::handleBuiltIn(const HttpRequest &request, const Principal &who, HttpResponder &responder)
{
    const QString &path = request.path();
    const bool get = request.method() == "GET" || request.method() == "HEAD";
    auto answer = [&](HttpResponse r) {
        corsHeaders(request, r);
        responder.respond(std::move(r));
    };
    if (path == QLatin1String("/health") && get) {
        const QVariantMap health = m_services->health ? m_services->health() : QVariantMap();
        const bool healthy = health.value(QStringLiteral("status")) == QLatin1String("healthy");
        answer(HttpResponse(healthy ? 200 : 503, QJsonDocument::fromVariant(health).toJson(QJsonDocument::Compact),
                            "application/json"));
        return true;
    }
    if (path == QLatin1String("/metrics") && get) {
        if (m_services->config.metricsRequireAuth && !who.authenticated) {
            answer(toResponse(ApiJson::error(Error(ErrorCode::Unauthenticated,
                                                   QStringLiteral("/metrics needs credentials here (metrics-require-auth)")))));
            return true;
        }
        answer(HttpResponse(200, m_services->metrics ? m_services->metrics() : QByteArray(),
                            "text/plain; version=0.0.4; charset=utf-8")); // PrometheusExporter::contentType()
        return true;
    }
    if (path == QLatin1String("/api/v1/openapi.json") && get) {
        const QList<OpenApiDocument::ExtraPath> extra{
            {"GET", QStringLiteral("/health"), QStringLiteral("Health of the hub's endpoints and listeners"), "application/json"},
            {"GET", QStringLiteral("/metrics"), QStringLiteral("Prometheus metrics (text format 0.0.4)"), "text/plain"},
            {"GET", QStringLiteral("/api/v1/openapi.json"), QStringLiteral("This document"), "application/json"},
            {"GET", QStringLiteral("/api/v1/stream"),
             QStringLiteral("Server-Sent Events: ?topic= (repeatable), channel, filter, event_types, access_token"),
             "text/event-stream"},
            {"GET", QStringLiteral("/api/v1/ws"),
             QStringLiteral("WebSocket (upgrade): the JSON envelope; ?topic= (repeatable), access_token"), "application/json"}};
        const QJsonObject doc = OpenApiDocument::build(m_services->api.router(), extra, QCoreApplication::applicationVersion());
        answer(HttpResponse(200, QJsonDocument(doc).toJson(QJsonDocument::Compact), "application/json"));
        return true;
    }
    return false;
}

// One request on its way through the gateway, shared by its answer paths: one allocation and one
// copy of the request (implicitly shared members) however many callbacks hold it.
struct HttpGateway::Exchange
{
    HttpRequest request;
    HttpResponder responder;
    QString routeName;
    QElapsedTimer timer;
    Principal who;
};

namespace {
// The request target for the access log: a token in the query (access_token, for browsers'
// EventSource, which cannot send headers) is never written.
QString loggedTarget(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    if (q < 0 || !target.contains("access_token="))
        return QString::fromUtf8(target);
    QList<QByteArray> items = target.mid(q + 1).split('&');
    for (QByteArray &item : items) {
        if (item.startsWith("access_token="))
            item = "access_token=(hidden)";
    }
    return QString::fromUtf8(target.left(q + 1) + items.join('&'));
}
} // namespace

// Every answer goes out through here: CORS, metrics, the access log. With \a takeOver the answer
// is the head of a stream that takes the connection over.
void HttpGateway::finish(Exchange &ex, HttpResponse r, HttpResponder::TakeOver takeOver)
{
    const HttpRequest &head = ex.request;
    corsHeaders(head, r);
    if (m_services->record)
        m_services->record(ex.routeName, head.method(), r.status(), ex.timer.nsecsElapsed() / 1000);
    count(head, ex.routeName, r, ex.who);
    qCInfo(lcHttpAccess).noquote() << head.method() << loggedTarget(head.rawTarget()) << r.status()
                                   << QStringLiteral("%1us").arg(ex.timer.nsecsElapsed() / 1000) << ex.who.stamp()
                                   << (r.header("traceparent").isEmpty() ? head.header("traceparent") : r.header("traceparent"));
    if (takeOver)
        ex.responder.takeOver(std::move(r), std::move(takeOver));
    else
        ex.responder.respond(std::move(r));
}

// GET /api/v1/ws with an upgrade: refused (401, 403, 400, 426, 429) before anything is accepted,
// or 101 after which the WebSocket connection owns the socket.
bool HttpGateway::openWebSocket(const std::shared_ptr<Exchange> &ex)
{
    const HttpRequest &request = ex->request;
    if (request.path() != QLatin1String("/api/v1/ws"))
        return false;
    ex->routeName = QStringLiteral("/api/v1/ws");
    Result<WsHub::Start> start = m_services->ws.open(request, ex->who, m_listener.cors.origins);
    if (!start) {
        HttpResponse refused = toResponse(ApiJson::error(start.error()));
        if (start.error().details.contains(QStringLiteral("version"))) {
            refused.setStatus(426); // Upgrade Required, with the version this server speaks
            refused.setHeader("sec-websocket-version", "13");
        }
        finish(*ex, std::move(refused));
        return true;
    }
    finish(*ex, std::move(start.value().head), std::move(start.value().takeOver));
    return true;
}

// GET /api/v1/stream (Server-Sent Events): refused with the REST API's error answers, or a 200
// head after which the stream owns the connection.
bool HttpGateway::openStream(const std::shared_ptr<Exchange> &ex)
{
    const HttpRequest &request = ex->request;
    if (request.path() != QLatin1String("/api/v1/stream"))
        return false;
    ex->routeName = QStringLiteral("/api/v1/stream");
    if (request.method() != "GET") {
        finish(*ex, toResponse(ApiJson::error(Error(ErrorCode::MethodNotAllowed,
                                                    QStringLiteral("/api/v1/stream is GET only"),
                                                    {{QStringLiteral("allow"), QStringLiteral("GET")}}))));
        return true;
    }
    Result<SseHub::Start> start = m_services->sse.open(request, ex->who);
    if (!start) {
        finish(*ex, toResponse(ApiJson::error(start.error())));
        return true;
    }
    finish(*ex, std::move(start.value().head), std::move(start.value().takeOver));
    return true;
}

void HttpGateway::handle(const HttpRequest &request, HttpResponder responder)
{
    QElapsedTimer timer;
    timer.start();
    if (preflight(request, responder))
        return;
    const ApiRouter::Match match = m_services->api.router().resolve(request.method(), request.rawPath());
    auto ex = std::make_shared<Exchange>(Exchange{
        request, std::move(responder), match.route ? match.route->pattern : QStringLiteral("(unmatched)"), timer, {}});
    Result<Principal> who = authenticate(request);
    if (!who) {
        ++m_services->unauthenticated;
        ex->who = Principal::anonymous(QStringLiteral("http"), peerOf(request));
        finish(*ex, toResponse(ApiJson::error(who.error())));
        return;
    }
    ex->who = std::move(who.value());
    if (handleBuiltIn(request, ex->who, ex->responder))
        return;
    const qint64 now = RateLimiter::monotonicMsecs();
    if (Status st = m_services->rates.admit(ex->who.authenticated ? ex->who.name : QString(), peerOf(request),
                                            ex->routeName, now);
        !st) {
        finish(*ex, toResponse(ApiJson::error(st.error())));
        return;
    }
    if (openStream(ex) || openWebSocket(ex))
        return;
    const ApiRequest rq = toApiRequest(request, ex->who);
    const QByteArray key = request.header("idempotency-key");
    if (request.method() == "POST" && !key.isNull() && m_services->idempotency.enabled()) {
        const QString scope = ex->who.name + QLatin1Char(' ') + QString::fromUtf8(rq.rawPath());
        ApiReply early;
        switch (m_services->idempotency.begin(scope, key, request.body(), now, &early)) {
        case IdempotencyCache::Outcome::Replay:
        case IdempotencyCache::Outcome::Refused:
            finish(*ex, toResponse(early));
            return;
        case IdempotencyCache::Outcome::Run:
            break;
        }
        IdempotencyCache *cache = &m_services->idempotency;
        m_services->api.handle(rq, match, [this, ex, cache, scope, key](ApiReply reply) {
            cache->finish(scope, key, reply, RateLimiter::monotonicMsecs());
            finish(*ex, toResponse(reply));
        });
        return;
    }
    m_services->api.handle(rq, match, [this, ex](ApiReply reply) { finish(*ex, toResponse(reply)); });
}

} // namespace sb::http
