// SPDX-License-Identifier: Apache-2.0
// The "auth.jwt" config list, parsed into JwtProvider::Options.
#include <QHostAddress>
#include <switchboard/configvalue.h>
#include <switchboard/jwtprovider.h>

namespace sb {

namespace {

Error bad(const QString &key, const QString &why)
{
    return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why, { { QStringLiteral("key"), key } });
}

bool isList(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantList || v.typeId() == QMetaType::QStringList;
}

bool isText(const QVariant &v)
{
    return v.typeId() == QMetaType::QString || v.typeId() == QMetaType::QByteArray;
}

Result<QString> text(const QVariant &v, const QString &key)
{
    if (!isText(v) || v.toString().isEmpty())
        return bad(key, QStringLiteral("must be a non-empty string"));
    return v.toString();
}

Result<bool> boolean(const QVariant &v, const QString &key)
{
    if (v.typeId() == QMetaType::Bool)
        return v.toBool();
    const QString s = v.toString();
    if (s != QLatin1String("true") && s != QLatin1String("false"))
        return bad(key, QStringLiteral("must be true or false"));
    return s == QLatin1String("true");
}

Result<JwtAlgorithm> algorithm(const QVariant &v, const QString &key)
{
    const QString name = v.toString();
    if (name.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
        return bad(key, QStringLiteral("\"none\" (unsigned tokens) is never accepted"));
    const std::optional<JwtAlgorithm> a = jwtAlgorithmFromName(name);
    if (!a)
        return bad(key,
            QStringLiteral("\"%1\" is not a supported algorithm (HS256, HS384, HS512, RS256, RS384, "
                           "RS512, ES256, ES384)")
                .arg(name));
    return *a;
}

bool isHmac(JwtAlgorithm a)
{
    return a == JwtAlgorithm::HS256 || a == JwtAlgorithm::HS384 || a == JwtAlgorithm::HS512;
}

// A jwks-uri: https, or http to a loopback address (a key set fetched in the clear from another
// host would let anyone on the path sign tokens).
Result<QUrl> jwksUri(const QVariant &v, const QString &key)
{
    Result<QString> s = text(v, key);
    if (!s)
        return s.error();
    const QUrl url(s.value(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return bad(key, QStringLiteral("\"%1\" is not a URL").arg(s.value()));
    const QString host = url.host();
    const bool loopback = host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
    if (url.scheme() != QLatin1String("https") && !(url.scheme() == QLatin1String("http") && loopback))
        return bad(key, QStringLiteral("must be an https URL (plain http only to a loopback address)"));
    return url;
}

Result<JwtProvider::Key> parseKey(const QVariant &value, const QString &key)
{
    if (value.typeId() != QMetaType::QVariantMap)
        return bad(key, QStringLiteral("must be a map {kid, alg, secret-file | public-key-file}"));
    const QVariantMap m = value.toMap();
    JwtProvider::Key k;
    bool hasAlg = false;
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k2 = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("kid")) {
            Result<QString> s = text(it.value(), k2);
            if (!s)
                return s.error();
            k.kid = s.value();
        } else if (it.key() == QLatin1String("alg")) {
            Result<JwtAlgorithm> a = algorithm(it.value(), k2);
            if (!a)
                return a.error();
            k.algorithm = a.value();
            hasAlg = true;
        } else if (it.key() == QLatin1String("secret-file") || it.key() == QLatin1String("public-key-file")) {
            Result<QString> s = text(it.value(), k2);
            if (!s)
                return s.error();
            (it.key() == QLatin1String("secret-file") ? k.secretFile : k.publicKeyFile) = s.value();
        } else if (it.key() == QLatin1String("secret")) {
            return bad(k2,
                QStringLiteral("plain secrets are not accepted in config; put the secret in a file (or a "
                               "systemd credential) and give its path as secret-file"));
        } else {
            return bad(k2, QStringLiteral("unknown key (expected kid, alg, secret-file, public-key-file)"));
        }
    }
    if (!hasAlg)
        return bad(key + QStringLiteral(".alg"),
            QStringLiteral("is required: the key's algorithm is never taken from a token"));
    if (k.secretFile.isEmpty() == k.publicKeyFile.isEmpty())
        return bad(key, QStringLiteral("needs exactly one of secret-file or public-key-file"));
    if (isHmac(k.algorithm) && k.secretFile.isEmpty())
        return bad(key + QStringLiteral(".public-key-file"),
            QStringLiteral("%1 takes a secret-file").arg(jwtAlgorithmName(k.algorithm)));
    if (!isHmac(k.algorithm) && k.publicKeyFile.isEmpty())
        return bad(key + QStringLiteral(".secret-file"),
            QStringLiteral("%1 takes a public-key-file (PEM)").arg(jwtAlgorithmName(k.algorithm)));
    return k;
}

Result<JwtProvider::Issuer> parseIssuer(const QVariant &value, const QString &key)
{
    if (value.typeId() != QMetaType::QVariantMap)
        return bad(key, QStringLiteral("must be a map {issuer, audience, jwks-file | jwks-uri | keys, ...}"));
    const QVariantMap m = value.toMap();
    JwtProvider::Issuer is;
    bool hasRefresh = false;
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        const QString &name = it.key();
        const QVariant &v = it.value();
        if (name == QLatin1String("issuer")) {
            Result<QString> s = text(v, k);
            if (!s)
                return s.error();
            is.issuer = s.value();
        } else if (name == QLatin1String("audience")) {
            is.audiences = isList(v) ? v.toStringList() : QStringList { v.toString() };
            if (is.audiences.isEmpty() || is.audiences.contains(QString()))
                return bad(k, QStringLiteral("must be a non-empty string or list of strings"));
        } else if (name == QLatin1String("leeway") || name == QLatin1String("jwks-refresh")) {
            Result<qint64> ms = config::parseDurationMs(v, k, 1000);
            if (!ms)
                return ms.error();
            if (name == QLatin1String("leeway")) {
                if (ms.value() > 10 * 60 * 1000)
                    return bad(k, QStringLiteral("must be at most 10m"));
                is.leewayMs = ms.value();
            } else {
                if (ms.value() < 1000)
                    return bad(k, QStringLiteral("must be at least 1s"));
                is.jwksRefreshMs = ms.value();
                hasRefresh = true;
            }
        } else if (name == QLatin1String("roles-claim") || name == QLatin1String("name-claim")) {
            Result<QString> s = text(v, k);
            if (!s)
                return s.error();
            (name == QLatin1String("roles-claim") ? is.rolesClaim : is.nameClaim) = s.value();
        } else if (name == QLatin1String("algorithms")) {
            const QStringList names = isList(v) ? v.toStringList() : QStringList { v.toString() };
            if (names.isEmpty())
                return bad(k, QStringLiteral("must not be empty (leave it out to allow every supported algorithm)"));
            for (qsizetype i = 0; i < names.size(); ++i) {
                Result<JwtAlgorithm> a = algorithm(names[i], k + QStringLiteral("[%1]").arg(i));
                if (!a)
                    return a.error();
                if (!is.algorithms.contains(a.value()))
                    is.algorithms.append(a.value());
            }
        } else if (name == QLatin1String("jwks-file")) {
            Result<QString> s = text(v, k);
            if (!s)
                return s.error();
            is.jwksFile = s.value();
        } else if (name == QLatin1String("jwks-uri")) {
            Result<QUrl> url = jwksUri(v, k);
            if (!url)
                return url.error();
            is.jwksUri = url.value();
        } else if (name == QLatin1String("keys")) {
            if (!isList(v) || v.toList().isEmpty())
                return bad(k, QStringLiteral("must be a non-empty list of {kid, alg, secret-file | public-key-file}"));
            const QVariantList list = v.toList();
            for (qsizetype i = 0; i < list.size(); ++i) {
                Result<JwtProvider::Key> key2 = parseKey(list[i], k + QStringLiteral("[%1]").arg(i));
                if (!key2)
                    return key2.error();
                for (const JwtProvider::Key &other : std::as_const(is.keys)) {
                    if (other.kid == key2->kid)
                        return bad(k + QStringLiteral("[%1].kid").arg(i),
                            key2->kid.isEmpty() ? QStringLiteral("is required when there are several keys")
                                                : QStringLiteral("\"%1\" appears twice").arg(key2->kid));
                }
                is.keys.append(key2.value());
            }
        } else if (name == QLatin1String("require-exp")) {
            Result<bool> b = boolean(v, k);
            if (!b)
                return b.error();
            is.requireExp = b.value();
        } else {
            return bad(k,
                QStringLiteral("unknown key (expected issuer, audience, leeway, roles-claim, name-claim, "
                               "algorithms, jwks-file, jwks-uri, keys, jwks-refresh, require-exp)"));
        }
    }
    if (is.issuer.isEmpty())
        return bad(key + QStringLiteral(".issuer"), QStringLiteral("is required (the tokens' \"iss\")"));
    if (is.audiences.isEmpty())
        return bad(key + QStringLiteral(".audience"),
            QStringLiteral("is required (the \"aud\" this hub accepts; without it a token the issuer made for "
                           "any other service would do)"));
    const int sources = int(!is.jwksFile.isEmpty()) + int(!is.jwksUri.isEmpty()) + int(!is.keys.isEmpty());
    if (sources != 1)
        return bad(key, QStringLiteral("needs exactly one of jwks-file, jwks-uri or keys"));
    if (hasRefresh && is.jwksUri.isEmpty())
        return bad(key + QStringLiteral(".jwks-refresh"), QStringLiteral("applies only with jwks-uri"));
    if (!is.algorithms.isEmpty()) {
        for (qsizetype i = 0; i < is.keys.size(); ++i) {
            if (!is.algorithms.contains(is.keys[i].algorithm))
                return bad(key + QStringLiteral(".keys[%1].alg").arg(i),
                    QStringLiteral("%1 is not among the issuer's algorithms")
                        .arg(jwtAlgorithmName(is.keys[i].algorithm)));
        }
    }
    is.jwksRetryInitialMs = qMin<qint64>(1000, is.jwksRefreshMs);
    return is;
}

} // namespace

/*!
    Parses the issuers of the "jwt" provider from \a issuers, the list found under the config
    key \a key (errors name "<key>[i].<field>"). Each issuer is a map:
    issuer, audience (string or list), leeway (duration, plain number: seconds; default 30s, at
    most 10m), roles-claim (default "roles"), name-claim (default "sub"), algorithms (default:
    all supported), exactly one of jwks-file, jwks-uri (https, or http to loopback) and keys
    ([{kid, alg, secret-file | public-key-file}]), jwks-refresh (with jwks-uri; default 10m, at
    least 1s), require-exp (default true). Plain secrets are refused. docs/CONTRACTS.md lists them.
*/
Result<JwtProvider::Options> JwtProvider::fromVariantMap(const QVariantList &issuers, const QString &key)
{
    Options options;
    for (qsizetype i = 0; i < issuers.size(); ++i) {
        const QString k = key + QStringLiteral("[%1]").arg(i);
        Result<Issuer> is = parseIssuer(issuers[i], k);
        if (!is)
            return is.error();
        for (const Issuer &other : std::as_const(options.issuers)) {
            if (other.issuer == is->issuer)
                return bad(k + QStringLiteral(".issuer"), QStringLiteral("\"%1\" is configured twice").arg(is->issuer));
        }
        options.issuers.append(is.value());
    }
    return options;
}

} // namespace sb
