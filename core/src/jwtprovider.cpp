// SPDX-License-Identifier: Apache-2.0
#include "base64url_p.h"
#include "jwksfetcher_p.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <switchboard/jwks.h>
#include <switchboard/jwtprovider.h>

namespace sb {

namespace {

constexpr qsizetype kMaxKeyFileBytes = 64 * 1024;
// NumericDate values beyond the year 9999 are clamped (exp * 1000 stays far inside qint64).
constexpr double kMaxNumericDate = 253402300799.0;

Error refused(const QString &why)
{
    return Error(ErrorCode::Unauthenticated, why);
}

Error badConfig(const QString &why)
{
    return Error(ErrorCode::InvalidConfig, why);
}

// A claim or header value shown in an error: at most 64 characters, printable ASCII only.
QString shown(const QString &value)
{
    QString out = value.left(64);
    for (QChar &c : out) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            c = u'?';
    }
    return QLatin1Char('"') + out + (value.size() > 64 ? QStringLiteral("...\"") : QStringLiteral("\""));
}

// Whether \a credential is a compact JWS at all: it starts like a base64url JSON object ("eyJ"
// is '{"'), or it is three base64url segments whose first decodes to a JSON object. Anything else
// (API keys, opaque tokens) is another provider's.
bool looksLikeJwt(const QByteArray &credential)
{
    if (credential.startsWith("eyJ"))
        return true;
    if (credential.count('.') != 2)
        return false;
    const qsizetype dot = credential.indexOf('.');
    const std::optional<QByteArray> header = decodeBase64Url(credential.left(dot));
    return header && header->trimmed().startsWith('{');
}

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// A claim by name; a name with dots that is not a claim itself is a path into nested objects
// ("realm_access.roles").
QJsonValue claim(const QJsonObject &claims, const QString &name)
{
    if (claims.contains(name) || !name.contains(u'.'))
        return claims.value(name);
    QJsonValue v = claims;
    for (const QString &part : name.split(u'.')) {
        if (!v.isObject())
            return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(part);
    }
    return v;
}

QString resolveSecretPath(const QString &path)
{
    if (QDir::isAbsolutePath(path) || !qEnvironmentVariableIsSet("CREDENTIALS_DIRECTORY"))
        return path;
    return QDir(qEnvironmentVariable("CREDENTIALS_DIRECTORY")).filePath(path);
}

Result<QByteArray> readKeyFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return badConfig(QStringLiteral("%1: %2").arg(path, file.errorString()));
    QByteArray bytes = file.read(kMaxKeyFileBytes + 1);
    if (bytes.size() > kMaxKeyFileBytes)
        return badConfig(QStringLiteral("%1: larger than %2 bytes").arg(path).arg(kMaxKeyFileBytes));
    return bytes;
}

QList<JwtAlgorithm> allowedOf(const JwtProvider::Issuer &issuer)
{
    return issuer.algorithms.isEmpty() ? jwtAlgorithms() : issuer.algorithms;
}

// The keys of a file-based issuer: its JWKS file, or its configured key files.
Result<Jwks> loadKeys(const JwtProvider::Issuer &issuer)
{
    if (!issuer.jwksFile.isEmpty()) {
        QFile file(issuer.jwksFile);
        if (!file.open(QIODevice::ReadOnly))
            return badConfig(QStringLiteral("%1: %2").arg(issuer.jwksFile, file.errorString()));
        Result<Jwks> set = Jwks::fromJson(file.read(Jwks::MaxDocumentBytes + 1), allowedOf(issuer));
        if (!set)
            return badConfig(issuer.jwksFile + QStringLiteral(": ") + set.error().message);
        return set;
    }
    Jwks set;
    for (const JwtProvider::Key &k : issuer.keys) {
        Result<JwtKey> key = JwtKey();
        if (!k.secretFile.isEmpty()) {
            Result<QByteArray> secret = readKeyFile(resolveSecretPath(k.secretFile));
            if (!secret)
                return secret.error();
            QByteArray bytes = secret.value();
            while (bytes.endsWith('\n') || bytes.endsWith('\r'))
                bytes.chop(1); // "echo secret > file" and editors add one
            key = JwtKey::fromSecret(k.kid, k.algorithm, bytes);
        } else {
            Result<QByteArray> pem = readKeyFile(k.publicKeyFile);
            if (!pem)
                return pem.error();
            key = JwtKey::fromPem(k.kid, k.algorithm, pem.value());
        }
        if (!key)
            return key.error();
        if (Status st = set.add(key.value()); !st)
            return st.error();
    }
    return set;
}

} // namespace

struct JwtProvider::IssuerState
{
    Issuer options;
    Jwks keys; // files
    std::unique_ptr<JwksFetcher> fetcher; // jwks-uri

    const Jwks &currentKeys() const { return fetcher ? fetcher->keys() : keys; }
};

JwtProvider::JwtProvider() = default;
JwtProvider::~JwtProvider() = default;

/*!
    Creates the provider for \a options: reads every issuer's JWKS file or key files (an
    unreadable or unusable one is INVALID_CONFIG naming the file) and starts fetching every
    jwks-uri. Until a jwks-uri's first fetch succeeds, its issuer's tokens are refused.
*/
Result<std::shared_ptr<JwtProvider>> JwtProvider::create(const Options &options)
{
    std::shared_ptr<JwtProvider> provider(new JwtProvider);
    provider->m_maxTokenBytes = options.maxTokenBytes;
    for (const Issuer &issuer : options.issuers) {
        auto state = std::make_unique<IssuerState>();
        state->options = issuer;
        if (issuer.jwksUri.isValid() && !issuer.jwksUri.isEmpty()) {
            JwksFetcher::Options fo;
            fo.uri = issuer.jwksUri;
            fo.allowed = allowedOf(issuer);
            fo.refreshMs = issuer.jwksRefreshMs;
            fo.retryInitialMs = issuer.jwksRetryInitialMs;
            state->fetcher = std::make_unique<JwksFetcher>(fo);
            state->fetcher->start();
        } else {
            Result<Jwks> keys = loadKeys(issuer);
            if (!keys)
                return keys.error();
            state->keys = std::move(keys.value());
        }
        provider->m_issuers.push_back(std::move(state));
    }
    return provider;
}

/*!
    Re-reads every file-based issuer's keys and refetches every jwks-uri (SIGHUP). An issuer
    whose files are now unreadable or unusable keeps the keys it had; the first such error is
    returned (INVALID_CONFIG naming the file), the other issuers are reloaded all the same.
*/
Status JwtProvider::reload()
{
    Status result;
    for (const auto &state : m_issuers) {
        if (state->fetcher) {
            state->fetcher->refreshNow();
            continue;
        }
        Result<Jwks> keys = loadKeys(state->options);
        if (keys)
            state->keys = std::move(keys.value());
        else if (result)
            result = Error(keys.error().code,
                QStringLiteral("issuer %1 keeps its keys: %2").arg(shown(state->options.issuer), keys.error().message));
    }
    return result;
}

QVariantList JwtProvider::status() const
{
    QVariantList out;
    for (const auto &state : m_issuers) {
        QVariantMap m = state->fetcher ? state->fetcher->status()
                                       : QVariantMap { { QStringLiteral("keys"), state->keys.kids() } };
        m.insert(QStringLiteral("issuer"), state->options.issuer);
        m.insert(QStringLiteral("source"),
            state->fetcher                           ? QStringLiteral("jwks-uri")
                : !state->options.jwksFile.isEmpty() ? QStringLiteral("jwks-file")
                                                     : QStringLiteral("keys"));
        out.append(m);
    }
    return out;
}

const JwtProvider::IssuerState *JwtProvider::findIssuer(const QString &iss) const
{
    for (const auto &state : m_issuers) {
        if (state->options.issuer == iss)
            return state.get();
    }
    return nullptr;
}

/*!
    Verifies a compact JWS bearer token. Credentials not shaped like one are left to the next
    provider (std::nullopt). Refused, with UNAUTHENTICATED: tokens over the size bound, not three
    base64url segments, a header that is not JSON, "alg" none or unsupported, a "crit" header, a
    "typ" other than JWT or at+jwt, an "iss" no issuer is configured for, a kid that issuer has no
    key for, an "alg" other than the key's own (the algorithm is never taken from the token), a
    bad signature; then, with a good signature, a missing "exp" (unless require-exp is off), "exp"
    passed or "nbf" ahead by more than the leeway, an "aud" naming none of the issuer's audiences,
    a missing name claim, or a name other than request.user.
*/
std::optional<Result<Identity>> JwtProvider::verify(const AuthRequest &request) const
{
    const QByteArray &token = request.credential;
    if (token.isEmpty() || !looksLikeJwt(token))
        return std::nullopt;
    if (token.size() > m_maxTokenBytes)
        return Result<Identity>(refused(QStringLiteral("the JWT is larger than %1 bytes").arg(m_maxTokenBytes)));
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return Result<Identity>(
            refused(parts.size() == 5 ? QStringLiteral("encrypted JWTs (JWE) are not accepted")
                                      : QStringLiteral("a JWT has 3 segments, this one %1").arg(parts.size())));
    const std::optional<QByteArray> headerBytes = decodeBase64Url(parts[0]);
    const std::optional<QByteArray> payloadBytes = decodeBase64Url(parts[1]);
    const std::optional<QByteArray> signature = decodeBase64Url(parts[2]);
    if (!headerBytes || !payloadBytes || !signature)
        return Result<Identity>(refused(QStringLiteral("the JWT's %1 is not base64url")
                                            .arg(!headerBytes       ? QStringLiteral("header")
                                                    : !payloadBytes ? QStringLiteral("payload")
                                                                    : QStringLiteral("signature"))));
    const std::optional<QJsonObject> header = jsonObject(*headerBytes);
    if (!header)
        return Result<Identity>(refused(QStringLiteral("the JWT's header is not a JSON object")));

    // The header: the algorithm must be one we verify, and is checked against the key's below.
    const QJsonValue algValue = header->value(QLatin1String("alg"));
    if (!algValue.isString())
        return Result<Identity>(refused(QStringLiteral("the JWT's header has no \"alg\"")));
    if (algValue.toString().compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return Result<Identity>(refused(QStringLiteral("unsigned JWTs (alg none) are refused")));
    const std::optional<JwtAlgorithm> alg = jwtAlgorithmFromName(algValue.toString());
    if (!alg)
        return Result<Identity>(
            refused(QStringLiteral("the JWT's alg %1 is not supported").arg(shown(algValue.toString()))));
    if (header->contains(QLatin1String("crit")))
        return Result<Identity>(
            refused(QStringLiteral("the JWT's header has \"crit\" extensions, which are not understood")));
    if (header->contains(QLatin1String("typ"))) {
        QString typ = header->value(QLatin1String("typ")).toString().toLower();
        if (typ.startsWith(QLatin1String("application/")))
            typ = typ.mid(12);
        if (typ != QLatin1String("jwt") && typ != QLatin1String("at+jwt"))
            return Result<Identity>(refused(QStringLiteral("the JWT's typ %1 is not JWT or at+jwt")
                                                .arg(shown(header->value(QLatin1String("typ")).toString()))));
    }
    const QJsonValue kidValue = header->value(QLatin1String("kid"));
    if (!kidValue.isUndefined() && !kidValue.isString())
        return Result<Identity>(refused(QStringLiteral("the JWT's kid is not a string")));
    const QString kid = kidValue.toString();

    const std::optional<QJsonObject> claims = jsonObject(*payloadBytes);
    if (!claims)
        return Result<Identity>(refused(QStringLiteral("the JWT's payload is not a JSON object")));

    // The issuer names the keys; nothing the token says is trusted before its signature is.
    const QJsonValue issValue = claims->value(QLatin1String("iss"));
    if (!issValue.isString())
        return Result<Identity>(refused(QStringLiteral("the JWT has no \"iss\" claim")));
    const IssuerState *issuer = findIssuer(issValue.toString());
    if (!issuer)
        return Result<Identity>(refused(QStringLiteral("issuer %1 is not accepted").arg(shown(issValue.toString()))));
    const Issuer &opt = issuer->options;
    const Jwks &keys = issuer->currentKeys();
    if (keys.isEmpty()) {
        if (issuer->fetcher)
            issuer->fetcher->refreshSoon();
        return Result<Identity>(refused(
            QStringLiteral("issuer %1 has no keys yet (its key set could not be fetched)").arg(shown(opt.issuer))));
    }
    const JwtKey *key = keys.find(kid);
    if (!key) {
        if (issuer->fetcher && !kid.isEmpty())
            issuer->fetcher->refreshSoon(); // maybe a rotation this hub has not seen yet
        return Result<Identity>(refused(kid.isEmpty()
                ? QStringLiteral("the JWT has no kid and issuer %1 has several keys").arg(shown(opt.issuer))
                : QStringLiteral("unknown kid %1 for issuer %2").arg(shown(kid), shown(opt.issuer))));
    }
    if (*alg != key->algorithm())
        return Result<Identity>(refused(QStringLiteral("the JWT's alg %1 is not the key's algorithm (%2)")
                                            .arg(jwtAlgorithmName(*alg), jwtAlgorithmName(key->algorithm()))));
    const qsizetype signingInputSize = parts[0].size() + 1 + parts[1].size();
    if (!key->verify(QByteArrayView(token.constData(), signingInputSize), *signature))
        return Result<Identity>(refused(QStringLiteral("the JWT's signature is not valid")));

    // The claims, now that they are the issuer's.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QJsonValue exp = claims->value(QLatin1String("exp"));
    double expSeconds = 0;
    if (!exp.isUndefined()) {
        if (!exp.isDouble())
            return Result<Identity>(refused(QStringLiteral("the JWT's exp is not a number")));
        expSeconds = qBound(0.0, exp.toDouble(), kMaxNumericDate);
        if (double(nowMs) >= expSeconds * 1000.0 + double(opt.leewayMs))
            return Result<Identity>(
                refused(QStringLiteral("the JWT expired at %1")
                            .arg(QDateTime::fromSecsSinceEpoch(qint64(expSeconds), Qt::UTC).toString(Qt::ISODate))));
    } else if (opt.requireExp) {
        return Result<Identity>(
            refused(QStringLiteral("the JWT has no exp (issuer %1 requires one)").arg(shown(opt.issuer))));
    }
    const QJsonValue nbf = claims->value(QLatin1String("nbf"));
    if (!nbf.isUndefined()) {
        if (!nbf.isDouble())
            return Result<Identity>(refused(QStringLiteral("the JWT's nbf is not a number")));
        const double nbfSeconds = qBound(0.0, nbf.toDouble(), kMaxNumericDate);
        if (double(nowMs) + double(opt.leewayMs) < nbfSeconds * 1000.0)
            return Result<Identity>(
                refused(QStringLiteral("the JWT is not valid before %1")
                            .arg(QDateTime::fromSecsSinceEpoch(qint64(nbfSeconds), Qt::UTC).toString(Qt::ISODate))));
    }
    const QJsonValue aud = claims->value(QLatin1String("aud"));
    QStringList audiences;
    if (aud.isString()) {
        audiences.append(aud.toString());
    } else if (aud.isArray()) {
        for (const QJsonValue &a : aud.toArray())
            audiences.append(a.toString());
    }
    bool audienceOk = false;
    for (const QString &a : std::as_const(audiences))
        audienceOk = audienceOk || opt.audiences.contains(a);
    if (!audienceOk)
        return Result<Identity>(refused(audiences.isEmpty() ? QStringLiteral("the JWT has no aud claim")
                                                            : QStringLiteral("the JWT is for another audience")));

    const QJsonValue nameValue = claim(*claims, opt.nameClaim);
    if (!nameValue.isString() || nameValue.toString().isEmpty())
        return Result<Identity>(
            refused(QStringLiteral("the JWT has no %1 claim to name its subject").arg(shown(opt.nameClaim))));
    Identity id;
    id.name = nameValue.toString();
    if (!request.user.isEmpty() && request.user != id.name)
        return Result<Identity>(refused(QStringLiteral("the JWT does not belong to user %1").arg(shown(request.user))));
    const QJsonValue roles = claim(*claims, opt.rolesClaim);
    if (roles.isArray()) {
        for (const QJsonValue &r : roles.toArray()) {
            if (!r.isString())
                return Result<Identity>(refused(QStringLiteral("the JWT's %1 claim holds something other than strings")
                                                    .arg(shown(opt.rolesClaim))));
            id.roles.append(r.toString());
        }
    } else if (roles.isString()) {
        id.roles = roles.toString().split(u' ', Qt::SkipEmptyParts);
    } else if (!roles.isUndefined() && !roles.isNull()) {
        return Result<Identity>(
            refused(QStringLiteral("the JWT's %1 claim is neither a list nor a space-separated string")
                        .arg(shown(opt.rolesClaim))));
    }
    id.authenticated = true;
    id.provider = name();
    const QJsonValue jti = claims->value(QLatin1String("jti"));
    id.credentialId = jti.isString() && !jti.toString().isEmpty() ? jti.toString() : key->kid();
    id.expiresAtMs = exp.isUndefined() ? 0 : qint64(expSeconds * 1000.0);
    return Result<Identity>(id);
}

} // namespace sb
