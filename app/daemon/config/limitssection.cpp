// SPDX-License-Identifier: Apache-2.0
// limits: the hub's bounds. Sizes take units (64MiB), durations too (5s); plain integers keep
// their meaning (bytes, milliseconds). Every limit is positive, but connection-errors (a rate; 0: off).
#include "configsection.h"

#include <switchboard/configvalue.h>

#include <algorithm>
#include <limits>

namespace sb::daemon {

namespace {

enum class Unit { Count, Size, Duration };

struct LimitKey
{
    const char *name;
    Unit unit;
    qint64 max;
    void (*store)(DaemonConfig &c, qint64 n);
};

constexpr qint64 kIntMax = std::numeric_limits<int>::max();
constexpr qint64 kInt64Max = std::numeric_limits<qint64>::max();

// subscriber-queue is a map of its own (QueueLimits); every other key is one number.
const LimitKey kLimitKeys[] = {
    {"max-message-size", Unit::Size, kInt64Max, [](DaemonConfig &c, qint64 n) { c.limits.maxMessageSize = n; }},
    {"max-queue-depth", Unit::Count, kIntMax, [](DaemonConfig &c, qint64 n) { c.limits.maxQueueDepth = int(n); }},
    {"max-queue-bytes", Unit::Size, kInt64Max, [](DaemonConfig &c, qint64 n) { c.limits.maxQueueBytes = n; }},
    {"request-timeout-ms", Unit::Duration, kIntMax,
     [](DaemonConfig &c, qint64 n) { c.limits.defaultRequestTimeoutMs = int(n); }},
    {"max-request-timeout-ms", Unit::Duration, kIntMax,
     [](DaemonConfig &c, qint64 n) { c.limits.maxRequestTimeoutMs = int(n); }},
    {"dead-letter-capacity", Unit::Count, kIntMax, [](DaemonConfig &c, qint64 n) { c.deadLetterCapacity = int(n); }},
    {"dead-letter-max-bytes", Unit::Size, kInt64Max, [](DaemonConfig &c, qint64 n) { c.deadLetterMaxBytes = n; }},
    {"topic-stats-max-bytes", Unit::Size, kInt64Max, [](DaemonConfig &c, qint64 n) { c.topicStatsMaxBytes = n; }},
    {"max-buffered-bytes", Unit::Size, kInt64Max, [](DaemonConfig &c, qint64 n) { c.maxBufferedBytes = n; }},
    {"route-cache-size", Unit::Count, kIntMax, [](DaemonConfig &c, qint64 n) { c.limits.matchCacheSize = int(n); }},
    {"max-subscriptions-per-connection", Unit::Count, kIntMax,
     [](DaemonConfig &c, qint64 n) { c.limits.maxSubscriptionsPerConnection = int(n); }},
    {"max-pending-requests-per-connection", Unit::Count, kIntMax,
     [](DaemonConfig &c, qint64 n) { c.limits.maxPendingRequestsPerConnection = int(n); }},
    {"max-subscriptions", Unit::Count, kIntMax, [](DaemonConfig &c, qint64 n) { c.limits.maxSubscriptions = int(n); }},
    {"max-pending-requests", Unit::Count, kIntMax,
     [](DaemonConfig &c, qint64 n) { c.limits.maxPendingRequests = int(n); }},
    // Subscription filters (event types and predicates, any protocol): compiled once each.
    {"max-filter-length", Unit::Count, 1024 * 1024, [](DaemonConfig &c, qint64 n) { c.limits.filters.maxLength = int(n); }},
    {"max-filter-depth", Unit::Count, 256, [](DaemonConfig &c, qint64 n) { c.limits.filters.maxDepth = int(n); }},
    {"max-filter-event-types", Unit::Count, 4096,
     [](DaemonConfig &c, qint64 n) { c.limits.filters.maxEventTypes = int(n); }},
    // What a connection may say about itself at connect (?meta.room=general), for targeted sends.
    {"max-connection-metadata", Unit::Count, 1024,
     [](DaemonConfig &c, qint64 n) { c.limits.metadata.maxEntries = int(n); }},
    {"max-connection-metadata-bytes", Unit::Size, 1024 * 1024,
     [](DaemonConfig &c, qint64 n) { c.limits.metadata.maxBytes = int(n); }},
    // Durable subscriptions (persistent channels and topics).
    {"max-durables", Unit::Count, kIntMax, [](DaemonConfig &c, qint64 n) { c.limits.durables.maxDurables = int(n); }},
    {"durable-max-ack-pending", Unit::Count, 65536,
     [](DaemonConfig &c, qint64 n) { c.limits.durables.maxAckPending = int(n); }},
    {"durable-ack-timeout-ms", Unit::Duration, kIntMax,
     [](DaemonConfig &c, qint64 n) { c.limits.durables.ackTimeoutMs = int(n); }},
    {"durable-max-deliver", Unit::Count, 1000, [](DaemonConfig &c, qint64 n) { c.limits.durables.maxDeliver = int(n); }},
    // Replays of stored messages running or paused at once (0: none).
    {"max-replays", Unit::Count, 1024, [](DaemonConfig &c, qint64 n) { c.limits.maxReplays = int(n); }},
};

QString expectedKeys()
{
    QStringList names{QStringLiteral("subscriber-queue"), QStringLiteral("connection-errors")};
    for (const LimitKey &k : kLimitKeys)
        names.append(QLatin1String(k.name));
    return names.join(QStringLiteral(", "));
}

Result<qint64> parseLimit(const LimitKey &limit, const QVariant &value, const QString &key)
{
    switch (limit.unit) {
    case Unit::Size: return config::parseSize(value, key);
    case Unit::Duration: return config::parseDurationMs(value, key);
    case Unit::Count: break;
    }
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok)
        return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": must be a positive integer"),
                     {{QStringLiteral("key"), key}});
    return n;
}

} // namespace

Status parseLimitsSection(const QVariant &value, DaemonConfig &c)
{
    if (value.isValid() && !isMap(value))
        return configError(c, QStringLiteral("limits"), QStringLiteral("must be a map"));
    const QVariantMap lm = value.toMap();
    for (auto it = lm.cbegin(); it != lm.cend(); ++it) {
        const QString key = QStringLiteral("limits.") + it.key();
        if (it.key() == QLatin1String("subscriber-queue")) {
            auto q = QueueLimits::fromVariantMap(it.value().toMap(), key);
            if (!q)
                return locatedError(c, q.error());
            c.limits.subscriberQueue = q.value();
            continue;
        }
        if (it.key() == QLatin1String("connection-errors")) { // a rate; 0 turns the cap off
            const Result<config::Rate> rate = config::parseRate(it.value(), key);
            if (!rate)
                return locatedError(c, rate.error());
            c.limits.connectionErrorsPerSecond = rate.value().perSecond;
            continue;
        }
        const auto limit = std::find_if(std::begin(kLimitKeys), std::end(kLimitKeys),
                                        [&](const LimitKey &k) { return it.key() == QLatin1String(k.name); });
        if (limit == std::end(kLimitKeys))
            return configError(c, key, QStringLiteral("unknown key (expected %1)").arg(expectedKeys()));
        const Result<qint64> n = parseLimit(*limit, it.value(), key);
        if (!n)
            return locatedError(c, n.error());
        if (n.value() < 1)
            return configError(c, key, limit->unit == Unit::Count ? QStringLiteral("must be a positive integer")
                                                                  : QStringLiteral("must be more than 0"));
        if (n.value() > limit->max)
            return configError(c, key, QStringLiteral("is too large (at most %1%2)")
                                           .arg(limit->max)
                                           .arg(limit->unit == Unit::Duration ? QStringLiteral(" ms") : QString()));
        limit->store(c, n.value());
    }
    return {};
}

} // namespace sb::daemon
