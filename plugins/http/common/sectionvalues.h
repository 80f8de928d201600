// SPDX-License-Identifier: Apache-2.0
// Small parsers for the keys of the http plugin's config subsections (sse, ws): a bounded count,
// a size and a duration (core's units), each an INVALID_CONFIG naming the key when wrong.
#pragma once

#include <switchboard/configvalue.h>

#include <QVariant>

namespace sb::http::SectionValues {

inline Error bad(const QString &key, const QString &why)
{
    return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why, {{QStringLiteral("key"), key}});
}

inline Result<qint64> count(const QVariant &v, const QString &key, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    if (!ok || n < min || n > max)
        return bad(key, QStringLiteral("must be an integer from %1 to %2").arg(min).arg(max));
    return n;
}

inline Result<qint64> size(const QVariant &v, const QString &key, qint64 min)
{
    Result<qint64> n = config::parseSize(v, key);
    if (n && n.value() < min)
        return bad(key, QStringLiteral("must be at least %1 bytes").arg(min));
    return n;
}

inline Result<qint64> duration(const QVariant &v, const QString &key, qint64 min)
{
    Result<qint64> n = config::parseDurationMs(v, key);
    if (n && n.value() < min)
        return bad(key, QStringLiteral("must be at least %1 ms").arg(min));
    return n;
}

// A stream's stall-timeout: 0 (off) or at least 100 ms.
inline Result<qint64> stallTimeout(const QVariant &v, const QString &key)
{
    Result<qint64> n = config::parseDurationMs(v, key);
    if (n && n.value() != 0 && n.value() < 100)
        return bad(key, QStringLiteral("must be 0 (off) or at least 100 ms"));
    return n;
}

inline Result<bool> boolean(const QVariant &v, const QString &key)
{
    if (v.typeId() == QMetaType::Bool)
        return v.toBool();
    const QString s = v.toString();
    if (s == QLatin1String("true") || s == QLatin1String("false"))
        return s == QLatin1String("true");
    return bad(key, QStringLiteral("must be true or false"));
}

} // namespace sb::http::SectionValues
