// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>
#include <switchboard/result.h>

#include <QString>
#include <QVariantMap>

namespace sb {

// What a replay reads from the journal and where it sends it (ReplayManager::start, REST
// POST /api/v1/replays, the remote API, sbctl replay).
struct SWITCHBOARD_EXPORT ReplayOptions
{
    static constexpr double MinSpeed = 0.1;
    static constexpr double MaxSpeed = 100.0;

    QString channel;      // the stream read; empty: the default space's stored topics
    QString topic;        // a topic pattern in the hub's wildcard syntax; empty: every topic
    qint64 fromMs = 0;    // stored from (ms since the epoch, inclusive); 0: the oldest
    qint64 toMs = 0;      // stored up to (inclusive); 0: the newest
    quint64 afterSeq = 0; // sequence numbers after it (exclusive)
    quint64 toSeq = 0;    // ... up to it (inclusive); 0: no bound
    // 0.1 to 100: the original gaps between the messages divided by it; 0: as fast as possible,
    // in order.
    double speed = 1.0;
    // Topics remapped on the way out: both patterns end in ">" and the prefix before it is
    // replaced ("orders.>" -> "replay.orders.>"), or both are exact topics. Empty: unchanged.
    QString remapFrom;
    QString remapTo;
    QString targetChannel;  // published into this channel; empty: the one read
    SubscriptionId subscription = 0; // only to this subscription (0: everyone subscribed)
    bool store = false;     // a persistent target stores the replayed messages as new ones

    // From the keys channel, topic, from, to (ms since the epoch or ISO 8601), after-seq, to-seq,
    // speed (a number or "max"), remap: {from, to}, target-channel, subscription, store.
    // BAD_MESSAGE or INVALID_TOPIC naming the key.
    static Result<ReplayOptions> fromVariantMap(const QVariantMap &map);
    QVariantMap toVariantMap() const;
    Status validate() const;
    // \a topic after the remap (unchanged when it is off or does not apply).
    QString remapTopic(const QString &topic) const;
    QString target() const { return targetChannel.isEmpty() ? channel : targetChannel; }
};

} // namespace sb
