// SPDX-License-Identifier: Apache-2.0
// JWS signature verification with OpenSSL 3's EVP interface: HMAC (HS*), RSA PKCS#1 v1.5 (RS*),
// ECDSA on P-256/P-384 (ES*). No cryptography of our own.
#include "base64url_p.h"

#include "libcrypto_p.h"

#include <QJsonArray>
#include <openssl/core_names.h>
#include <switchboard/jwtkey.h>

namespace sb {

namespace {

enum class Family { Hmac, Rsa, Ec };

constexpr int kMinRsaBits = 2048;

Family familyOf(JwtAlgorithm a)
{
    switch (a) {
    case JwtAlgorithm::HS256:
    case JwtAlgorithm::HS384:
    case JwtAlgorithm::HS512:
        return Family::Hmac;
    case JwtAlgorithm::RS256:
    case JwtAlgorithm::RS384:
    case JwtAlgorithm::RS512:
        return Family::Rsa;
    case JwtAlgorithm::ES256:
    case JwtAlgorithm::ES384:
        return Family::Ec;
    }
    return Family::Hmac;
}

const EVP_MD *digestOf(JwtAlgorithm a)
{
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    switch (a) {
    case JwtAlgorithm::HS256:
    case JwtAlgorithm::RS256:
    case JwtAlgorithm::ES256:
        return c.EVP_sha256();
    case JwtAlgorithm::HS384:
    case JwtAlgorithm::RS384:
    case JwtAlgorithm::ES384:
        return c.EVP_sha384();
    case JwtAlgorithm::HS512:
    case JwtAlgorithm::RS512:
        return c.EVP_sha512();
    }
    return c.EVP_sha256();
}

// JWA curve name and coordinate size of an ES* algorithm.
QString curveOf(JwtAlgorithm a)
{
    return a == JwtAlgorithm::ES384 ? QStringLiteral("P-384") : QStringLiteral("P-256");
}
int coordinateBytes(JwtAlgorithm a)
{
    return a == JwtAlgorithm::ES384 ? 48 : 32;
}

Error bad(const QString &why)
{
    return Error(ErrorCode::InvalidConfig, why);
}

QString keyName(const QString &kid)
{
    return kid.isEmpty() ? QStringLiteral("key without kid") : QStringLiteral("key \"%1\"").arg(kid.left(64));
}

struct PkeyDeleter
{
    void operator()(EVP_PKEY *p) const { detail::loadedLibCrypto().EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Whether \a pkey is the kind of key \a a verifies with: RSA of at least 2048 bits, or EC on
// exactly the algorithm's curve (secp256k1 has 256 bits too).
std::optional<QString> keyMismatch(EVP_PKEY *pkey, JwtAlgorithm a)
{
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    if (familyOf(a) == Family::Rsa) {
        if (!c.EVP_PKEY_is_a(pkey, "RSA"))
            return QStringLiteral("%1 needs an RSA key").arg(jwtAlgorithmName(a));
        if (c.EVP_PKEY_get_bits(pkey) < kMinRsaBits)
            return QStringLiteral("RSA keys need at least %1 bits").arg(kMinRsaBits);
        return std::nullopt;
    }
    if (!c.EVP_PKEY_is_a(pkey, "EC"))
        return QStringLiteral("%1 needs an EC key on %2").arg(jwtAlgorithmName(a), curveOf(a));
    char group[64] = {};
    size_t len = 0;
    if (!c.EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len))
        return QStringLiteral("the EC key has no named curve");
    const QByteArray g(group, qsizetype(len));
    const bool fits
        = a == JwtAlgorithm::ES256 ? (g == "prime256v1" || g == "P-256") : (g == "secp384r1" || g == "P-384");
    if (!fits)
        return QStringLiteral("%1 needs an EC key on %2, not %3")
            .arg(jwtAlgorithmName(a), curveOf(a), QString::fromLatin1(g));
    return std::nullopt;
}

PkeyPtr fromData(const char *type, OSSL_PARAM_BLD *bld)
{
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    OSSL_PARAM *params = c.OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = c.EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY *pkey = nullptr;
    if (!params || !ctx || c.EVP_PKEY_fromdata_init(ctx) <= 0
        || c.EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = nullptr;
    c.EVP_PKEY_CTX_free(ctx);
    c.OSSL_PARAM_free(params);
    PkeyPtr out(pkey);
    if (out) { // the point must lie on the curve, the modulus be sane
        EVP_PKEY_CTX *check = c.EVP_PKEY_CTX_new_from_pkey(nullptr, out.get(), nullptr);
        if (!check || c.EVP_PKEY_public_check(check) != 1)
            out.reset();
        c.EVP_PKEY_CTX_free(check);
    }
    return out;
}

std::optional<QByteArray> member(const QJsonObject &jwk, const char *name)
{
    const QJsonValue v = jwk.value(QLatin1String(name));
    if (!v.isString())
        return std::nullopt;
    std::optional<QByteArray> bytes = decodeBase64Url(v.toString().toLatin1());
    if (!bytes || bytes->isEmpty())
        return std::nullopt;
    return bytes;
}

Result<PkeyPtr> rsaFromJwk(const QJsonObject &jwk, const QString &name)
{
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    const std::optional<QByteArray> n = member(jwk, "n");
    const std::optional<QByteArray> e = member(jwk, "e");
    if (!n || !e)
        return bad(name + QStringLiteral(": an RSA JWK needs base64url \"n\" and \"e\""));
    BIGNUM *bn = c.BN_bin2bn(reinterpret_cast<const unsigned char *>(n->constData()), int(n->size()), nullptr);
    BIGNUM *be = c.BN_bin2bn(reinterpret_cast<const unsigned char *>(e->constData()), int(e->size()), nullptr);
    OSSL_PARAM_BLD *bld = c.OSSL_PARAM_BLD_new();
    PkeyPtr pkey;
    if (bn && be && bld && c.OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn)
        && c.OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
        pkey = fromData("RSA", bld);
    c.OSSL_PARAM_BLD_free(bld);
    c.BN_free(bn);
    c.BN_free(be);
    if (!pkey)
        return bad(name + QStringLiteral(": \"n\" and \"e\" are not an RSA public key"));
    return pkey;
}

Result<PkeyPtr> ecFromJwk(const QJsonObject &jwk, const QString &name, JwtAlgorithm a)
{
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    const std::optional<QByteArray> x = member(jwk, "x");
    const std::optional<QByteArray> y = member(jwk, "y");
    const int size = coordinateBytes(a);
    if (!x || !y || x->size() != size || y->size() != size)
        return bad(name
            + QStringLiteral(": an EC JWK on %1 needs base64url \"x\" and \"y\" of %2 bytes each")
                  .arg(curveOf(a))
                  .arg(size));
    const QByteArray point = QByteArray(1, '\x04') + *x + *y;
    const QByteArray group = a == JwtAlgorithm::ES384 ? QByteArrayLiteral("P-384") : QByteArrayLiteral("P-256");
    OSSL_PARAM_BLD *bld = c.OSSL_PARAM_BLD_new();
    PkeyPtr pkey;
    if (bld && c.OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group.constData(), 0)
        && c.OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.constData(), size_t(point.size())))
        pkey = fromData("EC", bld);
    c.OSSL_PARAM_BLD_free(bld);
    if (!pkey)
        return bad(name + QStringLiteral(": \"x\" and \"y\" are not a point on %1").arg(curveOf(a)));
    return pkey;
}

// Raw JWS ECDSA signature r||s to the DER encoding OpenSSL verifies.
QByteArray ecdsaRawToDer(QByteArrayView raw)
{
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    const int half = int(raw.size() / 2);
    ECDSA_SIG *sig = c.ECDSA_SIG_new();
    BIGNUM *r = c.BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.data()), half, nullptr);
    BIGNUM *s = c.BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.data()) + half, half, nullptr);
    QByteArray der;
    if (sig && r && s && c.ECDSA_SIG_set0(sig, r, s)) {
        r = s = nullptr; // owned by sig now
        unsigned char *out = nullptr;
        const int len = c.i2d_ECDSA_SIG(sig, &out);
        if (len > 0)
            der = QByteArray(reinterpret_cast<const char *>(out), len);
        c.CRYPTO_free(out, OPENSSL_FILE, OPENSSL_LINE);
    }
    c.BN_free(r);
    c.BN_free(s);
    c.ECDSA_SIG_free(sig);
    return der;
}

} // namespace

struct JwtKey::Data
{
    QString kid;
    JwtAlgorithm algorithm = JwtAlgorithm::RS256;
    QByteArray secret; // HS*
    PkeyPtr pkey; // RS*, ES*

    ~Data()
    {
        if (!secret.isEmpty()) // only fromSecret() fills it, after loading libcrypto
            detail::loadedLibCrypto().OPENSSL_cleanse(secret.data(), size_t(secret.size()));
    }
};

/*!
    Returns the JWA name of \a algorithm ("HS256", "RS256", "ES384", ...).
*/
QString jwtAlgorithmName(JwtAlgorithm algorithm)
{
    switch (algorithm) {
    case JwtAlgorithm::HS256:
        return QStringLiteral("HS256");
    case JwtAlgorithm::HS384:
        return QStringLiteral("HS384");
    case JwtAlgorithm::HS512:
        return QStringLiteral("HS512");
    case JwtAlgorithm::RS256:
        return QStringLiteral("RS256");
    case JwtAlgorithm::RS384:
        return QStringLiteral("RS384");
    case JwtAlgorithm::RS512:
        return QStringLiteral("RS512");
    case JwtAlgorithm::ES256:
        return QStringLiteral("ES256");
    case JwtAlgorithm::ES384:
        return QStringLiteral("ES384");
    }
    return {};
}

/*!
    The algorithm named \a name exactly (JWA names are case-sensitive); std::nullopt for "none"
    and anything unsupported.
*/
std::optional<JwtAlgorithm> jwtAlgorithmFromName(const QString &name)
{
    for (JwtAlgorithm a : jwtAlgorithms()) {
        if (jwtAlgorithmName(a) == name)
            return a;
    }
    return std::nullopt;
}

QList<JwtAlgorithm> jwtAlgorithms()
{
    return { JwtAlgorithm::HS256, JwtAlgorithm::HS384, JwtAlgorithm::HS512, JwtAlgorithm::RS256, JwtAlgorithm::RS384,
        JwtAlgorithm::RS512, JwtAlgorithm::ES256, JwtAlgorithm::ES384 };
}

JwtKey::JwtKey() = default;
JwtKey::~JwtKey() = default;

QString JwtKey::kid() const
{
    return d ? d->kid : QString();
}

JwtAlgorithm JwtKey::algorithm() const
{
    return d ? d->algorithm : JwtAlgorithm::RS256;
}

/*!
    An HMAC key for \a algorithm (HS256, HS384 or HS512). RFC 7518 section 3.2: the secret must be
    at least as long as the hash (32, 48 or 64 bytes); shorter ones are refused.
*/
Result<JwtKey> JwtKey::fromSecret(const QString &kid, JwtAlgorithm algorithm, const QByteArray &secret)
{
    QString noCrypto;
    if (!detail::libCrypto(&noCrypto))
        return bad(keyName(kid) + QStringLiteral(": ") + noCrypto);
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    if (familyOf(algorithm) != Family::Hmac)
        return bad(keyName(kid)
            + QStringLiteral(": a secret is for HS256, HS384 or HS512, not %1").arg(jwtAlgorithmName(algorithm)));
    const int minimum = c.EVP_MD_get_size(digestOf(algorithm));
    if (secret.size() < minimum)
        return bad(keyName(kid)
            + QStringLiteral(": an %1 secret needs at least %2 bytes (it has %3)")
                  .arg(jwtAlgorithmName(algorithm))
                  .arg(minimum)
                  .arg(secret.size()));
    auto data = std::make_shared<Data>();
    data->kid = kid;
    data->algorithm = algorithm;
    data->secret = secret;
    data->secret.detach();
    JwtKey key;
    key.d = std::move(data);
    return key;
}

/*!
    An RSA or EC public key for \a algorithm from PEM: a SubjectPublicKeyInfo ("BEGIN PUBLIC
    KEY") or a certificate. The key must fit the algorithm (RSA of 2048 bits or more; EC on
    P-256 for ES256, P-384 for ES384).
*/
Result<JwtKey> JwtKey::fromPem(const QString &kid, JwtAlgorithm algorithm, const QByteArray &pem)
{
    QString noCrypto;
    if (!detail::libCrypto(&noCrypto))
        return bad(keyName(kid) + QStringLiteral(": ") + noCrypto);
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    if (familyOf(algorithm) == Family::Hmac)
        return bad(keyName(kid)
            + QStringLiteral(": %1 takes a secret (secret-file), not a public key").arg(jwtAlgorithmName(algorithm)));
    PkeyPtr pkey;
    if (BIO *bio = c.BIO_new_mem_buf(pem.constData(), int(pem.size()))) {
        pkey.reset(c.PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
        c.BIO_free(bio);
    }
    if (!pkey) {
        if (BIO *bio = c.BIO_new_mem_buf(pem.constData(), int(pem.size()))) {
            if (X509 *cert = c.PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
                pkey.reset(c.X509_get_pubkey(cert));
                c.X509_free(cert);
            }
            c.BIO_free(bio);
        }
    }
    if (!pkey)
        return bad(keyName(kid) + QStringLiteral(": not a PEM public key or certificate"));
    if (std::optional<QString> why = keyMismatch(pkey.get(), algorithm))
        return bad(keyName(kid) + QStringLiteral(": ") + *why);
    auto data = std::make_shared<Data>();
    data->kid = kid;
    data->algorithm = algorithm;
    data->pkey = std::move(pkey);
    JwtKey key;
    key.d = std::move(data);
    return key;
}

/*!
    A verifying key from one JWK. Only signature keys are taken: "use", when present, must be
    "sig", and "key_ops", when present, must include "verify". Symmetric ("oct") keys are refused:
    HMAC secrets come from secret files, never from a key set. The algorithm is the JWK's "alg",
    which must be one of \a allowed; a JWK without "alg" takes the one algorithm of \a allowed
    that fits its key type (and curve), or is refused when there is none or more than one.
*/
Result<JwtKey> JwtKey::fromJwk(const QJsonObject &jwk, const QList<JwtAlgorithm> &allowed)
{
    QString noCrypto;
    if (!detail::libCrypto(&noCrypto))
        return bad(keyName(QString()) + QStringLiteral(": ") + noCrypto);
    const QJsonValue kidValue = jwk.value(QLatin1String("kid"));
    if (!kidValue.isUndefined() && !kidValue.isString())
        return bad(QStringLiteral("a JWK's \"kid\" must be a string"));
    const QString kid = kidValue.toString();
    const QString name = keyName(kid);
    const QString kty = jwk.value(QLatin1String("kty")).toString();
    if (kty == QLatin1String("oct"))
        return bad(name
            + QStringLiteral(": symmetric (oct) keys are not taken from a key set; configure HMAC "
                             "secrets as keys[].secret-file"));
    if (kty != QLatin1String("RSA") && kty != QLatin1String("EC"))
        return bad(name + QStringLiteral(": kty must be RSA or EC"));
    const QJsonValue use = jwk.value(QLatin1String("use"));
    if (!use.isUndefined() && use.toString() != QLatin1String("sig"))
        return bad(name + QStringLiteral(": \"use\" is not \"sig\""));
    const QJsonValue ops = jwk.value(QLatin1String("key_ops"));
    if (!ops.isUndefined() && !ops.toArray().contains(QJsonValue(QStringLiteral("verify"))))
        return bad(name + QStringLiteral(": \"key_ops\" does not include \"verify\""));

    const Family family = kty == QLatin1String("RSA") ? Family::Rsa : Family::Ec;
    const QString crv = jwk.value(QLatin1String("crv")).toString();
    auto fits = [&](JwtAlgorithm a) { return familyOf(a) == family && (family == Family::Rsa || crv == curveOf(a)); };
    JwtAlgorithm algorithm;
    const QJsonValue algValue = jwk.value(QLatin1String("alg"));
    if (!algValue.isUndefined()) {
        const std::optional<JwtAlgorithm> a = jwtAlgorithmFromName(algValue.toString());
        if (!a)
            return bad(name + QStringLiteral(": alg \"%1\" is not supported").arg(algValue.toString().left(32)));
        if (!allowed.contains(*a))
            return bad(
                name + QStringLiteral(": alg %1 is not among the issuer's algorithms").arg(jwtAlgorithmName(*a)));
        if (!fits(*a))
            return bad(name
                + QStringLiteral(": alg %1 does not fit this %2 key")
                      .arg(jwtAlgorithmName(*a), family == Family::Rsa ? kty : kty + QLatin1Char(' ') + crv));
        algorithm = *a;
    } else {
        QList<JwtAlgorithm> candidates;
        for (JwtAlgorithm a : allowed) {
            if (fits(a))
                candidates.append(a);
        }
        if (candidates.size() != 1)
            return bad(name
                + QStringLiteral(": the JWK has no \"alg\" and the issuer's algorithms give %1 for it; "
                                 "list exactly one in algorithms")
                      .arg(candidates.isEmpty() ? QStringLiteral("none") : QStringLiteral("several")));
        algorithm = candidates.first();
    }
    if (family == Family::Ec && crv != curveOf(algorithm))
        return bad(
            name + QStringLiteral(": crv must be %1 for %2").arg(curveOf(algorithm), jwtAlgorithmName(algorithm)));

    Result<PkeyPtr> pkey = family == Family::Rsa ? rsaFromJwk(jwk, name) : ecFromJwk(jwk, name, algorithm);
    if (!pkey)
        return pkey.error();
    if (std::optional<QString> why = keyMismatch(pkey.value().get(), algorithm))
        return bad(name + QStringLiteral(": ") + *why);
    auto data = std::make_shared<Data>();
    data->kid = kid;
    data->algorithm = algorithm;
    data->pkey = std::move(pkey.value());
    JwtKey key;
    key.d = std::move(data);
    return key;
}

/*!
    Whether \a signature is this key's JWS signature of \a signingInput under the key's own
    algorithm. The caller has already checked that the token's "alg" is that algorithm.
*/
bool JwtKey::verify(QByteArrayView signingInput, QByteArrayView signature) const
{
    if (!d || signature.isEmpty())
        return false;
    const detail::LibCrypto &c = detail::loadedLibCrypto();
    const EVP_MD *md = digestOf(d->algorithm);
    if (familyOf(d->algorithm) == Family::Hmac) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int macLength = 0;
        if (!c.HMAC(md, d->secret.constData(), int(d->secret.size()),
                reinterpret_cast<const unsigned char *>(signingInput.data()), size_t(signingInput.size()), mac,
                &macLength))
            return false;
        // The length is public; the bytes are compared in constant time.
        return signature.size() == qsizetype(macLength) && c.CRYPTO_memcmp(mac, signature.data(), macLength) == 0;
    }
    QByteArray der;
    QByteArrayView sig = signature;
    if (familyOf(d->algorithm) == Family::Ec) {
        if (signature.size() != 2 * coordinateBytes(d->algorithm))
            return false;
        der = ecdsaRawToDer(signature);
        if (der.isEmpty())
            return false;
        sig = der;
    }
    EVP_MD_CTX *ctx = c.EVP_MD_CTX_new();
    const bool ok = ctx && c.EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, d->pkey.get()) == 1
        && c.EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(sig.data()), size_t(sig.size()),
               reinterpret_cast<const unsigned char *>(signingInput.data()), size_t(signingInput.size()))
            == 1;
    c.EVP_MD_CTX_free(ctx);
    return ok;
}

} // namespace sb
