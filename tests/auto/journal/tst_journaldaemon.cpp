// SPDX-License-Identifier: Apache-2.0
// The journal in the real switchboardd: messages published over HTTP and the native protocol to a
// persistent channel are acknowledged once stored, survive SIGKILL, and read back through
// GET /api/v1/channels/{name}/messages; the budget refuses with STORAGE_FULL over both protocols;
// one journal per hub.
#include "curlrun.h"
#include "daemonprocess.h"

#include <switchboardclient.h>

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace sb;
using sbtest::curl;
using sbtest::postJson;

class tst_JournalDaemon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void acknowledgedMessagesSurviveSigkill();
    void budgetRefusesOverHttpAndNative();
    void readParameters();
    void oneHubPerJournal();

private:
    bool startDaemon(const QString &journalExtra = {});
    QString url(const QString &path) const { return QStringLiteral("http://") + m_daemon->httpAddress() + path; }
    bool connectNative(SwitchboardClient &client);
    // Publishes over the native protocol and waits for the hub's ACK or ERROR.
    Status publishNative(SwitchboardClient &client, const QString &channel, const QString &topic, const QByteArray &payload);
    QJsonArray stored(const QString &channel, const QString &query = {});

    QTemporaryDir m_journal;
    std::unique_ptr<DaemonProcess> m_daemon;
};

void tst_JournalDaemon::init()
{
    QVERIFY(m_journal.isValid());
}

void tst_JournalDaemon::cleanup()
{
    if (m_daemon && m_daemon->isRunning())
        m_daemon->stop();
    m_daemon.reset();
    QDir(m_journal.path()).removeRecursively();
    QDir().mkpath(m_journal.path());
}

bool tst_JournalDaemon::startDaemon(const QString &journalExtra)
{
    m_daemon = std::make_unique<DaemonProcess>();
    DaemonProcess::Options o;
    o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n");
    o.channelsExtra = QStringLiteral("  - {name: orders, type: topic, persistent: true, fsync: always}\n"
                                     "  - {name: plain, type: topic}\n");
    o.topLevelExtra = QStringLiteral("journal:\n  path: \"%1\"\n").arg(m_journal.path()) + journalExtra;
    if (!m_daemon->start(o)) {
        qWarning("%s\n%s", qPrintable(m_daemon->errorString()), qPrintable(m_daemon->stderrText()));
        return false;
    }
    return true;
}

bool tst_JournalDaemon::connectNative(SwitchboardClient &client)
{
    SwitchboardClient::Options o = client.options();
    o.autoReconnect = false;
    client.setOptions(o);
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    return client.connectToHub(m_daemon->url(QStringLiteral("tcp"))) && connected.wait(10000);
}

Status tst_JournalDaemon::publishNative(SwitchboardClient &client, const QString &channel, const QString &topic,
                                        const QByteArray &payload)
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(channel);
    std::optional<Status> answer;
    if (Status st = client.publish(m, [&answer](const Status &s) { answer = s; }); !st)
        return st;
    if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000))
        return Error(ErrorCode::Timeout, QStringLiteral("no ACK"));
    return *answer;
}

QJsonArray tst_JournalDaemon::stored(const QString &channel, const QString &query)
{
    const auto r = curl(url(QStringLiteral("/api/v1/channels/%1/messages%2").arg(channel, query)));
    if (r.status != 200)
        qWarning("GET messages: %d %s", r.status, r.body.constData());
    return r.data().toArray();
}

void tst_JournalDaemon::acknowledgedMessagesSurviveSigkill()
{
    QVERIFY(startDaemon());
    QJsonObject opened = m_daemon->waitForLog(QStringLiteral("journal opened"));
    QCOMPARE(opened.value(QStringLiteral("messages")).toInt(), 0);
    SwitchboardClient client;
    QVERIFY(connectNative(client));
    // Acknowledged: 202 over HTTP, ACK over the native protocol.
    for (int i = 0; i < 3; ++i) {
        const auto r = postJson(url(QStringLiteral("/api/v1/events")),
                                QStringLiteral(R"({"channel":"orders","topic":"order.http","payload":{"n":%1}})").arg(i).toUtf8());
        QCOMPARE(r.status, 202);
    }
    for (int i = 0; i < 3; ++i)
        QVERIFY(publishNative(client, QStringLiteral("orders"), QStringLiteral("order.native"), QByteArray::number(i)));
    QVERIFY(publishNative(client, QStringLiteral("plain"), QStringLiteral("not.stored"), "x"));
    QCOMPARE(stored(QStringLiteral("orders")).size(), 6);
    client.disconnectFromHub();

    // A power cut, as far as the hub can tell.
    const qint64 pid = m_daemon->pid();
    QVERIFY(pid > 0);
    ::kill(pid_t(pid), SIGKILL);
    m_daemon->stop(5000);
    QVERIFY(startDaemon());
    opened = m_daemon->waitForLog(QStringLiteral("journal opened"));
    QCOMPARE(opened.value(QStringLiteral("messages")).toInt(), 6);
    QCOMPARE(opened.value(QStringLiteral("lastSeq")).toInt(), 6);
    const QJsonArray after = stored(QStringLiteral("orders"));
    QCOMPARE(after.size(), 6);
    QCOMPARE(after[0].toObject().value(QStringLiteral("seq")).toInt(), 1);
    QCOMPARE(after[0].toObject().value(QStringLiteral("message")).toObject().value(QStringLiteral("topic")).toString(),
             QStringLiteral("order.http"));
    QCOMPARE(after[5].toObject().value(QStringLiteral("message")).toObject().value(QStringLiteral("topic")).toString(),
             QStringLiteral("order.native"));
    QCOMPARE(stored(QStringLiteral("plain")).size(), 0);
    // /metrics tells the journal's state.
    const auto metrics = curl(url(QStringLiteral("/metrics")));
    QCOMPARE(metrics.status, 200);
    QVERIFY2(metrics.body.contains("\nswitchboard_journal_messages 6\n"), metrics.body.constData());
    QVERIFY(metrics.body.contains("\nswitchboard_journal_failed 0\n"));
    // Paging: after-seq is exclusive, and a full page says where the next starts.
    const auto page = curl(url(QStringLiteral("/api/v1/channels/orders/messages?after-seq=2&limit=2")));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.data().toArray().size(), 2);
    QCOMPARE(page.data().toArray()[0].toObject().value(QStringLiteral("seq")).toInt(), 3);
    QCOMPARE(page.json().value(QStringLiteral("meta")).toObject().value(QStringLiteral("nextAfterSeq")).toInt(), 4);
    QVERIFY(page.json().value(QStringLiteral("meta")).toObject().value(QStringLiteral("persistent")).toBool());
    QCOMPARE(stored(QStringLiteral("orders"), QStringLiteral("?topic=order.native")).size(), 3);
}

void tst_JournalDaemon::budgetRefusesOverHttpAndNative()
{
    QVERIFY(startDaemon(QStringLiteral("  disk-budget: 1MiB\n  max-pending-bytes: 1MiB\n")));
    SwitchboardClient client;
    QVERIFY(connectNative(client));
    const QByteArray big(200 * 1024, 'x');
    int accepted = 0;
    Status refused;
    for (int i = 0; i < 10 && refused; ++i) {
        refused = publishNative(client, QStringLiteral("orders"), QStringLiteral("big"), big);
        if (refused)
            ++accepted;
    }
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::StorageFull);
    QVERIFY(accepted >= 3 && accepted <= 5);
    const auto r = postJson(url(QStringLiteral("/api/v1/events")),
                            QByteArray(R"({"channel":"orders","topic":"big","payload":")") + big + "\"}");
    QCOMPARE(r.status, 507);
    QCOMPARE(r.code(), QStringLiteral("STORAGE_FULL"));
    // Refused is refused: what was acknowledged is all there, and not-persistent channels still work.
    QCOMPARE(stored(QStringLiteral("orders")).size(), accepted);
    QVERIFY(publishNative(client, QStringLiteral("plain"), QStringLiteral("t"), big));
}

void tst_JournalDaemon::readParameters()
{
    QVERIFY(startDaemon());
    for (const QString &bad : {QStringLiteral("?limit=0"), QStringLiteral("?limit=1001"), QStringLiteral("?after-seq=x"),
                               QStringLiteral("?from=yesterday"), QStringLiteral("?topic=a..b"),
                               QStringLiteral("?from=2000&to=1000")}) {
        const auto r = curl(url(QStringLiteral("/api/v1/channels/orders/messages") + bad));
        QVERIFY2(r.status == 400, qPrintable(bad + QLatin1Char(' ') + QString::fromUtf8(r.body)));
    }
    QCOMPARE(curl(url(QStringLiteral("/api/v1/channels/nope/messages"))).status, 404);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/channels/orders/messages?from=2026-01-01T00:00:00Z"))).status, 200);
    // The default space's stored topics (none configured here).
    const auto def = curl(url(QStringLiteral("/api/v1/messages")));
    QCOMPARE(def.status, 200);
    QVERIFY(!def.json().value(QStringLiteral("meta")).toObject().value(QStringLiteral("persistent")).toBool());
}

void tst_JournalDaemon::oneHubPerJournal()
{
    QVERIFY(startDaemon());
    DaemonProcess second;
    DaemonProcess::Options o;
    o.channelsExtra = QStringLiteral("  - {name: orders, type: topic, persistent: true}\n");
    o.topLevelExtra = QStringLiteral("journal:\n  path: \"%1\"\n").arg(m_journal.path());
    QVERIFY(!second.start(o));
    QTRY_VERIFY(!second.isRunning());
    QVERIFY2(second.stderrText().contains(QLatin1String("in use by another process")), qPrintable(second.stderrText()));
}

QTEST_GUILESS_MAIN(tst_JournalDaemon)
#include "tst_journaldaemon.moc"
