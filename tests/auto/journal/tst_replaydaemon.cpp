// SPDX-License-Identifier: Apache-2.0
// Replays in the real switchboardd (issue #16): stored messages replayed over REST and sbctl into
// remapped topics, reaching a native subscriber in order with their x-sb-replay headers; pause,
// seek, resume and stop over REST; the refusals (anonymous may not replay into a topic it may not
// publish to, an unknown replay, bad options).
#include "curlrun.h"
#include "daemonprocess.h"

#include <switchboardclient.h>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;
using sbtest::curl;
using sbtest::postJson;

namespace {
const QByteArray kOpsToken = "ops-token-replay-0123456789";
}

class tst_ReplayDaemon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void restReplayInOrder();
    void restControls();
    void restRefusals();
    void sbctlReplayFollows();

private:
    QString url(const QString &path) const { return QStringLiteral("http://") + m_daemon->httpAddress() + path; }
    QStringList bearer() const
    {
        return {QStringLiteral("-H"), QStringLiteral("Authorization: Bearer ") + QString::fromLatin1(kOpsToken)};
    }
    QByteArray sbctl(const QStringList &args, int *exitCode);
    sbtest::CurlResult post(const QString &url, const QString &json, const QStringList &extra = {})
    {
        return postJson(url, json.toUtf8(), extra);
    }
    QJsonObject replay(const QString &id);

    QTemporaryDir m_dir;
    std::unique_ptr<DaemonProcess> m_daemon;
    SwitchboardClient m_client;
    QList<Message> m_received;
};

void tst_ReplayDaemon::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_daemon = std::make_unique<DaemonProcess>();
    DaemonProcess::Options o;
    o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n");
    o.channelsExtra = QStringLiteral("  - {name: orders, type: topic, persistent: true, fsync: off}\n");
    o.topLevelExtra = QStringLiteral("journal:\n  path: \"%1\"\nremote: {local: \"%2\"}\nauth:\n  tokens:\n"
                                     "    - {name: ops, token-sha256: \"%3\", roles: [admin]}\n")
                          .arg(m_dir.filePath(QStringLiteral("journal")), m_dir.filePath(QStringLiteral("control.sock")),
                               QString::fromLatin1(QCryptographicHash::hash(kOpsToken, QCryptographicHash::Sha256).toHex()));
    QVERIFY2(m_daemon->start(o), qPrintable(m_daemon->errorString() + m_daemon->stderrText()));
    SwitchboardClient::Options co = m_client.options();
    co.autoReconnect = false;
    m_client.setOptions(co);
    QSignalSpy connected(&m_client, &SwitchboardClient::connected);
    QVERIFY(m_client.connectToHub(m_daemon->url(QStringLiteral("tcp"))) && connected.wait(10000));
    SwitchboardClient::SubscribeOptions so;
    so.channel = QStringLiteral("orders");
    so.pattern = QStringLiteral("replay.>");
    QSignalSpy subscribed(&m_client, &SwitchboardClient::subscribed);
    m_client.subscribe(so, [this](const Message &m) { m_received.append(m); });
    QVERIFY(subscribed.wait(10000));
    // 200 stored messages, 10 ms apart for the last 5 (the controls need a replay that lasts).
    for (int i = 1; i <= 200; ++i) {
        const auto r = post(url(QStringLiteral("/api/v1/events")),
                                QStringLiteral("{\"channel\": \"orders\", \"topic\": \"order.%1\", \"payload\": %2}").arg(i % 3).arg(i));
        QCOMPARE(r.status, 202);
    }
}

void tst_ReplayDaemon::cleanupTestCase()
{
    m_client.disconnectFromHub();
    if (m_daemon)
        m_daemon->stop();
}

QJsonObject tst_ReplayDaemon::replay(const QString &id)
{
    return curl(url(QStringLiteral("/api/v1/replays/") + id), bearer()).data().toObject();
}

void tst_ReplayDaemon::restReplayInOrder()
{
    m_received.clear();
    const auto started = post(url(QStringLiteral("/api/v1/replays")),
                                  QStringLiteral("{\"channel\": \"orders\", \"speed\": \"max\", "
                                                 "\"remap\": {\"from\": \"order.>\", \"to\": \"replay.order.>\"}}"),
                                  bearer());
    QCOMPARE(started.status, 201);
    const QString id = started.data().toObject().value(QStringLiteral("id")).toString();
    QVERIFY(id.startsWith(u'r'));
    QTRY_COMPARE_WITH_TIMEOUT(m_received.size(), 200, 10000);
    for (int i = 0; i < 200; ++i)
        QCOMPARE(m_received.at(i).payload(), QByteArray::number(i + 1));
    QCOMPARE(m_received.first().topic(), QStringLiteral("replay.order.1"));
    QCOMPARE(m_received.first().header(QStringLiteral("x-sb-replay")), id);
    QCOMPARE(m_received.first().header(QStringLiteral("x-sb-replay-original-seq")), QStringLiteral("1"));
    QTRY_COMPARE(replay(id).value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
    QCOMPARE(replay(id).value(QStringLiteral("sent")).toInt(), 200);
    // Not stored again: the journal still holds the 200.
    const auto page = curl(url(QStringLiteral("/api/v1/channels/orders/messages?topic=replay.>")));
    QCOMPARE(page.data().toArray().size(), 0);
    const auto list = curl(url(QStringLiteral("/api/v1/replays")), bearer());
    QVERIFY(list.data().toArray().size() >= 1);
    const auto metrics = curl(url(QStringLiteral("/metrics")));
    QVERIFY2(metrics.body.contains("\nswitchboard_replays_active 0\n"), metrics.body.constData());
    QVERIFY2(metrics.body.contains("\nswitchboard_replayed_messages_total 200\n"), metrics.body.constData());
}

// Slowly (0.1x of gaps that are near 0 ms apart would end at once): a replay of the same messages
// bounded by to-seq and at 0.1x, whose controls are tried while it runs.
void tst_ReplayDaemon::restControls()
{
    m_received.clear();
    const auto started = post(url(QStringLiteral("/api/v1/replays")),
                                  QStringLiteral("{\"channel\": \"orders\", \"speed\": 0.1, \"after-seq\": 0, \"to-seq\": 200, "
                                                 "\"remap\": {\"from\": \">\", \"to\": \"replay.>\"}}"),
                                  bearer());
    QCOMPARE(started.status, 201);
    const QString id = started.data().toObject().value(QStringLiteral("id")).toString();
    const auto paused = post(url(QStringLiteral("/api/v1/replays/%1/pause").arg(id)), QStringLiteral("{}"), bearer());
    QCOMPARE(paused.status, 200);
    QCOMPARE(paused.data().toObject().value(QStringLiteral("state")).toString(), QStringLiteral("paused"));
    const auto seek = post(url(QStringLiteral("/api/v1/replays/%1/seek").arg(id)), QStringLiteral("{\"after-seq\": 198}"), bearer());
    QCOMPARE(seek.status, 200);
    // What was sent before the pause has arrived.
    QTRY_COMPARE(m_received.size(), replay(id).value(QStringLiteral("sent")).toInt());
    const int before = m_received.size();
    QCOMPARE(post(url(QStringLiteral("/api/v1/replays/%1/resume").arg(id)), QStringLiteral("{}"), bearer()).status, 200);
    // After the seek only 199 and 200 are left.
    QTRY_COMPARE_WITH_TIMEOUT(replay(id).value(QStringLiteral("state")).toString(), QStringLiteral("finished"), 20000);
    QTRY_COMPARE(m_received.size(), before + 2);
    QCOMPARE(m_received.last().payload(), QByteArray("200"));
    QCOMPARE(post(url(QStringLiteral("/api/v1/replays/%1/pause").arg(id)), QStringLiteral("{}"), bearer()).code(),
             QStringLiteral("CONFLICT"));
    // Stop: a second replay, stopped at once.
    const auto second = post(url(QStringLiteral("/api/v1/replays")), QStringLiteral("{\"channel\": \"orders\", \"speed\": 0.1, "
                                                                                         "\"remap\": {\"from\": \">\", \"to\": \"replay.>\"}}"),
                                 bearer());
    const QString secondId = second.data().toObject().value(QStringLiteral("id")).toString();
    QCOMPARE(curl(url(QStringLiteral("/api/v1/replays/") + secondId), bearer() + QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")}).status,
             204);
    QCOMPARE(replay(secondId).value(QStringLiteral("state")).toString(), QStringLiteral("stopped"));
}

void tst_ReplayDaemon::restRefusals()
{
    // Anonymous may publish and subscribe outside $sb. (the defaults), but the ops token's replay is
    // not theirs to see or stop.
    const auto anon = post(url(QStringLiteral("/api/v1/replays")),
                               QStringLiteral("{\"channel\": \"orders\", \"remap\": {\"from\": \">\", \"to\": \"$sb.>\"}}"));
    QCOMPARE(anon.code(), QStringLiteral("FORBIDDEN"));
    QCOMPARE(curl(url(QStringLiteral("/api/v1/replays/r1"))).code(), QStringLiteral("NOT_FOUND"));
    QCOMPARE(curl(url(QStringLiteral("/api/v1/replays/r1")), {QStringLiteral("-X"), QStringLiteral("DELETE")}).code(),
             QStringLiteral("FORBIDDEN"));
    QCOMPARE(curl(url(QStringLiteral("/api/v1/replays/r999")), bearer()).code(), QStringLiteral("NOT_FOUND"));
    const auto bad = post(url(QStringLiteral("/api/v1/replays")), QStringLiteral("{\"channel\": \"orders\", \"speed\": 1000}"), bearer());
    QCOMPARE(bad.status, 400);
    QVERIFY2(bad.body.contains("speed: must be from 0.1 to 100"), bad.body.constData());
    QCOMPARE(post(url(QStringLiteral("/api/v1/replays")), QStringLiteral("{\"channel\": \"nope\"}"), bearer()).code(),
             QStringLiteral("CHANNEL_NOT_FOUND"));
}

QByteArray tst_ReplayDaemon::sbctl(const QStringList &args, int *exitCode)
{
    QProcess p;
    p.start(QStringLiteral(SB_SBCTL_PATH),
            QStringList{QStringLiteral("--hub"), QStringLiteral("local:") + m_dir.filePath(QStringLiteral("control.sock"))} + args);
    p.waitForFinished(60000);
    *exitCode = p.exitCode();
    const QByteArray err = p.readAllStandardError();
    if (!err.isEmpty())
        qInfo("sbctl %s: %s", qPrintable(args.join(u' ')), err.left(2000).constData());
    return p.readAllStandardOutput();
}

void tst_ReplayDaemon::sbctlReplayFollows()
{
    m_received.clear();
    int code = -1;
    const QByteArray out = sbctl({QStringLiteral("replay"), QStringLiteral("start"), QStringLiteral("orders"), QStringLiteral("--speed"),
                                  QStringLiteral("max"), QStringLiteral("--topic"), QStringLiteral("order.1"), QStringLiteral("--remap"),
                                  QStringLiteral("order.1=replay.one")},
                                 &code);
    QCOMPARE(code, 0);
    // The progress line, rewritten in place, ends with the finished replay.
    const QByteArray last = out.split('\r').last();
    QVERIFY2(last.contains(" finished: sent 67, at seq 199"), out.constData());
    QTRY_COMPARE(m_received.size(), 67);
    QCOMPARE(m_received.first().topic(), QStringLiteral("replay.one"));
    const QByteArray list = sbctl({QStringLiteral("replay"), QStringLiteral("list")}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(list.contains("finished"), list.constData());
    sbctl({QStringLiteral("replay"), QStringLiteral("pause"), QStringLiteral("r999")}, &code);
    QCOMPARE(code, 1);
    sbctl({QStringLiteral("replay"), QStringLiteral("seek"), QStringLiteral("r1")}, &code);
    QCOMPARE(code, 64); // seek needs --after-seq or --from
}

QTEST_GUILESS_MAIN(tst_ReplayDaemon)
#include "tst_replaydaemon.moc"
