// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHash>
#include <QHostAddress>

#include <functional>

namespace sb {
class Hub;
}

namespace sb::http {

class HttpClientConnection;

// One listener's keep-alive clients as hub connections: one HttpClientConnection per open socket
// (HttpListener::connectionOpened / connectionClosed), registered with the hub while it is open.
// In the hub's thread.
class HttpClientRegistry
{
public:
    using Closer = std::function<void(quint64 key)>;

    explicit HttpClientRegistry(Hub *hub);
    ~HttpClientRegistry();
    HttpClientRegistry(const HttpClientRegistry &) = delete;
    HttpClientRegistry &operator=(const HttpClientRegistry &) = delete;

    // How a hub-side close (DELETE /api/v1/connections/{id}, sbctl) reaches the socket.
    void setCloser(Closer closer) { m_closer = std::move(closer); }
    void opened(quint64 key, const QHostAddress &peer, quint16 port, bool secure);
    void closed(quint64 key);
    // The client a request came on; null once it has closed.
    HttpClientConnection *client(quint64 key) const { return m_clients.value(key); }
    int size() const { return int(m_clients.size()); }

private:
    Hub *m_hub;
    Closer m_closer;
    QHash<quint64, HttpClientConnection *> m_clients;
};

} // namespace sb::http
