// SPDX-License-Identifier: Apache-2.0
// Test-only: keys generated at test time and JWS signatures made with OpenSSL, so the provider is
// checked against tokens it did not make itself.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <memory>

namespace sbtest {

class JwtTestSigner
{
public:
    static JwtTestSigner rsa(int bits = 2048);
    static JwtTestSigner ec(const char *curve); // "P-256", "P-384"
    static JwtTestSigner hmac(const QByteArray &secret);

    bool isNull() const { return !m_key && m_secret.isEmpty(); }
    // The JWS signature (raw r||s for ECDSA) of \a signingInput with \a alg's hash.
    QByteArray sign(const QString &alg, const QByteArray &signingInput) const;
    QByteArray publicPem() const;
    // The public JWK; \a alg and \a use left out when empty.
    QJsonObject publicJwk(const QString &kid, const QString &alg, const QString &use = QString()) const;

    static QByteArray base64Url(const QByteArray &bytes);
    // header.payload.signature with \a alg and \a kid in the header (plus \a extraHeader).
    QByteArray token(
        const QString &alg, const QString &kid, const QJsonObject &claims, const QJsonObject &extraHeader = {}) const;

private:
    std::shared_ptr<void> m_key; // EVP_PKEY
    QByteArray m_secret;
    int m_coordinate = 0; // EC coordinate size
};

} // namespace sbtest
