// SPDX-License-Identifier: Apache-2.0
#include "httpresponder.h"

#include "httpanswer.h"
#include "httpconnection.h"

namespace sb::http {

HttpResponder::HttpResponder(HttpConnection *connection, quint64 sequence, std::shared_ptr<HttpAnswerQueue> route)
    : m_connection(connection), m_route(std::move(route)), m_sequence(sequence), m_pending(true)
{
}

HttpResponder::HttpResponder(HttpResponder &&other) noexcept
    : m_connection(std::move(other.m_connection)), m_route(std::move(other.m_route)), m_sequence(other.m_sequence),
      m_pending(other.m_pending)
{
    other.m_connection.clear();
    other.m_pending = false;
}

HttpResponder &HttpResponder::operator=(HttpResponder &&other) noexcept
{
    if (this != &other) {
        // An unanswered ticket being replaced answers first, like a destroyed one.
        if (m_pending)
            respond(HttpResponse::jsonError(500, QStringLiteral("INTERNAL"), QStringLiteral("the request was not answered")));
        m_connection = std::move(other.m_connection);
        m_route = std::move(other.m_route);
        m_sequence = other.m_sequence;
        m_pending = other.m_pending;
        other.m_connection.clear();
        other.m_pending = false;
    }
    return *this;
}

HttpResponder::~HttpResponder()
{
    if (m_pending)
        respond(HttpResponse::jsonError(500, QStringLiteral("INTERNAL"), QStringLiteral("the request was not answered")));
}

void HttpResponder::respond(HttpResponse response)
{
    if (!m_pending)
        return;
    m_pending = false;
    deliver(std::move(response), {});
}

void HttpResponder::takeOver(HttpResponse head, TakeOver takeOver)
{
    if (!m_pending)
        return;
    m_pending = false;
    deliver(std::move(head), std::move(takeOver));
}

void HttpResponder::deliver(HttpResponse &&response, TakeOver &&takeOver)
{
    if (m_route) {
        // The connection's I/O thread looks at the pointer; a closed queue drops the answer.
        m_route->push(HttpAnswer{std::move(m_connection), m_sequence, std::move(response), std::move(takeOver)});
        m_route.reset();
    } else if (HttpConnection *c = m_connection.data()) {
        c->answer(m_sequence, std::move(response), std::move(takeOver));
    }
    m_connection.clear();
}

} // namespace sb::http
