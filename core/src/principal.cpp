// SPDX-License-Identifier: Apache-2.0
#include <switchboard/principal.h>

namespace sb {

Principal Principal::anonymous(const QString &protocol, const QString &peer, const QString &connectionId)
{
    Principal p;
    p.protocol = protocol;
    p.peer = peer;
    p.connectionId = connectionId;
    return p;
}

Principal Principal::fromIdentity(const Identity &identity, const QString &protocol, const QString &peer,
                                  const QString &connectionId)
{
    Principal p;
    p.name = identity.name.isEmpty() ? QStringLiteral("anonymous") : identity.name;
    p.authenticated = identity.authenticated;
    p.roles = identity.roles;
    p.protocol = protocol;
    p.peer = peer;
    p.connectionId = connectionId;
    return p;
}

Principal Principal::inProcess(const QString &name, const QStringList &roles)
{
    Principal p;
    p.name = name;
    p.authenticated = true;
    p.roles = roles;
    p.protocol = QStringLiteral("inproc");
    return p;
}

Principal Principal::hub()
{
    Principal p;
    p.name = QStringLiteral("hub");
    p.authenticated = true;
    p.protocol = QStringLiteral("hub");
    return p;
}

QString Principal::stamp() const
{
    return connectionId.isEmpty() ? name : name + QLatin1Char('@') + connectionId;
}

} // namespace sb
