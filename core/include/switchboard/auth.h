// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QStringList>

namespace sb {

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

// ACL hook, asked once in core for every protocol. Return FORBIDDEN with a reason to refuse.
class SWITCHBOARD_EXPORT Authorizer
{
public:
    virtual ~Authorizer() = default;
    virtual Status authorizePublish(const Identity &who, const QString &channel, const QString &topic) const = 0;
    virtual Status authorizeSubscribe(const Identity &who, const QString &channel, const QString &pattern) const = 0;
};

} // namespace sb
