// SPDX-License-Identifier: Apache-2.0
// journal-bench (issue #15): durable, acknowledged publishes of 128 B to switchboardd's journal
// against nats-server JetStream with file storage, and against bare SQLite single-row commits,
// in the same run; switchboardd's start-up after SIGKILL with 1,000,000 messages stored; and
// reading them back as the console does (the timeline, a page far into the stream); the journal's
// write amplification and the hub's writes in steady state (issue #17, diskwrites.cpp).
// Not a test: ctest does not run it. ./dev.sh bench-journal [--repeat N] [--only publish|writes].
#include "../sb-bench/benchhost.h"
#include "../sb-bench/serverprocess.h"
#include "diskwrites.h"

#include <sqlitejournal.h>
#include <switchboardclient.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTcpSocket>
#include <QThread>

#include <nats/nats.h>
#include <sqlite3.h>

#include <algorithm>
#include <csignal>
#include <cstdio>

using namespace sb;
using bench::ServerProcess;
using bench::journal::connectClient;

namespace {

const QByteArray kPayload(128, 'x');

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

QString cell(const std::vector<double> &v)
{
    if (v.empty())
        return QStringLiteral("-");
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const auto h = [](double x) { return x >= 1e6 ? QStringLiteral("%1M").arg(x / 1e6, 0, 'f', 2)
                                        : x >= 1e4 ? QStringLiteral("%1k").arg(x / 1e3, 0, 'f', 1)
                                                   : QString::number(qRound64(x)); };
    return v.size() == 1 ? h(v[0]) : QStringLiteral("%1 [%2-%3]").arg(h(median(v)), h(*mn), h(*mx));
}

// --- switchboardd --------------------------------------------------------------------------------

// Acknowledged publishes of 128 B to \a channel: \a window in flight at most (1: one at a time). msg/s.
double sbPublish(SwitchboardClient &c, const QString &channel, int count, int window)
{
    return bench::journal::publishAcked(c, channel, kPayload, count, window);
}

QString writeConfig(const QTemporaryDir &dir, quint16 port)
{
    const QString path = dir.filePath(QStringLiteral("switchboardd.yaml"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(QStringLiteral("communication:\n  protocols: [native]\n  native:\n    tcp: \"127.0.0.1:%1\"\n    local: \"\"\n"
                           "    queue: {max-messages: 10000000, max-bytes: 4GiB}\n"
                           "channels:\n"
                           "  - {name: bench-plain}\n"
                           "  - {name: bench-off, persistent: true, fsync: off}\n"
                           "  - {name: bench-always, persistent: true, fsync: always}\n"
                           "journal:\n  path: \"%2\"\n  disk-budget: 8GiB\n  max-pending-bytes: 64MiB\n"
                           "log: {level: info}\n")
                .arg(port)
                .arg(dir.filePath(QStringLiteral("journal")))
                .toUtf8());
    return path;
}

// From exec to the first CONNECTED on the native port, in ms.
qint64 timeToServe(const QString &daemon, const QString &config, quint16 port, QProcess &p)
{
    QElapsedTimer t;
    t.start();
    p.setProgram(daemon);
    p.setArguments({QStringLiteral("--config"), config});
    p.setProcessChannelMode(QProcess::SeparateChannels); // stderr: the JSON log, read by storedAtStart()
    p.start();
    p.waitForStarted(10000);
    while (t.elapsed() < 60000) {
        SwitchboardClient c;
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(20)) {
            probe.abort();
            if (connectClient(c, port))
                return t.elapsed();
        }
        QThread::msleep(2);
    }
    return -1;
}

// --- nats-server JetStream -----------------------------------------------------------------------

void natsCheck(natsStatus s, const char *what)
{
    if (s != NATS_OK)
        qFatal("journal-bench: %s: %s", what, natsStatus_GetText(s));
}

double jsPublish(jsCtx *js, int count, bool async)
{
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
        if (async) {
            natsCheck(js_PublishAsync(js, "bench.durable", kPayload.constData(), int(kPayload.size()), nullptr), "js_PublishAsync");
        } else {
            jsPubAck *ack = nullptr;
            jsErrCode err = jsErrCode(0);
            natsCheck(js_Publish(&ack, js, "bench.durable", kPayload.constData(), int(kPayload.size()), nullptr, &err), "js_Publish");
            jsPubAck_Destroy(ack);
        }
    }
    if (async) {
        jsPubOptions o;
        jsPubOptions_Init(&o);
        o.MaxWait = 120000;
        natsCheck(js_PublishAsyncComplete(js, &o), "js_PublishAsyncComplete");
    }
    return count * 1000.0 / std::max<qint64>(1, t.elapsed());
}

// --- bare SQLite -----------------------------------------------------------------------------------

double sqliteCommits(const QString &file, int count)
{
    sqlite3 *db = nullptr;
    sqlite3_open(file.toUtf8().constData(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB NOT NULL)", nullptr, nullptr, nullptr);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES(?1)", -1, &st, nullptr);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
        sqlite3_bind_blob(st, 1, kPayload.constData(), int(kPayload.size()), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            qFatal("journal-bench: sqlite: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    const double rate = count * 1000.0 / std::max<qint64>(1, t.elapsed());
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rate;
}

// What switchboardd's "journal opened" log line said it found, -1 when there was none.
qint64 storedAtStart(QProcess &p)
{
    for (const QByteArray &line : p.readAllStandardError().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("msg")).toString() == QLatin1String("journal opened"))
            return qint64(o.value(QStringLiteral("messages")).toDouble());
    }
    return -1;
}

struct Results
{
    std::vector<double> sbPlainOne, sbOffAsync, sbOffOne, sbAlwaysAsync, sbAlwaysOne, jsAsync, jsOne, sqlite, startMs, found;
    // Reading what the start-up row stored (ms): the console's timeline, the naive GROUP BY over
    // every row, and a page of 100 at the start and near the end.
    std::vector<double> timeline, timelineTopic, groupBy, firstPage, lastPage;
};

// The fastest of five runs of \a f, in ms.
template<typename F>
double bestOf5(F f)
{
    double best = 1e18;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = std::min(best, t.nsecsElapsed() / 1e6);
    }
    return best;
}

// The journal the start-up row left (the daemon has exited): Journal::density as the console asks
// for it, against a GROUP BY over every stored row of the stream on the same file; a page of 100
// messages after the first and after the 900,000th.
void readingRows(const QString &directory, qint64 stored, Results &r)
{
    SqliteJournalOptions o;
    o.directory = directory;
    o.budgetBytes = 8LL << 30;
    Result<std::unique_ptr<SqliteJournal>> opened = SqliteJournal::open(o);
    if (!opened)
        qFatal("journal-bench: %s", qPrintable(opened.error().message));
    const std::unique_ptr<SqliteJournal> j = std::move(opened).value();
    DensityQuery q;
    q.stream = QStringLiteral("bench-off");
    q.buckets = 100;
    qint64 total = 0;
    r.timeline.push_back(bestOf5([&] { total = j->density(q).value().total; }));
    if (total < stored)
        fprintf(stderr, "journal-bench: the timeline counted %lld of %lld\n", total, stored);
    q.topic = QStringLiteral("bench.>");
    r.timelineTopic.push_back(bestOf5([&] { (void)j->density(q); }));
    const StoredDensity d = j->density(q).value();
    JournalQuery page;
    page.stream = q.stream;
    page.limit = 100;
    r.firstPage.push_back(bestOf5([&] { (void)j->read(page); }));
    page.afterSeq = quint64(stored * 9 / 10);
    r.lastPage.push_back(bestOf5([&] { (void)j->read(page); }));

    sqlite3 *db = nullptr;
    sqlite3_open_v2(SqliteJournal::databaseFile(directory).toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT (stored_at - ?1) / ?2, count(*) FROM messages WHERE stream = "
                               "(SELECT id FROM streams WHERE name = 'bench-off') GROUP BY 1", -1, &st, nullptr) != SQLITE_OK)
        qFatal("journal-bench: sqlite: %s", sqlite3_errmsg(db));
    r.groupBy.push_back(bestOf5([&] {
        sqlite3_bind_int64(st, 1, d.fromMs);
        sqlite3_bind_int64(st, 2, std::max<qint64>(1, d.bucketMs));
        while (sqlite3_step(st) == SQLITE_ROW) {
        }
        sqlite3_reset(st);
    }));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

struct Settings
{
    QString daemon;
    int repeat = 1, asyncCount = 0, oneCount = 0, startupMessages = 0;
};

// Durable publishes to switchboardd, and the reference without the journal.
void switchboardRows(const Settings &s, Results &r)
{
    QTemporaryDir dir;
    const quint16 port = ServerProcess::freePort();
    ServerProcess sb(QStringLiteral("switchboardd"), s.daemon, {QStringLiteral("--config"), writeConfig(dir, port)}, port);
    QString error;
    if (!sb.start(&error))
        qFatal("journal-bench: %s", qPrintable(error));
    SwitchboardClient c;
    if (!connectClient(c, port))
        qFatal("journal-bench: cannot connect to switchboardd");
    r.sbPlainOne.push_back(sbPublish(c, QStringLiteral("bench-plain"), s.oneCount, 1));
    r.sbOffAsync.push_back(sbPublish(c, QStringLiteral("bench-off"), s.asyncCount, 1000));
    r.sbOffOne.push_back(sbPublish(c, QStringLiteral("bench-off"), s.oneCount, 1));
    r.sbAlwaysAsync.push_back(sbPublish(c, QStringLiteral("bench-always"), s.asyncCount, 1000));
    r.sbAlwaysOne.push_back(sbPublish(c, QStringLiteral("bench-always"), s.oneCount, 1));
}

// nats-server JetStream, file storage.
void jetStreamRows(const Settings &s, Results &r)
{
    QTemporaryDir dir;
    const quint16 port = ServerProcess::freePort();
    ServerProcess nats(QStringLiteral("nats-server"), QStringLiteral("nats-server"),
                       {QStringLiteral("-a"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(port),
                        QStringLiteral("-js"), QStringLiteral("-sd"), dir.path(), QStringLiteral("-l"),
                        dir.filePath(QStringLiteral("nats.log"))},
                       port);
    QString error;
    if (!nats.start(&error))
        qFatal("journal-bench: %s", qPrintable(error));
    natsConnection *nc = nullptr;
    const QByteArray url = "nats://127.0.0.1:" + QByteArray::number(port);
    natsCheck(natsConnection_ConnectTo(&nc, url.constData()), "connect");
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = 1000;
    jo.PublishAsync.StallWait = 60000;
    jsCtx *js = nullptr;
    natsCheck(natsConnection_JetStream(&js, nc, &jo), "JetStream");
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    sc.Name = "BENCH";
    const char *subjects[] = {"bench.>"};
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = js_FileStorage;
    jsStreamInfo *si = nullptr;
    natsCheck(js_AddStream(&si, js, &sc, nullptr, nullptr), "js_AddStream");
    jsStreamInfo_Destroy(si);
    r.jsAsync.push_back(jsPublish(js, s.asyncCount, true));
    r.jsOne.push_back(jsPublish(js, s.oneCount, false));
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
}

// start-up after SIGKILL with s.startupMessages stored, then reading them back.
void startupRows(const Settings &s, Results &r)
{
    QTemporaryDir dir;
    const quint16 port = ServerProcess::freePort();
    const QString config = writeConfig(dir, port);
    QProcess daemon;
    if (timeToServe(s.daemon, config, port, daemon) < 0)
        qFatal("journal-bench: switchboardd did not start");
    {
        SwitchboardClient c;
        connectClient(c, port);
        sbPublish(c, QStringLiteral("bench-off"), s.startupMessages, 1000);
    }
    ::kill(pid_t(daemon.processId()), SIGKILL);
    daemon.waitForFinished(10000);
    QProcess again;
    r.startMs.push_back(double(timeToServe(s.daemon, config, port, again)));
    again.terminate();
    again.waitForFinished(10000);
    r.found.push_back(double(storedAtStart(again)));
    readingRows(dir.filePath(QStringLiteral("journal")), s.startupMessages, r);
}

// The table of the rows above; false when a bar is not met.
bool printPublishRows(const Settings &s, const Results &r)
{
    const int repeat = s.repeat;
    auto ratio = [](const std::vector<double> &a, const std::vector<double> &b) {
        return b.empty() || median(b) == 0 ? QStringLiteral("-") : QString::number(median(a) / median(b), 'f', 2);
    };
    auto verdict = [](double ratio, double bar, bool atLeast) {
        return (atLeast ? ratio >= bar : ratio <= bar) ? QStringLiteral("PASS") : QStringLiteral("FAIL");
    };
    printf("journal-bench: %d run(s); %d cores, %s; %s; payload 128 B; %d (async) / %d (one at a time) publishes\n",
           repeat, QThread::idealThreadCount(), qPrintable(bench::host::cpuModel()), qPrintable(QSysInfo::prettyProductName()),
           s.asyncCount, s.oneCount);
    printf("%-58s | %-22s | %-22s | %-22s | %-5s | %s\n", "metric", "switchboard", "nats JetStream (file)", "bare SQLite",
           "ratio", "bar");
    struct Line {
        const char *name;
        const std::vector<double> &sb, &js, &sq;
        bool vsSqlite;
        double bar;
    };
    const Line lines[] = {
        {"durable publish, fsync off, async window 1000, msg/s", r.sbOffAsync, r.jsAsync, {}, false, 1.0},
        {"durable publish, fsync off, one at a time, msg/s", r.sbOffOne, r.jsOne, {}, false, 1.0},
        {"durable publish, fsync always, async window 1000, msg/s", r.sbAlwaysAsync, r.jsAsync, {}, false, 1.0},
        {"durable publish, fsync always, one at a time, msg/s", r.sbAlwaysOne, {}, r.sqlite, true, 0.8},
    };
    bool all = true;
    for (const Line &l : lines) {
        const std::vector<double> &peer = l.vsSqlite ? l.sq : l.js;
        const QString rt = ratio(l.sb, peer);
        const QString v = verdict(median(l.sb) / std::max(1e-9, median(peer)), l.bar, true);
        all = all && v == QLatin1String("PASS");
        printf("%-58s | %-22s | %-22s | %-22s | %-5s | >= %.1f %s\n", l.name, qPrintable(cell(l.sb)),
               qPrintable(l.vsSqlite ? QStringLiteral("-") : cell(l.js)), qPrintable(l.vsSqlite ? cell(l.sq) : QStringLiteral("-")),
               qPrintable(rt), l.bar, qPrintable(v));
    }
    if (!r.startMs.empty()) {
        const QString v = verdict(median(r.startMs), 1000, false);
        all = all && v == QLatin1String("PASS");
        printf("%-58s | %-22s | %-22s | %-22s | %-5s | <= 1000 %s\n",
               qPrintable(QStringLiteral("start-up after SIGKILL, %1 stored (found %2), ms").arg(s.startupMessages).arg(qint64(median(r.found)))),
               qPrintable(cell(r.startMs)),
               "-", "-", "", qPrintable(v));
    }
    if (!r.timeline.empty()) {
        // The console's timeline must not be a scan: at most half of what reading every row costs.
        const double tr = median(r.timeline) / std::max(1e-9, median(r.groupBy));
        const QString v = verdict(tr, 0.5, false);
        all = all && v == QLatin1String("PASS");
        const auto ms = [](const std::vector<double> &x) {
            return x.size() == 1 ? QString::number(x[0], 'f', 2)
                                 : QStringLiteral("%1 [%2-%3]").arg(median(x), 0, 'f', 2).arg(*std::min_element(x.begin(), x.end()), 0, 'f', 2)
                                       .arg(*std::max_element(x.begin(), x.end()), 0, 'f', 2);
        };
        printf("%-58s | %-22s | %-22s | %-22s | %-5.2f | <= 0.5 %s\n",
               qPrintable(QStringLiteral("timeline of %1 stored, 100 buckets, ms").arg(s.startupMessages)), qPrintable(ms(r.timeline)),
               "-", qPrintable(ms(r.groupBy) + QStringLiteral(" (GROUP BY)")), tr, qPrintable(v));
        printf("%-58s | %-22s | %-22s | %-22s | %-5s | %s\n", "timeline, topic pattern (sampled), ms", qPrintable(ms(r.timelineTopic)),
               "-", "-", "", "-");
        // Paging: a page far into the stream costs what the first does.
        const double pr = median(r.lastPage) / std::max(1e-9, median(r.firstPage));
        const QString pv = verdict(pr, 2.0, false);
        all = all && pv == QLatin1String("PASS");
        printf("%-58s | %-22s | %-22s | %-22s | %-5.2f | <= 2.0 %s\n", "page of 100 at 90 % of the stream / the first page, ms",
               qPrintable(ms(r.lastPage) + QStringLiteral(" / ") + ms(r.firstPage)), "-", "-", pr, qPrintable(pv));
    }
    // No bar: what a publish and its acknowledgement cost without the journal (the round trip the
    // one-at-a-time rows pay on top of storing).
    printf("%-58s | %-22s | %-22s | %-22s | %-5s | %s\n", "reference: not persistent, one at a time, msg/s",
           qPrintable(cell(r.sbPlainOne)), "-", "-", "", "-");
    // No bar: what a hub that added nothing to a bare SQLite commit but that round trip would do,
    // run by run (1 / (1/SQLite + 1/reference)); its ratio is the most the fsync-always
    // one-at-a-time row can reach on this machine.
    std::vector<double> ceiling;
    for (size_t i = 0; i < std::min(r.sqlite.size(), r.sbPlainOne.size()); ++i)
        ceiling.push_back(1.0 / (1.0 / r.sqlite[i] + 1.0 / r.sbPlainOne[i]));
    printf("%-58s | %-22s | %-22s | %-22s | %-5s | %s\n", "ceiling: bare SQLite + the reference round trip, msg/s",
           qPrintable(cell(ceiling)), "-", qPrintable(cell(r.sqlite)), qPrintable(ratio(ceiling, r.sqlite)), "-");
    return all;
}

} // namespace

int main(int argc, char **argv)
{
    // The clients' event loop: Qt's own UNIX dispatcher, as switchboardd uses (app/daemon/main.cpp),
    // not GLib's, whose locking per turn cost the publisher more than the hub's work.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Durable publishes: switchboardd's journal against JetStream and SQLite, "
                                               "and the bytes it writes to disk per byte of payload."));
    p.addHelpOption();
    auto opt = [&](const char *name, const char *help, const char *def) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("n"), QString::fromLatin1(def));
        p.addOption(o);
        return o;
    };
    const auto repeatO = opt("repeat", "Runs; the table shows median [min-max].", "1");
    const auto asyncO = opt("async-count", "Publishes in the async-window rows.", "50000");
    const auto oneO = opt("one-count", "Publishes in the one-at-a-time rows.", "3000");
    const auto startO = opt("startup-messages", "Messages stored before the SIGKILL of the start-up row.", "1000000");
    const auto writeAsyncO = opt("write-async-count", "Publishes per async-window row of the write-amplification table.", "20000");
    const auto writeOneO = opt("write-one-count", "Publishes per one-at-a-time row of the write-amplification table.", "2000");
    const auto idleO = opt("idle-seconds", "How long the idle row leaves switchboardd alone.", "5");
    const QCommandLineOption onlyO(QStringLiteral("only"),
                                   QStringLiteral("Run only these rows: publish (issues #15, #16: against JetStream and SQLite, "
                                                  "start-up, reading) or writes (issue #17: bytes written to disk)."),
                                   QStringLiteral("rows"));
    p.addOption(onlyO);
    QCommandLineOption daemonO(QStringLiteral("switchboardd"), QStringLiteral("Path of switchboardd."), QStringLiteral("path"),
                               QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("switchboardd")));
    p.addOption(daemonO);
    p.process(app);
    Settings s;
    s.daemon = p.value(daemonO);
    s.repeat = std::max(1, p.value(repeatO).toInt());
    s.asyncCount = p.value(asyncO).toInt();
    s.oneCount = p.value(oneO).toInt();
    s.startupMessages = p.value(startO).toInt();
    const QString only = p.value(onlyO);
    if (!only.isEmpty() && only != QLatin1String("publish") && only != QLatin1String("writes")) {
        fprintf(stderr, "journal-bench: --only takes publish or writes\n");
        return 64;
    }
    bool all = true;
    if (only != QLatin1String("writes")) {
        Results r;
        for (int run = 0; run < s.repeat; ++run) {
            fprintf(stderr, "journal-bench: run %d of %d\n", run + 1, s.repeat);
            switchboardRows(s, r);
            jetStreamRows(s, r);
            // bare SQLite: one row per commit, WAL, synchronous=FULL
            QTemporaryDir dir;
            r.sqlite.push_back(sqliteCommits(dir.filePath(QStringLiteral("bare.db")), s.oneCount));
            if (s.startupMessages > 0)
                startupRows(s, r);
        }
        all = printPublishRows(s, r);
    }
    if (only != QLatin1String("publish")) {
        bench::journal::DiskWriteOptions w;
        w.daemon = s.daemon;
        w.repeat = s.repeat;
        w.asyncCount = p.value(writeAsyncO).toInt();
        w.oneCount = p.value(writeOneO).toInt();
        w.idleSeconds = p.value(idleO).toInt();
        all = bench::journal::runDiskWriteRows(w) && all;
    }
    printf("bar: %s\n", all ? "all rows pass" : "NOT MET");
    return 0;
}
