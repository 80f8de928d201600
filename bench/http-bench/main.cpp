// SPDX-License-Identifier: Apache-2.0
// http-bench (issue #13): wrk -t1 -c64 keep-alive POST /api/v1/events against switchboardd (each
// event delivered to one native subscriber) and against nginx proxying the same requests to a
// trivial upstream, side by side in one run: requests/s, p99 and server CPU time per request.
#include "../sb-bench/benchhost.h"
#include "cputime.h"
#include "deliverycounter.h"
#include "hubprocess.h"
#include "nginxprocess.h"
#include "resulttable.h"
#include "wrkrun.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <map>

using namespace bench;

namespace {

const QString kTopic = QStringLiteral("bench.http");

// The event every request posts: about 100 bytes of payload string.
QByteArray eventBody()
{
    const QByteArray s = QByteArray("0123456789abcdefghijklmnopqrstuvwxyz").repeated(3).left(100);
    return R"({"topic":")" + kTopic.toLatin1() + R"(","event":"e","payload":{"n":1,"s":")" + s + R"("}})";
}

struct Rows
{
    int rps, p50, p99, cpuServer, cpuUpstream, cpuAll, requests, non2xx, socketErrors, delivered, lost;
};

Rows addRows(ResultTable &t)
{
    using K = ResultTable::Kind;
    Rows r {};
    r.rps = t.addRow(QStringLiteral("requests/s"));
    r.p50 = t.addRow(QStringLiteral("latency p50 us"));
    r.p99 = t.addRow(QStringLiteral("latency p99 us"));
    r.cpuServer = t.addRow(QStringLiteral("CPU us/request, switchboardd | nginx proxy"));
    r.cpuUpstream = t.addRow(QStringLiteral("CPU us/request, nginx upstream"));
    r.cpuAll = t.addRow(QStringLiteral("CPU us/request, all server processes"));
    r.requests = t.addRow(QStringLiteral("requests completed"));
    r.non2xx = t.addRow(QStringLiteral("non-2xx responses"), K::FailNonZero);
    r.socketErrors = t.addRow(QStringLiteral("socket errors (connect/read/write/timeout)"), K::FailNonZero);
    r.delivered = t.addRow(QStringLiteral("delivered to the native subscriber"));
    r.lost = t.addRow(QStringLiteral("lost (2xx answered, not delivered)"), K::FailNonZero);
    return r;
}

void addWrk(ResultTable &t, const Rows &rows, const char *column, const WrkRun::Result &w)
{
    t.add(rows.rps, column, w.requestsPerSec);
    t.add(rows.p50, column, w.p50Us);
    t.add(rows.p99, column, w.p99Us);
    t.add(rows.requests, column, double(w.requests));
    t.add(rows.non2xx, column, double(w.non2xx));
    t.add(rows.socketErrors, column, double(w.socketErrors));
}

double perRequest(qint64 us, quint64 requests)
{
    return requests ? double(us) / double(requests) : 0;
}

// Where switchboardd's CPU went during a run, by thread (stderr): for the README's reading.
void printThreads(const QList<CpuTime::Thread> &before, const QList<CpuTime::Thread> &after, quint64 requests)
{
    std::map<qint64, qint64> start;
    for (const CpuTime::Thread &t : before)
        start[t.tid] = t.us;
    QStringList parts;
    for (const CpuTime::Thread &t : after) {
        const qint64 used = t.us - (start.count(t.tid) ? start[t.tid] : 0);
        if (used > 0)
            parts << QStringLiteral("%1 %2 us/req").arg(t.name).arg(perRequest(used, requests), 0, 'f', 1);
    }
    fprintf(stderr, "    switchboardd threads: %s\n", qPrintable(parts.join(QStringLiteral(", "))));
}

bool fail(const WrkRun::Result &w, const char *target)
{
    if (w.ok)
        return false;
    fprintf(stderr, "http-bench: wrk against %s: %s\n%s\n", target, qPrintable(w.error), w.report.constData());
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("http-bench"));
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("REST publish (POST /api/v1/events) against switchboardd and against nginx "
                       "proxying to a trivial upstream, same run, same wrk command (issue #13)."));
    p.addHelpOption();
    auto opt = [&p](const char *name, const char *help, const char *valueName, const QString &def) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(valueName), def);
        p.addOption(o);
        return o;
    };
    const auto secondsO = opt("seconds", "wrk's duration per server.", "n", QStringLiteral("10"));
    const auto repeatO = opt("repeat", "Run the whole set N times; print median [min-max].", "n", QStringLiteral("1"));
    const auto connectionsO = opt("connections", "wrk's keep-alive connections.", "n", QStringLiteral("64"));
    const auto daemonO = opt("switchboardd", "Path of switchboardd.", "path",
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("switchboardd")));
    const auto nginxO = opt("nginx", "Path of nginx.", "path", QStringLiteral("/usr/sbin/nginx"));
    const auto wrkO = opt("wrk", "Path of wrk.", "path", QStringLiteral("wrk"));
    const auto ioThreadsO = opt("io-threads", "switchboardd's http.io-threads (default: its own default, auto).", "n",
                                QStringLiteral("-1"));
    QCommandLineOption quickO(
        QStringLiteral("quick"), QStringLiteral("2-second runs: a smoke run, not a measurement."));
    p.addOption(quickO);
    p.process(app);
    const bool quick = p.isSet(quickO);
    const int seconds = quick ? 2 : std::max(1, p.value(secondsO).toInt());
    const int repeat = std::max(1, p.value(repeatO).toInt());
    const int connections = std::max(1, p.value(connectionsO).toInt());

    ResultTable table;
    const Rows rows = addRows(table);
    const QByteArray body = eventBody();
    for (int r = 0; r < repeat; ++r) {
        fprintf(stderr, "http-bench: run %d of %d\n", r + 1, repeat);
        QTemporaryDir dir;
        QString error;
        HubProcess hub(p.value(daemonO), dir.path());
        hub.setIoThreads(p.value(ioThreadsO).toInt());
        DeliveryCounter counter;
        NginxProcess upstream(p.value(nginxO), NginxProcess::Role::Upstream, dir.filePath(QStringLiteral("upstream")));
        if (!hub.start(&error) || !counter.start(hub.nativeUrl(), kTopic, &error) || !upstream.start(&error)) {
            fprintf(stderr, "http-bench: %s\n", qPrintable(error));
            return 1;
        }
        NginxProcess proxy(
            p.value(nginxO), NginxProcess::Role::Proxy, dir.filePath(QStringLiteral("proxy")), upstream.port());
        WrkRun wrk(p.value(wrkO), dir.path());
        if (!proxy.start(&error) || !wrk.writeScript(body, &error)) {
            fprintf(stderr, "http-bench: %s\n", qPrintable(error));
            return 1;
        }
        QThread::msleep(300);

        auto runSwitchboard = [&]() {
            const qint64 pid = hub.pid();
            const QList<CpuTime::Thread> threadsBefore = CpuTime::threads(pid);
            const qint64 cpuBefore = CpuTime::processUs(pid);
            const quint64 deliveredBefore = counter.count();
            fprintf(stderr, "  switchboardd http://%s\n", qPrintable(hub.httpAddress()));
            const WrkRun::Result w
                = wrk.run(QStringLiteral("http://%1/api/v1/events").arg(hub.httpAddress()), connections, seconds);
            if (fail(w, "switchboardd"))
                return false;
            // Deliveries still on their way count, and so does the hub's CPU for them.
            const quint64 delivered = counter.settle(deliveredBefore + w.completed2xx()) - deliveredBefore;
            const qint64 cpu = CpuTime::processUs(pid) - cpuBefore;
            printThreads(threadsBefore, CpuTime::threads(pid), w.requests);
            addWrk(table, rows, ResultTable::kSwitchboard, w);
            table.add(rows.cpuServer, ResultTable::kSwitchboard, perRequest(cpu, w.requests));
            table.add(rows.cpuAll, ResultTable::kSwitchboard, perRequest(cpu, w.requests));
            table.add(rows.delivered, ResultTable::kSwitchboard, double(delivered));
            table.add(rows.lost, ResultTable::kSwitchboard,
                delivered < w.completed2xx() ? double(w.completed2xx() - delivered) : 0.0);
            if (delivered > w.completed2xx())
                fprintf(stderr, "    %llu deliveries of requests still in flight when wrk stopped\n",
                    static_cast<unsigned long long>(delivered - w.completed2xx()));
            return true;
        };
        auto runNginx = [&]() {
            const QList<qint64> proxyPids = proxy.pids(), upstreamPids = upstream.pids();
            const qint64 proxyBefore = CpuTime::processesUs(proxyPids),
                         upstreamBefore = CpuTime::processesUs(upstreamPids);
            fprintf(stderr, "  nginx proxy http://127.0.0.1:%u -> upstream :%u\n", proxy.port(), upstream.port());
            const WrkRun::Result w
                = wrk.run(QStringLiteral("http://127.0.0.1:%1/api/v1/events").arg(proxy.port()), connections, seconds);
            if (fail(w, "nginx"))
                return false;
            const qint64 proxyCpu = CpuTime::processesUs(proxyPids) - proxyBefore;
            const qint64 upstreamCpu = CpuTime::processesUs(upstreamPids) - upstreamBefore;
            addWrk(table, rows, ResultTable::kNginx, w);
            table.add(rows.cpuServer, ResultTable::kNginx, perRequest(proxyCpu, w.requests));
            table.add(rows.cpuUpstream, ResultTable::kNginx, perRequest(upstreamCpu, w.requests));
            table.add(rows.cpuAll, ResultTable::kNginx, perRequest(proxyCpu + upstreamCpu, w.requests));
            return true;
        };
        // Alternate which server goes first, so neither always gets the cooler machine.
        const bool ok = r % 2 == 0 ? runSwitchboard() && runNginx() : runNginx() && runSwitchboard();
        if (!ok)
            return 1;
        proxy.stop();
        upstream.stop();
    }

    printf("http-bench: %d run(s) of %d s; %d cores, %s; %s; wrk -t1 -c%d -d%ds --latency, POST /api/v1/events, "
           "%lld B body\n",
        repeat, seconds, QThread::idealThreadCount(), qPrintable(host::cpuModel()), qPrintable(QSysInfo::prettyProductName()),
        connections, seconds, static_cast<long long>(body.size()));
    table.print(stdout);
    const double sb = table.median(rows.rps, ResultTable::kSwitchboard),
                 nginx = table.median(rows.rps, ResultTable::kNginx);
    const bool barPass = nginx > 0 && sb / nginx >= 1.0;
    printf("requests/s >= 1.0x nginx: %s (%.2fx)%s\n", barPass ? "PASS" : "FAIL", nginx > 0 ? sb / nginx : 0.0,
        table.failureRowsPass() ? "" : "; failure rows above (non-2xx, socket errors or lost deliveries)");
    return 0;
}
