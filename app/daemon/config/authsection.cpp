// SPDX-License-Identifier: Apache-2.0
// auth: whether every connection must authenticate, and the tokens (as SHA-256 digests).
#include "configsection.h"

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

} // namespace

Status parseAuthSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    if (!isMap(value))
        return configError(c, QStringLiteral("auth"), QStringLiteral("must be a map {required, tokens}"));
    const QVariantMap am = value.toMap();
    for (auto it = am.cbegin(); it != am.cend(); ++it) {
        const QString key = QStringLiteral("auth.") + it.key();
        if (it.key() == QLatin1String("required")) {
            const QString v = it.value().toString();
            if (v != QLatin1String("true") && v != QLatin1String("false"))
                return configError(c, key, QStringLiteral("must be true or false"));
            c.authRequired = v == QLatin1String("true");
        } else if (it.key() == QLatin1String("tokens")) {
            int t = 0;
            for (const QVariant &tv : it.value().toList()) {
                if (Status st = parseToken(tv, key + QStringLiteral("[%1]").arg(t++), c); !st)
                    return st;
            }
        } else {
            return configError(c, key, QStringLiteral("unknown key (expected required, tokens)"));
        }
    }
    if (c.authRequired && c.tokens.isEmpty())
        return configError(c, QStringLiteral("auth.tokens"),
                           QStringLiteral("auth.required is true but no tokens are configured"));
    return {};
}

} // namespace sb::daemon
