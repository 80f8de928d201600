// SPDX-License-Identifier: Apache-2.0
#include "httpresponder.h"

#include "httpconnection.h"

namespace sb::http {

HttpResponder::HttpResponder(HttpConnection *connection, quint64 sequence)
    : m_connection(connection), m_sequence(sequence), m_pending(true)
{
}

HttpResponder::HttpResponder(HttpResponder &&other) noexcept
    : m_connection(std::move(other.m_connection)), m_sequence(other.m_sequence), m_pending(other.m_pending)
{
    other.m_connection.clear();
    other.m_pending = false;
}

HttpResponder &HttpResponder::operator=(HttpResponder &&other) noexcept
{
    if (this != &other) {
        // An unanswered ticket being replaced answers first, like a destroyed one.
        if (m_pending && m_connection)
            respond(HttpResponse::jsonError(500, QStringLiteral("INTERNAL"), QStringLiteral("the request was not answered")));
        m_connection = std::move(other.m_connection);
        m_sequence = other.m_sequence;
        m_pending = other.m_pending;
        other.m_connection.clear();
        other.m_pending = false;
    }
    return *this;
}

HttpResponder::~HttpResponder()
{
    if (m_pending && m_connection)
        respond(HttpResponse::jsonError(500, QStringLiteral("INTERNAL"), QStringLiteral("the request was not answered")));
}

void HttpResponder::respond(HttpResponse response)
{
    if (!m_pending)
        return;
    m_pending = false;
    if (HttpConnection *c = m_connection.data())
        c->answer(m_sequence, std::move(response), {});
    m_connection.clear();
}

void HttpResponder::takeOver(HttpResponse head, TakeOver takeOver)
{
    if (!m_pending)
        return;
    m_pending = false;
    if (HttpConnection *c = m_connection.data())
        c->answer(m_sequence, std::move(head), std::move(takeOver));
    m_connection.clear();
}

} // namespace sb::http
