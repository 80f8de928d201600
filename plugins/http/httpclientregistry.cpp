// SPDX-License-Identifier: Apache-2.0
#include "httpclientregistry.h"

#include "httpclientconnection.h"

#include <switchboard/hub.h>

namespace sb::http {

HttpClientRegistry::HttpClientRegistry(Hub *hub) : m_hub(hub) {}

HttpClientRegistry::~HttpClientRegistry()
{
    for (HttpClientConnection *c : std::as_const(m_clients)) {
        m_hub->unregisterConnection(c);
        delete c;
    }
}

void HttpClientRegistry::opened(quint64 key, const QHostAddress &peer, quint16 port, bool secure)
{
    const QString protocol = secure ? QStringLiteral("http+tls") : QStringLiteral("http");
    const QString address = peer.protocol() == QAbstractSocket::IPv6Protocol
                                ? QStringLiteral("[%1]:%2").arg(peer.toString()).arg(port)
                                : QStringLiteral("%1:%2").arg(peer.toString()).arg(port);
    Closer closer = m_closer;
    auto *c = new HttpClientConnection(m_hub->nextConnectionId(QStringLiteral("http")), protocol, address,
                                       [closer, key] { if (closer) closer(key); });
    m_clients.insert(key, c);
    m_hub->registerConnection(c);
}

void HttpClientRegistry::closed(quint64 key)
{
    HttpClientConnection *c = m_clients.take(key);
    if (!c)
        return;
    m_hub->unregisterConnection(c);
    Q_EMIT c->closed(c->id());
    c->deleteLater(); // a close() from the hub may be on the stack
}

} // namespace sb::http
