// SPDX-License-Identifier: Apache-2.0
#include <switchboard/stats.h>

#include "message_p.h"

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

// The heap glibc's malloc takes for a request of \a n bytes on a 64-bit system: an 8-byte header,
// 16-byte steps, 32 bytes at least.
constexpr qint64 heapChunk(qint64 n)
{
    return qMax<qint64>(32, (n + 8 + 15) & ~qint64(15));
}

const QString kOther = QStringLiteral("(other)");
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
            {QStringLiteral("filtered"), total.filtered},
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

/*!
    An estimate, checked against the allocator by tst_Stats::topicEntryCostMatchesTheHeap (mallinfo2()
    before and after 20,000 topics of one length, divided by the count; the estimate must be at least
    the heap measured and at most 10 % above it). Per topic, each rounded up the way malloc does:
    \list
    \li the hash node: the key QString, the unique_ptr and the next pointer (std::hash<QString> is
        noexcept, so libstdc++ does not cache the hash in the node);
    \li two bucket pointers (the bucket array holds between one and two per entry, as it doubles);
    \li the StatsEntry with its counters and rate windows;
    \li the MessageData its empty lastMessage allocates (a default Message is not free: ~200 bytes);
    \li the key's characters with QArrayData's 16-byte header. The key usually shares the topic
        string of the message that created the entry, which the entry then keeps alive.
    \endlist
    On 64-bit Linux with GCC 12, a 22-character topic costs 48 + 16 + 256 + 224 + 80 = 624 bytes
    (measured: 608 to 616), so the 16 MiB default holds some 27,000 topics.
*/
qint64 Stats::topicEntryBytes(const QString &key)
{
    const qint64 node = heapChunk(qint64(sizeof(void *) + sizeof(Map::value_type)));
    const qint64 buckets = 2 * qint64(sizeof(void *));
    const qint64 entry = heapChunk(qint64(sizeof(StatsEntry))) + heapChunk(qint64(sizeof(MessageData)));
    const qint64 chars = key.isEmpty() ? 0 : heapChunk(16 + 2 * (qint64(qMax(key.size(), key.capacity())) + 1));
    return node + buckets + entry + chars;
}

/*!
    Bounds topicBytes() to \a bytes (default 16 MiB): once a new topic's entry would exceed it, new
    topics are counted under "(other)". Topics already counted stay (the topic tree never loses
    rows), and a last message that would exceed it is not kept.
*/
void Stats::setMaxTopicBytes(qint64 bytes)
{
    m_maxTopicBytes = bytes;
}

StatsEntry &Stats::entry(Scope scope, const QString &key)
{
    Map &map = m_maps[scope];
    auto it = map.find(key);
    if (it != map.end())
        return *it->second;
    if (scope == Topic) {
        const qint64 cost = topicEntryBytes(key);
        if (int(map.size()) >= m_maxTopics || m_topicBytes + cost > m_maxTopicBytes) {
            ++m_topicsFolded;
            auto &other = map[kOther];
            if (!other) {
                other = std::make_unique<StatsEntry>();
                m_topicBytes += topicEntryBytes(kOther); // the one entry allowed over the budget
            }
            return *other;
        }
        m_topicBytes += cost;
    }
    auto &slot = map[key];
    slot = std::make_unique<StatsEntry>();
    return *slot;
}

/*!
    The last message's cost is its byteSize() (the payload and its strings): once the publish is
    delivered, the entry may be all that keeps it alive (the entry's own empty MessageData, freed
    then, stays counted: the estimate errs high). A message over either limit is not kept (its time
    and size still are) and releases the one kept before.
*/
void Stats::storeLastMessage(StatsEntry &entry, const Message &m)
{
    const qint64 size = m.payloadSize();
    entry.lastAt = m.timestamp();
    entry.lastSize = size;
    m_topicBytes -= entry.m_lastMessageBytes;
    const qint64 cost = size <= m_lastMessageLimit ? m.byteSize() : -1;
    if (cost >= 0 && m_topicBytes + cost <= m_maxTopicBytes) {
        entry.lastMessage = m;
        entry.m_lastMessageBytes = cost;
        m_topicBytes += cost;
    } else if (entry.m_lastMessageBytes > 0) {
        entry.lastMessage = Message(); // only then: a default Message allocates, and this runs per publish
        entry.m_lastMessageBytes = 0;
    }
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
    Map &map = m_maps[scope];
    auto it = map.find(key);
    if (it == map.end())
        return;
    if (scope == Topic)
        m_topicBytes -= topicEntryBytes(it->first) + it->second->m_lastMessageBytes;
    map.erase(it);
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
