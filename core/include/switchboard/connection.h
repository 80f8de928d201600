// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>
#include <switchboard/deliverywindow.h>
#include <switchboard/principal.h>
#include <switchboard/ratelimiter.h>
#include <switchboard/recipients.h>
#include <switchboard/stats.h>
#include <switchboard/subscriber.h>

#include <QDateTime>

class QTimer;

namespace sb {

// One client of the hub over any protocol: id, protocol, peer, identity, counters, rate limit and
// (as a Subscriber) its bounded outbound queue. Protocol plugins subclass it; the hub lists them.
class SWITCHBOARD_EXPORT Connection : public Subscriber
{
    Q_OBJECT
public:
    Connection(const QString &id, const QString &protocol, const QString &peer, QObject *parent = nullptr);
    ~Connection() override;

    QString id() const { return subscriberId(); }
    QString protocol() const { return m_protocol; }
    QString peer() const { return m_peer; }
    QDateTime connectedAt() const { return m_connectedAt; }

    const Identity &identity() const { return m_identity; }
    // Sets who this connection speaks for (after authentication); the principal follows. A
    // credential that expires (identity.expiresAtMs, a JWT's exp) closes the connection with
    // UNAUTHENTICATED when it does.
    void setIdentity(const Identity &identity);
    // Who this connection speaks for: identity, roles, protocol (the plugin's name, e.g. "native"),
    // peer and connection id. Every bus call the connection makes carries it.
    const Principal &principal() const { return m_principal; }
    // What the client said about itself when it connected (?meta.room=general), for targeted
    // sends (Recipients) and for operators; the protocol checks it (Recipients::checkMetadata).
    const ConnectionMetadata &metadata() const { return m_metadata; }
    void setMetadata(const ConnectionMetadata &metadata) { m_metadata = metadata; }
    // What the hub stamps as the source of this connection's messages (principal().stamp()).
    const QString &sourceStamp() const { return m_source; }
    // The same in UTF-8, as the hub writes it into a message's wire bytes.
    const QByteArray &sourceStampUtf8() const { return m_sourceUtf8; }
    // When the bytes now being handled were read from the peer (ms since the epoch; 0: nothing
    // is being handled). A protocol sets it around a batch it read, so the bus stamps the
    // batch's messages with one clock reading instead of one per message.
    qint64 arrivalTime() const { return m_arrivalMs; }
    void setArrivalTime(qint64 msecsSinceEpoch) { m_arrivalMs = msecsSinceEpoch; }
    RateLimiter &rateLimiter() { return m_rateLimiter; }
    // This connection's counters and rates; the hub also adds them up per plugin.
    const StatCounters &counters() const { return m_stats.total; }
    StatsEntry &stats() { return m_stats; }
    void setPluginStats(StatsEntry *pluginStats) { m_pluginStats = pluginStats; }
    void countIn(quint64 bytes);
    void countOut(quint64 messages, quint64 bytes);
    // Counts an error this connection caused. Past its error cap (see setErrorCap) the connection
    // is closed with RATE_LIMITED on the next turn of the event loop, and errorCapReached() is true
    // from then on: protocols stop reading and answering it.
    void countError();
    // Errors per second this connection may cause, with a burst of two seconds' worth (0: no cap).
    // The hub sets limits.connection-errors when it registers the connection.
    void setErrorCap(double errorsPerSecond);
    bool errorCapReached() const { return m_errorCapReached; }
    void countDropped(quint64 messages);
    void countFiltered(quint64 messages);
    int subscriptionCount() const { return m_subscriptions; }
    void setSubscriptionCount(int n) { m_subscriptions = n; }
    // Requests this connection made that wait for their answer (bounded by the bus).
    int pendingRequestCount() const { return m_pendingRequests; }
    void setPendingRequestCount(int n) { m_pendingRequests = n; }
    // The deliveries this connection holds, for NACKs (see DeliveryWindow).
    DeliveryWindow &deliveries() { return m_deliveries; }

    // Close with a reason the peer is told where the protocol can say it.
    virtual void close(const Error &reason) = 0;
    QVariantMap toVariantMap() const;

Q_SIGNALS:
    void closed(const QString &id);
    // Emitted once, when the error cap is reached (the close follows on the next turn).
    void errorCapExceeded(const QString &id);

private:
    void armExpiry();

    QString m_protocol;
    QString m_peer;
    QDateTime m_connectedAt;
    Identity m_identity;
    Principal m_principal;
    ConnectionMetadata m_metadata;
    QString m_source;
    QByteArray m_sourceUtf8;
    qint64 m_arrivalMs = 0;
    DeliveryWindow m_deliveries;
    RateLimiter m_rateLimiter;
    RateLimiter m_errorLimiter;
    bool m_errorCapReached = false;
    QTimer *m_expiry = nullptr;
    StatsEntry m_stats;
    StatsEntry *m_pluginStats = nullptr;
    int m_subscriptions = 0;
    int m_pendingRequests = 0;
};

} // namespace sb
