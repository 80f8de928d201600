// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol/nativeprotocol.h"

#include <switchboard/connection.h>
#include <switchboard/flatmap.h>
#include <switchboard/outboundwriter.h>

#include <QIODevice>
#include <QPointer>
#include <QSslCertificate>

#include <memory>

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcNative)

namespace sb {
class Hub;
}

namespace sb::native {

class FlushScheduler;

struct NativeSettings
{
    qint64 maxFrameSize = BinaryCodec::DefaultMaxFrameSize;
    int handshakeTimeoutMs = 5000;
    int idleTimeoutMs = 60000;        // a ping after this long without traffic, closed after twice
    OutboundWriter::Limits outbound;  // high-water mark, and the unsent bytes at which a peer overflows
    qint64 preAuthBytes = 16 * 1024;  // read before CONNECT at most; then the socket is closed
    DeliveryWindow::Limits nackWindow;
    QueueLimits queue;
    double rateLimit = 0;             // publishes per second, 0: unlimited
    double rateBurst = 0;
};

// One native-protocol client, on a TCP (optionally TLS) or local socket. Lives in the bus thread.
// Reads parse every complete frame in the buffer; writes are coalesced into one outbound buffer
// flushed once per event-loop turn; deliveries leave the bounded queue only while the socket's
// own buffer is below the high-water mark.
class NativeConnection : public sb::Connection
{
    Q_OBJECT
public:
    NativeConnection(Hub *hub, QIODevice *socket, const QString &protocol, const QString &peer,
                     const NativeSettings &settings, std::shared_ptr<FlushScheduler> flusher,
                     QObject *parent = nullptr);
    ~NativeConnection() override;

    void close(const sb::Error &reason) override;
    // The TCP peer's IP address (throttling of failed authentications); empty on a local socket.
    QString peerAddress() const;
    // The client certificate a mutual-TLS handshake verified; null otherwise.
    QSslCertificate peerCertificate() const;
    // Graceful: stop reading, flush what is queued, then close.
    void drainAndClose(int timeoutMs);
    // Called about once a second by the endpoint: handshake and idle timeouts.
    void checkTimeouts(qint64 nowMsecs);
    bool isHandshakeDone() const { return m_handshakeDone; }
    const OutboundWriter::Counters &outboundCounters() const { return m_writer.counters(); }
    // Writes the outbound buffer now (FlushScheduler calls this for every scheduled connection).
    void flush();
    // The hub ended subscription \a tag (the client's sid): an ERROR with seq 0 and
    // details {sid, ended: true} tells the client, and the sid is free again.
    void subscriptionEnded(quint32 tag, const sb::Error &reason) override;

protected:
    void drain() override;
    void overflowDisconnect() override;
    bool deliverNow(const Message &message, quint32 tag) override;

private:
    void onReadyRead();
    void onDisconnected();
    void handleFrame(const Frame &frame);
    void handleConnect(quint32 seq, QByteArrayView body);
    void handlePublish(QByteArrayView body);
    void handleSubscribe(quint32 seq, QByteArrayView body);
    void handleUnsubscribe(quint32 seq, QByteArrayView body);
    void handleRequest(QByteArrayView body);
    void handleReply(QByteArrayView body);
    void handleNack(QByteArrayView body);
    void handleAckDelivery(QByteArrayView body);
    void sendError(quint32 seq, const sb::Error &error, bool fatal = false);
    void sendAck(quint32 seq, const QJsonObject &extra = {});
    void sendPublishAck(quint32 seq, int deliveries);
    void controlQueued(qsizetype before);
    void account();
    void scheduleFlush();
    void scheduleDrainOrFinish();
    void abortSocket();
    qint64 unsentBytes() const; // in Qt's write buffer and the kernel's send queue

    Hub *m_hub;
    std::shared_ptr<FlushScheduler> m_flusher;
    QPointer<QIODevice> m_socket;
    NativeSettings m_settings;
    FrameReader m_reader;
    // Unbuffered reads: how much room to offer the next read. Starts small, so an idle connection's
    // reader stays small, and doubles while reads fill it, up to the read chunk.
    qint64 m_readSize = 4096;
    BinaryCodec::StringCache m_strings;
    OutboundWriter m_writer;
    qint64 m_readBeforeConnect = 0;
    qint64 m_accounted = 0; // reported to the hub's memory budget
    DeliveryQueue m_batch;
    FlatMap<quint32, SubscriptionId> m_subscriptions; // client sid -> bus subscription
    qint64 m_lastActivity;
    qint64 m_connectedAtMono;
    bool m_handshakeDone = false;
    int m_protocol = 1; // negotiated at CONNECT
    bool m_pingSent = false;
    bool m_flushScheduled = false;
    bool m_readPosted = false;
    bool m_closing = false;
    bool m_draining = false;
    bool m_gone = false;
    bool m_directSocket = false; // a DirectSocket (local connections): no Qt ring buffer
};

} // namespace sb::native
