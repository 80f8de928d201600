// SPDX-License-Identifier: Apache-2.0
#include "wsconfig.h"

#include "sectionvalues.h"

namespace sb::http {

using SectionValues::bad;
using SectionValues::count;
using SectionValues::duration;
using SectionValues::size;

Result<WsConfig> WsConfig::fromVariant(const QVariant &value, const QString &key)
{
    WsConfig c;
    if (!value.isValid())
        return c;
    if (value.typeId() != QMetaType::QVariantMap)
        return bad(key, QStringLiteral("must be a map"));
    const QVariantMap map = value.toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        const QVariant &v = it.value();
        const QString &name = it.key();
        Result<qint64> n = qint64(0);
        if (name == QLatin1String("enabled")) {
            Result<bool> b = SectionValues::boolean(v, k);
            if (!b)
                return b.error();
            c.enabled = b.value();
            continue;
        }
        if (name == QLatin1String("origins")) {
            if (v.typeId() != QMetaType::QVariantList && v.typeId() != QMetaType::QStringList)
                return bad(k, QStringLiteral("must be a list of origins (\"https://app.example\") or [\"*\"]"));
            c.origins = v.toStringList();
            continue;
        }
        if (name == QLatin1String("permessage-deflate")) {
            if (v.typeId() != QMetaType::QVariantMap)
                return bad(k, QStringLiteral("must be a map {enabled, window-bits, mem-level, context-takeover}"));
            const QVariantMap d = v.toMap();
            for (auto p = d.cbegin(); p != d.cend(); ++p) {
                const QString pk = k + QLatin1Char('.') + p.key();
                if (p.key() == QLatin1String("enabled") || p.key() == QLatin1String("context-takeover")) {
                    Result<bool> b = SectionValues::boolean(p.value(), pk);
                    if (!b)
                        return b.error();
                    (p.key() == QLatin1String("enabled") ? c.deflate.enabled : c.deflate.contextTakeover) = b.value();
                } else if (p.key() == QLatin1String("window-bits")) {
                    if ((n = count(p.value(), pk, 9, 15)))
                        c.deflate.windowBits = int(n.value());
                } else if (p.key() == QLatin1String("mem-level")) {
                    if ((n = count(p.value(), pk, 1, 9)))
                        c.deflate.memLevel = int(n.value());
                } else {
                    return bad(pk, QStringLiteral("unknown key (expected enabled, window-bits, mem-level, context-takeover)"));
                }
                if (!n)
                    return n.error();
            }
            continue;
        }
        if (name == QLatin1String("max-connections")) {
            if ((n = count(v, k, 1, 1000000)))
                c.maxConnections = int(n.value());
        } else if (name == QLatin1String("max-connections-per-address")) {
            if ((n = count(v, k, 1, 1000000)))
                c.maxConnectionsPerAddress = int(n.value());
        } else if (name == QLatin1String("max-frame-bytes")) {
            if ((n = size(v, k, 125)))
                c.frames.maxFrameBytes = n.value();
        } else if (name == QLatin1String("max-message-bytes")) {
            if ((n = size(v, k, 125)))
                c.frames.maxMessageBytes = n.value();
        } else if (name == QLatin1String("ping-interval")) {
            if ((n = duration(v, k, 100)))
                c.pingIntervalMs = n.value();
        } else if (name == QLatin1String("pong-timeout")) {
            if ((n = duration(v, k, 100)))
                c.pongTimeoutMs = n.value();
        } else if (name == QLatin1String("high-water-bytes")) {
            if ((n = size(v, k, 1024)))
                c.highWaterBytes = n.value();
        } else if (name == QLatin1String("max-outbound-bytes")) {
            if ((n = size(v, k, 4096)))
                c.maxOutboundBytes = n.value();
        } else if (name == QLatin1String("attach-timeout")) {
            if ((n = duration(v, k, 100)))
                c.attachTimeoutMs = n.value();
        } else if (name == QLatin1String("stall-timeout")) {
            if ((n = SectionValues::stallTimeout(v, k)))
                c.stallTimeoutMs = n.value();
        } else {
            return bad(k, QStringLiteral("unknown key (expected enabled, origins, max-connections, max-connections-per-address, "
                                         "max-frame-bytes, max-message-bytes, ping-interval, pong-timeout, high-water-bytes, "
                                         "max-outbound-bytes, attach-timeout, stall-timeout, permessage-deflate)"));
        }
        if (!n)
            return n.error();
    }
    if (c.maxOutboundBytes <= c.highWaterBytes)
        return bad(key + QStringLiteral(".max-outbound-bytes"),
                   QStringLiteral("must be more than high-water-bytes (%1)").arg(c.highWaterBytes));
    return c;
}

} // namespace sb::http
