// SPDX-License-Identifier: Apache-2.0
#include <switchboard/bus.h>
#include <switchboard/replay.h>

#include "replayclock_p.h"

#include <QDateTime>

#include <algorithm>
#include <thread>

namespace sb {

namespace {

// The last stretch before a message is due is waited for on the clock, not by sleeping: at most
// this long, once per message sent at its time (speed above 0).
constexpr qint64 kSpinNs = 300000;

// Errors that end the replay: nothing it sends next would be let through.
bool ends(ErrorCode code)
{
    return code == ErrorCode::Forbidden || code == ErrorCode::Unauthenticated || code == ErrorCode::NotFound
        || code == ErrorCode::ChannelNotFound;
}

double percentile(std::vector<qint64> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const size_t at = std::min(sorted.size() - 1, size_t(p * double(sorted.size())));
    return double(sorted[at]);
}

} // namespace

QString Replay::headerReplay() { return QStringLiteral("x-sb-replay"); }
QString Replay::headerOriginalId() { return QStringLiteral("x-sb-replay-original-id"); }
QString Replay::headerOriginalTime() { return QStringLiteral("x-sb-replay-original-time"); }
QString Replay::headerOriginalSeq() { return QStringLiteral("x-sb-replay-original-seq"); }

QVariantMap ReplayTiming::toVariantMap() const
{
    return {{QStringLiteral("samples"), samples},
            {QStringLiteral("p50Us"), p50Us},
            {QStringLiteral("p99Us"), p99Us},
            {QStringLiteral("maxUs"), maxUs},
            {QStringLiteral("driftMs"), driftMs}};
}

Replay::Replay(const QString &id, const ReplayOptions &options, const Principal &who, Bus *bus, QObject *parent)
    : QObject(parent)
    , m_id(id)
    , m_options(options)
    , m_principal(who)
    , m_bus(bus)
    , m_clock(new ReplayClock(this))
    , m_readAfter(options.afterSeq)
    , m_readFromMs(options.fromMs)
{
    connect(m_clock, &ReplayClock::fired, this, &Replay::tick);
}

Replay::~Replay() = default;

QString Replay::stateName(State state)
{
    switch (state) {
    case State::Running: return QStringLiteral("running");
    case State::Paused: return QStringLiteral("paused");
    case State::Finished: return QStringLiteral("finished");
    case State::Stopped: return QStringLiteral("stopped");
    case State::Failed: return QStringLiteral("failed");
    }
    return {};
}

void Replay::start()
{
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    // What was stored when it started: a replay into its own channel with store does not read
    // its own messages back.
    const Journal *journal = m_bus->journalInUse();
    const quint64 last = journal ? journal->lastSeq(m_options.channel) : 0; // no journal: nothing to read
    m_upToSeq = m_options.toSeq > 0 ? std::min(m_options.toSeq, last) : last;
    m_clock->armAt(0); // at once
}

Status Replay::pause()
{
    if (m_state == State::Paused)
        return {};
    if (m_state != State::Running)
        return Error(ErrorCode::Conflict, QStringLiteral("replay %1 is %2: it cannot be paused").arg(m_id, stateName(m_state)));
    m_clock->disarm();
    m_pausedAtNs = ReplayClock::nowNs();
    m_state = State::Paused;
    return {};
}

Status Replay::resume()
{
    if (m_state == State::Running)
        return {};
    if (m_state != State::Paused)
        return Error(ErrorCode::Conflict, QStringLiteral("replay %1 is %2: it cannot be resumed").arg(m_id, stateName(m_state)));
    // The schedule moves by the pause: what was due after it keeps its place relative to the rest.
    const qint64 paused = ReplayClock::nowNs() - m_pausedAtNs;
    m_anchorNs += paused;
    m_lastDueNs += paused;
    m_state = State::Running;
    m_clock->armAt(0);
    return {};
}

Status Replay::seek(quint64 afterSeq, qint64 fromMs)
{
    if (!isActive())
        return Error(ErrorCode::Conflict, QStringLiteral("replay %1 is %2: it cannot seek").arg(m_id, stateName(m_state)));
    m_page.clear();
    m_next = 0;
    m_exhausted = false;
    m_readAfter = std::max(afterSeq, m_options.afterSeq);
    m_readFromMs = std::max(fromMs, m_options.fromMs);
    m_anchored = false; // the next message is sent at once, and the timing counts from it
    if (m_state == State::Running)
        m_clock->armAt(0);
    return {};
}

void Replay::stop()
{
    if (isActive())
        end(State::Stopped);
}

void Replay::end(State state, const Error &error)
{
    m_clock->disarm();
    m_state = state;
    m_error = error;
    m_endedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_page = {};
    Q_EMIT ended(m_id);
}

bool Replay::fill()
{
    if (m_next < m_page.size())
        return true;
    if (m_exhausted)
        return false;
    JournalQuery q;
    q.stream = m_options.channel;
    q.topic = m_options.topic;
    q.afterSeq = m_readAfter;
    q.fromMs = m_readFromMs;
    q.toMs = m_options.toMs;
    q.limit = JournalQuery::MaxLimit;
    const Journal *journal = m_bus->journalInUse();
    if (!journal || m_readAfter >= m_upToSeq)
        return false;
    Result<QList<StoredMessage>> page = journal->read(q);
    if (!page) {
        end(State::Failed, page.error());
        return false;
    }
    m_page = std::move(page).value();
    m_next = 0;
    m_exhausted = m_page.size() < q.limit;
    {
        const auto past = std::find_if(m_page.cbegin(), m_page.cend(), [this](const StoredMessage &m) { return m.seq > m_upToSeq; });
        if (past != m_page.cend()) {
            m_page.erase(past, m_page.cend());
            m_exhausted = true;
        }
    }
    if (!m_page.isEmpty())
        m_readAfter = m_page.last().seq;
    return !m_page.isEmpty();
}

void Replay::tick()
{
    if (m_state != State::Running)
        return;
    for (int n = 0; n < MaxPerTurn; ++n) {
        if (!fill()) {
            if (m_state == State::Running)
                end(State::Finished);
            return;
        }
        const StoredMessage &stored = m_page.at(m_next);
        const qint64 now = ReplayClock::nowNs();
        if (m_options.speed > 0) {
            if (!m_anchored) {
                m_anchored = true;
                m_anchorNs = now;
                m_anchorStoredMs = stored.storedAtMs;
                m_lastDueNs = now;
            }
            // Against the anchor, not the previous message: lateness does not add up. A stored
            // time that went back (a clock step) is due with the message before it.
            const double gapNs = double(stored.storedAtMs - m_anchorStoredMs) * 1e6 / m_options.speed;
            const qint64 due = std::max(m_lastDueNs, m_anchorNs + qint64(gapNs));
            // Woken a little early: waking a sleeping thread takes from 50 us to a millisecond
            // here, looking at the clock for the last stretch does not. What this turn sent goes
            // out (the event loop flushes it) before the wait for the next one.
            if (due > now + kSpinNs || (due > now && n > 0)) {
                m_clock->armAt(due - kSpinNs);
                return;
            }
            qint64 sendAt = now;
            while (sendAt < due) {
                std::this_thread::yield();
                sendAt = ReplayClock::nowNs();
            }
            m_lastDueNs = due;
            record(std::max<qint64>(0, sendAt - due));
        }
        if (!send(stored))
            return;
        ++m_next;
    }
    m_clock->armAt(0); // the rest on the next turn: other clients get theirs first
}

bool Replay::send(const StoredMessage &stored)
{
    Message m = stored.message;
    m.setChannel(m_options.target());
    const QString topic = m_options.remapTopic(m.topic());
    if (topic != m.topic())
        m.setTopic(topic);
    m.setHeader(headerReplay(), m_id);
    m.setHeader(headerOriginalId(), stored.message.id());
    m.setHeader(headerOriginalTime(), QString::number(stored.message.timestamp()));
    m.setHeader(headerOriginalSeq(), QString::number(stored.seq));
    m.setId(Message::newId());
    m.setTimestamp(0); // stamped now by the bus
    m.setTtl(0);       // its TTL counted from the original time
    m_lastSeq = stored.seq;
    m_lastStoredMs = stored.storedAtMs;
    const Result<int> r = m_bus->republish(std::move(m), m_principal, m_options.store, m_options.subscription);
    if (r) {
        ++m_sent;
        return true;
    }
    if (ends(r.error().code)) {
        end(State::Failed, r.error());
        return false;
    }
    ++m_refused; // this one (too large for the target, a full queue): the rest goes on
    return true;
}

void Replay::record(qint64 lateNs)
{
    ++m_sampleCount;
    m_maxLateNs = std::max(m_maxLateNs, lateNs);
    m_lastLateNs = lateNs;
    if (m_samples.size() < size_t(MaxSamples)) {
        m_samples.push_back(lateNs);
        return;
    }
    // Reservoir sampling: every message is equally likely to be among the samples kept.
    const qint64 slot = qint64(m_random() % quint64(m_sampleCount));
    if (slot < MaxSamples)
        m_samples[size_t(slot)] = lateNs;
}

ReplayTiming Replay::timing() const
{
    ReplayTiming t;
    t.samples = m_sampleCount;
    std::vector<qint64> sorted = m_samples;
    std::sort(sorted.begin(), sorted.end());
    t.p50Us = percentile(sorted, 0.50) / 1000.0;
    t.p99Us = percentile(sorted, 0.99) / 1000.0;
    t.maxUs = double(m_maxLateNs) / 1000.0;
    t.driftMs = double(m_lastLateNs) / 1e6;
    return t;
}

QVariantMap Replay::status() const
{
    QVariantMap s{{QStringLiteral("id"), m_id},
                  {QStringLiteral("state"), stateName(m_state)},
                  {QStringLiteral("principal"), m_principal.name},
                  {QStringLiteral("options"), m_options.toVariantMap()},
                  {QStringLiteral("sent"), m_sent},
                  {QStringLiteral("refused"), m_refused},
                  {QStringLiteral("position"), QString::number(m_lastSeq)},
                  {QStringLiteral("originalTime"), m_lastStoredMs},
                  {QStringLiteral("startedAt"), m_startedAtMs},
                  {QStringLiteral("timing"), timing().toVariantMap()}};
    if (m_endedAtMs)
        s.insert(QStringLiteral("endedAt"), m_endedAtMs);
    if (m_error.code != ErrorCode::None)
        s.insert(QStringLiteral("error"), QVariantMap{{QStringLiteral("code"), m_error.codeName()},
                                                      {QStringLiteral("message"), m_error.message},
                                                      {QStringLiteral("details"), m_error.details}});
    return s;
}

} // namespace sb
