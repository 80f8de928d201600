// SPDX-License-Identifier: Apache-2.0
// replay-bench (issue #16): how exactly the replay engine keeps the original timing. 10,000
// messages "recorded" with irregular gaps (a journal whose stored times are drawn: 1-11 ms apart,
// one minute in all) are replayed at 1x and 10x to an in-process subscriber, which notes when
// each arrives. Printed: the error of each gap between two deliveries against the recorded gap
// divided by the speed (p50 / p99 / max), the end-to-end drift, the engine's own lateness
// figures, and the rate of a replay as fast as possible. Not a test: ctest does not run it.
// ./dev.sh bench-replay [--count N] [--skip-1x]
#include "../sb-bench/benchhost.h"

#include <switchboard/bus.h>
#include <switchboard/replaymanager.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

using namespace sb;

namespace {

qint64 nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

// A recording: messages whose stored times are given, read like any journal.
class Recording : public Journal
{
public:
    Recording(int count, quint32 seed)
    {
        std::mt19937 random(seed);
        std::uniform_int_distribution<int> gap(1, 11); // ms: irregular, 6 on average
        qint64 t = 1764000000000;
        for (int i = 1; i <= count; ++i) {
            StoredMessage m;
            m.seq = quint64(i);
            m.stream = QStringLiteral("bench");
            m.storedAtMs = t;
            m.message = Message(MessageType::Event, QStringLiteral("rec.%1").arg(i % 10), QByteArray(128, 'x'));
            m.message.setTimestamp(t);
            m.message.setId(QStringLiteral("m%1").arg(i));
            m_messages.append(m);
            t += gap(random);
        }
    }
    qint64 gapMs(int i) const { return m_messages.at(i).storedAtMs - m_messages.at(i - 1).storedAtMs; }
    qint64 spanMs() const { return m_messages.last().storedAtMs - m_messages.first().storedAtMs; }

    void append(const QString &, const Message &, const SyncPolicy &, AppendDone done) override
    {
        done(Error(ErrorCode::StorageFailed, QStringLiteral("a recording is read only")));
    }
    void setRetention(const QString &, const RetentionPolicy &) override {}
    Result<QList<StoredMessage>> read(const JournalQuery &q) const override
    {
        QList<StoredMessage> out;
        auto it = std::upper_bound(m_messages.cbegin(), m_messages.cend(), q.afterSeq,
                                   [](quint64 seq, const StoredMessage &m) { return seq < m.seq; });
        for (; it != m_messages.cend() && out.size() < q.limit; ++it)
            out.append(*it);
        return out;
    }
    quint64 lastSeq(const QString &) const override { return m_messages.isEmpty() ? 0 : m_messages.last().seq; }
    Status savePosition(const QString &, quint64) override { return {}; }
    quint64 position(const QString &) const override { return 0; }
    Status removePosition(const QString &) override { return {}; }
    JournalStatus status() const override
    {
        JournalStatus s;
        s.kind = QStringLiteral("recording");
        s.messages = m_messages.size();
        return s;
    }

private:
    QList<StoredMessage> m_messages;
};

struct Run
{
    double speed = 1;
    double gapP50Us = 0, gapP99Us = 0, gapMaxUs = 0, driftMs = 0, seconds = 0, rate = 0;
    ReplayTiming engine;
};

double at(std::vector<double> &v, double p)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

Run replay(Bus &bus, ReplayManager &replays, const Recording &rec, int count, double speed)
{
    std::vector<qint64> arrived;
    arrived.reserve(size_t(count));
    SubscriptionOptions so;
    so.channel = QStringLiteral("bench");
    so.pattern = QStringLiteral(">");
    QObject context;
    const Principal who = Principal::inProcess(QStringLiteral("bench"));
    const Result<SubscriptionId> sub = bus.subscribe(so, who, &context, [&arrived](const Message &) {
        arrived.push_back(nowNs());
        return Status();
    });
    ReplayOptions o;
    o.channel = QStringLiteral("bench");
    o.speed = speed;
    const qint64 started = nowNs();
    const Result<QString> id = replays.start(o, who);
    if (!id)
        qFatal("replay-bench: %s", qPrintable(id.error().message));
    while (int(arrived.size()) < count || replays.status(id.value()).value().value(QStringLiteral("state")).toString() == QLatin1String("running"))
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    Run r;
    r.speed = speed;
    r.seconds = double(nowNs() - started) / 1e9;
    r.rate = count / std::max(1e-9, double(arrived.back() - arrived.front()) / 1e9);
    if (speed > 0) {
        std::vector<double> errors;
        errors.reserve(arrived.size());
        for (int i = 1; i < count; ++i) {
            const double expected = double(rec.gapMs(i)) * 1e6 / speed;
            errors.push_back(std::abs(double(arrived[size_t(i)] - arrived[size_t(i - 1)]) - expected) / 1000.0);
        }
        r.gapP50Us = at(errors, 0.5);
        r.gapP99Us = at(errors, 0.99);
        r.gapMaxUs = errors.empty() ? 0 : *std::max_element(errors.begin(), errors.end());
        r.driftMs = (double(arrived.back() - arrived.front()) - double(rec.spanMs()) * 1e6 / speed) / 1e6;
    }
    const QVariantMap t = replays.status(id.value()).value().value(QStringLiteral("timing")).toMap();
    r.engine.p50Us = t.value(QStringLiteral("p50Us")).toDouble();
    r.engine.p99Us = t.value(QStringLiteral("p99Us")).toDouble();
    r.engine.maxUs = t.value(QStringLiteral("maxUs")).toDouble();
    r.engine.driftMs = t.value(QStringLiteral("driftMs")).toDouble();
    bus.unsubscribe(sub.value(), who);
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1"); // Qt's UNIX dispatcher, as switchboardd's
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("The replay engine's timing: 1x and 10x against the recording, and max speed."));
    p.addHelpOption();
    const QCommandLineOption countO(QStringLiteral("count"), QStringLiteral("Messages recorded."), QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption skipO(QStringLiteral("skip-1x"), QStringLiteral("Leave out the 1x run (a minute)."));
    p.addOption(countO);
    p.addOption(skipO);
    p.process(app);
    const int count = std::max(2, p.value(countO).toInt());

    Recording rec(count, 16);
    Bus bus;
    BusLimits l = bus.limits();
    l.subscriberQueue.maxMessages = std::max(count, 10000);
    bus.setLimits(l);
    bus.setJournal(&rec);
    ChannelConfig c;
    c.name = QStringLiteral("bench");
    if (!bus.createChannel(c, Principal::hub()))
        qFatal("replay-bench: cannot create the channel");
    ReplayManager replays(&bus);

    std::vector<Run> runs;
    if (!p.isSet(skipO))
        runs.push_back(replay(bus, replays, rec, count, 1.0));
    runs.push_back(replay(bus, replays, rec, count, 10.0));
    const Run max = replay(bus, replays, rec, count, 0);

    printf("replay-bench: %d cores, %s; %s; %d messages recorded over %.1f s (gaps 1-11 ms), 128 B, in process\n",
           QThread::idealThreadCount(), qPrintable(bench::host::cpuModel()), qPrintable(QSysInfo::prettyProductName()), count,
           double(rec.spanMs()) / 1000.0);
    printf("%-8s | %-10s | %-34s | %-10s | %-30s\n", "speed", "took s", "gap error us p50 / p99 / max", "drift ms",
           "engine lateness us p50 / p99 / max");
    bool met = true;
    for (const Run &r : runs) {
        printf("%-8s | %-10.2f | %10.1f / %8.1f / %10.1f | %10.2f | %8.1f / %8.1f / %8.1f\n",
               qPrintable(QStringLiteral("%1x").arg(r.speed)), r.seconds, r.gapP50Us, r.gapP99Us, r.gapMaxUs, r.driftMs,
               r.engine.p50Us, r.engine.p99Us, r.engine.maxUs);
        if (r.speed == 1.0)
            met = r.gapP99Us <= 1000.0 && std::abs(r.driftMs) <= 5.0;
    }
    printf("max speed: %.0f msg/s (%d messages in %.3f s)\n", max.rate, count, max.seconds);
    if (p.isSet(skipO))
        printf("bar (1x: gap error p99 <= 1 ms, drift <= 5 ms): not measured (--skip-1x)\n");
    else
        printf("bar (1x: gap error p99 <= 1 ms, drift <= 5 ms over %.0f s): %s\n", double(rec.spanMs()) / 1000.0,
               met ? "met" : "NOT MET");
    return 0;
}
