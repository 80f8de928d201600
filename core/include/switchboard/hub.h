// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>
#include <switchboard/bus.h>
#include <switchboard/memorybudget.h>
#include <switchboard/replaymanager.h>

#include <QObject>

namespace sb {

class Connection;
class Endpoint;

// What a protocol plugin sees of the hub: the bus, authentication, and the registry of
// connections and endpoints. Lives in the bus thread.
class SWITCHBOARD_EXPORT Hub : public QObject
{
    Q_OBJECT
public:
    explicit Hub(QObject *parent = nullptr);
    ~Hub() override;

    Bus *bus() { return &m_bus; }
    const Bus *bus() const { return &m_bus; }

    void setAuthenticator(const Authenticator *authenticator) { m_authenticator = authenticator; }
    const Authenticator *authenticator() const { return m_authenticator; }
    // Whether connections must authenticate before anything else (default: false).
    void setRequireAuth(bool required)
    {
        m_requireAuth = required;
        m_bus.setRequireAuth(required);
    }
    bool requireAuth() const { return m_requireAuth; }

    // A unique id such as "native-7".
    QString nextConnectionId(const QString &protocol);
    void registerConnection(Connection *connection);
    // Removes the connection and all its subscriptions.
    void unregisterConnection(Connection *connection);
    QList<Connection *> connections() const;
    int connectionCount() const { return int(m_connections.size()); }
    Connection *connection(const QString &id) const;
    Status closeConnection(const QString &id, const Error &reason);
    // Closes every connection authenticated by \a provider with \a credentialId (a revoked API
    // key, a removed token); returns how many.
    int closeConnectionsOf(const QString &provider, const QString &credentialId, const Error &reason);

    void addEndpoint(Endpoint *endpoint);
    QList<Endpoint *> endpoints() const { return m_endpoints; }
    // What all connections buffer together (limits.max-buffered-bytes).
    MemoryBudget &memoryBudget() { return m_memory; }
    // The replays of stored messages (limits.max-replays).
    ReplayManager *replays() { return &m_replays; }
    QVariantMap health() const;

Q_SIGNALS:
    void connectionAdded(const QString &id);
    void connectionRemoved(const QString &id);

private:
    Bus m_bus;
    MemoryBudget m_memory;
    ReplayManager m_replays{&m_bus};
    const Authenticator *m_authenticator = nullptr;
    bool m_requireAuth = false;
    QHash<QString, Connection *> m_connections;
    QList<Endpoint *> m_endpoints;
    quint64 m_nextConnection = 1;
};

} // namespace sb
