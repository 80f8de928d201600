// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sseconfig.h"

#include <switchboard/connection.h>
#include <switchboard/messagefilter.h>
#include <switchboard/outboundwriter.h>

#include <QPointer>
#include <QTimer>

#include <deque>

class QTcpSocket;

namespace sb {
class Hub;
}

namespace sb::http {

// One Server-Sent Events client: a hub connection (protocol "sse", listed with the others) and
// the subscriber of its topics. Lives in the bus thread, as does its socket once the HTTP
// connection hands it over (attach()). Deliveries go through the core's bounded writer: above
// high-water-bytes they wait in the subscriber queue (its overflow policy applies), past
// max-outbound-bytes the stream is closed with OVERFLOW. Deliveries made before the socket
// arrives wait in the queue too.
class SseStream : public Connection
{
    Q_OBJECT
public:
    SseStream(Hub *hub, const SseConfig &config, const QString &id, const QString &protocol, const QString &peer,
              QObject *parent = nullptr);
    ~SseStream() override;

    // Subscribes to each pattern on \a channel with \a filter, for this stream's principal. On a
    // refusal nothing stays subscribed and the first error is returned.
    Status subscribe(const QStringList &patterns, const QString &channel, const MessageFilter &filter);
    // Bytes written before anything else once the socket arrives: retry, the resumed events.
    void setPreamble(QByteArray bytes) { m_preamble = std::move(bytes); }
    // The socket, in the bus thread, once the 200 head is written; \a readAhead is ignored (a
    // client has nothing to say on an event stream).
    void attach(QTcpSocket *socket);
    bool isAttached() const { return !m_socket.isNull(); }
    // Ends the stream: an "sb.error" event with the reason when the peer can still read it.
    void close(const Error &reason) override;
    const OutboundWriter::Counters &outboundCounters() const { return m_writer.counters(); }

Q_SIGNALS:
    void finished(sb::http::SseStream *stream, sb::ErrorCode reason);

protected:
    void drain() override;
    void overflowDisconnect() override;
    bool deliverNow(const Message &message, quint32 tag) override;
    void subscriptionEnded(quint32 tag, const Error &reason) override;

private:
    void appendDelivery(const Message &message);
    void scheduleFlush();
    void flushNow();
    void heartbeat();
    void onReadyRead();
    void finish(ErrorCode reason, bool reset);

    Hub *m_hub;
    SseConfig m_config;
    QPointer<QTcpSocket> m_socket;
    OutboundWriter m_writer;
    QByteArray m_preamble;
    QTimer m_heartbeat;
    QTimer m_attachDeadline;
    QList<SubscriptionId> m_subscriptions;
    std::deque<Delivery> m_batch;
    qint64 m_readBytes = 0;
    bool m_wroteSinceBeat = false;
    bool m_flushScheduled = false;
    bool m_finished = false;
};

} // namespace sb::http
