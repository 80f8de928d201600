// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/replay.h>

#include <QObject>

#include <map>
#include <memory>

namespace sb {

class Bus;

// The hub's replays: started for a principal that may read the source and publish to the target,
// bounded in number (limits.max-replays running or paused at once), and kept for a while after
// they end so that their outcome and timing can be read (the newest MaxEnded).
class SWITCHBOARD_EXPORT ReplayManager : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxEnded = 32;

    explicit ReplayManager(Bus *bus, QObject *parent = nullptr);
    ~ReplayManager() override;

    int activeCount() const; // bounded by the bus's limits().maxReplays
    quint64 startedTotal() const { return m_started; }
    quint64 sentTotal() const; // messages every replay since start sent

    // The new replay's id. FORBIDDEN / UNAUTHENTICATED when \a who may not read the source or publish
    // to the target, CHANNEL_NOT_FOUND, LIMIT_EXCEEDED at max-replays, BAD_MESSAGE for options that
    // do not validate. (A subscription that is not there fails the replay with NOT_FOUND.)
    Result<QString> start(const ReplayOptions &options, const Principal &who);
    QVariantList list() const;
    Result<QVariantMap> status(const QString &id) const;
    // The replay's starter or an administrator of the hub; NOT_FOUND for an unknown id, CONFLICT
    // for one that ended.
    Status pause(const QString &id, const Principal &who);
    Status resume(const QString &id, const Principal &who);
    Status seek(const QString &id, quint64 afterSeq, qint64 fromMs, const Principal &who);
    Status stop(const QString &id, const Principal &who);

Q_SIGNALS:
    void changed(); // a replay started or ended

private:
    Result<Replay *> control(const QString &id, const Principal &who);
    void onEnded(const QString &id);

    Bus *m_bus;
    quint64 m_nextId = 1;
    quint64 m_started = 0;
    quint64 m_sentByForgotten = 0; // by replays no longer kept
    std::map<QString, std::unique_ptr<Replay>> m_replays;
    QStringList m_endedOrder; // oldest first
};

} // namespace sb
