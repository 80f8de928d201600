// SPDX-License-Identifier: Apache-2.0
#include "wshub.h"

#include "httprequest.h"
#include "querymetadata.h"
#include "wshandshake.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/outboundwriter.h>

#include <QTcpSocket>

namespace sb::http {

WsHub::WsHub(Hub *hub, const WsConfig &config, const WsConnection::Timeouts &timeouts, QObject *parent)
    : QObject(parent), m_hub(hub), m_config(config), m_timeouts(timeouts)
{
    m_keepalive.setInterval(WsConnection::keepaliveTickMs(config));
    connect(&m_keepalive, &QTimer::timeout, this, [this] {
        const QList<WsConnection *> all = m_connections.values(); // keepalive() may close one
        for (WsConnection *c : all)
            c->keepalive();
    });
}

WsHub::~WsHub()
{
    closeAll(Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
}

Error WsHub::refuse(Error error)
{
    ++m_refused;
    return error;
}

Result<WsHub::Start> WsHub::open(const HttpRequest &request, const Principal &who, const QStringList &corsOrigins)
{
    if (!m_config.enabled)
        return refuse(Error(ErrorCode::NotFound, QStringLiteral("WebSocket is off on this hub (communication.http.ws.enabled)")));
    Result<QByteArray> accept = WsHandshake::accept(request);
    if (!accept)
        return refuse(accept.error());
    const QByteArray origin = request.header("origin");
    if (!origin.isNull()) {
        const QStringList &allowed = m_config.origins.isEmpty() ? corsOrigins : m_config.origins;
        if (!allowed.contains(QStringLiteral("*")) && !allowed.contains(QString::fromUtf8(origin)))
            return refuse(Error(ErrorCode::Forbidden,
                                QStringLiteral("origin \"%1\" may not open a WebSocket here (ws.origins, or the listener's "
                                               "cors.origins)")
                                    .arg(QString::fromUtf8(origin.left(256))),
                                {{QStringLiteral("origin"), QString::fromUtf8(origin.left(256))}}));
    }
    Result<ConnectionMetadata> metadata = metadataFromQuery(request, m_hub->bus()->limits().metadata);
    if (!metadata)
        return refuse(metadata.error());
    const QString address = HttpRequest::addressText(request.peerAddress());
    if (int(m_connections.size()) >= m_config.maxConnections)
        return refuse(Error(ErrorCode::LimitExceeded,
                            QStringLiteral("this hub has %1 WebSocket connections open, its limit (ws.max-connections)")
                                .arg(m_connections.size()),
                            {{QStringLiteral("limit"), m_config.maxConnections}, {QStringLiteral("retryAfterMs"), 1000}}));
    if (m_perAddress.value(address) >= m_config.maxConnectionsPerAddress)
        return refuse(Error(ErrorCode::LimitExceeded,
                            QStringLiteral("%1 has %2 WebSocket connections open, its limit (ws.max-connections-per-address)")
                                .arg(address)
                                .arg(m_config.maxConnectionsPerAddress),
                            {{QStringLiteral("limit"), m_config.maxConnectionsPerAddress}, {QStringLiteral("retryAfterMs"), 1000}}));

    const QString id = QStringLiteral("ws-%1").arg(++m_nextId);
    const std::optional<WsHandshake::DeflateAgreement> deflate =
        WsHandshake::negotiateDeflate(request.headerValues("sec-websocket-extensions"), m_config.deflate);
    auto *c = new WsConnection(m_hub, m_config, m_timeouts,
                               deflate ? std::optional<WsDeflateParams>(deflate->params) : std::nullopt, id,
                               request.isSecure() ? QStringLiteral("websocket+tls") : QStringLiteral("websocket"),
                               request.peerText().isNull() ? address : request.peerText(), this);
    c->setIdentity(who.identity());
    c->setMetadata(metadata.value());
    c->setFlusher(m_flusher);
    m_hub->registerConnection(c);
    for (const auto &[name, value] : request.queryItems()) {
        if (name != QLatin1String("topic"))
            continue;
        if (Status st = c->subscribeAtUpgrade(value); !st) {
            m_hub->unregisterConnection(c);
            delete c;
            return refuse(st.error());
        }
    }
    m_connections.insert(id, c);
    if (!m_keepalive.isActive())
        m_keepalive.start();
    ++m_perAddress[address];
    ++m_opened;
    connect(c, &StreamConnection::finished, this, [this, c, address](StreamConnection *, ErrorCode cause) {
        WsConnection *conn = c;
        if (--m_perAddress[address] <= 0)
            m_perAddress.remove(address);
        if (cause == ErrorCode::Overflow)
            ++m_overflowClosed;
        else if (cause == ErrorCode::BadFrame || cause == ErrorCode::TooLarge)
            ++m_protocolErrors;
        m_connections.remove(conn->id());
        if (m_connections.isEmpty())
            m_keepalive.stop(); // an idle hub does not wake up for nobody
        m_hub->unregisterConnection(conn);
        conn->deleteLater();
    });

    Start start;
    start.head = HttpResponse(101);
    start.head.setHeader("upgrade", "websocket");
    start.head.setHeader("sec-websocket-accept", accept.value());
    start.head.setHeader("x-switchboard-connection", id.toLatin1()); // for targeted sends (x-sb-to: connection=...)
    if (deflate)
        start.head.setHeader("sec-websocket-extensions", deflate->responseHeader);
    start.takeOver = takeOverInto(this, [this, id](QTcpSocket *socket, const QByteArray &readAhead) {
        attach(id, socket, readAhead);
    });
    return start;
}

void WsHub::attach(const QString &id, QTcpSocket *socket, const QByteArray &readAhead)
{
    WsConnection *c = m_connections.value(id);
    if (!c) {
        OutboundWriter::reset(socket);
        socket->deleteLater();
        return;
    }
    c->attach(socket, readAhead);
}

void WsHub::closeAll(const Error &reason)
{
    const QList<WsConnection *> all = m_connections.values();
    for (WsConnection *c : all)
        c->close(reason);
}

QVariantMap WsHub::health() const
{
    return {{QStringLiteral("connections"), int(m_connections.size())},
            {QStringLiteral("opened"), m_opened},
            {QStringLiteral("refused"), m_refused},
            {QStringLiteral("overflowClosed"), m_overflowClosed},
            {QStringLiteral("protocolErrors"), m_protocolErrors}};
}

} // namespace sb::http
