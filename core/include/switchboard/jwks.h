// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>
#include <switchboard/jwtkey.h>

namespace sb {

// A set of verifying keys by kid: a JWKS document (RFC 7517 section 5) or keys from config.
class SWITCHBOARD_EXPORT Jwks
{
public:
    static constexpr qsizetype MaxDocumentBytes = 1024 * 1024;
    static constexpr int MaxKeys = 100;

    // Keys of a JWKS document; JWKs that cannot verify (other use, unknown kty, bad numbers, an
    // alg outside \a allowed) are left out and listed in skipped(). INVALID_CONFIG if the document
    // is not a JWKS, a kid repeats, or no key is usable.
    static Result<Jwks> fromJson(const QByteArray &json, const QList<JwtAlgorithm> &allowed);

    // Adds \a key; INVALID_CONFIG if its kid is already in the set.
    Status add(const JwtKey &key);
    // The key with \a kid, or nullptr. An empty kid finds the only key of a one-key set.
    const JwtKey *find(const QString &kid) const;

    const QList<JwtKey> &keys() const { return m_keys; }
    int size() const { return int(m_keys.size()); }
    bool isEmpty() const { return m_keys.isEmpty(); }
    QStringList kids() const;
    // Why each left-out JWK was left out ("key \"k1\": \"use\" is not \"sig\"").
    const QStringList &skipped() const { return m_skipped; }

private:
    QList<JwtKey> m_keys;
    QStringList m_skipped;
};

} // namespace sb
