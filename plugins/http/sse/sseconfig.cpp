// SPDX-License-Identifier: Apache-2.0
#include "sseconfig.h"

#include "sectionvalues.h"

#include <QStringList>

namespace sb::http {

using SectionValues::bad;
using SectionValues::count;
using SectionValues::duration;
using SectionValues::size;

Result<SseConfig> SseConfig::fromVariant(const QVariant &value, const QString &key)
{
    SseConfig c;
    if (!value.isValid())
        return c;
    if (value.typeId() != QMetaType::QVariantMap)
        return bad(key, QStringLiteral("must be a map"));
    const QVariantMap map = value.toMap();
    const QStringList known{QStringLiteral("enabled"), QStringLiteral("max-streams"), QStringLiteral("max-streams-per-address"),
                            QStringLiteral("max-topics"), QStringLiteral("heartbeat"), QStringLiteral("retry"),
                            QStringLiteral("high-water-bytes"), QStringLiteral("max-outbound-bytes"),
                            QStringLiteral("attach-timeout"), QStringLiteral("stall-timeout"),
                            QStringLiteral("resume-buffer")};
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        const QVariant &v = it.value();
        Result<qint64> n = qint64(0);
        if (it.key() == QLatin1String("enabled")) {
            Result<bool> b = SectionValues::boolean(v, k);
            if (!b)
                return b.error();
            c.enabled = b.value();
            continue;
        } else if (it.key() == QLatin1String("max-streams")) {
            if ((n = count(v, k, 1, 1000000)))
                c.maxStreams = int(n.value());
        } else if (it.key() == QLatin1String("max-streams-per-address")) {
            if ((n = count(v, k, 1, 1000000)))
                c.maxStreamsPerAddress = int(n.value());
        } else if (it.key() == QLatin1String("max-topics")) {
            if ((n = count(v, k, 1, 1000)))
                c.maxTopics = int(n.value());
        } else if (it.key() == QLatin1String("heartbeat")) {
            if ((n = duration(v, k, 100)))
                c.heartbeatMs = n.value();
        } else if (it.key() == QLatin1String("retry")) {
            if ((n = duration(v, k, 1)))
                c.retryMs = n.value();
        } else if (it.key() == QLatin1String("high-water-bytes")) {
            if ((n = size(v, k, 1024)))
                c.highWaterBytes = n.value();
        } else if (it.key() == QLatin1String("max-outbound-bytes")) {
            if ((n = size(v, k, 4096)))
                c.maxOutboundBytes = n.value();
        } else if (it.key() == QLatin1String("attach-timeout")) {
            if ((n = duration(v, k, 100)))
                c.attachTimeoutMs = n.value();
        } else if (it.key() == QLatin1String("stall-timeout")) {
            if ((n = SectionValues::stallTimeout(v, k)))
                c.stallTimeoutMs = n.value();
        } else if (it.key() == QLatin1String("resume-buffer")) {
            if (v.typeId() != QMetaType::QVariantMap)
                return bad(k, QStringLiteral("must be a map {max-messages, max-bytes}"));
            const QVariantMap ring = v.toMap();
            for (auto r = ring.cbegin(); r != ring.cend(); ++r) {
                const QString rk = k + QLatin1Char('.') + r.key();
                if (r.key() == QLatin1String("max-messages")) {
                    if ((n = count(r.value(), rk, 0, 10000000)))
                        c.resumeMessages = int(n.value());
                } else if (r.key() == QLatin1String("max-bytes")) {
                    if ((n = size(r.value(), rk, 0)))
                        c.resumeBytes = n.value();
                } else {
                    return bad(rk, QStringLiteral("unknown key (expected max-messages, max-bytes)"));
                }
                if (!n)
                    return n.error();
            }
            continue;
        } else {
            return bad(k, QStringLiteral("unknown key (expected %1)").arg(known.join(QStringLiteral(", "))));
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
