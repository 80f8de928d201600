// SPDX-License-Identifier: Apache-2.0
// switchboardd's command line: exit codes, --check-config, plugin refusals that do not stop the hub.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class tst_DaemonCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void checkConfig_data();
    void checkConfig();
    void unknownOption();
    void refusedPluginsDoNotStopTheHub();
    void idleFootprintWithoutTls();

private:
    QString write(const QByteArray &yaml);
    QTemporaryDir m_dir;
    int m_files = 0;
};

QString tst_DaemonCli::write(const QByteArray &yaml)
{
    const QString path = m_dir.filePath(QStringLiteral("c%1.yaml").arg(++m_files));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(yaml);
    return path;
}

void tst_DaemonCli::checkConfig_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("output");
    QTest::addRow("valid") << QByteArray("communication:\n  native: {tcp: \"127.0.0.1:0\"}\n") << 0 << "configuration OK";
    QTest::addRow("bad channel") << QByteArray("channels:\n  - {name: x, type: nope}\n") << 78 << "c2.yaml:2:";
    QTest::addRow("bad plugin key") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n    tpc: 1\n")
                                    << 78 << "c3.yaml:4: plugin \"native\": unknown config key \"tpc\"";
    QTest::addRow("bad plugin value") << QByteArray("communication:\n  native:\n    tcp: \"nowhere\"\n") << 78
                                      << "c4.yaml:3: native.tcp";
    QTest::addRow("unknown plugin") << QByteArray("communication:\n  protocols: [carrier-pigeon]\n") << 69
                                    << "protocol \"carrier-pigeon\"";
    // The native plugin's sizes, durations and rates take units (files c6.yaml ...).
    QTest::addRow("native units") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n"
                                                "    max-frame-size: 2MiB\n    high-water-bytes: 256KiB\n"
                                                "    handshake-timeout-ms: 3s\n    idle-timeout-ms: 2m\n"
                                                "    queue: {max-bytes: 16MiB}\n    rate-limit: 6000/minute\n")
                                  << 0 << "configuration OK";
    QTest::addRow("native rate map") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n"
                                                   "    rate-limit: {messages-per-second: 100/second, burst: 10}\n")
                                     << 0 << "configuration OK";
    QTest::addRow("native bad rate") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n"
                                                   "    rate-limit: 100/fortnight\n")
                                     << 78 << "c8.yaml:4: native.rate-limit: \"100/fortnight\" is not a rate";
    QTest::addRow("native bad size") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n"
                                                   "    max-frame-size: 1 MB-ish\n")
                                     << 78 << "c9.yaml:4: native.max-frame-size: \"1 MB-ish\" is not a size";
    QTest::addRow("native size too small") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n"
                                                         "    high-water-bytes: 1KB\n")
                                           << 78 << "c10.yaml:4: native.high-water-bytes";
    QTest::addRow("native bad timeout") << QByteArray("communication:\n  native:\n    tcp: \"127.0.0.1:0\"\n"
                                                      "    idle-timeout-ms: forever\n")
                                        << 78 << "c11.yaml:4: native.idle-timeout-ms: \"forever\" is not a duration";
    QTest::addRow("native local send buffer too large")
        << QByteArray("communication:\n  native:\n    local: \"sb-check\"\n    local-send-buffer: 1GiB\n")
        << 78 << "c12.yaml:4: native.local-send-buffer: must be at most 256MiB";
    QTest::addRow("stream stall timeouts")
        << QByteArray("communication:\n  protocols: [http]\n  http:\n    listeners: [{address: \"127.0.0.1:0\"}]\n"
                      "    sse: {stall-timeout: 5s}\n    ws: {stall-timeout: 0}\n")
        << 0 << "configuration OK";
    QTest::addRow("stream stall timeout too short")
        << QByteArray("communication:\n  protocols: [http]\n  http:\n    listeners: [{address: \"127.0.0.1:0\"}]\n"
                      "    sse: {stall-timeout: 20ms}\n")
        << 78 << "http.sse.stall-timeout: must be 0 (off) or at least 100 ms";
}

void tst_DaemonCli::checkConfig()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, exitCode);
    QFETCH(QString, output);
    QProcess p;
    p.start(QStringLiteral(SB_DAEMON_PATH), {QStringLiteral("--config"), write(yaml), QStringLiteral("--check-config")});
    QVERIFY(p.waitForFinished(20000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QCOMPARE(p.exitCode(), exitCode);
    QVERIFY2(out.contains(output), qPrintable(out));
}

void tst_DaemonCli::unknownOption()
{
    QProcess p;
    p.start(QStringLiteral(SB_DAEMON_PATH), {QStringLiteral("--frobnicate")});
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 64);
    QVERIFY(p.readAllStandardError().contains("frobnicate"));
}

void tst_DaemonCli::refusedPluginsDoNotStopTheHub()
{
    // The test plugins (a future interface version, another application's IID) sit first in the
    // search path, and the config enables one of them next to native.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SWITCHBOARD_PLUGIN_PATH"), QStringLiteral(SB_TEST_PLUGIN_DIR));
    p.setProcessEnvironment(env);
    const QString config = write("communication:\n  protocols: [incompatible, native]\n"
                                 "  native: {tcp: \"127.0.0.1:0\", local: \"" + m_dir.filePath(QStringLiteral("s.sock")).toUtf8() + "\"}\n");
    p.start(QStringLiteral(SB_DAEMON_PATH), {QStringLiteral("--config"), config});
    QVERIFY(p.waitForStarted());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("switchboardd started"), 20000);
    QList<QJsonObject> lines;
    for (const QByteArray &l : err.split('\n')) {
        if (!l.isEmpty())
            lines << QJsonDocument::fromJson(l).object();
    }
    auto find = [&](const QString &msg, const QString &plugin) {
        for (const QJsonObject &o : lines) {
            if (o.value(QStringLiteral("msg")).toString() == msg && o.value(QStringLiteral("plugin")).toString() == plugin)
                return o;
        }
        return QJsonObject();
    };
    QVERIFY(find(QStringLiteral("plugin refused"), QStringLiteral("wrongiid")).value(QStringLiteral("code")).toString()
            == QLatin1String("PLUGIN_INCOMPATIBLE"));
    const QJsonObject refused = find(QStringLiteral("protocol refused"), QStringLiteral("incompatible"));
    QCOMPARE(refused.value(QStringLiteral("code")).toString(), QStringLiteral("PLUGIN_INCOMPATIBLE"));
    QVERIFY(refused.value(QStringLiteral("reason")).toString().contains(QLatin1String("interface version 99")));
    QCOMPARE(p.state(), QProcess::Running);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

void tst_DaemonCli::idleFootprintWithoutTls()
{
    // Remote control on a local socket only (the shipped default) and native without TLS: the
    // hub must not load the TLS backend and OpenSSL, 4 MB of resident memory on a small board.
    // Without API keys, JWT or client certificates it must not load libcrypto either (1.4 MB).
    // A plugin not named in protocols (http: its server, parser, schema code) is never loaded:
    // the scan reads the plugins' metadata from the files without loading them.
    QProcess p;
    const QString config = write("communication:\n  protocols: [native]\n  native: {tcp: \"127.0.0.1:0\"}\n"
                                 "remote: {local: \"" + m_dir.filePath(QStringLiteral("rc.sock")).toUtf8() + "\"}\n");
    p.start(QStringLiteral(SB_DAEMON_PATH), {QStringLiteral("--config"), config});
    QVERIFY(p.waitForStarted());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("switchboardd started"), 20000);
    QVERIFY2(err.contains("remote control listening"), err.constData());
    QFile maps(QStringLiteral("/proc/%1/maps").arg(p.processId()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    const QByteArray mapped = maps.readAll();
    QVERIFY(!mapped.isEmpty());
    QVERIFY2(!mapped.contains("libssl.so") && !mapped.contains("libqopensslbackend"),
             "switchboardd loaded the TLS backend without any TLS configured");
    QVERIFY2(!mapped.contains("/libcrypto.so"), "switchboardd loaded libcrypto without any authentication configured");
    QVERIFY2(mapped.contains("switchboard_native"), "the native plugin is not mapped: is this /proc/<pid>/maps?");
    QVERIFY2(!mapped.contains("switchboard_http") && !mapped.contains("libhttp_parser"),
             "switchboardd loaded the http plugin without http in protocols");
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_DaemonCli)
#include "tst_daemoncli.moc"
