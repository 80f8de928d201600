// SPDX-License-Identifier: Apache-2.0
#include "httpclientconnection.h"

namespace sb::http {

HttpClientConnection::HttpClientConnection(const QString &id, const QString &protocol, const QString &peer,
                                           std::function<void()> closer, QObject *parent)
    : Connection(id, protocol, peer, parent), m_closer(std::move(closer))
{
}

void HttpClientConnection::close(const Error &reason)
{
    Q_UNUSED(reason) // HTTP has no way to tell a client between requests: the socket is reset
    if (m_closer)
        m_closer();
}

void HttpClientConnection::countRequest(qint64 messageBytes, qint64 answerBytes, bool error)
{
    StatCounters &c = stats().total;
    if (error) {
        ++c.errors;
    } else if (messageBytes > 0) {
        ++c.in;
        c.bytesIn += quint64(messageBytes);
    }
    c.bytesOut += quint64(answerBytes);
}

} // namespace sb::http
