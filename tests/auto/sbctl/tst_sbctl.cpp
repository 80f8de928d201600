// SPDX-License-Identifier: Apache-2.0
// sbctl end to end: the real binary against a real switchboardd (control on a local socket with a
// token, and on TCP with TLS), checking output, --json and exit codes, and each command's effect.
#include "../testcert.h"
#include "sbctlrun.h"
#include "daemonprocess.h"

#include <switchboardclient.h>
#include <switchboard/tokenauthenticator.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace sb;

using Run = sbtest::SbctlRun;

class tst_Sbctl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usage_data();
    void usage();
    void noHub();
    void status();
    void channels();
    void publishReachesSubscribers();
    void deadLetters();
    void watch();
    void connections();
    void reload();
    void reloadEndsSubscriptions();
    void authentication_data();
    void authentication();

private:
    Run sbctl(const QStringList &args, bool withToken = true, const QByteArray &stdinData = {});
    Run sbctlAt(const QString &hub, const QStringList &args, const QString &tokenFile, const QString &ca = {});
    QString hub() const { return QStringLiteral("local:") + m_daemon.filePath(QStringLiteral("control.sock")); }

    DaemonProcess m_daemon;
    QString m_tokenFile, m_viewerFile, m_cert;
    quint16 m_remotePort = 0;
};

void tst_Sbctl::initTestCase()
{
    m_tokenFile = m_daemon.filePath(QStringLiteral("token"));
    m_viewerFile = m_daemon.filePath(QStringLiteral("viewer"));
    QFile t(m_tokenFile), v(m_viewerFile);
    QVERIFY(t.open(QIODevice::WriteOnly) && v.open(QIODevice::WriteOnly));
    t.write("ops-s3cret\n");
    v.write("just-looking\n");
    t.close();
    v.close();
    m_cert = m_daemon.filePath(QStringLiteral("hub.pem"));
    const QString key = m_daemon.filePath(QStringLiteral("hub.key"));
    const QString certError = makeLoopbackCertificate(m_cert, key);
    QVERIFY2(certError.isEmpty(), qPrintable(certError));

    DaemonProcess::Options o;
    o.topLevelExtra = QStringLiteral("auth:\n"
                                     "  tokens:\n"
                                     "    - {name: ops, token-sha256: %1, roles: [admin]}\n"
                                     "    - {name: viewer, token-sha256: %2, roles: [read]}\n"
                                     "remote:\n"
                                     "  local: \"%3\"\n"
                                     "  local-requires-token: true\n"
                                     "  tcp: \"127.0.0.1:0\"\n"
                                     "  tls: {cert: \"%4\", key: \"%5\"}\n"
                                     "  snapshot-interval-ms: 100\n")
                          .arg(QString::fromLatin1(TokenAuthenticator::digestHex("ops-s3cret")),
                               QString::fromLatin1(TokenAuthenticator::digestHex("just-looking")),
                               m_daemon.filePath(QStringLiteral("control.sock")), m_cert, key);
    QVERIFY2(m_daemon.start(o), qPrintable(m_daemon.errorString()));
    const QJsonObject remote = m_daemon.waitForLog(QStringLiteral("remote control listening"));
    QVERIFY2(!remote.isEmpty(), qPrintable(m_daemon.stderrText()));
    const QString tcp = remote.value(QStringLiteral("tcp")).toString();
    m_remotePort = quint16(tcp.mid(tcp.lastIndexOf(QLatin1Char(':')) + 1).toUInt());
    QVERIFY(m_remotePort != 0);
}

void tst_Sbctl::cleanupTestCase()
{
    QCOMPARE(m_daemon.stop(), 0);
}

Run tst_Sbctl::sbctlAt(const QString &hubAddress, const QStringList &args, const QString &tokenFile, const QString &ca)
{
    QStringList all{QStringLiteral("--hub"), hubAddress};
    if (!tokenFile.isEmpty())
        all << QStringLiteral("--token-file") << tokenFile;
    if (!ca.isEmpty())
        all << QStringLiteral("--ca") << ca;
    return sbtest::runSbctl(all + args);
}

Run tst_Sbctl::sbctl(const QStringList &args, bool withToken, const QByteArray &stdinData)
{
    if (stdinData.isEmpty())
        return sbctlAt(hub(), args, withToken ? m_tokenFile : QString());
    return sbtest::runSbctl(QStringList{QStringLiteral("--hub"), hub(), QStringLiteral("--token-file"), m_tokenFile} + args, stdinData);
}

void tst_Sbctl::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("stderrHas");
    QTest::addRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("unknown command \"frobnicate\"");
    QTest::addRow("bad timeout") << QStringList{QStringLiteral("--timeout"), QStringLiteral("soon"), QStringLiteral("status")}
                                 << QStringLiteral("--timeout must be");
    QTest::addRow("missing value") << QStringList{QStringLiteral("status"), QStringLiteral("--timeout")} << QStringLiteral("--timeout needs a value");
    QTest::addRow("channels without verb") << QStringList{QStringLiteral("channels")} << QStringLiteral("expected list, create or delete");
    QTest::addRow("create without name") << QStringList{QStringLiteral("channels"), QStringLiteral("create")}
                                         << QStringLiteral("exactly one NAME");
    QTest::addRow("bad header") << QStringList{QStringLiteral("publish"), QStringLiteral("a.b"), QStringLiteral("x"),
                                               QStringLiteral("--header"), QStringLiteral("novalue")}
                                << QStringLiteral("KEY=VALUE");
    QTest::addRow("purge needs ids or --all") << QStringList{QStringLiteral("deadletters"), QStringLiteral("purge")}
                                              << QStringLiteral("or --all");
    QTest::addRow("show needs a number") << QStringList{QStringLiteral("deadletters"), QStringLiteral("show"), QStringLiteral("x")}
                                         << QStringLiteral("numeric ID");
}

void tst_Sbctl::usage()
{
    QFETCH(QStringList, args);
    QFETCH(QString, stderrHas);
    const Run r = sbctl(args);
    QCOMPARE(r.code, 64);
    QVERIFY2(r.err.contains(stderrHas), qPrintable(r.err));
}

void tst_Sbctl::noHub()
{
    const Run r = sbctlAt(QStringLiteral("local:") + m_daemon.filePath(QStringLiteral("nobody.sock")), {QStringLiteral("status")}, {});
    QCOMPARE(r.code, 69);
    QVERIFY2(r.err.contains(QLatin1String("NOT_CONNECTED")), qPrintable(r.err));
    const Run bad = sbctlAt(QStringLiteral("http://x"), {QStringLiteral("status")}, {});
    QCOMPARE(bad.code, 1);
    QVERIFY2(bad.err.contains(QLatin1String("not a hub address")), qPrintable(bad.err));
}

void tst_Sbctl::status()
{
    Run r = sbctl({QStringLiteral("status")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("hub:")) && r.out.contains(QLatin1String("plugin:       native loaded")), qPrintable(r.out));
    r = sbctl({QStringLiteral("--json"), QStringLiteral("status")});
    QCOMPARE(r.code, 0);
    const QJsonObject j = r.json();
    QCOMPARE(j.value(QStringLiteral("ok")).toBool(), true);
    QVERIFY(j.value(QStringLiteral("stats")).toObject().contains(QStringLiteral("inRate")));
    QCOMPARE(j.value(QStringLiteral("stats")).toObject().value(QStringLiteral("channels")).toInt(), 1); // platform-events
}

void tst_Sbctl::channels()
{
    Run r = sbctl({QStringLiteral("channels"), QStringLiteral("create"), QStringLiteral("orders"), QStringLiteral("--type"),
                   QStringLiteral("queue"), QStringLiteral("--description"), QStringLiteral("order intake"),
                   QStringLiteral("--max-queue-depth"), QStringLiteral("50")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("created channel orders"));

    r = sbctl({QStringLiteral("channels"), QStringLiteral("create"), QStringLiteral("orders")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("CHANNEL_EXISTS")), qPrintable(r.err));
    r = sbctl({QStringLiteral("--json"), QStringLiteral("channels"), QStringLiteral("create"), QStringLiteral("x"), QStringLiteral("--type"),
               QStringLiteral("fanout")});
    QCOMPARE(r.code, 1);
    QCOMPARE(r.json().value(QStringLiteral("code")).toString(), QStringLiteral("INVALID_CONFIG"));

    r = sbctl({QStringLiteral("--json"), QStringLiteral("channels"), QStringLiteral("list")});
    QCOMPARE(r.code, 0);
    QStringList names;
    for (const QJsonValue &row : r.json().value(QStringLiteral("rows")).toArray()) {
        names << row.toObject().value(QStringLiteral("name")).toString();
        if (row.toObject().value(QStringLiteral("name")).toString() == QLatin1String("orders")) {
            QCOMPARE(row.toObject().value(QStringLiteral("type")).toString(), QStringLiteral("queue"));
            QCOMPARE(row.toObject().value(QStringLiteral("maxQueueDepth")).toInt(), 50);
        }
    }
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("orders"), QStringLiteral("platform-events")}));
    r = sbctl({QStringLiteral("channels"), QStringLiteral("list")});
    QVERIFY2(r.out.startsWith(QLatin1String("NAME")) && r.out.contains(QLatin1String("order intake")), qPrintable(r.out));

    QCOMPARE(sbctl({QStringLiteral("channels"), QStringLiteral("delete"), QStringLiteral("orders")}).code, 0);
    r = sbctl({QStringLiteral("channels"), QStringLiteral("delete"), QStringLiteral("orders")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(QLatin1String("CHANNEL_NOT_FOUND")));
}

void tst_Sbctl::publishReachesSubscribers()
{
    SwitchboardClient client;
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    QVERIFY(client.connectToHub(m_daemon.url(QStringLiteral("local"))));
    QVERIFY(connected.wait(10000));
    QList<Message> got;
    QSignalSpy subscribed(&client, &SwitchboardClient::subscribed);
    client.subscribe(QStringLiteral("plant.>"), [&got](const Message &m) { got.append(m); });
    QVERIFY(subscribed.wait(10000));

    Run r = sbctl({QStringLiteral("publish"), QStringLiteral("plant.1.state"), QStringLiteral("running"), QStringLiteral("--header"),
                   QStringLiteral("shift=night"), QStringLiteral("--content-type"), QStringLiteral("text/plain")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("to 1 subscriber(s)")), qPrintable(r.out));
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got.first().payload(), QByteArray("running"));
    QCOMPARE(got.first().header(QStringLiteral("shift")), QStringLiteral("night"));
    QCOMPARE(got.first().contentType(), QStringLiteral("text/plain"));

    // No PAYLOAD: stdin, binary-safe.
    const QByteArray binary("\x00\x01\xfe\xff", 4);
    r = sbctl({QStringLiteral("publish"), QStringLiteral("plant.2.blob")}, true, binary);
    QCOMPARE(r.code, 0);
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got.last().payload(), binary);

    r = sbctl({QStringLiteral("publish"), QStringLiteral("$sb.forbidden"), QStringLiteral("x")});
    QCOMPARE(r.code, 77); // FORBIDDEN is "not authorized" (EX_NOPERM)
    QVERIFY2(r.err.contains(QLatin1String("FORBIDDEN")), qPrintable(r.err));
}

void tst_Sbctl::deadLetters()
{
    QCOMPARE(sbctl({QStringLiteral("channels"), QStringLiteral("create"), QStringLiteral("direct"), QStringLiteral("--type"),
                    QStringLiteral("point-to-point")}).code,
             0);
    // Nobody at worker.7: the hub says NO_ROUTE and keeps the message as a dead letter.
    const Run p = sbctl({QStringLiteral("publish"), QStringLiteral("worker.7"), QStringLiteral("job"), QStringLiteral("--channel"),
                         QStringLiteral("direct")});
    QCOMPARE(p.code, 1);
    QVERIFY2(p.err.contains(QLatin1String("NO_ROUTE")), qPrintable(p.err));
    Run r = sbctl({QStringLiteral("--json"), QStringLiteral("deadletters"), QStringLiteral("list")});
    QCOMPARE(r.code, 0);
    const QJsonArray rows = r.json().value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 1);
    const QString id = rows.first().toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(rows.first().toObject().value(QStringLiteral("reason")).toString(), QStringLiteral("NO_ROUTE"));

    r = sbctl({QStringLiteral("deadletters"), QStringLiteral("show"), id});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("\"data\": \"job\"")), qPrintable(r.out));

    // Requeue to a destination still absent: refused back into the store as a fresh dead letter.
    r = sbctl({QStringLiteral("deadletters"), QStringLiteral("requeue"), id, QStringLiteral("424242")});
    QCOMPARE(r.code, 1); // 424242 does not exist
    QVERIFY2(r.err.contains(QLatin1String("dead letter 424242: NOT_FOUND")), qPrintable(r.err));
    r = sbctl({QStringLiteral("--json"), QStringLiteral("deadletters"), QStringLiteral("list")});
    QCOMPARE(r.json().value(QStringLiteral("total")).toInt(), 1);

    r = sbctl({QStringLiteral("deadletters"), QStringLiteral("purge"), QStringLiteral("--all")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("purged 1 dead letter(s)"));
    QCOMPARE(sbctl({QStringLiteral("--json"), QStringLiteral("deadletters"), QStringLiteral("list")}).json().value(QStringLiteral("total")).toInt(), 0);
}

void tst_Sbctl::watch()
{
    QProcess watcher;
    watcher.start(QStringLiteral(SB_SBCTL_PATH), {QStringLiteral("--hub"), hub(), QStringLiteral("--token-file"), m_tokenFile,
                                                  QStringLiteral("--json"), QStringLiteral("watch"), QStringLiteral("line.*.speed"),
                                                  QStringLiteral("--count"), QStringLiteral("2")});
    QVERIFY(watcher.waitForStarted());
    // Publish until the watch has seen two (it may start after the first publishes).
    for (int i = 0; i < 50 && watcher.state() == QProcess::Running; ++i) {
        QCOMPARE(sbctl({QStringLiteral("publish"), QStringLiteral("line.%1.speed").arg(i), QString::number(i)}).code, 0);
        sbctl({QStringLiteral("publish"), QStringLiteral("line.%1.temp").arg(i), QStringLiteral("not watched")});
        watcher.waitForFinished(200);
    }
    if (watcher.state() != QProcess::NotRunning)
        QVERIFY(watcher.waitForFinished(10000));
    QVERIFY2(watcher.exitCode() == 0, watcher.readAllStandardError().constData());
    const QList<QByteArray> lines = watcher.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    for (const QByteArray &l : lines) {
        const QJsonObject m = QJsonDocument::fromJson(l).object();
        QVERIFY2(m.value(QStringLiteral("topic")).toString().endsWith(QLatin1String(".speed")), l.constData());
    }
}

void tst_Sbctl::connections()
{
    SwitchboardClient client;
    SwitchboardClient::Options opts;
    opts.autoReconnect = false;
    client.setOptions(opts);
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    QVERIFY(client.connectToHub(m_daemon.url(QStringLiteral("tcp"))));
    QVERIFY(connected.wait(10000));
    Run r = sbctl({QStringLiteral("--json"), QStringLiteral("connections"), QStringLiteral("list")});
    QCOMPARE(r.code, 0);
    const QJsonArray rows = r.json().value(QStringLiteral("rows")).toArray();
    QVERIFY(!rows.isEmpty());
    QString id;
    for (const QJsonValue &row : rows) {
        if (row.toObject().value(QStringLiteral("id")).toString() == client.connectionId())
            id = client.connectionId();
    }
    QVERIFY2(!id.isEmpty(), qPrintable(r.out));
    QSignalSpy gone(&client, &SwitchboardClient::disconnected);
    r = sbctl({QStringLiteral("connections"), QStringLiteral("close"), id, QStringLiteral("--reason"), QStringLiteral("maintenance")});
    QCOMPARE(r.code, 0);
    QVERIFY(gone.wait(10000));
    QCOMPARE(sbctl({QStringLiteral("connections"), QStringLiteral("close"), id}).code, 1);

    // A peer that just goes away (no goodbye) is gone from the hub too: plain TCP is read
    // unbuffered, so the hub sees the end of the stream in read(), not through a Qt signal.
    auto count = [this] {
        const Run list = sbctl({QStringLiteral("--json"), QStringLiteral("connections"), QStringLiteral("list")});
        return list.code == 0 ? list.json().value(QStringLiteral("rows")).toArray().size() : -1;
    };
    const qsizetype before = count();
    QVERIFY(before >= 0);
    QTcpSocket raw;
    const QUrl hub(m_daemon.url(QStringLiteral("tcp")));
    raw.connectToHost(hub.host(), quint16(hub.port()));
    QVERIFY(raw.waitForConnected(5000));
    QTRY_COMPARE_WITH_TIMEOUT(count(), before + 1, 10000);
    raw.close();
    QTRY_COMPARE_WITH_TIMEOUT(count(), before, 2500); // well before the 5 s handshake timeout
}

void tst_Sbctl::reload()
{
    const QByteArray original = sbtest::readWholeFile(m_daemon.configPath());
    QVERIFY(!original.isEmpty());
    auto writeConfig = [&](const QByteArray &text) { QVERIFY(sbtest::writeWholeFile(m_daemon.configPath(), text)); };
    // A new channel appears, the file's old one goes, a channel made at run time stays.
    QCOMPARE(sbctl({QStringLiteral("channels"), QStringLiteral("create"), QStringLiteral("runtime-made")}).code, 0);
    QByteArray next = original;
    next.replace("  - {name: platform-events, type: broadcast}\n", "  - {name: alarms, type: broadcast}\n");
    writeConfig(next);
    Run r = sbctl({QStringLiteral("--json"), QStringLiteral("reload")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.json().value(QStringLiteral("created")).toArray().first().toString(), QStringLiteral("alarms"));
    QCOMPARE(r.json().value(QStringLiteral("deleted")).toArray().first().toString(), QStringLiteral("platform-events"));
    r = sbctl({QStringLiteral("--json"), QStringLiteral("channels"), QStringLiteral("list")});
    QStringList names;
    for (const QJsonValue &row : r.json().value(QStringLiteral("rows")).toArray())
        names << row.toObject().value(QStringLiteral("name")).toString();
    names.sort();
    QVERIFY2(names.contains(QLatin1String("alarms")) && names.contains(QLatin1String("runtime-made"))
                 && !names.contains(QLatin1String("platform-events")),
             qPrintable(names.join(u',')));

    // A broken file changes nothing and says where it is broken.
    writeConfig(next + "channels-typo: 1\n");
    r = sbctl({QStringLiteral("reload")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("INVALID_CONFIG")) && r.err.contains(QLatin1String("switchboardd.yaml:")), qPrintable(r.err));
    QCOMPARE(sbctl({QStringLiteral("--json"), QStringLiteral("channels"), QStringLiteral("list")}).json().value(QStringLiteral("total")).toInt(),
             names.size());
    writeConfig(original);
    QCOMPARE(sbctl({QStringLiteral("reload")}).code, 0);
}

// An ACL reload applies to live subscriptions: the native client whose subscription the new rules
// refuse is told (ERROR seq 0, details {sid, ended}), and nothing more reaches it.
void tst_Sbctl::reloadEndsSubscriptions()
{
    const QByteArray original = sbtest::readWholeFile(m_daemon.configPath());
    QVERIFY(!original.isEmpty());
    auto writeConfig = [&](const QByteArray &text) { QVERIFY(sbtest::writeWholeFile(m_daemon.configPath(), text)); };
    SwitchboardClient client;
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    QVERIFY(client.connectToHub(m_daemon.url(QStringLiteral("local"))));
    QVERIFY(connected.wait(10000));
    QList<Message> got;
    QSignalSpy subscribed(&client, &SwitchboardClient::subscribed);
    QSignalSpy ended(&client, &SwitchboardClient::subscriptionEnded);
    const quint32 plant = client.subscribe(QStringLiteral("plant.>"), [&got](const Message &m) { got.append(m); });
    const quint32 other = client.subscribe(QStringLiteral("other.>"), [&got](const Message &m) { got.append(m); });
    QTRY_COMPARE(subscribed.size(), 2);

    writeConfig(original + "acl:\n  roles:\n    anonymous:\n"
                           "      - {allow: [publish, subscribe], topics: [\"other.>\"]}\n");
    QCOMPARE(sbctl({QStringLiteral("reload")}).code, 0);
    QTRY_COMPARE(ended.size(), 1);
    QCOMPARE(ended[0][0].toUInt(), plant);
    const Error reason = ended[0][1].value<Error>();
    QCOMPARE(reason.code, ErrorCode::Forbidden);
    QVERIFY2(reason.message.startsWith(QLatin1String("subscription ended: ")), qPrintable(reason.message));

    // The operator (admin) still publishes to plant.>: nobody is subscribed there any more.
    Run r = sbctl({QStringLiteral("publish"), QStringLiteral("plant.1.state"), QStringLiteral("x")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("to 0 subscriber(s)")), qPrintable(r.out));
    r = sbctl({QStringLiteral("publish"), QStringLiteral("other.1"), QStringLiteral("y")});
    QVERIFY2(r.out.contains(QLatin1String("to 1 subscriber(s)")), qPrintable(r.out));
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got[0].topic(), QStringLiteral("other.1"));
    Q_UNUSED(other)

    writeConfig(original);
    QCOMPARE(sbctl({QStringLiteral("reload")}).code, 0);
}

void tst_Sbctl::authentication_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QString>("token");
    QTest::addColumn<bool>("trustCa");
    QTest::addColumn<int>("exitCode");
    QTest::addRow("local no token") << QStringLiteral("local") << QString() << true << 77;
    QTest::addRow("local viewer") << QStringLiteral("local") << QStringLiteral("viewer") << true << 77;
    QTest::addRow("local ops") << QStringLiteral("local") << QStringLiteral("ops") << true << 0;
    QTest::addRow("tls no token") << QStringLiteral("tls") << QString() << true << 77;
    QTest::addRow("tls ops") << QStringLiteral("tls") << QStringLiteral("ops") << true << 0;
    QTest::addRow("tls untrusted") << QStringLiteral("tls") << QStringLiteral("ops") << false << 77;
}

void tst_Sbctl::authentication()
{
    QFETCH(QString, transport);
    QFETCH(QString, token);
    QFETCH(bool, trustCa);
    QFETCH(int, exitCode);
    const QString address = transport == QLatin1String("local") ? hub() : QStringLiteral("tls://127.0.0.1:%1").arg(m_remotePort);
    const QString tokenFile = token.isEmpty() ? QString() : (token == QLatin1String("ops") ? m_tokenFile : m_viewerFile);
    const Run r = sbctlAt(address, {QStringLiteral("status")}, tokenFile, trustCa ? m_cert : QString());
    QVERIFY2(r.code == exitCode, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
}

QTEST_GUILESS_MAIN(tst_Sbctl)
#include "tst_sbctl.moc"
