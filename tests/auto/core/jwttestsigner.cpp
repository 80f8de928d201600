// SPDX-License-Identifier: Apache-2.0
#include "jwttestsigner.h"

#include <QJsonDocument>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace sbtest {

namespace {
EVP_PKEY *pkey(const std::shared_ptr<void> &p)
{
    return static_cast<EVP_PKEY *>(p.get());
}

const EVP_MD *mdFor(const QString &alg)
{
    if (alg.endsWith(QLatin1String("384")))
        return EVP_sha384();
    if (alg.endsWith(QLatin1String("512")))
        return EVP_sha512();
    return EVP_sha256();
}

QByteArray bnBytes(EVP_PKEY *key, const char *param, int pad)
{
    BIGNUM *bn = nullptr;
    if (!EVP_PKEY_get_bn_param(key, param, &bn))
        return {};
    QByteArray out(pad > 0 ? pad : BN_num_bytes(bn), '\0');
    if (pad > 0)
        BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), pad);
    else
        BN_bn2bin(bn, reinterpret_cast<unsigned char *>(out.data()));
    BN_free(bn);
    return out;
}
} // namespace

JwtTestSigner JwtTestSigner::rsa(int bits)
{
    JwtTestSigner s;
    s.m_key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits)),
        [](void *p) { EVP_PKEY_free(static_cast<EVP_PKEY *>(p)); });
    return s;
}

JwtTestSigner JwtTestSigner::ec(const char *curve)
{
    JwtTestSigner s;
    s.m_key.reset(
        EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), [](void *p) { EVP_PKEY_free(static_cast<EVP_PKEY *>(p)); });
    s.m_coordinate = qstrcmp(curve, "P-384") == 0 ? 48 : 32;
    return s;
}

JwtTestSigner JwtTestSigner::hmac(const QByteArray &secret)
{
    JwtTestSigner s;
    s.m_secret = secret;
    return s;
}

QByteArray JwtTestSigner::sign(const QString &alg, const QByteArray &signingInput) const
{
    if (alg.startsWith(QLatin1String("HS"))) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        HMAC(mdFor(alg), m_secret.constData(), int(m_secret.size()),
            reinterpret_cast<const unsigned char *>(signingInput.constData()), size_t(signingInput.size()), mac, &len);
        return QByteArray(reinterpret_cast<const char *>(mac), int(len));
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t len = 0;
    QByteArray sig;
    if (EVP_DigestSignInit(ctx, nullptr, mdFor(alg), nullptr, pkey(m_key)) == 1
        && EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char *>(signingInput.constData()),
               size_t(signingInput.size()))
            == 1) {
        sig.resize(qsizetype(len));
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &len,
                reinterpret_cast<const unsigned char *>(signingInput.constData()), size_t(signingInput.size()))
            != 1)
            sig.clear();
        sig.resize(qsizetype(len));
    }
    EVP_MD_CTX_free(ctx);
    if (m_coordinate > 0 && !sig.isEmpty()) { // DER -> raw r||s
        const unsigned char *p = reinterpret_cast<const unsigned char *>(sig.constData());
        ECDSA_SIG *es = d2i_ECDSA_SIG(nullptr, &p, long(sig.size()));
        QByteArray raw(2 * m_coordinate, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char *>(raw.data()), m_coordinate);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char *>(raw.data()) + m_coordinate, m_coordinate);
        ECDSA_SIG_free(es);
        return raw;
    }
    return sig;
}

QByteArray JwtTestSigner::publicPem() const
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey(m_key));
    char *data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    QByteArray out(data, int(len));
    BIO_free(bio);
    return out;
}

QJsonObject JwtTestSigner::publicJwk(const QString &kid, const QString &alg, const QString &use) const
{
    QJsonObject jwk;
    if (m_coordinate > 0) {
        jwk.insert(QStringLiteral("kty"), QStringLiteral("EC"));
        jwk.insert(QStringLiteral("crv"), m_coordinate == 48 ? QStringLiteral("P-384") : QStringLiteral("P-256"));
        jwk.insert(QStringLiteral("x"),
            QString::fromLatin1(base64Url(bnBytes(pkey(m_key), OSSL_PKEY_PARAM_EC_PUB_X, m_coordinate))));
        jwk.insert(QStringLiteral("y"),
            QString::fromLatin1(base64Url(bnBytes(pkey(m_key), OSSL_PKEY_PARAM_EC_PUB_Y, m_coordinate))));
    } else {
        jwk.insert(QStringLiteral("kty"), QStringLiteral("RSA"));
        jwk.insert(QStringLiteral("n"), QString::fromLatin1(base64Url(bnBytes(pkey(m_key), OSSL_PKEY_PARAM_RSA_N, 0))));
        jwk.insert(QStringLiteral("e"), QString::fromLatin1(base64Url(bnBytes(pkey(m_key), OSSL_PKEY_PARAM_RSA_E, 0))));
    }
    if (!kid.isEmpty())
        jwk.insert(QStringLiteral("kid"), kid);
    if (!alg.isEmpty())
        jwk.insert(QStringLiteral("alg"), alg);
    if (!use.isEmpty())
        jwk.insert(QStringLiteral("use"), use);
    return jwk;
}

QByteArray JwtTestSigner::base64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray JwtTestSigner::token(
    const QString &alg, const QString &kid, const QJsonObject &claims, const QJsonObject &extraHeader) const
{
    QJsonObject header = extraHeader;
    if (!header.contains(QLatin1String("alg")))
        header.insert(QStringLiteral("alg"), alg);
    if (!kid.isEmpty())
        header.insert(QStringLiteral("kid"), kid);
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return input + '.' + base64Url(sign(alg, input));
}

} // namespace sbtest
