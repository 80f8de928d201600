// SPDX-License-Identifier: Apache-2.0
// journal-bench's rows for issue #17 ("at home on a board"): what switchboardd's SQLite journal
// writes to storage per byte of payload (flash wears by the bytes written, not by the bytes
// stored), and that nothing else writes when the hub is idle or carries only messages that are
// not persistent.
#include "diskwrites.h"

#include "../sb-bench/benchhost.h"
#include "../sb-bench/serverprocess.h"

#include <switchboardclient.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <vector>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/vfs.h>

using namespace sb;

namespace bench::journal {

bool connectClient(SwitchboardClient &c, quint16 port)
{
    SwitchboardClient::Options o = c.options();
    o.autoReconnect = false;
    c.setOptions(o);
    c.connectToHub(QStringLiteral("tcp://127.0.0.1:%1").arg(port));
    QElapsedTimer t;
    t.start();
    while (!c.isConnected() && t.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    return c.isConnected();
}

double publishAcked(SwitchboardClient &c, const QString &channel, const QByteArray &payload, int count, int window)
{
    int sent = 0, acked = 0, failed = 0;
    QElapsedTimer t;
    t.start();
    while (acked + failed < count) {
        while (sent < count && sent - acked - failed < window) {
            Message m(MessageType::Event, QStringLiteral("bench.durable"), payload);
            m.setChannel(channel);
            c.publish(m, [&](const Status &st) { st ? ++acked : ++failed; });
            ++sent;
        }
        c.flush();
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents); // blocks until the acks come (the overload with a time spins)
    }
    const double rate = acked * 1000.0 / std::max<qint64>(1, t.elapsed());
    if (failed)
        fprintf(stderr, "journal-bench: %d publishes to %s refused\n", failed, qPrintable(channel));
    return rate;
}

namespace {

// /proc/<pid>/io, summed over the process's threads (the journal's writer and checkpointer too).
// write_bytes is charged when a clean page of the page cache turns dirty, to the process that
// dirtied it (Linux's folio_account_dirtied), whether the page reaches the disk at the next fsync
// or at writeback: what sits in the page cache at the read is already counted, and no sync is
// needed before it. A page written again while it is still dirty is charged once, as the device
// sees it once; after an fsync cleaned it, the next write is charged again. wchar is every byte
// passed to write(), pwrite() and writev() on any file (stderr and pipes too), but not to send(),
// which the hub's sockets use (core/src/outboundwriter.cpp): here it is what SQLite hands the
// kernel, less the -shm pages it changes through mmap.
struct ProcIo
{
    qint64 wchar = -1, writeBytes = -1;
};

ProcIo readIo(qint64 pid)
{
    ProcIo io;
    QFile f(QStringLiteral("/proc/%1/io").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return io;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> kv = line.split(':');
        if (kv.size() != 2)
            continue;
        if (kv[0] == "wchar")
            io.wchar = kv[1].trimmed().toLongLong();
        else if (kv[0] == "write_bytes")
            io.writeBytes = kv[1].trimmed().toLongLong();
    }
    return io;
}

// write_bytes of every child reaped so far: getrusage's ru_oublock is write_bytes / 512 (it is not
// net of cancelled_write_bytes, the dirty pages of deleted files that never reached the disk).
// /proc/<pid>/io is gone once the daemon exited; this is how its clean stop is counted.
qint64 reapedChildrenWriteBytes()
{
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return qint64(u.ru_oublock) * 512;
}

struct DirSizes
{
    qint64 db = 0, wal = 0; // the database (and -shm), the write-ahead log
};

DirSizes dirSizes(const QString &directory)
{
    DirSizes s;
    const QFileInfoList files = QDir(directory).entryInfoList(QDir::Files);
    for (const QFileInfo &fi : files)
        (fi.fileName().endsWith(QLatin1String("-wal")) ? s.wal : s.db) += fi.size();
    return s;
}

// tmpfs and some overlay setups account no write_bytes: the header says where the journal was.
QString fileSystemOf(const QString &path)
{
    struct statfs st{};
    if (statfs(QFile::encodeName(path).constData(), &st) != 0)
        return QStringLiteral("?");
    switch (quint32(st.f_type)) {
    case 0xEF53:
        return QStringLiteral("ext4");
    case 0x01021994:
        return QStringLiteral("tmpfs");
    case 0x794C7630:
        return QStringLiteral("overlayfs");
    case 0x9123683E:
        return QStringLiteral("btrfs");
    case 0x58465342:
        return QStringLiteral("xfs");
    case 0xF2F52010:
        return QStringLiteral("f2fs");
    default:
        return QStringLiteral("0x%1").arg(quint32(st.f_type), 0, 16);
    }
}

// The shipped protocols (native and the REST API) and the remote-control socket, on free ports in
// \a dir; warnings only, so that a run's log says nothing (and goes to a pipe either way).
QString writeConfig(const QTemporaryDir &dir, quint16 port)
{
    const QString path = dir.filePath(QStringLiteral("switchboardd.yaml"));
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(QStringLiteral("communication:\n  protocols: [native, http]\n"
                           "  native:\n    tcp: \"127.0.0.1:%1\"\n    local: \"\"\n"
                           "    queue: {max-messages: 10000000, max-bytes: 4GiB}\n"
                           "  http:\n    listeners:\n      - {address: \"127.0.0.1:%2\"}\n"
                           "channels:\n"
                           "  - {name: wa-plain}\n"
                           "  - {name: wa-always, persistent: true, fsync: always}\n"
                           "  - {name: wa-off, persistent: true, fsync: off}\n"
                           "journal:\n  path: \"%3\"\n  disk-budget: 8GiB\n  max-pending-bytes: 64MiB\n"
                           "remote: {local: \"%4\"}\n"
                           "log: {level: warning}\n")
                .arg(port)
                .arg(bench::ServerProcess::freePort())
                .arg(dir.filePath(QStringLiteral("journal")), dir.filePath(QStringLiteral("control.sock")))
                .toUtf8());
    return path;
}

// The daemon's stderr goes to a pipe (read when it stops): a log redirected to a file by whoever
// runs the bench would otherwise be counted as the hub's disk writes.
bool startDaemon(QProcess &p, const QString &program, const QString &config, quint16 port, SwitchboardClient &c)
{
    p.setProgram(program);
    p.setArguments({QStringLiteral("--config"), config});
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.setStandardOutputFile(QProcess::nullDevice());
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    p.start();
    if (!p.waitForStarted(10000))
        return false;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000 && p.state() == QProcess::Running) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(100)) {
            probe.abort();
            return connectClient(c, port);
        }
        QThread::msleep(2);
    }
    return false;
}

// SIGTERM (the clean stop: the journal's last checkpoint) and the daemon's warnings, if any.
void stopDaemon(QProcess &p, SwitchboardClient &c)
{
    c.disconnectFromHub();
    bench::host::stopProcess(p);
    const QByteArray log = p.readAllStandardError().trimmed();
    if (!log.isEmpty())
        fprintf(stderr, "switchboardd: %s\n", log.constData());
}

// Runs the event loop (the client answers the hub's pings, QProcess drains the daemon's stderr).
void wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct AmpRow
{
    const char *label;
    const char *channel;
    int payload;
    bool async; // window 1000, else one at a time
    double bar; // written / payload at most; 0: no bar
};

// The bars, from SQLite's WAL: every page is written twice, once as a frame of the log (4 KiB plus
// a 24-byte header) and once by the checkpoint into the database, so the floor is twice what the
// database grows by. A row of a 1 KiB message takes a third of a 4 KiB page (four would not fit
// with their envelopes), 1.33 bytes per byte: the floor is 2.67x. A commit also rewrites the page
// it left half full, and the log's frames straddle the file system's pages, so each fsync'd
// commit is charged about one more page: group commit (one commit for everything that arrived
// during the last fsync) keeps that share small, and the async rows carry the bars. One message
// per commit writes at least two pages (its row's and its index entry's) whatever its size: no
// bar, shown as it is. The 128 B bar guards the envelope (about 140 B a message besides the
// payload, which dominates there).
const AmpRow kRows[] = {
    {"1 KiB, fsync always, async window 1000", "wa-always", 1024, true, 3.0},
    {"128 B, fsync always, async window 1000", "wa-always", 128, true, 5.5},
    {"1 KiB, fsync always, one at a time", "wa-always", 1024, false, 0},
    {"128 B, fsync always, one at a time", "wa-always", 128, false, 0},
    {"1 KiB, fsync off, async window 1000", "wa-off", 1024, true, 0},
    {"1 KiB, fsync off, one at a time", "wa-off", 1024, false, 0},
};
constexpr int kRowCount = int(sizeof kRows / sizeof kRows[0]);

struct AmpSample
{
    qint64 payloadBytes = 0, messages = 0;
    qint64 during = 0, atStop = 0; // write_bytes while publishing (until acknowledged), then to the exit
    qint64 wchar = 0;              // while publishing
    qint64 dbGrowth = 0, walMax = 0;
};

// One daemon and a fresh journal per row, so that the files' growth is the row's own.
AmpSample runAmpRow(const DiskWriteOptions &o, const AmpRow &row)
{
    QTemporaryDir dir;
    const quint16 port = bench::ServerProcess::freePort();
    QProcess daemon;
    SwitchboardClient c;
    if (!startDaemon(daemon, o.daemon, writeConfig(dir, port), port, c))
        qFatal("journal-bench: switchboardd did not start: %s", daemon.readAllStandardError().constData());
    const QString journalDir = dir.filePath(QStringLiteral("journal"));
    AmpSample s;
    s.messages = row.async ? o.asyncCount : o.oneCount;
    s.payloadBytes = s.messages * row.payload;
    const DirSizes before = dirSizes(journalDir);
    const ProcIo io0 = readIo(daemon.processId());
    publishAcked(c, QString::fromLatin1(row.channel), QByteArray(row.payload, 'x'), int(s.messages), row.async ? 1000 : 1);
    const ProcIo io1 = readIo(daemon.processId());
    const DirSizes after = dirSizes(journalDir);
    const qint64 reaped = reapedChildrenWriteBytes();
    stopDaemon(daemon, c);
    s.during = io1.writeBytes - io0.writeBytes;
    s.atStop = reapedChildrenWriteBytes() - reaped - io1.writeBytes;
    s.wchar = io1.wchar - io0.wchar;
    s.dbGrowth = dirSizes(journalDir).db - before.db; // the log is checkpointed and gone after a clean stop
    s.walMax = after.wal;
    return s;
}

struct IdleSample
{
    qint64 settle = 0;                // write_bytes in the 2 s after the last persistent publish
    qint64 idle = 0, idleWchar = 0;   // then idleSeconds with nothing to do
    qint64 plain = 0, plainWchar = 0; // then asyncCount publishes of 128 B to a channel that is not persistent
};

IdleSample runIdleRow(const DiskWriteOptions &o)
{
    QTemporaryDir dir;
    const quint16 port = bench::ServerProcess::freePort();
    QProcess daemon;
    SwitchboardClient c;
    if (!startDaemon(daemon, o.daemon, writeConfig(dir, port), port, c))
        qFatal("journal-bench: switchboardd did not start: %s", daemon.readAllStandardError().constData());
    // A journal with something in it, as on a board that has been running: the steady state
    // begins once the once-a-second housekeeping has written the streams' totals.
    publishAcked(c, QStringLiteral("wa-always"), QByteArray(1024, 'x'), 1000, 1000);
    const ProcIo a = readIo(daemon.processId());
    wait(2000);
    const ProcIo b = readIo(daemon.processId());
    wait(o.idleSeconds * 1000);
    const ProcIo d = readIo(daemon.processId());
    publishAcked(c, QStringLiteral("wa-plain"), QByteArray(128, 'x'), o.asyncCount, 1000);
    wait(1500); // and a housekeeping pass after it
    const ProcIo e = readIo(daemon.processId());
    stopDaemon(daemon, c);
    return {b.writeBytes - a.writeBytes, d.writeBytes - b.writeBytes, d.wchar - b.wchar, e.writeBytes - d.writeBytes,
            e.wchar - d.wchar};
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// median [min-max] with \a decimals, or the one value.
QString spread(const std::vector<double> &v, int decimals)
{
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const QString m = QString::number(median(v), 'f', decimals);
    return v.size() == 1 ? m : QStringLiteral("%1 [%2-%3]").arg(m).arg(*mn, 0, 'f', decimals).arg(*mx, 0, 'f', decimals);
}

QString bytes(double b)
{
    return b >= 1 << 20 ? QStringLiteral("%1 MiB").arg(b / (1 << 20), 0, 'f', 1)
         : b >= 1 << 10 ? QStringLiteral("%1 KiB").arg(b / (1 << 10), 0, 'f', 1)
                        : QStringLiteral("%1 B").arg(qRound64(b));
}

template<typename T, typename F>
std::vector<double> column(const std::vector<T> &samples, F f)
{
    std::vector<double> v;
    for (const T &s : samples)
        v.push_back(double(f(s)));
    return v;
}

// Rows of the amplification table; \a accounted false: write_bytes read 0, wchar stands in.
bool printAmpRows(const std::vector<AmpSample> (&r)[kRowCount], bool accounted)
{
    printf("%-40s | %-22s | %-11s | %-9s | %-9s | %-20s | %-7s | %-8s | %s\n", "row",
           accounted ? "written / payload" : "wchar / payload", "written/msg", "publish", "at stop", "wchar / payload",
           "db/msg", "wal max", "bar");
    bool all = true;
    for (int i = 0; i < kRowCount; ++i) {
        const std::vector<AmpSample> &s = r[i];
        const auto written = [&](const AmpSample &x) { return accounted ? x.during + x.atStop : x.wchar; };
        const std::vector<double> amp = column(s, [&](const AmpSample &x) { return double(written(x)) / x.payloadBytes; });
        QString bar = QStringLiteral("-");
        if (kRows[i].bar > 0) {
            const bool pass = median(amp) <= kRows[i].bar;
            all = all && pass;
            bar = QStringLiteral("<= %1 %2").arg(kRows[i].bar, 0, 'f', 1).arg(pass ? QStringLiteral("PASS") : QStringLiteral("FAIL"));
        }
        printf("%-40s | %-22s | %-11s | %-9s | %-9s | %-20s | %-7s | %-8s | %s\n", kRows[i].label, qPrintable(spread(amp, 2)),
               qPrintable(bytes(median(column(s, [&](const AmpSample &x) { return double(written(x)) / x.messages; })))),
               qPrintable(bytes(median(column(s, [](const AmpSample &x) { return x.during; })))),
               qPrintable(bytes(median(column(s, [](const AmpSample &x) { return x.atStop; })))),
               qPrintable(spread(column(s, [](const AmpSample &x) { return double(x.wchar) / x.payloadBytes; }), 2)),
               qPrintable(bytes(median(column(s, [](const AmpSample &x) { return double(x.dbGrowth) / x.messages; })))),
               qPrintable(bytes(median(column(s, [](const AmpSample &x) { return x.walMax; })))), qPrintable(bar));
    }
    return all;
}

// The steady-state rows: write_bytes must stay 0 (wchar when write_bytes is not accounted).
bool printIdleRows(const std::vector<IdleSample> &r, const DiskWriteOptions &o, bool accounted)
{
    bool all = true;
    const auto line = [&](const QString &label, const std::vector<double> &written, const std::vector<double> &wchar, bool barred) {
        QString bar = QStringLiteral("-");
        if (barred) {
            const std::vector<double> &judged = accounted ? written : wchar;
            const bool pass = *std::max_element(judged.begin(), judged.end()) == 0;
            all = all && pass;
            bar = QStringLiteral("%1 == 0 B in every run %2")
                      .arg(accounted ? QStringLiteral("write_bytes") : QStringLiteral("wchar"), pass ? QStringLiteral("PASS") : QStringLiteral("FAIL"));
        }
        printf("%-62s | %-18s | %-18s | %s\n", qPrintable(label), qPrintable(spread(written, 0)),
               qPrintable(wchar.empty() ? QStringLiteral("-") : spread(wchar, 0)), qPrintable(bar));
    };
    printf("%-62s | %-18s | %-18s | %s\n", "steady state", "write_bytes, B", "wchar, B", "bar");
    line(QStringLiteral("2 s after the last persistent publish (the totals, once)"),
         column(r, [](const IdleSample &x) { return x.settle; }), {}, false);
    line(QStringLiteral("idle, %1 s, a client connected").arg(o.idleSeconds), column(r, [](const IdleSample &x) { return x.idle; }),
         column(r, [](const IdleSample &x) { return x.idleWchar; }), true);
    line(QStringLiteral("%1 publishes of 128 B, not persistent, then 1.5 s").arg(o.asyncCount),
         column(r, [](const IdleSample &x) { return x.plain; }), column(r, [](const IdleSample &x) { return x.plainWchar; }), true);
    return all;
}

} // namespace

bool runDiskWriteRows(const DiskWriteOptions &o)
{
    std::vector<AmpSample> amp[kRowCount];
    std::vector<IdleSample> idle;
    for (int run = 0; run < o.repeat; ++run) {
        fprintf(stderr, "journal-bench: write amplification, run %d of %d\n", run + 1, o.repeat);
        for (int i = 0; i < kRowCount; ++i)
            amp[i].push_back(runAmpRow(o, kRows[i]));
        idle.push_back(runIdleRow(o));
    }
    bool accounted = false;
    for (const auto &row : amp)
        for (const AmpSample &s : row)
            accounted = accounted || s.during > 0;
    printf("\nwrite amplification (issue #17): %d run(s); %d (async) / %d (one at a time) publishes per row; journal on %s (%s); "
           "written = write_bytes of /proc/<pid>/io while publishing + the clean stop's (the last checkpoint)\n",
           o.repeat, o.asyncCount, o.oneCount, qPrintable(fileSystemOf(QDir::tempPath())), qPrintable(QDir::tempPath()));
    if (!accounted)
        printf("NOTE: write_bytes read 0 on this file system (tmpfs, or no block-layer accounting here): the written / payload "
               "column and the steady-state bars use wchar (bytes passed to write(), stderr and pipes included) instead\n");
    const bool ampOk = printAmpRows(amp, accounted);
    const bool idleOk = printIdleRows(idle, o, accounted);
    printf("write bar: %s\n", ampOk && idleOk ? "all rows pass" : "NOT MET");
    return ampOk && idleOk;
}

} // namespace bench::journal
