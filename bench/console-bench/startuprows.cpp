// SPDX-License-Identifier: Apache-2.0
#include "startuprows.h"

#include "../sb-bench/serverprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace bench::console {

namespace {

struct Sample
{
    double toFirstFrameMs = -1; // exec to the "first frame" line, seen from here
    double inProcessMs = -1;    // what the console measured from main()
    qint64 rssKb = -1;          // after settling, nothing on screen changing
};

qint64 statusKb(qint64 pid, const char *field)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// One start of the console: QT_QPA_PLATFORM=offscreen and the software scene graph (as on a board
// without a GPU), a scratch XDG home (no saved hubs, no keychain prompts).
Sample startOnce(const QString &consolePath, const QStringList &args, int settleMs, QString *error)
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("QT_QUICK_BACKEND"), QStringLiteral("software"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
    QProcess console;
    console.setProcessEnvironment(env);
    console.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer t;
    t.start();
    console.start(consolePath, args);
    Sample s;
    if (!console.waitForStarted(10000)) {
        *error = QStringLiteral("%1 did not start: %2").arg(consolePath, console.errorString());
        return s;
    }
    static const QRegularExpression firstFrame(QStringLiteral("first frame (\\d+) ms after start"));
    QByteArray err;
    while (s.toFirstFrameMs < 0 && t.elapsed() < 30000 && console.state() == QProcess::Running) {
        console.waitForReadyRead(50);
        err += console.readAllStandardError();
        const QRegularExpressionMatch m = firstFrame.match(QString::fromUtf8(err));
        if (m.hasMatch()) {
            s.toFirstFrameMs = t.nsecsElapsed() / 1e6;
            s.inProcessMs = m.captured(1).toDouble();
        }
    }
    if (s.toFirstFrameMs < 0) {
        *error = QStringLiteral("no first frame within 30 s: %1").arg(QString::fromUtf8(err.right(400)));
    } else {
        QThread::msleep(settleMs);
        s.rssKb = statusKb(console.processId(), "VmRSS:");
    }
    console.terminate();
    if (!console.waitForFinished(5000)) {
        console.kill();
        console.waitForFinished(5000);
    }
    return s;
}

QString cell(std::vector<double> v, const char *unit)
{
    if (v.empty())
        return QStringLiteral("-");
    std::sort(v.begin(), v.end());
    const double median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    return QStringLiteral("%1 %4 [%2-%3]").arg(median, 0, 'f', 0).arg(v.front(), 0, 'f', 0).arg(v.back(), 0, 'f', 0)
        .arg(QLatin1String(unit));
}

} // namespace

int runStartupRows(const QString &daemonPath, const QString &consolePath, int repeat, int settleMs)
{
    QTemporaryDir dir;
    const quint16 port = ServerProcess::freePort();
    const QString control = dir.filePath(QStringLiteral("control.sock"));
    QFile conf(dir.filePath(QStringLiteral("switchboardd.yaml")));
    if (!conf.open(QIODevice::WriteOnly))
        return 73;
    conf.write(QStringLiteral("communication:\n  protocols: [native]\n  native: {tcp: \"127.0.0.1:%1\", local: \"%2\"}\n"
                              "remote: {local: \"%3\"}\nlog: {level: warning}\n")
                   .arg(port)
                   .arg(dir.filePath(QStringLiteral("sb.sock")), control)
                   .toUtf8());
    conf.close();
    ServerProcess hub(QStringLiteral("switchboardd"), daemonPath, {QStringLiteral("--config"), conf.fileName()}, port);
    QString error;
    if (!hub.start(&error)) {
        fprintf(stderr, "console-bench: %s\n", qPrintable(error));
        return 69;
    }

    struct Mode
    {
        const char *name;
        QStringList args;
    };
    const Mode modes[] = {{"against switchboardd (--hub local:...)", {QStringLiteral("--hub"), QStringLiteral("local:") + control}},
                          {"embedded hub (no --hub; ./dev.sh run)", {}}};
    printf("console start-up (issue #17): %d start(s) per row; offscreen, software scene graph; RSS %d ms after the first frame\n",
           repeat, settleMs);
    printf("%-42s | %-24s | %-24s | %s\n", "console", "exec to first frame", "main() to first frame", "RSS, idle");
    for (const Mode &mode : modes) {
        std::vector<double> total, inProcess, rss;
        for (int i = 0; i < repeat; ++i) {
            const Sample s = startOnce(consolePath, mode.args, settleMs, &error);
            if (s.toFirstFrameMs < 0) {
                fprintf(stderr, "console-bench: %s: %s\n", mode.name, qPrintable(error));
                return 1;
            }
            total.push_back(s.toFirstFrameMs);
            inProcess.push_back(s.inProcessMs);
            rss.push_back(s.rssKb / 1024.0);
        }
        printf("%-42s | %-24s | %-24s | %s\n", mode.name, qPrintable(cell(total, "ms")), qPrintable(cell(inProcess, "ms")),
               qPrintable(cell(rss, "MiB")));
    }
    printf("%-42s | %lld kB now\n", "switchboardd RSS (the hub it connected to)", static_cast<long long>(hub.rssKb()));
    fflush(stdout);
    return 0;
}

} // namespace bench::console
