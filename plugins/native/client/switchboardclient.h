// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/binarycodec.h>
#include <switchboard/message.h>
#include <switchboard/result.h>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

#if defined(SWITCHBOARD_BUILD_CLIENT)
#define SWITCHBOARD_CLIENT_EXPORT Q_DECL_EXPORT
#else
#define SWITCHBOARD_CLIENT_EXPORT Q_DECL_IMPORT
#endif

class QIODevice;

class QLocalSocket;

namespace sb {

// Client of the hub's native protocol over TCP, TLS or a local socket. Lives in one thread; every
// handler runs in that thread. Reconnects with exponential backoff, resubscribes, and buffers
// publishes (bounded) while reconnecting.
class SWITCHBOARD_CLIENT_EXPORT SwitchboardClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    struct Options
    {
        QString name;                   // shown in the hub's connection list
        QString user;
        QString token;                  // sent only in CONNECT
        bool autoReconnect = true;
        int reconnectInitialMs = 100;
        int reconnectMaxMs = 5000;
        int maxOfflineMessages = 10000; // publishes held while reconnecting
        int pingIntervalMs = 20000;
        qint64 maxFrameSize = 16 * 1024 * 1024;
        QString tlsCaFile;              // PEM file of extra trusted CAs (e.g. a self-signed hub)
        QString tlsCertFile;            // mutual TLS: this client's certificate (PEM) ...
        QString tlsKeyFile;             // ... and its private key (PEM, RSA or EC)
        qint64 maxPendingBytes = 64 * 1024 * 1024; // unsent bytes before publish() says QUEUE_FULL
        // Local sockets: the kernel send buffer (SO_SNDBUF) asked for; 0 keeps the kernel's
        // 208 KiB. The kernel caps it at net.core.wmem_max. As the hub's native.local-send-buffer.
        qint64 localSendBuffer = 4 * 1024 * 1024;
        // This client may nack() deliveries (CONNECT "nack"): the hub keeps a window of what it
        // delivered to check and retry them. Off, the hub keeps none (cheaper per delivery) and
        // refuses NACKs with NOT_FOUND.
        bool nack = true;
        // What this client says about itself (CONNECT "metadata"), for senders that address
        // connections by it (the header x-sb-to: meta.<name>=<value>).
        QMap<QString, QString> metadata;
    };
    struct SubscribeOptions
    {
        QString pattern{};
        QString channel{};
        QString queueGroup{};
        QString filter{};         // a filter expression (docs/CONTRACTS.md, "Subscription filters")
        QStringList eventTypes{}; // only these event types (the envelope's action)
        // A durable subscription (a persistent channel or topic; native protocol 2): the hub keeps
        // its position, and delivers again what was not acknowledged. Subscriptions with the same
        // name share the messages.
        QString durable{};
        bool fromStart = false; // a new durable starts at the oldest stored message
        bool autoAck = true;    // acknowledge each delivery once the handler returned; false: acknowledge()
    };
    using MessageHandler = std::function<void(const Message &)>;
    using ReplyHandler = std::function<void(const Result<Message> &)>;
    using AckHandler = std::function<void(const Status &)>;

    explicit SwitchboardClient(QObject *parent = nullptr);
    ~SwitchboardClient() override;

    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }

    // \a address: "tcp://host:port", "tls://host:port" or "local:name-or-path".
    Status connectToHub(const QString &address);
    void disconnectFromHub();
    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    QString connectionId() const { return m_connectionId; }
    // Who the hub says this client is (CONNECTED's "identity"): "anonymous", a token's or API
    // key's name, a JWT's subject, a client certificate's name.
    QString identity() const { return m_identity; }
    Error lastError() const { return m_lastError; }

    // Fire-and-forget; with \a onAck the hub confirms (or refuses with a code) each message.
    Status publish(const Message &message, AckHandler onAck = {});
    Status publish(const QString &topic, const QByteArray &payload, AckHandler onAck = {});

    // Returns the subscription id; subscribed() or subscribeFailed() follows.
    quint32 subscribe(const SubscribeOptions &options, MessageHandler handler);
    quint32 subscribe(const QString &pattern, MessageHandler handler);
    void unsubscribe(quint32 sid);
    // A durable subscription's delivery is done (its "x-sb-seq" header says which); with autoAck
    // the client does this itself after the handler.
    void acknowledge(quint32 sid, const Message &message);
    // Tell the hub this subscriber failed \a message; the hub retries with backoff, then dead-letters.
    void nack(quint32 sid, const Message &message);

    Status request(const Message &request, int timeoutMs, ReplyHandler handler);
    // Answers \a request (correlation id, type response) with \a response.
    Status reply(const Message &request, Message response);

    qint64 bytesToWrite() const;
    int pendingRequests() const { return int(m_requests.size()); }
    // Writes what is buffered now instead of at the next event-loop turn, for latency-critical
    // senders; throughput senders do better letting the writes coalesce.
    void flush();

Q_SIGNALS:
    void stateChanged(sb::SwitchboardClient::State state);
    void connected();
    void disconnected();
    void subscribed(quint32 sid);
    void subscribeFailed(quint32 sid, const sb::Error &error);
    // The hub ended subscription \a sid on its own (the ACL or the channel's rules no longer allow
    // it, or its channel was deleted); it is gone from this client too.
    void subscriptionEnded(quint32 sid, const sb::Error &reason);
    void messageReceived(quint32 sid, const sb::Message &message);
    void errorOccurred(const sb::Error &error);

protected:
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    struct Private;
    struct Sub
    {
        SubscribeOptions options;
        MessageHandler handler;
    };
    struct PendingRequest
    {
        ReplyHandler handler;
        QTimer *guard = nullptr;
    };

    void setState(State s);
    void openSocket();
    void adoptLocalSocket(QLocalSocket *local);
    void noteSocketGone(const QString &why);
    void onSocketConnected();
    void onSocketDisconnected();
    void onReadyRead();
    void handleFrame(quint8 type, QByteArrayView body);
    void sendSubscribe(quint32 sid, const Sub &sub);
    void scheduleFlush();
    void failPending(const Error &error);
    void scheduleReconnect();
    quint32 nextSeq();

    Options m_options;
    std::unique_ptr<Private> d;
    State m_state = State::Disconnected;
    QString m_connectionId;
    Error m_lastError;
    bool m_hubEnded = false; // a fatal ERROR came: the hub closes this connection
    QString m_identity;
    QByteArray m_out;
    BinaryCodec::StringCache m_strings; // deliveries mostly repeat their topic and source
    Message m_scratch;                  // deliveries decode into it (see handleFrame)
    QByteArray m_offline;
    int m_offlineCount = 0;
    bool m_flushScheduled = false;
    std::atomic<bool> m_receivedConnected{false}; // messageReceived has a receiver (per-message check)
    std::atomic<bool> m_receivedRecheck{false};   // a receiver went away: look again at the next message
    bool m_userDisconnect = false;
    int m_reconnectAttempt = 0;
    quint32 m_seq = 0;
    qint64 m_serverMaxFrame = BinaryCodec::DefaultMaxFrameSize; // until CONNECTED says otherwise
    quint32 m_nextSid = 1;
    QHash<quint32, Sub> m_subs;
    QHash<quint32, quint32> m_subscribeSeqs; // seq -> sid
    QHash<quint32, AckHandler> m_acks;
    QHash<quint32, PendingRequest> m_requests;
    QTimer m_reconnectTimer;
    QTimer m_pingTimer;
};

} // namespace sb
