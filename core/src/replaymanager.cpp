// SPDX-License-Identifier: Apache-2.0
#include <switchboard/bus.h>
#include <switchboard/replaymanager.h>

#include <algorithm>
#include <vector>

namespace sb {

ReplayManager::ReplayManager(Bus *bus, QObject *parent) : QObject(parent), m_bus(bus) {}

ReplayManager::~ReplayManager() = default;

int ReplayManager::activeCount() const
{
    int n = 0;
    for (const auto &[id, r] : m_replays)
        n += r->isActive() ? 1 : 0;
    return n;
}

Result<QString> ReplayManager::start(const ReplayOptions &options, const Principal &who)
{
    if (Status st = options.validate(); !st)
        return st.error();
    // Reading the source is subscribing to it; the target takes what the remap makes of the
    // pattern (each message is checked again when it is sent).
    const QString pattern = options.topic.isEmpty() ? QStringLiteral(">") : options.topic;
    if (Status st = m_bus->mayAct(who, Action::Subscribe, options.channel, pattern); !st)
        return Error(st.error().code, QStringLiteral("may not replay from channel \"%1\": %2").arg(options.channel, st.error().message),
                     st.error().details);
    if (Status st = m_bus->mayAct(who, Action::Publish, options.target(), options.remapTopic(pattern)); !st)
        return Error(st.error().code, QStringLiteral("may not replay into channel \"%1\": %2").arg(options.target(), st.error().message),
                     st.error().details);
    const int max = m_bus->limits().maxReplays;
    if (activeCount() >= max) {
        m_bus->countLimitRefused();
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("%1 replays are running or paused (limits.max-replays); stop one first").arg(max),
                     {{QStringLiteral("limit"), max}});
    }
    const QString id = QStringLiteral("r%1").arg(m_nextId++);
    auto replay = std::make_unique<Replay>(id, options, who, m_bus, this);
    connect(replay.get(), &Replay::ended, this, &ReplayManager::onEnded);
    Replay *r = replay.get();
    m_replays.emplace(id, std::move(replay));
    ++m_started;
    r->start();
    Q_EMIT changed();
    return id;
}

void ReplayManager::onEnded(const QString &id)
{
    m_endedOrder.append(id);
    while (m_endedOrder.size() > MaxEnded) {
        const QString oldest = m_endedOrder.takeFirst();
        auto it = m_replays.find(oldest);
        if (it != m_replays.end()) {
            m_sentByForgotten += it->second->sent();
            it->second.release()->deleteLater(); // it may be the one reporting now
            m_replays.erase(it);
        }
    }
    Q_EMIT changed();
}

quint64 ReplayManager::sentTotal() const
{
    quint64 n = m_sentByForgotten;
    for (const auto &[id, r] : m_replays)
        n += r->sent();
    return n;
}

QVariantList ReplayManager::list() const
{
    // In the order they were started ("r2" before "r10").
    std::vector<const Replay *> replays;
    replays.reserve(m_replays.size());
    for (const auto &[id, r] : m_replays)
        replays.push_back(r.get());
    std::sort(replays.begin(), replays.end(),
              [](const Replay *a, const Replay *b) { return a->id().mid(1).toULongLong() < b->id().mid(1).toULongLong(); });
    QVariantList out;
    for (const Replay *r : replays)
        out.append(r->status());
    return out;
}

Result<QVariantMap> ReplayManager::status(const QString &id) const
{
    auto it = m_replays.find(id);
    if (it == m_replays.end())
        return Error(ErrorCode::NotFound, QStringLiteral("no replay \"%1\"").arg(id), {{QStringLiteral("replay"), id}});
    return it->second->status();
}

Result<Replay *> ReplayManager::control(const QString &id, const Principal &who)
{
    auto it = m_replays.find(id);
    if (it == m_replays.end())
        return Error(ErrorCode::NotFound, QStringLiteral("no replay \"%1\"").arg(id), {{QStringLiteral("replay"), id}});
    Replay *r = it->second.get();
    if (r->principal().name != who.name || r->principal().authenticated != who.authenticated) {
        if (Status st = m_bus->administer(who, QString()); !st)
            return Error(ErrorCode::Forbidden,
                         QStringLiteral("replay %1 belongs to %2: only they or an administrator may control it").arg(id, r->principal().name),
                         {{QStringLiteral("replay"), id}});
    }
    return r;
}

Status ReplayManager::pause(const QString &id, const Principal &who)
{
    Result<Replay *> r = control(id, who);
    return r ? r.value()->pause() : Status(r.error());
}

Status ReplayManager::resume(const QString &id, const Principal &who)
{
    Result<Replay *> r = control(id, who);
    return r ? r.value()->resume() : Status(r.error());
}

Status ReplayManager::seek(const QString &id, quint64 afterSeq, qint64 fromMs, const Principal &who)
{
    Result<Replay *> r = control(id, who);
    return r ? r.value()->seek(afterSeq, fromMs) : Status(r.error());
}

Status ReplayManager::stop(const QString &id, const Principal &who)
{
    Result<Replay *> r = control(id, who);
    if (!r)
        return r.error();
    r.value()->stop();
    return {};
}

} // namespace sb
