// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "directlocalserver.h"
#include "flushscheduler.h"
#include "nativeconnection.h"

#include <switchboard/endpoint.h>

#include <QSslConfiguration>
#include <QTimer>

class QTcpServer;

namespace sb::native {

struct NativeEndpointConfig
{
    QString tcpHost;        // empty: no TCP listener
    quint16 tcpPort = 0;
    QString localName;      // empty: no local socket
    QString tlsCert, tlsKey; // both set: TCP is TLS-only
    QString tlsClientCa;     // set: mutual TLS, clients need a certificate from this CA
    NativeSettings settings;
    int maxConnections = 512;        // per endpoint (TCP and local together)
    int maxConnectionsPerPeer = 128; // per peer IP address (TCP)
    qint64 localSendBuffer = 4 * 1024 * 1024; // SO_SNDBUF of local connections; 0: the kernel's default

    // Keys: tcp ("host:port"), local (name or path), tls {cert, key}, max-frame-size (size),
    // handshake-timeout-ms, idle-timeout-ms (durations), high-water-bytes (size), queue {...},
    // rate-limit ("100/second" or {messages-per-second, burst}), max-connections,
    // max-connections-per-peer, max-outbound-bytes (size), pre-auth-bytes (size), nack-window
    // {max-messages, max-bytes (size)}, local-send-buffer (size). Units: switchboard/configvalue.h.
    static Result<NativeEndpointConfig> fromVariantMap(const QVariantMap &map);
};

// Listens on TCP (optionally TLS) and/or a local socket and turns each client into a NativeConnection.
class NativeEndpoint : public sb::Endpoint
{
    Q_OBJECT
public:
    NativeEndpoint(const NativeEndpointConfig &config, Hub *hub, QObject *parent = nullptr);
    ~NativeEndpoint() override;

    Status start() override;
    void stop(int drainMs = 0) override;
    QVariantMap health() const override;

    // A connection was closed for \a code (its counters in health).
    void countClosed(ErrorCode code, bool beforeConnect);

    QString tcpAddress() const;    // "127.0.0.1:7400" once listening
    QString localAddress() const;  // the socket's full path once listening

private:
    bool admit(QIODevice *socket, const QString &address);
    void acceptTcp();
    void acceptLocal();
    void sweep();
    QList<NativeConnection *> liveConnections() const;

    NativeEndpointConfig m_config;
    Hub *m_hub;
    QTcpServer *m_tcp = nullptr;
    DirectLocalServer *m_local = nullptr;
    QTimer m_sweep;
    QHash<QString, int> m_perPeer; // live TCP connections per peer address
    quint64 m_refused = 0;
    qint64 m_lastRefusalLog = -1000;
    quint64 m_overflowClosed = 0; // connections closed with OVERFLOW (outbound bound)
    quint64 m_preAuthClosed = 0;  // connections closed before a successful CONNECT
    std::shared_ptr<FlushScheduler> m_flusher = std::make_shared<FlushScheduler>();
};

} // namespace sb::native
