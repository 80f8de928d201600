// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "streamflusher.h"
#include "wsconfig.h"
#include "wsconnection.h"

#include "httpresponder.h"

#include <switchboard/principal.h>
#include <switchboard/result.h>

#include <QHash>
#include <QObject>
#include <QTimer>

namespace sb {
class Hub;
}

namespace sb::http {

class HttpRequest;

// The WebSocket side of one HTTP endpoint (GET /api/v1/ws), in the bus thread: authorises an
// upgrade before it is accepted — the handshake, the Origin allow-list, the limits, and the
// subscriptions named on the URL (?topic=, the ACL's subscribe) — answers 101 and takes the
// connection over; counts what happens to connections.
class WsHub : public QObject
{
    Q_OBJECT
public:
    WsHub(Hub *hub, const WsConfig &config, const WsConnection::Timeouts &timeouts, QObject *parent = nullptr);
    ~WsHub() override;

    struct Start {
        HttpResponse head;
        HttpResponder::TakeOver takeOver;
    };
    // \a corsOrigins: the listener's, the allow-list when ws.origins is empty. Refusals carry the
    // REST API's codes (a wrong version: details.version, for 426).
    Result<Start> open(const HttpRequest &request, const Principal &who, const QStringList &corsOrigins);
    void closeAll(const Error &reason);
    int connectionCount() const { return int(m_connections.size()); }
    // {connections, opened, refused, overflowClosed, protocolErrors}
    QVariantMap health() const;

private:
    void attach(const QString &id, QTcpSocket *socket, const QByteArray &readAhead);
    Error refuse(Error error);

    Hub *m_hub;
    WsConfig m_config;
    WsConnection::Timeouts m_timeouts;
    QHash<QString, WsConnection *> m_connections;
    QHash<QString, int> m_perAddress;
    quint64 m_nextId = 0;
    StreamFlusher *m_flusher = new StreamFlusher(this); // the streams' writes, coalesced
    // One keepalive tick for every connection (a timer each cost the event loop a wake-up and a
    // timer-list insertion per connection and tick: thousands per second at 10,000 clients).
    QTimer m_keepalive;
    quint64 m_opened = 0, m_refused = 0, m_overflowClosed = 0, m_protocolErrors = 0;
};

} // namespace sb::http
