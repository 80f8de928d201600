// SPDX-License-Identifier: Apache-2.0
// The journal in the real switchboardd: messages published over HTTP and the native protocol to a
// persistent channel are acknowledged once stored, survive SIGKILL, and read back through
// GET /api/v1/channels/{name}/messages; the budget refuses with STORAGE_FULL over both protocols;
// one journal per hub.
#include "curlrun.h"
#include "daemonprocess.h"

#include <switchboardclient.h>
#include "protocol/nativeprotocol.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTcpSocket>
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
    void durableSubscriberAcrossSigkill();
    void protocolOneClientsAreServed();
    void durableOverWebSocket();
    void sseResumesFromTheJournal();
    void deadLettersSurviveSigkill();
    void sbctlMessagesDurablesCheck();
    void timelineOverRestAndSbctl();

private:
    QByteArray sbctl(const QStringList &args, int *exitCode = nullptr);
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
                                     "  - {name: plain, type: topic}\n"
                                     "  - {name: tiny, type: topic, max-message-size: 16}\n");
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

void tst_JournalDaemon::durableSubscriberAcrossSigkill()
{
    QVERIFY(startDaemon());
    QList<QByteArray> got;
    SwitchboardClient::SubscribeOptions so;
    so.channel = QStringLiteral("orders");
    so.pattern = QStringLiteral(">");
    so.durable = QStringLiteral("audit");
    so.fromStart = true;
    so.autoAck = false;
    QList<Message> received;
    {
        SwitchboardClient sub;
        QVERIFY(connectNative(sub));
        QSignalSpy subscribed(&sub, &SwitchboardClient::subscribed);
        const quint32 sid = sub.subscribe(so, [&received](const Message &m) { received.append(m); });
        QVERIFY(subscribed.wait(5000));
        SwitchboardClient pub;
        QVERIFY(connectNative(pub));
        for (int i = 1; i <= 10; ++i)
            QVERIFY(publishNative(pub, QStringLiteral("orders"), QStringLiteral("order.%1").arg(i), QByteArray::number(i)));
        QTRY_COMPARE(received.size(), 10);
        QCOMPARE(received[0].header(QStringLiteral("x-sb-seq")), QStringLiteral("1"));
        for (int i = 0; i < 4; ++i)
            sub.acknowledge(sid, received[i]);
        // Positions are written with the journal's next commit; a publish makes one.
        QVERIFY(publishNative(pub, QStringLiteral("orders"), QStringLiteral("order.11"), "11"));
        QTRY_COMPARE(received.size(), 11);
        QTest::qWait(200); // the position rides with that commit or the writer's next tick
    }
    ::kill(pid_t(m_daemon->pid()), SIGKILL);
    m_daemon->stop(5000);
    QVERIFY(startDaemon());
    QList<QByteArray> again;
    SwitchboardClient sub;
    QVERIFY(connectNative(sub));
    so.autoAck = true;
    QSignalSpy subscribed(&sub, &SwitchboardClient::subscribed);
    sub.subscribe(so, [&again](const Message &m) { again.append(m.payload()); });
    QVERIFY(subscribed.wait(5000));
    // What was not acknowledged comes again; what was may come again only if the position was
    // not on disk yet (at least once), never anything else.
    QTRY_VERIFY(again.size() >= 7);
    QTest::qWait(300);
    for (int i = 5; i <= 11; ++i)
        QVERIFY2(again.contains(QByteArray::number(i)), qPrintable(QString::number(i)));
    QVERIFY(again.size() <= 11);
    QCOMPARE(QSet<QByteArray>(again.cbegin(), again.cend()).size(), again.size()); // once each
}

// A client of native protocol 1 (before durable subscriptions) is served; asking for a durable
// subscription is refused with a reason.
void tst_JournalDaemon::protocolOneClientsAreServed()
{
    QVERIFY(startDaemon());
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_daemon->port());
    QVERIFY(s.waitForConnected(5000));
    QByteArray out;
    native::appendControl(out, native::FrameType::Connect, 1, {{QStringLiteral("protocol"), 1}});
    native::appendControl(out, native::FrameType::Subscribe, 2,
                          {{QStringLiteral("sid"), 1}, {QStringLiteral("pattern"), QStringLiteral(">")},
                           {QStringLiteral("channel"), QStringLiteral("orders")}, {QStringLiteral("durable"), QStringLiteral("x")}});
    s.write(out);
    native::FrameReader reader(1 << 20);
    QList<QJsonObject> answers;
    QList<quint8> types;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            reader.append(s.readAll());
            native::Frame f;
            sb::Error e;
            while (reader.next(f, &e) == native::FrameReader::Result::Frame) {
                types.append(f.type);
                answers.append(native::controlJson(f.body).value());
            }
            return answers.size() >= 2;
        }(),
        5000);
    QCOMPARE(types[0], quint8(native::FrameType::Connected));
    QCOMPARE(answers[0].value(QStringLiteral("protocol")).toInt(), 1);
    QVERIFY(!answers[0].value(QStringLiteral("features")).toArray().contains(QStringLiteral("durable")));
    QCOMPARE(types[1], quint8(native::FrameType::Error));
    QCOMPARE(answers[1].value(QStringLiteral("code")).toString(), QStringLiteral("BAD_MESSAGE"));
    QVERIFY(answers[1].value(QStringLiteral("message")).toString().contains(QLatin1String("protocol 2")));
}

// python3-websockets: subscribe durable, ack envelopes, reconnect and get again what was not acked.
void tst_JournalDaemon::durableOverWebSocket()
{
    QVERIFY(startDaemon());
    QProcess py;
    py.setProcessChannelMode(QProcess::MergedChannels);
    py.start(QStringLiteral("/usr/bin/python3"),
             {QStringLiteral(SB_WS_DURABLE), QStringLiteral("ws://%1/api/v1/ws").arg(m_daemon->httpAddress())});
    QVERIFY(py.waitForFinished(30000));
    const QByteArray out = py.readAll();
    QVERIFY2(py.exitCode() == 0 && out.contains("OK"), out.constData());
    QCOMPARE(stored(QStringLiteral("orders")).size(), 4);
}

// Events of a persistent channel have the id "j<seq>"; Last-Event-ID with it replays from the
// journal what came after, then live events follow: none twice, none skipped (curl -N).
void tst_JournalDaemon::sseResumesFromTheJournal()
{
    QVERIFY(startDaemon());
    SwitchboardClient pub;
    QVERIFY(connectNative(pub));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(publishNative(pub, QStringLiteral("orders"), QStringLiteral("order.%1").arg(i), QByteArray::number(i)));
    QProcess curlN;
    curlN.start(QStringLiteral("curl"), {QStringLiteral("-sN"), QStringLiteral("--max-time"), QStringLiteral("3"),
                                         QStringLiteral("-H"), QStringLiteral("Last-Event-ID: j1"),
                                         url(QStringLiteral("/api/v1/stream?channel=orders&topic=order.>"))});
    QVERIFY(curlN.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += curlN.readAllStandardOutput()).contains("id: j3"), 5000);
    QVERIFY(publishNative(pub, QStringLiteral("orders"), QStringLiteral("order.4"), "4"));
    QVERIFY(curlN.waitForFinished(10000));
    out += curlN.readAllStandardOutput();
    QStringList ids;
    for (const QByteArray &line : out.split('\n')) {
        if (line.startsWith("id: "))
            ids.append(QString::fromLatin1(line.mid(4)));
    }
    QCOMPARE(ids, (QStringList{QStringLiteral("j2"), QStringLiteral("j3"), QStringLiteral("j4")}));
    QVERIFY(!out.contains("sb.gap"));
}

// Dead letters live in the journal: a TOO_LARGE letter is there after SIGKILL and a restart.
void tst_JournalDaemon::deadLettersSurviveSigkill()
{
    QVERIFY(startDaemon());
    SwitchboardClient pub;
    QVERIFY(connectNative(pub));
    const Status tooLarge = publishNative(pub, QStringLiteral("tiny"), QStringLiteral("t"), QByteArray(100, 'x'));
    QCOMPARE(tooLarge.error().code, ErrorCode::TooLarge);
    // The letter is written with the journal's next commit: this acknowledged publish makes one.
    QVERIFY(publishNative(pub, QStringLiteral("orders"), QStringLiteral("order.1"), "1"));
    ::kill(pid_t(m_daemon->pid()), SIGKILL);
    m_daemon->stop(5000);
    QVERIFY(startDaemon());
    const QJsonObject opened = m_daemon->waitForLog(QStringLiteral("journal opened"));
    QCOMPARE(opened.value(QStringLiteral("deadLetters")).toInt(), 1);
    const auto metrics = curl(url(QStringLiteral("/metrics")));
    QVERIFY2(metrics.body.contains("\nswitchboard_dead_letters 1\n"), metrics.body.constData());
}

QByteArray tst_JournalDaemon::sbctl(const QStringList &args, int *exitCode)
{
    QProcess p; // stdout only: --json answers must parse whatever a sanitizer says on stderr
    p.start(QStringLiteral(SB_SBCTL_PATH),
            QStringList{QStringLiteral("--hub"), QStringLiteral("local:") + m_journal.filePath(QStringLiteral("control.sock"))} + args);
    p.waitForFinished(30000);
    if (exitCode)
        *exitCode = p.exitCode();
    const QByteArray err = p.readAllStandardError();
    if (!err.isEmpty())
        qInfo("sbctl %s: %s", qPrintable(args.join(u' ')), err.left(2000).constData());
    return p.readAllStandardOutput();
}

// The operator's view: sbctl messages, durables list / delete, journal check, status.
void tst_JournalDaemon::sbctlMessagesDurablesCheck()
{
    const QByteArray opsToken = "ops-token-journal-0123456789";
    QVERIFY(startDaemon(QStringLiteral("remote: {local: \"%1\"}\nauth:\n  tokens:\n    - {name: ops, token-sha256: \"%2\", roles: [admin]}\n")
                            .arg(m_journal.filePath(QStringLiteral("control.sock")),
                                 QString::fromLatin1(QCryptographicHash::hash(opsToken, QCryptographicHash::Sha256).toHex()))));
    SwitchboardClient c;
    QVERIFY(connectNative(c));
    SwitchboardClient::SubscribeOptions so;
    so.channel = QStringLiteral("orders");
    so.pattern = QStringLiteral("order.>");
    so.durable = QStringLiteral("ops-view");
    so.autoAck = false;
    QSignalSpy subscribed(&c, &SwitchboardClient::subscribed);
    int got = 0;
    c.subscribe(so, [&got](const Message &) { ++got; });
    QVERIFY(subscribed.wait(5000));
    for (int i = 1; i <= 3; ++i)
        QVERIFY(publishNative(c, QStringLiteral("orders"), QStringLiteral("order.%1").arg(i), QByteArray::number(i)));
    QTRY_COMPARE(got, 3);
    int code = -1;
    const QByteArray messages = sbctl({QStringLiteral("messages"), QStringLiteral("orders"), QStringLiteral("--limit"), QStringLiteral("2")}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(messages.contains("order.1") && messages.contains("order.2") && !messages.contains("order.3"), messages.constData());
    QVERIFY2(messages.contains("--after-seq 2"), messages.constData());
    const QByteArray json = sbctl({QStringLiteral("--json"), QStringLiteral("durables"), QStringLiteral("list")}, &code);
    QCOMPARE(code, 0);
    const QJsonObject answer = QJsonDocument::fromJson(json).object();
    const QJsonArray rows = answer.value(QStringLiteral("rows")).toArray();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("ops-view"));
    QCOMPARE(rows[0].toObject().value(QStringLiteral("waitingForAck")).toInt(), 3);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("subscribers")).toInt(), 1);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("backlog")).toInt(), 3); // the SQLite journal's count
    QVERIFY(sbctl({QStringLiteral("journal"), QStringLiteral("check")}, &code).contains("journal: ok"));
    QCOMPARE(code, 0);
    QVERIFY(sbctl({QStringLiteral("status")}).contains("journal:      sqlite, "));
    // The REST API: administrators only.
    QCOMPARE(curl(url(QStringLiteral("/api/v1/durables"))).code(), QStringLiteral("FORBIDDEN"));
    const QStringList bearer{QStringLiteral("-H"), QStringLiteral("Authorization: Bearer ") + QString::fromLatin1(opsToken)};
    const auto listed = curl(url(QStringLiteral("/api/v1/durables")), bearer);
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.data().toArray().first().toObject().value(QStringLiteral("name")).toString(), QStringLiteral("ops-view"));
    QCOMPARE(listed.data().toArray().first().toObject().value(QStringLiteral("backlog")).toInt(), 3);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/durables/nope")), bearer + QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")}).status,
             404);
    QVERIFY(sbctl({QStringLiteral("durables"), QStringLiteral("delete"), QStringLiteral("ops-view")}, &code).contains("deleted"));
    QCOMPARE(code, 0);
    sbctl({QStringLiteral("durables"), QStringLiteral("delete"), QStringLiteral("ops-view")}, &code);
    QCOMPARE(code, 1); // NOT_FOUND
}

// The console's timeline, over REST and sbctl: counts per span of stored time, by topic, with
// the stored range; what is refused says why.
void tst_JournalDaemon::timelineOverRestAndSbctl()
{
    QVERIFY(startDaemon(QStringLiteral("remote: {local: \"%1\"}\n").arg(m_journal.filePath(QStringLiteral("control.sock")))));
    SwitchboardClient c;
    QVERIFY(connectNative(c));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(publishNative(c, QStringLiteral("orders"), i % 2 ? QStringLiteral("order.odd") : QStringLiteral("order.even"),
                              QByteArray::number(i)));
    const auto one = curl(url(QStringLiteral("/api/v1/channels/orders/messages/density?buckets=1")));
    QCOMPARE(one.status, 200);
    const QJsonObject d = one.data().toObject();
    QCOMPARE(d.value(QStringLiteral("counts")).toArray(), QJsonArray{5});
    QCOMPARE(d.value(QStringLiteral("total")).toInt(), 5);
    QCOMPARE(d.value(QStringLiteral("firstSeq")).toInt(), 1);
    QCOMPARE(d.value(QStringLiteral("lastSeq")).toInt(), 5);
    QVERIFY(!d.value(QStringLiteral("estimated")).toBool());
    QVERIFY(d.value(QStringLiteral("firstTime")).toString().endsWith(QLatin1Char('Z')));
    const auto odd = curl(url(QStringLiteral("/api/v1/channels/orders/messages/density?topic=order.odd&buckets=3")));
    QCOMPARE(odd.status, 200);
    QCOMPARE(odd.data().toObject().value(QStringLiteral("total")).toInt(), 3);
    QVERIFY(odd.data().toObject().value(QStringLiteral("counts")).toArray().size() <= 3);
    for (const QString &bad : {QStringLiteral("?buckets=0"), QStringLiteral("?buckets=1001"), QStringLiteral("?buckets=many"),
                               QStringLiteral("?from=yesterday"), QStringLiteral("?topic=a..b"), QStringLiteral("?from=2000&to=1000")}) {
        const auto r = curl(url(QStringLiteral("/api/v1/channels/orders/messages/density") + bad));
        QVERIFY2(r.status == 400 && !r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty(),
                 qPrintable(bad + QLatin1Char(' ') + QString::fromUtf8(r.body)));
    }
    QCOMPARE(curl(url(QStringLiteral("/api/v1/channels/nope/messages/density"))).status, 404);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/messages/density"))).data().toObject().value(QStringLiteral("counts")).toArray().size(), 0);

    int code = -1;
    const QByteArray bars = sbctl({QStringLiteral("timeline"), QStringLiteral("orders"), QStringLiteral("--buckets"), QStringLiteral("2")}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(bars.contains("5 messages from ") && bars.contains("stored from seq 1 to 5") && bars.contains("##########"), bars.constData());
    QVERIFY(sbctl({QStringLiteral("timeline"), QStringLiteral("orders"), QStringLiteral("--topic"), QStringLiteral("order.even")}, &code)
                .contains("2 messages from "));
    QCOMPARE(code, 0);
    sbctl({QStringLiteral("timeline"), QStringLiteral("orders"), QStringLiteral("--from"), QStringLiteral("yesterday")}, &code);
    QCOMPARE(code, 64);
    sbctl({QStringLiteral("timeline"), QStringLiteral("orders"), QStringLiteral("--buckets"), QStringLiteral("0")}, &code);
    QCOMPARE(code, 1);
}

QTEST_GUILESS_MAIN(tst_JournalDaemon)
#include "tst_journaldaemon.moc"
