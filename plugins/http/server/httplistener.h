// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpbatchqueue.h"
#include "httpservercounters.h"
#include "httpserverlimits.h"

#include <switchboard/result.h>

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>

#include <memory>
#include <optional>

class QTcpServer;
class QTcpSocket;

namespace sb::http {

class HttpHandler;
class HttpListenerState;
class HttpRequestRelay;
class HttpWorkerPool;

// One HTTP/1.1 listening address, plain TCP or TLS (optionally mutual TLS), with
// max-connections and max-connections-per-address, checked on accept before any TLS handshake
// (a refused connection is closed at once and counted). Each accepted descriptor becomes an
// HttpConnection (after its TLS handshake) that calls \a handler, always in the listener's
// thread. Without a worker pool the connections live in the listener's thread too; with one, each
// descriptor goes to the least busy I/O thread, where its socket, handshake and connection live,
// and requests reach \a handler (and answers the connection) through batched hand-overs.
// \a handler must outlive the listener; a pool must outlive it too.
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
    // I/O threads for the connections (and their TLS handshakes), before listen(); null: the
    // listener's thread.
    void setWorkerPool(HttpWorkerPool *pool);

    // PORT_IN_USE or INTERNAL when the address cannot be bound; port 0 picks a free one.
    Status listen(const QHostAddress &address, quint16 port = 0);
    // Stops listening and resets every open connection.
    void close();
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const;

    // Resets the connection with \a key (from connectionOpened), wherever it runs.
    void closeConnection(quint64 key);

    int connectionCount() const;
    const HttpServerCounters &counters() const;
    // Address, TLS, limits and counters, for an endpoint's health.
    QVariantMap health() const;

Q_SIGNALS:
    // In the listener's thread: an accepted connection (keys start at 1, never reused) and its
    // end (after the socket closed or was taken over; a little later with I/O threads).
    void connectionOpened(quint64 key, const QHostAddress &peer, quint16 port, bool secure);
    void connectionClosed(quint64 key);

private:
    void accept(qintptr descriptor);
    void abortConnections();

    HttpServerLimits m_limits;
    HttpHandler *m_handler;
    std::optional<QSslConfiguration> m_tls;
    HttpWorkerPool *m_pool = nullptr;
    HttpRequestRelay *m_relay = nullptr; // owned by m_state, with a pool
    QTcpServer *m_server = nullptr;
    std::shared_ptr<HttpListenerState> m_state;
    std::shared_ptr<HttpBatchQueue<quint64>> m_closedKeys;
    quint64 m_nextKey = 1;
};

} // namespace sb::http
