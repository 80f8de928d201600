// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpclientregistry.h"
#include "httphandler.h"
#include "httpservices.h"

namespace sb::http {

// One listener's front door: CORS, authentication (Authorization: Bearer, X-API-Key, the TLS
// client certificate) through core's authenticator into a request-scoped principal, rate limits,
// Idempotency-Key, then /health, /metrics, /api/v1/openapi.json or the REST API. Turns the API's
// answers into HTTP responses. Lives in the hub's thread with its listener.
class HttpGateway : public HttpHandler
{
public:
    HttpGateway(const HttpListenerConfig &listener, HttpServices *services);

    void handle(const HttpRequest &request, HttpResponder responder) override;
    // The listener's keep-alive clients as hub connections (the endpoint wires the listener in).
    HttpClientRegistry &clients() { return m_clients; }

private:
    // The caller's principal, or the error answer (401, or 429 while its address is throttled).
    Result<Principal> authenticate(const HttpRequest &request) const;
    struct Exchange;
    void finish(Exchange &exchange, HttpResponse response, HttpResponder::TakeOver takeOver = {});
    bool openStream(const std::shared_ptr<Exchange> &exchange);
    bool openWebSocket(const std::shared_ptr<Exchange> &exchange);
    bool handleBuiltIn(const HttpRequest &request, const Principal &who, HttpResponder &responder);
    void count(const HttpRequest &request, const QString &routeName, const HttpResponse &response, const Principal &who);
    void corsHeaders(const HttpRequest &request, HttpResponse &response) const;
    bool preflight(const HttpRequest &request, HttpResponder &responder) const;
    static HttpResponse toResponse(const ApiReply &reply);

    HttpListenerConfig m_listener;
    HttpServices *m_services;
    HttpClientRegistry m_clients;
};

} // namespace sb::http
