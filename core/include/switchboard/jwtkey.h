// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <memory>
#include <optional>
#include <switchboard/result.h>

namespace sb {

// The JWS algorithms Switchboard verifies (RFC 7518). "none" is not one of them.
enum class JwtAlgorithm : quint8 { HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384 };

SWITCHBOARD_EXPORT QString jwtAlgorithmName(JwtAlgorithm algorithm);
SWITCHBOARD_EXPORT std::optional<JwtAlgorithm> jwtAlgorithmFromName(const QString &name);
SWITCHBOARD_EXPORT QList<JwtAlgorithm> jwtAlgorithms();

// One verifying key, pinned to one algorithm: a token is checked with it only when the token's
// "alg" is exactly that algorithm. Implicitly shared and immutable.
class SWITCHBOARD_EXPORT JwtKey
{
public:
    JwtKey();
    ~JwtKey();
    JwtKey(const JwtKey &) = default;
    JwtKey &operator=(const JwtKey &) = default;

    // HS256/384/512 with a secret at least as long as the hash.
    static Result<JwtKey> fromSecret(const QString &kid, JwtAlgorithm algorithm, const QByteArray &secret);
    // RS* or ES* with a PEM public key ("BEGIN PUBLIC KEY") or certificate.
    static Result<JwtKey> fromPem(const QString &kid, JwtAlgorithm algorithm, const QByteArray &pem);
    // One JWK (RFC 7517) of kty RSA or EC. A JWK without "alg" takes the one algorithm of
    // \a allowed that fits its key type; otherwise it is refused.
    static Result<JwtKey> fromJwk(const QJsonObject &jwk, const QList<JwtAlgorithm> &allowed);

    bool isNull() const { return !d; }
    QString kid() const;
    JwtAlgorithm algorithm() const;
    // The JWS signature of \a signingInput (header.payload as sent), constant time for HMAC.
    bool verify(QByteArrayView signingInput, QByteArrayView signature) const;

    struct Data;

private:
    std::shared_ptr<const Data> d;
};

} // namespace sb
