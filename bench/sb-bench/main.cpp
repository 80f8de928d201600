// SPDX-License-Identifier: Apache-2.0
// sb-bench: switchboardd against nats-server and redis-server, side by side in one run.
#include "benchhost.h"
#include "natstarget.h"
#include "redistarget.h"
#include "serverprocess.h"
#include "switchboardtarget.h"
#include "workloads.h"

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
#include <sys/resource.h>

using namespace bench;

namespace {

enum class Better { Higher, Lower };

struct Row
{
    QString label;
    Better better = Better::Higher;
    double bar = 0;                  // required ratio (0: informational)
    bool againstNatsOnly = false;    // memory rows compare with nats-server
    std::map<QString, std::vector<double>> values; // target -> one value per repeat
};

const QStringList kTargets{QStringLiteral("sb-tcp"), QStringLiteral("sb-local"), QStringLiteral("nats"),
                           QStringLiteral("redis")};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

QString human(double v)
{
    if (v >= 1e6)
        return QString::number(v / 1e6, 'f', 2) + QLatin1Char('M');
    if (v >= 1e4)
        return QString::number(v / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(v, 'f', v < 10 ? 1 : 0);
}

QString cell(const std::vector<double> &v)
{
    if (v.empty())
        return QStringLiteral("-");
    if (v.size() == 1)
        return human(v[0]);
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    return QStringLiteral("%1 [%2-%3]").arg(human(median(v)), human(*mn), human(*mx));
}

void raiseFdLimit()
{
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sb-bench"));
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Switchboard against nats-server and redis-server, same run, same payloads."));
    p.addHelpOption();
    auto opt = [&](const char *name, const char *help, const char *def) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("n"), QString::fromLatin1(def));
        p.addOption(o);
        return o;
    };
    const auto repeatO = opt("repeat", "Run the whole set N times; print median [min-max].", "1");
    const auto countO = opt("count", "W1 messages.", "200000");
    const auto sizeO = opt("size", "Payload bytes.", "128");
    const auto subsO = opt("subscribers", "W1 subscribers.", "4");
    const auto rateO = opt("latency-rate", "W2 messages per second.", "5000");
    const auto secsO = opt("latency-seconds", "W2 duration.", "10");
    const auto pubsO = opt("publishers", "W3 publishers.", "8");
    const auto faninO = opt("fanin-count", "W3 messages in total.", "100000");
    const auto topicsO = opt("topics", "W4 topics.", "1000");
    const auto wildO = opt("wildcard-count", "W4 messages.", "200000");
    const auto inprocO = opt("inproc-count", "W5 messages.", "500000");
    const auto idleO = opt("idle-clients", "Idle connections for the footprint row.", "10000");
    QCommandLineOption daemonO(QStringLiteral("switchboardd"), QStringLiteral("Path of switchboardd."), QStringLiteral("path"),
                               QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("switchboardd")));
    p.addOption(daemonO);
    QCommandLineOption quickO(QStringLiteral("quick"), QStringLiteral("Small counts: a smoke run, not a measurement."));
    p.addOption(quickO);
    QCommandLineOption onlyO(QStringLiteral("only"),
                             QStringLiteral("Comma-separated parts to run (W1,W2,W3,W4,W5,idle); the default runs all. "
                                            "For tuning: the issue's table is the full set."),
                             QStringLiteral("parts"));
    p.addOption(onlyO);
    QCommandLineOption targetsO(QStringLiteral("targets"),
                                QStringLiteral("Comma-separated targets (sb-tcp,sb-local,nats,redis); the default runs all."),
                                QStringLiteral("list"));
    p.addOption(targetsO);
    p.process(app);
    auto num = [&](const QCommandLineOption &o) { return p.value(o).toInt(); };
    const bool quick = p.isSet(quickO);
    const int repeat = std::max(1, num(repeatO));
    const int count = quick ? 20000 : num(countO), size = num(sizeO), subscribers = num(subsO);
    const int rate = num(rateO), publishers = num(pubsO), faninCount = quick ? 20000 : num(faninO);
    const double seconds = quick ? 1.0 : p.value(secsO).toDouble();
    const int topics = num(topicsO), wildCount = quick ? 20000 : num(wildO), inprocCount = quick ? 50000 : num(inprocO);
    const int idleClients = quick ? 1000 : num(idleO);
    const QStringList only = p.value(onlyO).split(QLatin1Char(','), Qt::SkipEmptyParts);
    auto runs = [&only](const char *part) { return only.isEmpty() || only.contains(QLatin1String(part), Qt::CaseInsensitive); };
    const QStringList targetFilter = p.value(targetsO).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &t : targetFilter) {
        if (!kTargets.contains(t)) {
            fprintf(stderr, "sb-bench: unknown target '%s' (known: %s)\n", qPrintable(t), qPrintable(kTargets.join(QLatin1Char(','))));
            return 64;
        }
    }
    auto wanted = [&targetFilter](const QString &key) { return targetFilter.isEmpty() || targetFilter.contains(key); };
    raiseFdLimit();

    std::vector<Row> rows(15);
    rows[0] = {QStringLiteral("W1 fan-out 1->%1, delivered msg/s").arg(subscribers), Better::Higher, 2.0, false, {}};
    rows[1] = {QStringLiteral("W1 lost messages"), Better::Lower, 0, false, {}};
    rows[2] = {QStringLiteral("W2 latency p50 us"), Better::Lower, 1.0, false, {}};
    rows[3] = {QStringLiteral("W2 latency p99 us"), Better::Lower, 1.0, false, {}};
    rows[4] = {QStringLiteral("W2 latency p99.9 us"), Better::Lower, 0, false, {}};
    rows[5] = {QStringLiteral("W2 latency max us"), Better::Lower, 0, false, {}};
    rows[6] = {QStringLiteral("W3 fan-in %1->1, msg/s").arg(publishers), Better::Higher, 1.5, false, {}};
    rows[7] = {QStringLiteral("W4 wildcards, delivered msg/s"), Better::Higher, 1.5, false, {}};
    rows[8] = {QStringLiteral("W2-W4 lost messages"), Better::Lower, 0, false, {}};
    rows[9] = {QStringLiteral("W5 in-process 1->%1 same thread, deliveries/s").arg(subscribers), Better::Higher, 0, false, {}};
    rows[10] = {QStringLiteral("W5 in-process 1->%1 across threads, deliveries/s").arg(subscribers), Better::Higher, 0, false, {}};
    rows[11] = {QStringLiteral("idle RSS kB"), Better::Lower, 1.5, true, {}};
    rows[12] = {QStringLiteral("peak RSS after W1 kB"), Better::Lower, 0, true, {}};
    rows[13] = {QStringLiteral("RSS per idle connection B (%1 clients)").arg(idleClients), Better::Lower, 1.0, true, {}};
    // Issue #17: from exec to the first accepted connection; the goal is absolute (100 ms here).
    rows[14] = {QStringLiteral("start-up to serving ms (goal <= 100)"), Better::Lower, 0, true, {}};

    for (int r = 0; r < repeat; ++r) {
        fprintf(stderr, "sb-bench: run %d of %d\n", r + 1, repeat);
        QTemporaryDir dir;
        const quint16 sbPort = ServerProcess::freePort(), natsPort = ServerProcess::freePort(),
                      redisPort = ServerProcess::freePort();
        const QString sock = dir.filePath(QStringLiteral("sb.sock"));
        QFile sbConf(dir.filePath(QStringLiteral("switchboardd.yaml")));
        sbConf.open(QIODevice::WriteOnly);
        // Queues large enough that no row loses messages, and connection caps above the idle
        // clients (the peers get the same below). The remote-control API is on, as in the shipped
        // config: its per-topic "last message" and its footprint are part of what users run.
        sbConf.write(QStringLiteral("communication:\n  native:\n    tcp: \"127.0.0.1:%1\"\n    local: \"%2\"\n"
                                    "    queue: {max-messages: 10000000, max-bytes: 4GiB}\n"
                                    "    max-outbound-bytes: 4GiB\n"
                                    "    max-connections: 65536\n    max-connections-per-peer: 65536\n"
                                    "limits: {max-buffered-bytes: 16GiB}\n"
                                    "remote: {local: \"%3\"}\n"
                                    "log: {level: warning}\n")
                         .arg(sbPort)
                         .arg(sock, dir.filePath(QStringLiteral("control.sock")))
                         .toUtf8());
        sbConf.close();
        QFile natsConf(dir.filePath(QStringLiteral("nats.conf")));
        natsConf.open(QIODevice::WriteOnly);
        natsConf.write("max_pending: 4294967296\nwrite_deadline: \"60s\"\nmax_connections: 65536\n");
        natsConf.close();
        ServerProcess sb(QStringLiteral("switchboardd"), p.value(daemonO), {QStringLiteral("--config"), sbConf.fileName()}, sbPort);
        ServerProcess nats(QStringLiteral("nats-server"), QStringLiteral("nats-server"),
                           {QStringLiteral("-a"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(natsPort),
                            QStringLiteral("-c"), natsConf.fileName()},
                           natsPort);
        ServerProcess redis(QStringLiteral("redis-server"), QStringLiteral("redis-server"),
                            {QStringLiteral("--port"), QString::number(redisPort), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                             QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"), QStringLiteral("no"),
                             QStringLiteral("--client-output-buffer-limit"), QStringLiteral("pubsub 0 0 0"),
                             QStringLiteral("--maxclients"), QStringLiteral("15000")},
                            redisPort);
        for (ServerProcess *s : {&sb, &nats, &redis}) {
            QString error;
            if (!s->start(&error)) {
                fprintf(stderr, "sb-bench: %s\n", qPrintable(error));
                return 1;
            }
        }
        QThread::msleep(500);
        SwitchboardTarget sbTcp(QStringLiteral("sb-tcp"), QStringLiteral("tcp://127.0.0.1:%1").arg(sbPort), sbPort);
        SwitchboardTarget sbLocal(QStringLiteral("sb-local"), QStringLiteral("local:") + sock, sbPort);
        NatsTarget natsT(natsPort);
        RedisTarget redisT(redisPort);
        const std::map<QString, Target *> targets{{QStringLiteral("sb-tcp"), &sbTcp}, {QStringLiteral("sb-local"), &sbLocal},
                                                  {QStringLiteral("nats"), &natsT}, {QStringLiteral("redis"), &redisT}};
        const std::map<QString, ServerProcess *> servers{{QStringLiteral("sb-tcp"), &sb}, {QStringLiteral("nats"), &nats},
                                                         {QStringLiteral("redis"), &redis}};
        for (const auto &[key, server] : servers) {
            rows[11].values[key].push_back(double(server->rssKb()));
            rows[14].values[key].push_back(server->startupMs());
        }

        std::map<QString, double> lost;
        for (const auto &[key, t] : targets) {
            if (!runs("W1") || !wanted(key))
                continue;
            fprintf(stderr, "  W1 %s\n", qPrintable(key));
            const Throughput w1 = fanOut(*t, subscribers, count, size);
            rows[0].values[key].push_back(w1.msgPerSec);
            rows[1].values[key].push_back(double(w1.lost));
        }
        for (const auto &[key, server] : servers) {
            if (runs("W1") && wanted(key))
                rows[12].values[key].push_back(double(server->peakRssKb()));
        }
        for (const auto &[key, t] : targets) {
            if (!wanted(key) || !(runs("W2") || runs("W3") || runs("W4")))
                continue;
            fprintf(stderr, "  W2-W4 %s\n", qPrintable(key));
            quint64 lostHere = 0;
            if (runs("W2")) {
                const Latency w2 = latency(*t, rate, seconds, size);
                rows[2].values[key].push_back(w2.p50);
                rows[3].values[key].push_back(w2.p99);
                rows[4].values[key].push_back(w2.p999);
                rows[5].values[key].push_back(w2.max);
                lostHere += w2.lost;
            }
            if (runs("W3")) {
                const Throughput w3 = fanIn(*t, publishers, faninCount, size);
                rows[6].values[key].push_back(w3.msgPerSec);
                lostHere += w3.lost;
            }
            if (runs("W4")) {
                const Throughput w4 = wildcards(*t, topics, wildCount, size);
                rows[7].values[key].push_back(w4.msgPerSec);
                lostHere += w4.lost;
            }
            lost[key] = double(lostHere);
            rows[8].values[key].push_back(lost[key]);
        }
        if (runs("W5")) {
            fprintf(stderr, "  W5\n");
            rows[9].values[QStringLiteral("sb-tcp")].push_back(inProcess(subscribers, inprocCount, size, false));
            rows[10].values[QStringLiteral("sb-tcp")].push_back(inProcess(subscribers, inprocCount, size, true));
        }
        for (const auto &[key, server] : servers) {
            if (!runs("idle") || !wanted(key))
                continue;
            fprintf(stderr, "  idle clients %s\n", qPrintable(key));
            const qint64 before = server->rssKb();
            std::vector<int> fds = openIdleConnections(server->port(), targets.at(key)->idleHello(), idleClients);
            QThread::msleep(1500);
            const qint64 after = server->rssKb();
            const int opened = int(fds.size());
            closeConnections(fds);
            if (opened < idleClients)
                fprintf(stderr, "sb-bench: only %d of %d idle connections to %s opened\n", opened, idleClients, qPrintable(key));
            rows[13].values[key].push_back(opened > 0 ? double(after - before) * 1024.0 / opened : 0);
        }
    }

    // The table.
    printf("sb-bench: %d run(s); %d cores, %s; %s; payload %d B\n", repeat, QThread::idealThreadCount(),
           qPrintable(host::cpuModel()), qPrintable(QSysInfo::prettyProductName()), size);
    printf("%-52s | %-22s | %-22s | %-22s | %-22s | %-13s | %s\n", "metric", "switchboard tcp", "switchboard local",
           "nats-server", "redis-server", "ratio tcp/loc", "bar");
    bool allPass = true;
    for (const Row &row : rows) {
        auto get = [&](const QString &k) {
            auto it = row.values.find(k);
            return it == row.values.end() ? std::vector<double>() : it->second;
        };
        QString ratio, verdict;
        const auto nats = get(QStringLiteral("nats")), redis = get(QStringLiteral("redis"));
        if (!nats.empty() && !get(QStringLiteral("sb-tcp")).empty() && row.bar > 0) {
            double peer = median(nats);
            if (!row.againstNatsOnly && !redis.empty())
                peer = row.better == Better::Higher ? std::max(peer, median(redis)) : std::min(peer, median(redis));
            auto ratioOf = [&](const QString &k) {
                const auto v = get(k);
                return v.empty() || peer == 0 ? -1.0 : median(v) / peer;
            };
            const double rt = ratioOf(QStringLiteral("sb-tcp")), rl = ratioOf(QStringLiteral("sb-local"));
            ratio = QString::number(rt, 'f', 2) + (rl >= 0 ? QStringLiteral(" / ") + QString::number(rl, 'f', 2) : QString());
            const bool pass = row.better == Better::Higher ? rt >= row.bar : rt <= row.bar;
            allPass = allPass && pass;
            verdict = QStringLiteral("%1 %2 %3").arg(row.better == Better::Higher ? QStringLiteral(">=") : QStringLiteral("<="))
                          .arg(row.bar, 0, 'f', 1)
                          .arg(pass ? QStringLiteral("PASS") : QStringLiteral("FAIL"));
        } else if (row.label.contains(QLatin1String("lost"))) {
            double total = 0;
            for (const auto &[k, v] : row.values)
                for (double x : v)
                    total += k.startsWith(QLatin1String("sb")) ? x : 0;
            verdict = total == 0 ? QStringLiteral("0 PASS") : QStringLiteral("0 FAIL");
            allPass = allPass && total == 0;
        }
        printf("%-52s | %-22s | %-22s | %-22s | %-22s | %-13s | %s\n", qPrintable(row.label),
               qPrintable(cell(get(QStringLiteral("sb-tcp")))), qPrintable(cell(get(QStringLiteral("sb-local")))),
               qPrintable(cell(nats)), qPrintable(cell(redis)), qPrintable(ratio), qPrintable(verdict));
    }
    if (!only.isEmpty() || !targetFilter.isEmpty())
        printf("bar: partial run (--only/--targets), not the issue's measurement\n");
    else
        printf("bar: %s (ratios are Switchboard over the better peer; memory rows over nats-server)\n",
               allPass ? "all rows pass" : "NOT MET");
    return 0;
}
