// SPDX-License-Identifier: Apache-2.0
#include "httpendpointconfig.h"

#include <QThread>

#include <dlfcn.h>

namespace sb::http {

namespace {

Error configError(const QString &key, const QString &why)
{
    return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why, {{QStringLiteral("key"), key}});
}

bool isList(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantList || v.typeId() == QMetaType::QStringList;
}

bool isMap(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantMap;
}

Result<CorsPolicy> parseCors(const QVariant &value, const QString &key)
{
    if (!isMap(value))
        return configError(key, QStringLiteral("must be a map {origins: [...], credentials, max-age}"));
    CorsPolicy c;
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("origins")) {
            if (!isList(it.value()))
                return configError(k, QStringLiteral("must be a list of origins (\"https://app.example\") or [\"*\"]"));
            for (const QVariant &o : it.value().toList()) {
                const QString origin = o.toString();
                if (origin != QLatin1String("*") && !origin.startsWith(QLatin1String("http://"))
                    && !origin.startsWith(QLatin1String("https://")))
                    return configError(k, QStringLiteral("\"%1\" is not an origin (scheme://host[:port]) or \"*\"").arg(origin));
                c.origins.append(origin);
            }
        } else if (it.key() == QLatin1String("credentials")) {
            c.credentials = it.value().toBool();
        } else if (it.key() == QLatin1String("max-age")) {
            const Result<qint64> ms = config::parseDurationMs(it.value(), k, 1000);
            if (!ms)
                return ms.error();
            c.maxAgeSeconds = int(std::min<qint64>(ms.value() / 1000, 86400));
        } else {
            return configError(k, QStringLiteral("unknown key (expected origins, credentials, max-age)"));
        }
    }
    if (c.credentials && c.origins.contains(QStringLiteral("*")))
        return configError(key + QStringLiteral(".credentials"),
                           QStringLiteral("browsers refuse credentials with origin \"*\": list the origins"));
    return c;
}

Status parseTls(const QVariant &value, const QString &key, HttpListenerConfig &l)
{
    if (!isMap(value))
        return configError(key, QStringLiteral("must be a map {cert, key, client-ca}"));
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        if (it.key() == QLatin1String("cert"))
            l.tlsCert = it.value().toString();
        else if (it.key() == QLatin1String("key"))
            l.tlsKey = it.value().toString();
        else if (it.key() == QLatin1String("client-ca"))
            l.tlsClientCa = it.value().toString();
        else
            return configError(key + QLatin1Char('.') + it.key(), QStringLiteral("unknown key (expected cert, key, client-ca)"));
    }
    if (l.tlsCert.isEmpty() || l.tlsKey.isEmpty())
        return configError(key, QStringLiteral("needs both cert and key (PEM files)"));
    return {};
}

Result<HttpListenerConfig> parseListener(const QVariant &value, const QString &key)
{
    if (!isMap(value))
        return configError(key, QStringLiteral("must be a map {address, tls?, cors?}"));
    HttpListenerConfig l;
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("address")) {
            l.address = it.value().toString();
            const qsizetype colon = l.address.lastIndexOf(QLatin1Char(':'));
            bool ok = false;
            const uint port = colon > 0 ? l.address.mid(colon + 1).toUInt(&ok) : 0;
            QString host = colon > 0 ? l.address.left(colon) : QString();
            if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
                host = host.mid(1, host.size() - 2);
            if (!ok || port > 65535 || !l.host.setAddress(host))
                return configError(k, QStringLiteral("\"%1\" is not HOST:PORT with a numeric address (\"127.0.0.1:7480\", "
                                                     "\"0.0.0.0:7443\", \"[::1]:7480\")")
                                          .arg(l.address));
            l.port = quint16(port);
        } else if (it.key() == QLatin1String("tls")) {
            if (Status st = parseTls(it.value(), k, l); !st)
                return st.error();
        } else if (it.key() == QLatin1String("cors")) {
            Result<CorsPolicy> c = parseCors(it.value(), k);
            if (!c)
                return c.error();
            l.cors = c.value();
        } else {
            return configError(k, QStringLiteral("unknown key (expected address, tls, cors)"));
        }
    }
    if (l.address.isEmpty())
        return configError(key + QStringLiteral(".address"), QStringLiteral("is required (\"127.0.0.1:7480\")"));
    return l;
}

Status parseRates(const QVariant &value, const QString &key, HttpRateLimits &r)
{
    if (!isMap(value))
        return configError(key, QStringLiteral("must be a map {identity, address, route, max-tracked}"));
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        config::Rate *target = it.key() == QLatin1String("identity") ? &r.perIdentity
            : it.key() == QLatin1String("address")                  ? &r.perAddress
            : it.key() == QLatin1String("route")                    ? &r.perRoute
                                                                    : nullptr;
        if (target) {
            const Result<config::Rate> rate = config::parseRate(it.value(), k);
            if (!rate)
                return rate.error();
            *target = rate.value();
        } else if (it.key() == QLatin1String("max-tracked")) {
            bool ok = false;
            r.maxTracked = it.value().toInt(&ok);
            if (!ok || r.maxTracked < 1)
                return configError(k, QStringLiteral("must be a positive integer"));
        } else {
            return configError(k, QStringLiteral("unknown key (expected identity, address, route, max-tracked)"));
        }
    }
    return {};
}

Status parseIdempotency(const QVariant &value, const QString &key, HttpIdempotency &i)
{
    if (!isMap(value))
        return configError(key, QStringLiteral("must be a map {window, max-entries, max-bytes}"));
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("window")) {
            const Result<qint64> ms = config::parseDurationMs(it.value(), k, 1000);
            if (!ms)
                return ms.error();
            i.windowMs = ms.value();
        } else if (it.key() == QLatin1String("max-entries")) {
            bool ok = false;
            i.maxEntries = it.value().toInt(&ok);
            if (!ok || i.maxEntries < 0)
                return configError(k, QStringLiteral("must be an integer >= 0 (0 turns Idempotency-Key off)"));
        } else if (it.key() == QLatin1String("max-bytes")) {
            const Result<qint64> n = config::parseSize(it.value(), k);
            if (!n)
                return n.error();
            i.maxBytes = n.value();
        } else {
            return configError(k, QStringLiteral("unknown key (expected window, max-entries, max-bytes)"));
        }
    }
    return {};
}

Status parseApiKey(const QString &name, const QVariant &value, const QString &key, RestApiOptions &api)
{
    if (name == QLatin1String("request-timeout") || name == QLatin1String("max-request-timeout")) {
        const Result<qint64> ms = config::parseDurationMs(value, key, 1000);
        if (!ms)
            return ms.error();
        if (ms.value() < 1 || ms.value() > 3600 * 1000)
            return configError(key, QStringLiteral("must be between 1ms and 1h"));
        (name == QLatin1String("request-timeout") ? api.defaultRequestTimeoutMs : api.maxRequestTimeoutMs) = int(ms.value());
        return {};
    }
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n < 1 || n > 100000)
        return configError(key, QStringLiteral("must be an integer from 1 to 100000"));
    (name == QLatin1String("page-size") ? api.defaultPageSize : api.maxPageSize) = n;
    return {};
}

Status parseIoThreads(const QVariant &value, const QString &key, int &threads)
{
    if (value.toString() == QLatin1String("auto")) {
        threads = HttpEndpointConfig::defaultIoThreads();
        return {};
    }
    bool ok = false;
    const int n = value.toInt(&ok);
    // A YAML number may come as a double: 1.5 is not a thread count (toInt() would truncate it).
    if (ok && value.typeId() == QMetaType::Double && value.toDouble() != double(n))
        ok = false;
    if (!ok || n < 0 || n > HttpEndpointConfig::kMaxIoThreads)
        return configError(key, QStringLiteral("must be \"auto\" or an integer from 0 (the bus thread does all) to %1")
                                    .arg(HttpEndpointConfig::kMaxIoThreads));
    threads = n;
    return {};
}

} // namespace

int HttpEndpointConfig::defaultIoThreads()
{
    // Measured (bench/README.md, http-bench --io-threads): on 2 cores shared with the clients the
    // hand-over pays off only when freeing memory allocated on the other thread is cheap, which
    // glibc's malloc does not give and jemalloc does; from 4 cores on, one I/O thread anyway.
    const int cores = QThread::idealThreadCount();
    return cores >= 4 || (cores >= 2 && runsOnJemalloc()) ? 1 : 0;
}

bool HttpEndpointConfig::runsOnJemalloc()
{
    // switchboardd links jemalloc (SWITCHBOARD_JEMALLOC); a process that loads the plugin may not.
    static const bool jemalloc = ::dlsym(RTLD_DEFAULT, "mallctl") != nullptr;
    return jemalloc;
}

bool CorsPolicy::allows(const QByteArray &origin) const
{
    return !origin.isEmpty() && (origins.contains(QStringLiteral("*")) || origins.contains(QString::fromLatin1(origin)));
}

QVariantMap HttpEndpointConfig::defaults()
{
    return {{QStringLiteral("listeners"), QVariantList{QVariantMap{{QStringLiteral("address"), QStringLiteral("127.0.0.1:7480")}}}}};
}

Result<HttpEndpointConfig> HttpEndpointConfig::fromVariantMap(const QVariantMap &map)
{
    HttpEndpointConfig c;
    QVariantMap limits;
    const QStringList limitKeys = HttpServerLimits::keys();
    const QStringList apiKeys{QStringLiteral("request-timeout"), QStringLiteral("max-request-timeout"),
                              QStringLiteral("page-size"), QStringLiteral("max-page-size")};
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString key = QStringLiteral("http.") + it.key();
        Status st;
        if (it.key() == QLatin1String("listeners")) {
            if (!isList(it.value()))
                return configError(key, QStringLiteral("must be a list of {address, tls?, cors?}"));
            int i = 0;
            for (const QVariant &l : it.value().toList()) {
                Result<HttpListenerConfig> parsed = parseListener(l, key + QStringLiteral("[%1]").arg(i++));
                if (!parsed)
                    return parsed.error();
                c.listeners.append(parsed.value());
            }
        } else if (limitKeys.contains(it.key())) {
            limits.insert(it.key(), it.value());
        } else if (apiKeys.contains(it.key())) {
            st = parseApiKey(it.key(), it.value(), key, c.api);
        } else if (it.key() == QLatin1String("rate-limits")) {
            st = parseRates(it.value(), key, c.rates);
        } else if (it.key() == QLatin1String("idempotency")) {
            st = parseIdempotency(it.value(), key, c.idempotency);
        } else if (it.key() == QLatin1String("metrics-require-auth")) {
            c.metricsRequireAuth = it.value().toBool();
        } else if (it.key() == QLatin1String("io-threads")) {
            st = parseIoThreads(it.value(), key, c.ioThreads);
        } else if (it.key() == QLatin1String("webhooks")) {
            Result<WebhookConfig> webhooks = WebhookConfig::fromVariant(it.value(), key);
            if (!webhooks)
                return webhooks.error();
            c.webhooks = webhooks.value();
        } else if (it.key() == QLatin1String("sse")) {
            Result<SseConfig> sse = SseConfig::fromVariant(it.value(), key);
            if (!sse)
                return sse.error();
            c.sse = sse.value();
        } else if (it.key() == QLatin1String("ws")) {
            Result<WsConfig> ws = WsConfig::fromVariant(it.value(), key);
            if (!ws)
                return ws.error();
            c.ws = ws.value();
        } else {
            return configError(key, QStringLiteral("unknown key (expected listeners, io-threads, rate-limits, idempotency, "
                                                   "sse, ws, webhooks, metrics-require-auth, %1, %2)")
                                        .arg(apiKeys.join(QStringLiteral(", ")), limitKeys.join(QStringLiteral(", "))));
        }
        if (!st)
            return st.error();
    }
    if (c.api.defaultRequestTimeoutMs > c.api.maxRequestTimeoutMs)
        return configError(QStringLiteral("http.request-timeout"), QStringLiteral("is longer than max-request-timeout"));
    if (c.api.defaultPageSize > c.api.maxPageSize)
        return configError(QStringLiteral("http.page-size"), QStringLiteral("is larger than max-page-size"));
    Result<HttpServerLimits> l = HttpServerLimits::fromVariantMap(limits, QStringLiteral("http"));
    if (!l)
        return l.error();
    c.limits = l.value();
    if (!map.contains(QStringLiteral("listeners")))
        c.listeners.append(parseListener(defaults().value(QStringLiteral("listeners")).toList().first(), {}).value());
    if (c.listeners.isEmpty())
        return configError(QStringLiteral("http.listeners"), QStringLiteral("needs at least one listener"));
    return c;
}

} // namespace sb::http
