// SPDX-License-Identifier: Apache-2.0
#include <switchboard/connection.h>

#include <QTimer>

namespace sb {

Connection::Connection(const QString &id, const QString &protocol, const QString &peer, QObject *parent)
    : Subscriber(id, parent), m_protocol(protocol), m_peer(peer), m_connectedAt(QDateTime::currentDateTimeUtc())
{
    m_identity.name = QStringLiteral("anonymous");
    setIdentity(m_identity);
}

void Connection::setIdentity(const Identity &identity)
{
    m_identity = identity;
    // "native+tcp" is the native protocol over TCP: the principal names the protocol alone.
    const QString base = m_protocol.section(QLatin1Char('+'), 0, 0);
    m_principal = Principal::fromIdentity(identity, base, m_peer, id());
    m_source = m_principal.stamp();
    m_sourceUtf8 = m_source.toUtf8();
    armExpiry();
}

void Connection::armExpiry()
{
    if (m_identity.expiresAtMs <= 0) {
        if (m_expiry)
            m_expiry->stop();
        return;
    }
    if (!m_expiry) {
        m_expiry = new QTimer(this);
        m_expiry->setSingleShot(true);
        connect(m_expiry, &QTimer::timeout, this, [this] {
            if (QDateTime::currentMSecsSinceEpoch() < m_identity.expiresAtMs) {
                armExpiry(); // a wait longer than a timer can hold, in steps
                return;
            }
            close(Error(ErrorCode::Unauthenticated,
                        QStringLiteral("the credential of \"%1\" (%2) expired; reconnect with a fresh one")
                            .arg(m_identity.name, m_identity.provider)));
        });
    }
    const qint64 left = m_identity.expiresAtMs - QDateTime::currentMSecsSinceEpoch();
    m_expiry->start(int(qBound<qint64>(0, left, 24LL * 3600 * 1000)));
}

Connection::~Connection() = default;

void Connection::countIn(quint64 bytes)
{
    for (StatsEntry *e : {&m_stats, m_pluginStats}) {
        if (e) {
            ++e->total.in;
            e->total.bytesIn += bytes;
        }
    }
}

void Connection::countOut(quint64 messages, quint64 bytes)
{
    for (StatsEntry *e : {&m_stats, m_pluginStats}) {
        if (e) {
            e->total.out += messages;
            e->total.bytesOut += bytes;
        }
    }
}

void Connection::countError()
{
    for (StatsEntry *e : {&m_stats, m_pluginStats}) {
        if (e)
            ++e->total.errors;
    }
    if (m_errorCapReached || m_errorLimiter.isUnlimited() || m_errorLimiter.tryAcquire())
        return;
    m_errorCapReached = true;
    Q_EMIT errorCapExceeded(id());
    // Queued: the error may be counted deep inside the bus (a refused publish), where closing the
    // connection would remove subscriptions under the caller's feet.
    const double cap = m_errorLimiter.rate();
    QMetaObject::invokeMethod(
        this,
        [this, cap] {
            close(Error(ErrorCode::RateLimited,
                        QStringLiteral("more than %1 errors a second from this connection (limits.connection-errors): "
                                       "closed; fix the client's requests before reconnecting")
                            .arg(cap),
                        {{QStringLiteral("limit"), QStringLiteral("connection-errors")}}));
        },
        Qt::QueuedConnection);
}

void Connection::setErrorCap(double errorsPerSecond)
{
    m_errorLimiter.configure(errorsPerSecond, errorsPerSecond > 0 ? qMax(2.0 * errorsPerSecond, 1.0) : 0.0);
}

void Connection::countFiltered(quint64 messages)
{
    for (StatsEntry *e : {&m_stats, m_pluginStats}) {
        if (e)
            e->total.filtered += messages;
    }
}

void Connection::countDropped(quint64 messages)
{
    for (StatsEntry *e : {&m_stats, m_pluginStats}) {
        if (e)
            e->total.dropped += messages;
    }
}

QVariantMap Connection::toVariantMap() const
{
    QVariantMap meta;
    for (auto it = m_metadata.cbegin(); it != m_metadata.cend(); ++it)
        meta.insert(it.key(), it.value());
    return {{QStringLiteral("id"), id()},
            {QStringLiteral("metadata"), meta},
            {QStringLiteral("protocol"), m_protocol},
            {QStringLiteral("peer"), m_peer},
            {QStringLiteral("identity"), m_identity.name},
            {QStringLiteral("authenticated"), m_identity.authenticated},
            {QStringLiteral("connectedAt"), m_connectedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("subscriptions"), m_subscriptions},
            {QStringLiteral("stats"), m_stats.toVariantMap()},
            {QStringLiteral("pending"), pendingCount()},
            {QStringLiteral("dropped"), droppedCount()}};
}

} // namespace sb
