// SPDX-License-Identifier: Apache-2.0
#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/endpoint.h>
#include <switchboard/hub.h>
#include <switchboard/journal.h>

namespace sb {

Hub::Hub(QObject *parent) : QObject(parent), m_bus(this) {}

Hub::~Hub() = default;

QString Hub::nextConnectionId(const QString &protocol)
{
    return protocol + QLatin1Char('-') + QString::number(m_nextConnection++);
}

void Hub::registerConnection(Connection *connection)
{
    if (!connection->deadLetterStore())
        connection->setDeadLetterStore(m_bus.deadLetters());
    m_connections.insert(connection->id(), connection);
    connection->setErrorCap(m_bus.limits().connectionErrorsPerSecond);
    connect(connection, &Connection::errorCapExceeded, this, [this] { m_bus.countErrorCapClosed(); });
    Stats *stats = m_bus.stats();
    stats->attach(Stats::Connection, connection->id(), &connection->stats());
    // "native+tcp" counts towards the plugin "native".
    connection->setPluginStats(&stats->entry(Stats::Plugin, connection->protocol().section(QLatin1Char('+'), 0, 0)));
    Q_EMIT connectionAdded(connection->id());
}

void Hub::unregisterConnection(Connection *connection)
{
    m_bus.removeSubscriber(connection);
    m_bus.stats()->detach(Stats::Connection, connection->id());
    connection->setPluginStats(nullptr);
    if (m_connections.remove(connection->id()))
        Q_EMIT connectionRemoved(connection->id());
}

QList<Connection *> Hub::connections() const
{
    return m_connections.values();
}

Connection *Hub::connection(const QString &id) const
{
    return m_connections.value(id);
}

Status Hub::closeConnection(const QString &id, const Error &reason)
{
    Connection *c = m_connections.value(id);
    if (!c)
        return Error(ErrorCode::NotFound, QStringLiteral("no connection \"%1\"").arg(id));
    c->close(reason);
    return {};
}

int Hub::closeConnectionsOf(const QString &provider, const QString &credentialId, const Error &reason)
{
    QList<Connection *> victims;
    for (Connection *c : std::as_const(m_connections)) {
        if (c->identity().provider == provider && c->identity().credentialId == credentialId)
            victims.append(c);
    }
    for (Connection *c : std::as_const(victims))
        c->close(reason);
    return int(victims.size());
}

void Hub::addEndpoint(Endpoint *endpoint)
{
    m_endpoints.append(endpoint);
}

QVariantMap Hub::health() const
{
    QVariantList endpoints;
    bool healthy = true;
    for (const Endpoint *e : m_endpoints) {
        endpoints.append(e->health());
        healthy = healthy && e->state() == Endpoint::State::Running;
    }
    QVariantMap journal;
    if (const Journal *j = m_bus.journalInUse()) {
        const JournalStatus st = j->status();
        journal = st.toVariantMap();
        healthy = healthy && !st.failed; // a journal that cannot write acknowledges nothing: red
    }
    return {{QStringLiteral("healthy"), healthy},
            {QStringLiteral("journal"), journal},
            {QStringLiteral("connections"), m_connections.size()},
            {QStringLiteral("subscriptions"), m_bus.subscriptionCount()},
            {QStringLiteral("deadLetters"), m_bus.deadLetters()->count()},
            {QStringLiteral("pendingRequests"), m_bus.pendingRequests()},
            {QStringLiteral("refusals"), m_bus.refusals().toVariantMap()},
            {QStringLiteral("memory"), m_memory.toVariantMap()},
            {QStringLiteral("auth"), m_authenticator ? m_authenticator->stats() : QVariantMap()},
            {QStringLiteral("endpoints"), endpoints}};
}

} // namespace sb
