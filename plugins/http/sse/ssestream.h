// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sseconfig.h"
#include "streamconnection.h"

#include <switchboard/messagefilter.h>

#include <QTimer>

namespace sb::http {

// One Server-Sent Events client: a hub connection (protocol "sse", listed with the others) and
// the subscriber of its topics, in the bus thread with its socket once the HTTP connection hands
// it over. Deliveries go through the core's bounded writer (StreamConnection): above
// high-water-bytes they wait in the subscriber queue (its overflow policy applies), past
// max-outbound-bytes the stream is reset (OVERFLOW). A heartbeat comment keeps an idle stream
// alive; deliveries made before the socket arrives wait in the queue.
class SseStream : public StreamConnection
{
    Q_OBJECT
public:
    SseStream(Hub *hub, const SseConfig &config, const QString &id, const QString &protocol, const QString &peer,
              QObject *parent = nullptr);

    // Subscribes to each pattern on \a channel with \a filter, for this stream's principal. On a
    // refusal nothing stays subscribed and the first error is returned.
    Status subscribe(const QStringList &patterns, const QString &channel, const MessageFilter &filter);
    // Bytes written before anything else once the socket arrives: retry, the resumed events.
    void setPreamble(QByteArray bytes) { m_preamble = std::move(bytes); }
    // Ends the stream: an "sb.error" event with the reason when the peer can still read it.
    void close(const Error &reason) override;

protected:
    void appendDelivery(const Message &message, quint32 tag) override;
    void attached(const QByteArray &readAhead) override;
    void readable() override;
    void overflowDisconnect() override;
    void stalled(qint64 unsent, qint64 forMs) override;
    void subscriptionEnded(quint32 tag, const Error &reason) override;

public:
    // A comment line when nothing else was written since the last call; SseHub calls it for every
    // stream every heartbeat interval.
    void heartbeat();

private:

    SseConfig m_config;
    QByteArray m_preamble;
    QList<SubscriptionId> m_subscriptions;
    qint64 m_readBytes = 0;
    bool m_wroteSinceBeat = false;
};

} // namespace sb::http
