// SPDX-License-Identifier: Apache-2.0
#include <switchboard/connection.h>

namespace sb {

Connection::Connection(const QString &id, const QString &protocol, const QString &peer, QObject *parent)
    : Subscriber(id, parent), m_protocol(protocol), m_peer(peer), m_connectedAt(QDateTime::currentDateTimeUtc())
{
    m_identity.name = QStringLiteral("anonymous");
}

Connection::~Connection() = default;

QVariantMap Connection::toVariantMap() const
{
    return {{QStringLiteral("id"), id()},
            {QStringLiteral("protocol"), m_protocol},
            {QStringLiteral("peer"), m_peer},
            {QStringLiteral("identity"), m_identity.name},
            {QStringLiteral("authenticated"), m_identity.authenticated},
            {QStringLiteral("connectedAt"), m_connectedAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("subscriptions"), m_subscriptions},
            {QStringLiteral("in"), m_counters.in},
            {QStringLiteral("out"), m_counters.out},
            {QStringLiteral("bytesIn"), m_counters.bytesIn},
            {QStringLiteral("bytesOut"), m_counters.bytesOut},
            {QStringLiteral("errors"), m_counters.errors},
            {QStringLiteral("pending"), pendingCount()},
            {QStringLiteral("dropped"), droppedCount()}};
}

} // namespace sb
