// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

#include <QObject>
#include <QTimer>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <unordered_map>

namespace sb {

struct SWITCHBOARD_EXPORT StatCounters
{
    quint64 in = 0, out = 0, bytesIn = 0, bytesOut = 0, dropped = 0, deadLettered = 0, errors = 0;
    quint64 filtered = 0; // deliveries a subscription's filter refused
};

// Counters of one channel, topic, connection or plugin, with rates over 1 s, 10 s and 60 s.
// The 1 s rate is the last second's count; 10 s and 60 s are exponentially weighted averages
// (like the load average), so an entry costs a few dozen bytes however long the window.
class SWITCHBOARD_EXPORT StatsEntry
{
public:
    enum Window { Second = 0, TenSeconds = 1, Minute = 2 };
    StatCounters total;

    void tick(); // once per second
    double inRate(Window w) const { return m_in[w]; }
    double outRate(Window w) const { return m_out[w]; }
    double bytesInRate(Window w) const { return m_bytesIn[w]; }
    double bytesOutRate(Window w) const { return m_bytesOut[w]; }
    QVariantMap toVariantMap() const;

    // Topic entries only, and only while Stats::lastMessageLimit() > 0: the last message counted
    // (kept when its payload is within the limit and the topic budget allows) and when it passed.
    // Set through Stats::keepLastMessage(), which accounts for it.
    Message lastMessage;
    qint64 lastAt = 0;
    qint64 lastSize = 0;

private:
    friend class Stats;
    qint64 m_lastMessageBytes = 0; // what lastMessage counts against Stats::maxTopicBytes()
    StatCounters m_prev;
    double m_in[3] = {}, m_out[3] = {}, m_bytesIn[3] = {}, m_bytesOut[3] = {};
};

// All counters of one hub, owned by the bus thread (no locks: only that thread touches them).
class SWITCHBOARD_EXPORT Stats : public QObject
{
    Q_OBJECT
public:
    enum Scope { Channel, Topic, Connection, Plugin };
    Q_ENUM(Scope)

    explicit Stats(QObject *parent = nullptr);
    ~Stats() override;

    StatsEntry &global() { return m_global; }
    const StatsEntry &global() const { return m_global; }
    // The entry for \a key, created on first use. Topic entries are capped by count (setMaxTopics)
    // and by memory (setMaxTopicBytes); topics beyond either cap are counted under "(other)".
    StatsEntry &entry(Scope scope, const QString &key);
    const StatsEntry *find(Scope scope, const QString &key) const;
    void remove(Scope scope, const QString &key);
    // Entries owned elsewhere (a connection's own counters) that tick and appear in snapshots.
    void attach(Scope scope, const QString &key, StatsEntry *entry);
    void detach(Scope scope, const QString &key);
    int entryCount(Scope scope) const;
    void setMaxTopics(int max) { m_maxTopics = max; }
    int maxTopics() const { return m_maxTopics; }
    static constexpr qint64 DefaultMaxTopicBytes = 16 * 1024 * 1024;
    void setMaxTopicBytes(qint64 bytes);
    qint64 maxTopicBytes() const { return m_maxTopicBytes; }
    // Memory held by topic entries and their last messages (an estimate; see topicEntryBytes()).
    qint64 topicBytes() const { return m_topicBytes; }
    // New topics counted under "(other)" because a cap was reached (a topic whose route is rebuilt
    // after a subscription change is counted again).
    quint64 topicsFolded() const { return m_topicsFolded; }
    // What a topic entry for \a key costs: map node, bucket, StatsEntry and the key's characters.
    static qint64 topicEntryBytes(const QString &key);
    // Keep each topic's last message when its payload is at most \a bytes (0, the default: keep none).
    // An observer such as the remote-control API turns it on; it costs one reference per publish.
    void setLastMessageLimit(qint64 bytes) { m_lastMessageLimit = bytes; }
    qint64 lastMessageLimit() const { return m_lastMessageLimit; }
    // Records \a m as the last message of the topic \a entry (from entry(Topic, …)) while
    // lastMessageLimit() > 0; keeps the message itself only within both limits. Per publish: inline.
    void keepLastMessage(StatsEntry &entry, const Message &m)
    {
        if (m_lastMessageLimit > 0)
            storeLastMessage(entry, m);
    }
    // Visits every entry of \a scope, owned or attached, without building maps.
    void forEach(Scope scope, const std::function<void(const QString &key, const StatsEntry &entry)> &visit) const;

    void tick();
    QVariantMap snapshot(Scope scope) const;
    QVariantMap globalSnapshot() const { return m_global.toVariantMap(); }

private:
    void storeLastMessage(StatsEntry &entry, const Message &m);

    using Map = std::unordered_map<QString, std::unique_ptr<StatsEntry>>;
    Map m_maps[4];
    std::unordered_map<QString, StatsEntry *> m_attached[4];
    StatsEntry m_global;
    int m_maxTopics = 100000;
    qint64 m_maxTopicBytes = DefaultMaxTopicBytes;
    qint64 m_topicBytes = 0;
    quint64 m_topicsFolded = 0;
    qint64 m_lastMessageLimit = 0;
    QTimer m_timer;
};

} // namespace sb
