// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/connection.h>

#include <functional>

namespace sb::http {

// An HTTP keep-alive client as the hub lists it (console Connections page, sbctl, GET
// /api/v1/connections): id, protocol "http" or "http+tls", peer, the identity of its last
// authenticated request, and its requests in its counters. It lives in the hub's thread for as
// long as its socket is open, wherever the socket itself runs (an I/O thread); it never
// subscribes (a stream taken over is a connection of its own protocol). close() resets the
// socket through \a closer.
class HttpClientConnection : public Connection
{
    Q_OBJECT
public:
    HttpClientConnection(const QString &id, const QString &protocol, const QString &peer,
                         std::function<void()> closer, QObject *parent = nullptr);

    void close(const Error &reason) override;
    // One answered request: \a messageBytes > 0 for one that carried a message in (publish, send,
    // request), \a error for an error answer.
    void countRequest(qint64 messageBytes, qint64 answerBytes, bool error);

protected:
    void drain() override {}

private:
    std::function<void()> m_closer;
};

} // namespace sb::http
