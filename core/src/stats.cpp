// SPDX-License-Identifier: Apache-2.0
#include <switchboard/stats.h>

#include <cmath>

namespace sb {

namespace {
const double kAlpha10 = 1.0 - std::exp(-1.0 / 10.0);
const double kAlpha60 = 1.0 - std::exp(-1.0 / 60.0);

void update(double (&rates)[3], quint64 now, quint64 prev)
{
    const double delta = double(now - prev);
    rates[0] = delta;
    rates[1] += (delta - rates[1]) * kAlpha10;
    rates[2] += (delta - rates[2]) * kAlpha60;
}

QVariantList rateList(const double (&r)[3])
{
    return {r[0], r[1], r[2]};
}
} // namespace

void StatsEntry::tick()
{
    update(m_in, total.in, m_prev.in);
    update(m_out, total.out, m_prev.out);
    update(m_bytesIn, total.bytesIn, m_prev.bytesIn);
    update(m_bytesOut, total.bytesOut, m_prev.bytesOut);
    m_prev = total;
}

QVariantMap StatsEntry::toVariantMap() const
{
    return {{QStringLiteral("in"), total.in},
            {QStringLiteral("out"), total.out},
            {QStringLiteral("bytesIn"), total.bytesIn},
            {QStringLiteral("bytesOut"), total.bytesOut},
            {QStringLiteral("dropped"), total.dropped},
            {QStringLiteral("deadLettered"), total.deadLettered},
            {QStringLiteral("errors"), total.errors},
            // [1 s, 10 s, 60 s]
            {QStringLiteral("inRate"), rateList(m_in)},
            {QStringLiteral("outRate"), rateList(m_out)},
            {QStringLiteral("bytesInRate"), rateList(m_bytesIn)},
            {QStringLiteral("bytesOutRate"), rateList(m_bytesOut)}};
}

Stats::Stats(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(1000);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Stats::tick);
    m_timer.start();
}

Stats::~Stats() = default;

StatsEntry &Stats::entry(Scope scope, const QString &key)
{
    Map &map = m_maps[scope];
    auto it = map.find(key);
    if (it != map.end())
        return *it->second;
    if (scope == Topic && int(map.size()) >= m_maxTopics) {
        auto &other = map[QStringLiteral("(other)")];
        if (!other)
            other = std::make_unique<StatsEntry>();
        return *other;
    }
    auto &slot = map[key];
    slot = std::make_unique<StatsEntry>();
    return *slot;
}

const StatsEntry *Stats::find(Scope scope, const QString &key) const
{
    const Map &map = m_maps[scope];
    auto it = map.find(key);
    if (it != map.end())
        return it->second.get();
    auto at = m_attached[scope].find(key);
    return at == m_attached[scope].end() ? nullptr : at->second;
}

void Stats::remove(Scope scope, const QString &key)
{
    m_maps[scope].erase(key);
}

void Stats::attach(Scope scope, const QString &key, StatsEntry *entry)
{
    m_attached[scope][key] = entry;
}

void Stats::detach(Scope scope, const QString &key)
{
    m_attached[scope].erase(key);
}

int Stats::entryCount(Scope scope) const
{
    return int(m_maps[scope].size() + m_attached[scope].size());
}

void Stats::tick()
{
    m_global.tick();
    for (auto &map : m_maps) {
        for (auto &[key, entry] : map)
            entry->tick();
    }
    for (auto &map : m_attached) {
        for (auto &[key, entry] : map)
            entry->tick();
    }
}

void Stats::forEach(Scope scope, const std::function<void(const QString &, const StatsEntry &)> &visit) const
{
    for (const auto &[key, entry] : m_maps[scope])
        visit(key, *entry);
    for (const auto &[key, entry] : m_attached[scope])
        visit(key, *entry);
}

QVariantMap Stats::snapshot(Scope scope) const
{
    QVariantMap out;
    for (const auto &[key, entry] : m_maps[scope])
        out.insert(key, entry->toVariantMap());
    for (const auto &[key, entry] : m_attached[scope])
        out.insert(key, entry->toVariantMap());
    return out;
}

} // namespace sb
