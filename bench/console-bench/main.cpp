// SPDX-License-Identifier: Apache-2.0
// console-bench: the console under the load. Starts its own switchboardd, publishes to
// 100,000 topics at 100,000 msg/s from a load thread, and runs the real console (controller and
// QML, Topics page open, the tree expanded) against it. Prints frame times, how long the GUI
// thread was blocked, the console's RSS and what the hub saw. A benchmark, not a test: no console
// of the peers exists to compare with, so it prints the absolute figures and the targets.
#include "../sb-bench/serverprocess.h"
#include "startuprows.h"

#include <consolecontroller.h>
#include <consoletypes.h>

#include <switchboardclient.h>

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QThread>
#include <QTimer>
#include <QProcess>
#include <QSocketNotifier>
#include <QtQml/qqmlextensionplugin.h>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(Switchboard_ConsolePlugin)

namespace {

qint64 selfStatusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())))];
}

// Publishes round robin over `topics` topics at `rate` msg/s, in 10 ms steps.
class Load : public QThread
{
public:
    Load(QString url, int topics, int rate) : m_url(std::move(url)), m_topics(topics), m_rate(rate) {}
    std::atomic<bool> stop{false};
    std::atomic<qint64> sent{0};
    std::atomic<qint64> refused{0};

protected:
    void run() override
    {
        sb::SwitchboardClient client;
        QEventLoop loop;
        QObject::connect(&client, &sb::SwitchboardClient::connected, &loop, &QEventLoop::quit);
        client.connectToHub(m_url);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        QStringList names;
        names.reserve(m_topics);
        for (int i = 0; i < m_topics; ++i)
            names << QStringLiteral("load.%1.%2.value").arg(i / 1000).arg(i % 1000);
        const QByteArray payload = QByteArrayLiteral("{\"value\": 21.5, \"unit\": \"C\", \"pad\": \"") + QByteArray(80, 'x') + "\"}";
        QElapsedTimer clock;
        clock.start();
        qint64 next = 0;
        int t = 0;
        while (!stop.load()) {
            const qint64 due = clock.elapsed() * m_rate / 1000;
            while (next < due) {
                if (!client.publish(names.at(t), payload))
                    ++refused;
                t = (t + 1) % m_topics;
                ++next;
            }
            sent = next;
            client.flush();
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QThread::msleep(5);
        }
        client.flush();
    }

private:
    QString m_url;
    int m_topics;
    int m_rate;
};

} // namespace

// The load runs in a child process (this program with --load URL), so the console's RSS and
// its GUI thread are measured alone.
int runLoad(const QString &url, int topics, int rate)
{
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    Load load(url, topics, rate);
    load.start();
    QSocketNotifier stdinClosed(0, QSocketNotifier::Read);
    QObject::connect(&stdinClosed, &QSocketNotifier::activated, [&] {
        char c;
        if (::read(0, &c, 1) <= 0) {
            load.stop = true;
            QCoreApplication::quit();
        }
    });
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, [&] { fprintf(stdout, "%lld\n", qint64(load.sent)); fflush(stdout); });
    report.start(500);
    QCoreApplication::exec();
    load.wait();
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc >= 5 && qstrcmp(argv[1], "--load") == 0) {
        QCoreApplication app(argc, argv);
        return runLoad(QString::fromLocal8Bit(argv[2]), atoi(argv[3]), atoi(argv[4]));
    }
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QGuiApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("The console at 100,000 topics and 100,000 msg/s."));
    p.addHelpOption();
    const QCommandLineOption topicsO(QStringLiteral("topics"), QStringLiteral("Topics."), QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption rateO(QStringLiteral("rate"), QStringLiteral("Messages per second."), QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption secondsO(QStringLiteral("seconds"), QStringLiteral("Measured seconds."), QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption daemonO(QStringLiteral("switchboardd"), QStringLiteral("Path of switchboardd."), QStringLiteral("path"),
                                     QCoreApplication::applicationDirPath() + QStringLiteral("/switchboardd"));
    const QCommandLineOption startupO(QStringLiteral("startup"),
                                      QStringLiteral("Only the console's start-up rows: the switchboard binary started --repeat times."));
    const QCommandLineOption repeatO(QStringLiteral("repeat"), QStringLiteral("Starts per start-up row."), QStringLiteral("n"), QStringLiteral("5"));
    const QCommandLineOption consoleO(QStringLiteral("console"), QStringLiteral("Path of the switchboard console."), QStringLiteral("path"),
                                      QCoreApplication::applicationDirPath() + QStringLiteral("/switchboard"));
    p.addOptions({topicsO, rateO, secondsO, daemonO, startupO, repeatO, consoleO});
    p.process(app);
    if (p.isSet(startupO))
        return bench::console::runStartupRows(p.value(daemonO), p.value(consoleO), qMax(1, p.value(repeatO).toInt()), 2000);
    const int topics = p.value(topicsO).toInt(), rate = p.value(rateO).toInt(), seconds = p.value(secondsO).toInt();

    QTemporaryDir dir;
    const quint16 port = bench::ServerProcess::freePort();
    const QString control = dir.filePath(QStringLiteral("control.sock"));
    QFile conf(dir.filePath(QStringLiteral("switchboardd.yaml")));
    conf.open(QIODevice::WriteOnly);
    conf.write(QStringLiteral("communication:\n  native:\n    tcp: \"127.0.0.1:%1\"\n    local: \"%2\"\n"
                              // 100,000 topics with their last messages need more than the default
                              // 16 MiB of topic statistics (~610 bytes a topic).
                              "limits:\n  route-cache-size: 200000\n  topic-stats-max-bytes: 256MiB\n"
                              "remote: {local: \"%3\", snapshot-interval-ms: 1000}\nlog: {level: warning}\n")
                   .arg(port)
                   .arg(dir.filePath(QStringLiteral("sb.sock")), control)
                   .toUtf8());
    conf.close();
    bench::ServerProcess hub(QStringLiteral("switchboardd"), p.value(daemonO), {QStringLiteral("--config"), conf.fileName()}, port);
    QString error;
    if (!hub.start(&error)) {
        fprintf(stderr, "console-bench: %s\n", qPrintable(error));
        return 69;
    }

    fprintf(stderr, "console-bench: loading %d topics at %d msg/s\n", topics, rate);
    QProcess load;
    load.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    load.start(QCoreApplication::applicationFilePath(),
               {QStringLiteral("--load"), QStringLiteral("tcp://127.0.0.1:%1").arg(port), QString::number(topics), QString::number(rate)});
    if (!load.waitForStarted(10000)) {
        fprintf(stderr, "console-bench: the load process did not start\n");
        return 69;
    }
    qint64 loadSent = 0;
    QObject::connect(&load, &QProcess::readyReadStandardOutput, [&] {
        while (load.canReadLine())
            loadSent = load.readLine().trimmed().toLongLong();
    });

    sb::console::ConsoleController controller;
    sb::console::registerConsoleTypes(&controller);
    controller.connectToHub(QStringLiteral("local:") + control, QString());
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Switchboard/Console/Main.qml")));
    auto *window = engine.rootObjects().isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    if (!window) {
        fprintf(stderr, "console-bench: the console's QML did not load\n");
        return 70;
    }
    window->setProperty("currentPage", 1); // Topics

    // Warm-up: until the hub has seen all topics (or 60 s), then expand the tree's first levels.
    QElapsedTimer warm;
    warm.start();
    while (warm.elapsed() < 60000 && controller.stats().value(QStringLiteral("topics")).toInt() < topics)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    // An operator's view: the root open (100 branches), the first branch open (1,000 topics), one
    // topic selected so its rates and last payload are read at every snapshot.
    if (QObject *tree = window->findChild<QObject *>(QStringLiteral("topicTree"))) {
        // A remote tree fetches a branch's rows after it is opened: wait for them each time.
        auto waitForRows = [tree](int atLeast) {
            QElapsedTimer t;
            t.start();
            while (t.elapsed() < 200 && tree->property("rows").toInt() < atLeast)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        };
        // A row opens once its own data (whether it has children) has arrived, as an operator's
        // click would: try again until it does.
        auto open = [tree, waitForRows](int row) {
            const int before = tree->property("rows").toInt();
            QElapsedTimer t;
            t.start();
            while (t.elapsed() < 15000 && tree->property("rows").toInt() <= before) {
                QMetaObject::invokeMethod(tree, "expand", Q_ARG(int, row));
                waitForRows(before + 1);
            }
        };
        open(0);
        open(1);
        fprintf(stderr, "console-bench: tree open, %d rows\n", tree->property("rows").toInt());
    }
    controller.setSelectedTopic(QStringLiteral("load.0.1.value"));
    fprintf(stderr, "console-bench: warm after %.1f s; measuring %d s\n", double(warm.elapsed()) / 1000.0, seconds);

    // Measurement: render time per frame, frame intervals, and the GUI thread's lateness on a 16 ms tick.
    std::vector<double> renderMs, stallMs;
    QElapsedTimer frameClock;
    QObject::connect(window, &QQuickWindow::beforeSynchronizing, window, [&] { frameClock.start(); }, Qt::DirectConnection);
    QObject::connect(window, &QQuickWindow::afterRendering, window, [&] {
        if (frameClock.isValid())
            renderMs.push_back(double(frameClock.nsecsElapsed()) / 1e6);
    }, Qt::DirectConnection);
    QElapsedTimer tickClock;
    tickClock.start();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        stallMs.push_back(std::max(0.0, double(tickClock.nsecsElapsed()) / 1e6 - 16.0));
        tickClock.restart();
        window->update(); // a frame every tick, as a visible window would draw
    });
    tick.start(16);
    const qint64 sentBefore = loadSent;
    const quint64 hubInBefore = controller.stats().value(QStringLiteral("in")).toULongLong();
    QElapsedTimer measure;
    measure.start();
    while (measure.elapsed() < qint64(seconds) * 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    tick.stop();
    const double elapsed = double(measure.elapsed()) / 1000.0;
    const qint64 sent = loadSent - sentBefore;
    const quint64 hubIn = controller.stats().value(QStringLiteral("in")).toULongLong() - hubInBefore;
    load.closeWriteChannel();
    load.waitForFinished(10000);

    printf("console-bench: %d topics, %d msg/s offered, %d s measured (offscreen, software renderer)\n", topics, rate, seconds);
    printf("%-44s | %s\n", "metric", "value");
    printf("%-44s | %.0f msg/s\n", "load published", double(sent) / elapsed);
    printf("%-44s | %.0f msg/s (snapshot view)\n", "hub received, as the console saw it", double(hubIn) / elapsed);
    printf("%-44s | %d\n", "topics in the hub", controller.stats().value(QStringLiteral("topics")).toInt());
    printf("%-44s | %d\n", "top-level branches in the console's tree", controller.topicTree()->rowCount());
    if (QObject *tree = window->findChild<QObject *>(QStringLiteral("topicTree")))
        printf("%-44s | %d (the root and its first branch open)\n", "rows in the open tree view", tree->property("rows").toInt());
    printf("%-44s | %zu\n", "frames rendered", renderMs.size());
    printf("%-44s | p50 %.2f  p99 %.2f  max %.2f\n", "frame render ms", percentile(renderMs, 50), percentile(renderMs, 99),
           renderMs.empty() ? 0.0 : *std::max_element(renderMs.begin(), renderMs.end()));
    printf("%-44s | p50 %.2f  p99 %.2f  max %.2f  (target p99 <= 16.7)\n", "GUI thread late on a 16 ms tick, ms",
           percentile(stallMs, 50), percentile(stallMs, 99), stallMs.empty() ? 0.0 : *std::max_element(stallMs.begin(), stallMs.end()));
    printf("%-44s | %lld kB now, %lld kB peak\n", "console RSS", selfStatusKb("VmRSS:"), selfStatusKb("VmHWM:"));
    printf("%-44s | %lld kB now, %lld kB peak\n", "switchboardd RSS", hub.rssKb(), hub.peakRssKb());
    hub.stop();
    return 0;
}
