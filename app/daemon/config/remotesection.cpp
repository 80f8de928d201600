// SPDX-License-Identifier: Apache-2.0
// remote: the remote-control API (console, sbctl, scripts). A file without this section turns it
// off; the section turns it on. Parsed after auth: serving it over TCP needs a token with its role.
#include "configsection.h"

#include <switchboard/configvalue.h>

namespace sb::daemon {

namespace {

bool parseFlag(const QString &v, bool *out)
{
    if (v != QLatin1String("true") && v != QLatin1String("false"))
        return false;
    *out = v == QLatin1String("true");
    return true;
}

Status parseTls(const QVariant &value, const QString &key, DaemonConfig &c)
{
    if (!isMap(value))
        return configError(c, key, QStringLiteral("must be a map {cert, key}"));
    const QVariantMap tm = value.toMap();
    for (auto t = tm.cbegin(); t != tm.cend(); ++t) {
        if (t.key() == QLatin1String("cert"))
            c.remote.tlsCert = t.value().toString();
        else if (t.key() == QLatin1String("key"))
            c.remote.tlsKey = t.value().toString();
        else if (t.key() == QLatin1String("client-ca"))
            c.remote.tlsClientCa = t.value().toString();
        else
            return configError(c, key + QLatin1Char('.') + t.key(), QStringLiteral("unknown key (expected cert, key, client-ca)"));
    }
    if (c.remote.tlsCert.isEmpty() || c.remote.tlsKey.isEmpty())
        return configError(c, key, QStringLiteral("needs both cert and key"));
    return {};
}

Status parseTcp(const QString &v, const QString &key, DaemonConfig &c)
{
    const qsizetype colon = v.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? v.mid(colon + 1).toUInt(&ok) : 0;
    if (!v.isEmpty() && (colon <= 0 || !ok || port > 65535))
        return configError(c, key, QStringLiteral("\"%1\" is not host:port (e.g. 0.0.0.0:7411; port 0 picks a free one)").arg(v));
    c.remote.tcpHost = v.isEmpty() ? QString() : v.left(colon);
    c.remote.tcpPort = quint16(port);
    return {};
}

Status parseRemoteKey(const QString &name, const QVariant &value, DaemonConfig &c)
{
    RemoteConfig &r = c.remote;
    const QString key = QStringLiteral("remote.") + name;
    const QString v = value.toString();
    if (name == QLatin1String("enabled")) {
        if (!parseFlag(v, &r.enabled))
            return configError(c, key, QStringLiteral("must be true or false"));
    } else if (name == QLatin1String("local")) {
        r.local = v;
    } else if (name == QLatin1String("local-requires-token")) {
        if (!parseFlag(v, &r.localRequiresToken))
            return configError(c, key, QStringLiteral("must be true or false"));
    } else if (name == QLatin1String("tcp")) {
        return parseTcp(v, key, c);
    } else if (name == QLatin1String("tls")) {
        return parseTls(value, key, c);
    } else if (name == QLatin1String("role")) {
        r.role = v;
    } else if (name == QLatin1String("snapshot-interval-ms")) {
        const Result<qint64> ms = config::parseDurationMs(value, key);
        if (!ms)
            return locatedError(c, ms.error());
        if (ms.value() < 50 || ms.value() > 60000)
            return configError(c, key, QStringLiteral("must be an integer from 50 to 60000"));
        r.snapshotIntervalMs = int(ms.value());
    } else if (name == QLatin1String("max-replicas")) {
        bool ok = false;
        const int n = v.toInt(&ok);
        if (!ok || n < 1 || n > 10000)
            return configError(c, key, QStringLiteral("must be an integer from 1 to 10000"));
        r.maxReplicas = n;
    } else if (name == QLatin1String("handshake-timeout-ms")) {
        const Result<qint64> ms = config::parseDurationMs(value, key);
        if (!ms)
            return locatedError(c, ms.error());
        if (ms.value() < 100 || ms.value() > 600000)
            return configError(c, key, QStringLiteral("must be a duration from 100ms to 10m"));
        r.handshakeTimeoutMs = int(ms.value());
    } else if (name == QLatin1String("max-pending-handshakes") || name == QLatin1String("max-pending-handshakes-per-peer")) {
        bool ok = false;
        const int n = v.toInt(&ok);
        if (!ok || n < 1 || n > 100000)
            return configError(c, key, QStringLiteral("must be an integer from 1 to 100000"));
        (name == QLatin1String("max-pending-handshakes") ? r.maxPendingHandshakes : r.maxPendingHandshakesPerPeer) = n;
    } else if (name == QLatin1String("max-hello-bytes")) {
        const Result<qint64> n = config::parseSize(value, key);
        if (!n)
            return locatedError(c, n.error());
        if (n.value() < 256 || n.value() > 1024 * 1024)
            return configError(c, key, QStringLiteral("must be a size from 256B to 1MiB"));
        r.maxHelloBytes = int(n.value());
    } else {
        return configError(c, key, QStringLiteral("unknown key (expected enabled, local, local-requires-token, tcp, tls, "
                                                  "role, snapshot-interval-ms, max-replicas, handshake-timeout-ms, "
                                                  "max-pending-handshakes, max-pending-handshakes-per-peer, max-hello-bytes)"));
    }
    return {};
}

// What the keys say together: TCP only with TLS and a token that has the role; something to listen on.
Status checkRemote(const DaemonConfig &c)
{
    const RemoteConfig &r = c.remote;
    if (!r.enabled)
        return {};
    if (!r.tcpHost.isEmpty() && r.tlsCert.isEmpty())
        return configError(c, QStringLiteral("remote.tcp"),
                           QStringLiteral("needs remote.tls {cert, key}: the remote-control API is never served in the clear"));
    // With only tokens configured, one must have the role, or nobody could ever get in over TCP.
    // API keys (made at run time), JWTs (roles from claims) and certificates may carry it instead.
    const bool otherProviders = !c.apiKeys.file.isEmpty() || !c.jwtIssuers.isEmpty() || c.mtls.enabled;
    if (!r.tcpHost.isEmpty() && !otherProviders) {
        bool anyRole = false;
        for (const TokenEntry &t : std::as_const(c.tokens))
            anyRole = anyRole || r.role.isEmpty() || t.roles.contains(r.role);
        if (!anyRole)
            return configError(c, QStringLiteral("remote.tcp"),
                               QStringLiteral("needs at least one token in auth.tokens with the role \"%1\" "
                                              "(or API keys, JWT issuers or client certificates)")
                                   .arg(r.role));
    }
    if (r.localRequiresToken && r.local.isEmpty())
        return configError(c, QStringLiteral("remote.local-requires-token"), QStringLiteral("is set but remote.local is empty"));
    if (r.local.isEmpty() && r.tcpHost.isEmpty())
        return configError(c, QStringLiteral("remote"), QStringLiteral("is enabled but neither remote.local nor remote.tcp is set"));
    return {};
}

} // namespace

Status parseRemoteSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    if (!isMap(value))
        return configError(c, QStringLiteral("remote"), QStringLiteral("must be a map {enabled, local, local-requires-token, "
                                                                       "tcp, tls, role, snapshot-interval-ms, max-replicas}"));
    c.remote.enabled = true;
    const QVariantMap rm = value.toMap();
    for (auto it = rm.cbegin(); it != rm.cend(); ++it) {
        if (Status st = parseRemoteKey(it.key(), it.value(), c); !st)
            return st;
    }
    return checkRemote(c);
}

} // namespace sb::daemon
