// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>

#include <QStringList>

namespace sb {

// Who is asking: every way into the bus carries one. Connections hold theirs (built when they
// authenticate); request-scoped callers (one HTTP request) make one per request; in-process code
// and the remote-control API name themselves explicitly. There is no "trusted" null caller.
struct SWITCHBOARD_EXPORT Principal
{
    QString name = QStringLiteral("anonymous");
    bool authenticated = false;
    QStringList roles;
    QString protocol;     // the connection protocol name: native, http, ..., remote, inproc, hub
    QString peer;         // the peer's address or socket; empty in-process
    QString connectionId; // empty for request-scoped and in-process callers

    // An unauthenticated client of \a protocol.
    static Principal anonymous(const QString &protocol, const QString &peer = {}, const QString &connectionId = {});
    // A client that authenticated as \a identity.
    static Principal fromIdentity(const Identity &identity, const QString &protocol, const QString &peer = {},
                                  const QString &connectionId = {});
    // Code in this process acting under its own name (an embedding app, a bridge); by default with
    // the built-in "admin" role. The ACL still applies to it.
    static Principal inProcess(const QString &name, const QStringList &roles = {QStringLiteral("admin")});
    // The hub itself (advisories, requeues it was asked to do). Never given to a protocol.
    static Principal hub();

    bool isHub() const { return protocol == QLatin1String("hub"); }
    bool hasRole(const QString &role) const { return roles.contains(role); }
    // What the hub stamps as a message's source: "name@connection" or the name alone.
    QString stamp() const;
    Identity identity() const
    {
        Identity id;
        id.name = name;
        id.authenticated = authenticated;
        id.roles = roles;
        return id;
    }
};

} // namespace sb
