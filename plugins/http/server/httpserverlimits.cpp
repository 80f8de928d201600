// SPDX-License-Identifier: Apache-2.0
#include "httpserverlimits.h"

#include <switchboard/configvalue.h>

#include <limits>

namespace sb::http {

namespace {

// http_parser counts the request line and the header lines together and stops at 80 KiB: the
// target and the header lines are each capped well below that.
constexpr qint64 kMaxHeadPart = 64 * 1024;

Error badKey(const QString &prefix, const QString &key, const QString &why)
{
    const QString full = prefix + QLatin1Char('.') + key;
    return Error(ErrorCode::InvalidConfig, full + QStringLiteral(": ") + why, {{QStringLiteral("key"), full}});
}

Status parseBytes(const QVariant &v, const QString &prefix, const QString &key, qint64 min, qint64 max, qint64 *out)
{
    const Result<qint64> n = config::parseSize(v, prefix + QLatin1Char('.') + key);
    if (!n)
        return n.error();
    if (n.value() < min || n.value() > max)
        return badKey(prefix, key, QStringLiteral("must be a size from %1 to %2 bytes").arg(min).arg(max));
    *out = n.value();
    return {};
}

Status parseMs(const QVariant &v, const QString &prefix, const QString &key, int *out)
{
    // Plain numbers are seconds: these keys do not end in -ms (docs/CONTRACTS.md, section 1).
    const Result<qint64> n = config::parseDurationMs(v, prefix + QLatin1Char('.') + key, 1000);
    if (!n)
        return n.error();
    if (n.value() < 1 || n.value() > std::numeric_limits<int>::max())
        return badKey(prefix, key, QStringLiteral("must be a duration from 1ms to 24d (e.g. 10s)"));
    *out = int(n.value());
    return {};
}

Status parseCount(const QVariant &v, const QString &prefix, const QString &key, int min, int max, int *out)
{
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    if (!ok || n < min || n > max || v.typeId() == QMetaType::Bool)
        return badKey(prefix, key, QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
    *out = int(n);
    return {};
}

} // namespace

QStringList HttpServerLimits::keys()
{
    return {QStringLiteral("max-body-bytes"),      QStringLiteral("max-header-bytes"),
            QStringLiteral("max-headers"),         QStringLiteral("max-url-bytes"),
            QStringLiteral("max-pipelined"),       QStringLiteral("request-head-timeout"),
            QStringLiteral("idle-timeout"),        QStringLiteral("body-timeout"),
            QStringLiteral("max-connections"),     QStringLiteral("max-connections-per-address"),
            QStringLiteral("max-outbound-bytes")};
}

Result<HttpServerLimits> HttpServerLimits::fromVariantMap(const QVariantMap &map, const QString &prefix)
{
    HttpServerLimits l;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString &k = it.key();
        const QVariant &v = it.value();
        Status st;
        if (k == QLatin1String("max-body-bytes"))
            st = parseBytes(v, prefix, k, 0, std::numeric_limits<int>::max() / 2, &l.maxBodyBytes);
        else if (k == QLatin1String("max-header-bytes"))
            st = parseBytes(v, prefix, k, 256, kMaxHeadPart, &l.maxHeaderBytes);
        else if (k == QLatin1String("max-headers"))
            st = parseCount(v, prefix, k, 1, 10000, &l.maxHeaders);
        else if (k == QLatin1String("max-url-bytes"))
            st = parseBytes(v, prefix, k, 64, kMaxHeadPart, &l.maxUrlBytes);
        else if (k == QLatin1String("max-pipelined"))
            st = parseCount(v, prefix, k, 1, 1024, &l.maxPipelined);
        else if (k == QLatin1String("request-head-timeout"))
            st = parseMs(v, prefix, k, &l.requestHeadTimeoutMs);
        else if (k == QLatin1String("idle-timeout"))
            st = parseMs(v, prefix, k, &l.idleTimeoutMs);
        else if (k == QLatin1String("body-timeout"))
            st = parseMs(v, prefix, k, &l.bodyTimeoutMs);
        else if (k == QLatin1String("max-connections"))
            st = parseCount(v, prefix, k, 1, 1000000, &l.maxConnections);
        else if (k == QLatin1String("max-connections-per-address"))
            st = parseCount(v, prefix, k, 1, 1000000, &l.maxConnectionsPerAddress);
        else if (k == QLatin1String("max-outbound-bytes"))
            st = parseBytes(v, prefix, k, 8192, std::numeric_limits<int>::max() / 2, &l.maxOutboundBytes);
        else
            st = badKey(prefix, k, QStringLiteral("unknown key (expected one of %1)").arg(keys().join(QStringLiteral(", "))));
        if (!st)
            return st.error();
    }
    if (l.maxConnectionsPerAddress > l.maxConnections)
        return badKey(prefix, QStringLiteral("max-connections-per-address"),
                      QStringLiteral("must not be larger than max-connections (%1)").arg(l.maxConnections));
    return l;
}

} // namespace sb::http
