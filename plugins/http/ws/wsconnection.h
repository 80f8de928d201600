// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "streamconnection.h"
#include "wsconfig.h"
#include "wsdeflate.h"
#include "wsframereader.h"

#include <switchboard/flatmap.h>

#include <QJsonObject>
#include <QTimer>

namespace sb::http {

// One WebSocket client after the upgrade: a hub connection (protocol "websocket") that speaks the
// JSON IPC envelope (docs/CONTRACTS.md section 14) in text frames — subscribe, unsubscribe, event,
// request, response — and takes the binary codec in binary frames. Lives in the bus thread with
// its socket; writes through core's bounded writer (StreamConnection); pings a silent client and
// closes one that does not answer; every protocol violation closes with RFC 6455's code.
class WsConnection : public StreamConnection
{
    Q_OBJECT
public:
    struct Timeouts {
        int defaultRequestMs = 5000;
        int maxRequestMs = 30000;
    };
    // \a deflate: the permessage-deflate parameters the handshake agreed, if it did.
    WsConnection(Hub *hub, const WsConfig &config, const Timeouts &timeouts, std::optional<WsDeflateParams> deflate,
                 const QString &id, const QString &protocol, const QString &peer, QObject *parent = nullptr);

    // A subscription made before the upgrade (?topic= on the URL), named by its pattern.
    Status subscribeAtUpgrade(const QString &pattern);
    // Closes with the close code that fits \a reason (1001 shutting down, 1008 policy, 1009,
    // 1011; an overflow resets the socket: the peer does not read).
    void close(const Error &reason) override;
    // Pings a client silent for ping-interval, closes one that did not answer in pong-timeout;
    // closes one that does not read. WsHub calls it for every connection every keepaliveTickMs().
    void keepalive();
    static int keepaliveTickMs(const WsConfig &config);

protected:
    void appendDelivery(const Message &message, quint32 tag) override;
    void attached(const QByteArray &readAhead) override;
    void readable() override;
    bool open() const override { return !m_closing && !isFinished(); }
    void overflowDisconnect() override;
    void subscriptionEnded(quint32 tag, const Error &reason) override;

private:
    void handle(const WsEvent &event);
    void handleText(const QByteArray &text);
    void handleBinary(const QByteArray &bytes);
    void handleSubscribe(const QJsonObject &envelope);
    void handleUnsubscribe(const QJsonObject &envelope);
    void handleAck(const QJsonObject &envelope);
    void handlePublish(Message message, const QString &answerId);
    void handleRequest(Message message, int timeoutMs);
    void handleReply(Message message);
    void respond(const QString &correlationId, const QJsonObject &data);
    void respondError(const QString &correlationId, const Error &error);
    void sendText(const QByteArray &json);
    // One text message into the writer's buffer, compressed when permessage-deflate is on.
    void appendText(QByteArrayView json);
    void closeWith(quint16 code, const QString &reason, ErrorCode cause);

    WsConfig m_config;
    Timeouts m_timeouts;
    WsFrameReader m_reader;
    std::unique_ptr<WsDeflate> m_deflate; // permessage-deflate agreed
    struct Named {
        QString name;          // the client's name for it (its subscribe messageId, or the ?topic= pattern)
        SubscriptionId id = 0; // the bus's
        QByteArray prefix;     // {"subscription":"<name>", : what each delivery starts with
    };
    static Named named(const QString &name, SubscriptionId id);
    // The tag of the subscription called \a name, or 0. A scan: the table is bounded by
    // limits.max-subscriptions-per-connection, and only subscribe and unsubscribe ask.
    quint32 tagOf(const QString &name) const;
    FlatMap<quint32, Named> m_subscriptions; // tag -> subscription; a delivery looks its tag up
    quint32 m_nextTag = 0;
    qint64 m_lastInputMs = 0;
    qint64 m_pingSentMs = 0;
    bool m_closing = false; // a close frame is out: nothing more is sent or read
};

} // namespace sb::http
