// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/journal.h>
#include <switchboard/principal.h>
#include <switchboard/replayoptions.h>

#include <QObject>

#include <random>
#include <vector>

namespace sb {

class Bus;
class ReplayClock;

// How well a replay kept the original timing: each message's lateness against its schedule
// (the original gap divided by the speed, from an absolute start, so errors do not add up).
struct SWITCHBOARD_EXPORT ReplayTiming
{
    qint64 samples = 0;
    double p50Us = 0;
    double p99Us = 0;
    double maxUs = 0;
    double driftMs = 0; // the lateness of the last message sent: where the replay stands
    QVariantMap toVariantMap() const;
};

// One replay: reads the journal in pages, publishes each message again at its scheduled time
// (or as fast as possible, in order), with x-sb-replay headers, on the bus thread. A
// ReplayManager creates it; pause, resume, seek and stop are its operators' controls.
class SWITCHBOARD_EXPORT Replay : public QObject
{
    Q_OBJECT
public:
    enum class State : quint8 { Running, Paused, Finished, Stopped, Failed };

    static QString headerReplay();       // "x-sb-replay": the replay's id
    static QString headerOriginalId();   // "x-sb-replay-original-id"
    static QString headerOriginalTime(); // "x-sb-replay-original-time": ms since the epoch
    static QString headerOriginalSeq();  // "x-sb-replay-original-seq"

    // Messages published per turn of the event loop at most (then the loop runs again).
    static constexpr int MaxPerTurn = 1000;
    // Timing samples kept (a uniform sample of the replay beyond that).
    static constexpr int MaxSamples = 65536;

    Replay(const QString &id, const ReplayOptions &options, const Principal &who, Bus *bus, QObject *parent = nullptr);
    ~Replay() override;

    QString id() const { return m_id; }
    State state() const { return m_state; }
    bool isActive() const { return m_state == State::Running || m_state == State::Paused; }
    const Principal &principal() const { return m_principal; }
    const ReplayOptions &options() const { return m_options; }
    quint64 sent() const { return m_sent; }
    ReplayTiming timing() const;
    QVariantMap status() const;
    static QString stateName(State state);

    void start();
    Status pause();
    Status resume();
    // Goes on from a sequence number (after \a afterSeq) or a stored time (from \a fromMs); the
    // timing starts again from there.
    Status seek(quint64 afterSeq, qint64 fromMs);
    void stop();

Q_SIGNALS:
    void ended(const QString &id); // finished, stopped or failed

private:
    void tick();
    bool fill(); // false: nothing more to read (or the read failed)
    bool send(const StoredMessage &stored);
    void record(qint64 lateNs);
    void end(State state, const Error &error = {});

    QString m_id;
    ReplayOptions m_options;
    Principal m_principal;
    Bus *m_bus;
    ReplayClock *m_clock;
    State m_state = State::Running;
    Error m_error;

    QList<StoredMessage> m_page;
    qsizetype m_next = 0;
    quint64 m_readAfter = 0;
    quint64 m_upToSeq = 0; // the last message it reads: to-seq, or the newest when it started
    qint64 m_readFromMs = 0;
    bool m_exhausted = false;

    bool m_anchored = false;
    qint64 m_anchorNs = 0;      // monotonic time of the anchor message
    qint64 m_anchorStoredMs = 0; // its original (stored) time
    qint64 m_lastDueNs = 0;
    qint64 m_pausedAtNs = 0;

    quint64 m_sent = 0;
    quint64 m_refused = 0;
    quint64 m_lastSeq = 0;
    qint64 m_lastStoredMs = 0;
    qint64 m_startedAtMs = 0;
    qint64 m_endedAtMs = 0;

    std::vector<qint64> m_samples; // lateness, ns
    qint64 m_sampleCount = 0;
    qint64 m_maxLateNs = 0;
    qint64 m_lastLateNs = 0;
    std::minstd_rand m_random;
};

} // namespace sb
