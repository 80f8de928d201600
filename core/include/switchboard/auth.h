// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QStringList>

namespace sb {

struct Principal;

struct SWITCHBOARD_EXPORT Identity
{
    QString name;             // "anonymous" until authenticated
    bool authenticated = false;
    QStringList roles;
};

// Authentication hook: turns a protocol's credentials into an identity (UNAUTHENTICATED if not).
class SWITCHBOARD_EXPORT Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual Result<Identity> authenticate(const QString &user, const QByteArray &token) const = 0;
};

// What a principal asks to do; the ACL's actions.
enum class Action : quint8 {
    Publish = 1,
    Subscribe = 2,
    Request = 4,
    Reply = 8,
    Administer = 16, // channels, dead letters, connections
};
SWITCHBOARD_EXPORT QString actionName(Action action);

// ACL hook, asked once in core for every protocol. Returns FORBIDDEN with a reason to refuse.
// \a topic is the topic published to, the subscription pattern, the request's topic (for a reply),
// or empty (administration).
class SWITCHBOARD_EXPORT Authorizer
{
public:
    virtual ~Authorizer() = default;
    virtual Status authorize(const Principal &who, Action action, const QString &channel, const QString &topic) const = 0;
    // For an allowed subscription: the deny patterns it overlaps, whose topics are filtered out of
    // its deliveries (empty for nearly every subscription).
    virtual QStringList deniedWithin(const Principal &who, const QString &channel, const QString &pattern) const
    {
        Q_UNUSED(who) Q_UNUSED(channel) Q_UNUSED(pattern)
        return {};
    }
};

} // namespace sb
