// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QSslCertificate>
#include <QStringList>
#include <QVariantMap>

#include <optional>

namespace sb {

struct Principal;

struct SWITCHBOARD_EXPORT Identity
{
    Identity() = default;
    Identity(QString name_, bool authenticated_, QStringList roles_ = {})
        : name(std::move(name_)), authenticated(authenticated_), roles(std::move(roles_))
    {
    }

    QString name;             // "anonymous" until authenticated
    bool authenticated = false;
    QStringList roles;
    QString provider;         // who vouched for it: "token", "api-key", "jwt", "mtls"; empty if anonymous
    QString credentialId;     // what revocation matches: an API key's id, a JWT's kid/jti, a certificate's digest
    qint64 expiresAtMs = 0;   // ms since the epoch when the credential stops being valid (a JWT's exp); 0: never
};

// What a protocol knows about a client when it authenticates it. Protocols fill what they have.
struct SWITCHBOARD_EXPORT AuthRequest
{
    QString user;              // a claimed name (optional; a token's name must match it)
    QByteArray credential;     // the token, API key or JWT as presented; empty: none
    QString peerAddress;       // the peer's IP address (throttling, logs); empty in-process
    QString protocol;          // "native", "remote", "http", ...
    QSslCertificate certificate; // the client's certificate, already verified by TLS; null: none
};

// One way of vouching for a client (SHA-256 tokens, API keys, JWTs, client certificates).
class SWITCHBOARD_EXPORT AuthProvider
{
public:
    virtual ~AuthProvider() = default;
    virtual QString name() const = 0;
    // std::nullopt: not a credential this provider knows, ask the next one. Otherwise the verdict:
    // the identity, or UNAUTHENTICATED with a message that never contains the secret.
    virtual std::optional<Result<Identity>> verify(const AuthRequest &request) const = 0;
};

// Authentication hook: turns a protocol's credentials into an identity (UNAUTHENTICATED if not;
// RATE_LIMITED with details.retryAfterMs while a peer is throttled after failures).
class SWITCHBOARD_EXPORT Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual Result<Identity> authenticate(const AuthRequest &request) const = 0;
    // Whether a client certificate alone is a credential here (mutual TLS is configured); if not,
    // protocols do not ask on a certificate's account, and such a client without a token stays anonymous.
    virtual bool acceptsCertificates() const { return false; }
    // Counters for health and /metrics (empty if the authenticator keeps none).
    virtual QVariantMap stats() const { return {}; }
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
