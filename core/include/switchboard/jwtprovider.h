// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QUrl>
#include <memory>
#include <switchboard/auth.h>
#include <switchboard/jwtkey.h>
#include <vector>

namespace sb {

// The "jwt" provider: JWT bearer tokens and OAuth2 access tokens (RFC 9068 "at+jwt") as compact
// JWS, verified with keys pinned to their algorithms, from a JWKS file, a jwks-uri or secret and
// public-key files, for one or more issuers. Lives in the bus thread.
class SWITCHBOARD_EXPORT JwtProvider : public AuthProvider
{
public:
    static constexpr qsizetype DefaultMaxTokenBytes = 16 * 1024;

    struct Key
    {
        QString kid;
        JwtAlgorithm algorithm = JwtAlgorithm::RS256;
        QString secretFile; // HS*: relative paths are looked up in $CREDENTIALS_DIRECTORY when set
        QString publicKeyFile; // RS*, ES*: PEM public key or certificate
    };

    struct Issuer
    {
        QString issuer; // the "iss" claim, compared exactly
        QStringList audiences; // the "aud" claim must name one of them
        qint64 leewayMs = 30 * 1000;
        QString rolesClaim = QStringLiteral("roles"); // array of strings or space-separated (OAuth2 "scope")
        QString nameClaim = QStringLiteral("sub");
        QList<JwtAlgorithm> algorithms; // allowed; empty: every supported one
        // The keys: exactly one of these three.
        QString jwksFile;
        QUrl jwksUri;
        QList<Key> keys;
        qint64 jwksRefreshMs = 10 * 60 * 1000;
        qint64 jwksRetryInitialMs = 1000; // first retry after a failed fetch, doubling up to jwksRefreshMs
        bool requireExp = true;
    };

    struct Options
    {
        QList<Issuer> issuers;
        qsizetype maxTokenBytes = DefaultMaxTokenBytes;
    };

    // Parses the config list \a issuers found under \a key ("auth.jwt"); INVALID_CONFIG naming
    // the key ("auth.jwt[0].audience: ...").
    static Result<Options> fromVariantMap(const QVariantList &issuers, const QString &key);
    // Reads every key file and starts the jwks-uri fetches; INVALID_CONFIG if a file is bad.
    static Result<std::shared_ptr<JwtProvider>> create(const Options &options);

    ~JwtProvider() override;
    JwtProvider(const JwtProvider &) = delete;
    JwtProvider &operator=(const JwtProvider &) = delete;

    // SIGHUP: re-reads the files (an issuer whose files are now bad keeps its keys, and the error
    // is returned) and refetches every jwks-uri.
    Status reload();
    // Per issuer: {issuer, source, keys, ...} (a jwks-uri adds fetches, failures, lastError, backoffMs).
    QVariantList status() const;

    QString name() const override { return QStringLiteral("jwt"); }
    // std::nullopt for a credential that is not shaped like a JWT; otherwise the identity, or
    // UNAUTHENTICATED with a message that never contains the token.
    std::optional<Result<Identity>> verify(const AuthRequest &request) const override;

private:
    JwtProvider();
    struct IssuerState;
    const IssuerState *findIssuer(const QString &iss) const;

    std::vector<std::unique_ptr<IssuerState>> m_issuers;
    qsizetype m_maxTokenBytes = DefaultMaxTokenBytes;
};

} // namespace sb
