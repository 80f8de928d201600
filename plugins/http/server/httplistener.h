// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpservercounters.h"
#include "httpserverlimits.h"

#include <switchboard/result.h>

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>

#include <memory>
#include <optional>

class QTcpServer;

namespace sb::http {

class HttpConnection;
class HttpHandler;

// One HTTP/1.1 listening address, plain TCP or TLS (QSslServer, optionally mutual TLS), with
// max-connections and max-connections-per-address (a refused connection is closed at once and
// counted). Each accepted socket becomes an HttpConnection that calls \a handler. Lives in one
// thread with its connections; \a handler must outlive it.
class HttpListener : public QObject
{
    Q_OBJECT
public:
    HttpListener(const HttpServerLimits &limits, HttpHandler *handler, QObject *parent = nullptr);
    ~HttpListener() override;

    // TLS for every connection, before listen(): sb::loadServerTls(), and for mutual TLS
    // sb::requireClientCertificates() on the same configuration (the verified client certificate
    // is then HttpRequest::peerCertificate()).
    void setTlsConfiguration(const QSslConfiguration &configuration);
    bool isTls() const { return m_tls.has_value(); }

    // PORT_IN_USE or INTERNAL when the address cannot be bound; port 0 picks a free one.
    Status listen(const QHostAddress &address, quint16 port = 0);
    // Stops listening and resets every open connection.
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;

    int connectionCount() const;
    const HttpServerCounters &counters() const { return *m_counters; }
    // Address, TLS, limits and counters, for an endpoint's health.
    QVariantMap health() const;

private:
    void acceptPending();
    bool admit(const QString &address) const;

    HttpServerLimits m_limits;
    HttpHandler *m_handler;
    std::optional<QSslConfiguration> m_tls;
    QTcpServer *m_server = nullptr;
    std::shared_ptr<HttpServerCounters> m_counters = std::make_shared<HttpServerCounters>();
    QHash<QString, int> m_perAddress; // open connections per peer IP address
};

} // namespace sb::http
