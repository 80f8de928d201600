// SPDX-License-Identifier: Apache-2.0
// auth: whether every connection must authenticate, and the providers that vouch for clients:
// SHA-256 tokens, API keys, JWT issuers, client certificates; and the throttle of failures.
#include "configsection.h"

#include <switchboard/configvalue.h>
#include <switchboard/jwtprovider.h>

namespace sb::daemon {

namespace {

Status parseToken(const QVariant &value, const QString &key, DaemonConfig &c)
{
    const QVariantMap tm = value.toMap();
    TokenEntry e;
    e.name = tm.value(QStringLiteral("name")).toString();
    e.sha256Hex = tm.value(QStringLiteral("token-sha256")).toString().toLower().toLatin1();
    e.roles = tm.value(QStringLiteral("roles")).toStringList();
    if (tm.contains(QStringLiteral("token")))
        return configError(c, key + QStringLiteral(".token"),
                           QStringLiteral("plain tokens are not accepted in config; store its SHA-256 as "
                                          "token-sha256 (printf %s TOKEN | sha256sum)"));
    if (e.name.isEmpty())
        return configError(c, key + QStringLiteral(".name"), QStringLiteral("is required"));
    if (e.sha256Hex.size() != 64 || QByteArray::fromHex(e.sha256Hex).toHex() != e.sha256Hex)
        return configError(c, key + QStringLiteral(".token-sha256"), QStringLiteral("must be 64 hex digits"));
    c.tokens.append(e);
    return {};
}

Result<qint64> positiveCount(const QVariant &v, const QString &key, qint64 max)
{
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    if (!ok || n < 0 || n > max)
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1: must be an integer from 0 to %2").arg(key).arg(max),
                     {{QStringLiteral("key"), key}});
    return n;
}

Status parseApiKeys(const QVariant &value, const QString &key, DaemonConfig &c)
{
    if (!isMap(value))
        return configError(c, key, QStringLiteral("must be a map {file, cache-ttl, cache-size, scrypt-n}"));
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("file")) {
            c.apiKeys.file = it.value().toString();
        } else if (it.key() == QLatin1String("cache-ttl")) {
            const Result<qint64> ms = config::parseDurationMs(it.value(), k);
            if (!ms)
                return locatedError(c, ms.error());
            c.apiKeys.cacheTtlMs = ms.value();
        } else if (it.key() == QLatin1String("cache-size")) {
            const Result<qint64> n = positiveCount(it.value(), k, 1000000);
            if (!n)
                return locatedError(c, n.error());
            c.apiKeys.cacheSize = int(n.value());
        } else if (it.key() == QLatin1String("scrypt-n")) {
            const Result<qint64> n = positiveCount(it.value(), k, 1 << 20);
            if (!n)
                return locatedError(c, n.error());
            if (n.value() < 1024 || (n.value() & (n.value() - 1)) != 0)
                return configError(c, k, QStringLiteral("must be a power of two from 1024 to 1048576"));
            c.apiKeys.scryptN = quint64(n.value());
        } else {
            return configError(c, k, QStringLiteral("unknown key (expected file, cache-ttl, cache-size, scrypt-n)"));
        }
    }
    if (c.apiKeys.file.isEmpty())
        return configError(c, key + QStringLiteral(".file"), QStringLiteral("is required (where the daemon keeps the key hashes)"));
    return {};
}

Status parseThrottle(const QVariant &value, const QString &key, DaemonConfig &c)
{
    if (!isMap(value))
        return configError(c, key, QStringLiteral("must be a map {free-failures, initial-backoff, max-backoff, max-peers}"));
    const QVariantMap m = value.toMap();
    AuthThrottle::Options &t = c.authThrottle;
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("free-failures") || it.key() == QLatin1String("max-peers")) {
            const Result<qint64> n = positiveCount(it.value(), k, 1000000);
            if (!n)
                return locatedError(c, n.error());
            (it.key() == QLatin1String("max-peers") ? t.maxPeers : t.freeFailures) = int(n.value());
        } else if (it.key() == QLatin1String("initial-backoff") || it.key() == QLatin1String("max-backoff")) {
            const Result<qint64> ms = config::parseDurationMs(it.value(), k);
            if (!ms)
                return locatedError(c, ms.error());
            if (ms.value() < 1)
                return configError(c, k, QStringLiteral("must be more than 0"));
            (it.key() == QLatin1String("max-backoff") ? t.maxBackoffMs : t.initialBackoffMs) = ms.value();
        } else {
            return configError(c, k, QStringLiteral("unknown key (expected free-failures, initial-backoff, max-backoff, max-peers)"));
        }
    }
    if (t.maxPeers < 1)
        return configError(c, key + QStringLiteral(".max-peers"), QStringLiteral("must be at least 1"));
    if (t.maxBackoffMs < t.initialBackoffMs)
        return configError(c, key + QStringLiteral(".max-backoff"), QStringLiteral("must not be below initial-backoff"));
    return {};
}

Status parseMtls(const QVariant &value, const QString &key, DaemonConfig &c)
{
    if (!isMap(value))
        return configError(c, key, QStringLiteral("must be a map {roles, default-roles}"));
    const QVariantMap m = value.toMap();
    c.mtls.enabled = true;
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("roles")) {
            if (!isMap(it.value()))
                return configError(c, k, QStringLiteral("must map certificate identities to lists of roles"));
            const QVariantMap roles = it.value().toMap();
            for (auto r = roles.cbegin(); r != roles.cend(); ++r)
                c.mtls.roles.insert(r.key(), r.value().toStringList());
        } else if (it.key() == QLatin1String("default-roles")) {
            c.mtls.defaultRoles = it.value().toStringList();
        } else {
            return configError(c, k, QStringLiteral("unknown key (expected roles, default-roles)"));
        }
    }
    return {};
}

} // namespace

Status parseAuthSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    if (!isMap(value))
        return configError(c, QStringLiteral("auth"),
                           QStringLiteral("must be a map {required, tokens, api-keys, jwt, mtls, throttle}"));
    const QVariantMap am = value.toMap();
    for (auto it = am.cbegin(); it != am.cend(); ++it) {
        const QString key = QStringLiteral("auth.") + it.key();
        Status st;
        if (it.key() == QLatin1String("required")) {
            const QString v = it.value().toString();
            if (v != QLatin1String("true") && v != QLatin1String("false"))
                return configError(c, key, QStringLiteral("must be true or false"));
            c.authRequired = v == QLatin1String("true");
        } else if (it.key() == QLatin1String("tokens")) {
            int t = 0;
            for (const QVariant &tv : it.value().toList()) {
                if (st = parseToken(tv, key + QStringLiteral("[%1]").arg(t++), c); !st)
                    return st;
            }
        } else if (it.key() == QLatin1String("api-keys")) {
            st = parseApiKeys(it.value(), key, c);
        } else if (it.key() == QLatin1String("throttle")) {
            st = parseThrottle(it.value(), key, c);
        } else if (it.key() == QLatin1String("mtls")) {
            st = parseMtls(it.value(), key, c);
        } else if (it.key() == QLatin1String("jwt")) {
            if (!isList(it.value()))
                return configError(c, key, QStringLiteral("must be a list of issuers"));
            // Checked here (names, algorithms, which key source), so --check-config and reloads
            // catch it; the key files are read when the provider is built.
            if (const auto jwt = JwtProvider::fromVariantMap(it.value().toList(), key); !jwt)
                return locatedError(c, jwt.error());
            c.jwtIssuers = it.value().toList();
        } else {
            return configError(c, key, QStringLiteral("unknown key (expected required, tokens, api-keys, jwt, mtls, throttle)"));
        }
        if (!st)
            return st;
    }
    if (c.authRequired && c.tokens.isEmpty() && c.apiKeys.file.isEmpty() && c.jwtIssuers.isEmpty() && !c.mtls.enabled)
        return configError(c, QStringLiteral("auth.tokens"),
                           QStringLiteral("auth.required is true but no tokens, api-keys, jwt or mtls are configured"));
    return {};
}

} // namespace sb::daemon
