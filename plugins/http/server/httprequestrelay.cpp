// SPDX-License-Identifier: Apache-2.0
#include "httprequestrelay.h"

namespace sb::http {

HttpRequestRelay::HttpRequestRelay(QObject *consumer, HttpHandler *target)
    : m_queue(std::make_shared<HttpBatchQueue<Pending>>(consumer, [target](std::vector<Pending> &batch) {
          for (Pending &p : batch)
              target->handle(p.request, std::move(p.responder));
      }))
{
}

HttpRequestRelay::~HttpRequestRelay()
{
    m_queue->close();
}

void HttpRequestRelay::handle(const HttpRequest &request, HttpResponder responder)
{
    Pending pending{request, std::move(responder)};
    if (!m_queue->push(std::move(pending)))
        pending.responder.respond(HttpResponse::jsonError(503, QStringLiteral("NOT_CONNECTED"),
                                                          QStringLiteral("the HTTP listener is closing")));
}

void HttpRequestRelay::close()
{
    m_queue->close();
}

} // namespace sb::http
