// SPDX-License-Identifier: Apache-2.0
// The remote-control API end to end in one process: a hub, its RemoteControl source behind a
// RemoteServer (local socket and TLS), and RemoteClient replicas. Checks that an unauthenticated
// replica gets nothing and that every slot has its effect on the hub.
#include "../hangwatch.h"
#include "../testcert.h"
#include <remotecontrol.h>
#include <remoteclient.h>
#include <remotehandshake.h>
#include <remoteresult.h>
#include <remoteserver.h>

#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/hub.h>
#include <switchboard/tls.h>
#include <switchboard/authchain.h>
#include <switchboard/tokenauthenticator.h>

#include <QLocalSocket>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <switchboard/principal.h>

namespace {
// The tests act in-process, with the built-in admin role.
sb::Principal testPrincipal()
{
    return sb::Principal::inProcess(QStringLiteral("test"));
}
} // namespace

using namespace sb;
using namespace sb::remote;

namespace {
class FakeConnection : public Connection
{
public:
    explicit FakeConnection(const QString &id) : Connection(id, QStringLiteral("fake"), QStringLiteral("10.0.0.9:5555")) {}
    void close(const Error &reason) override { closedWith = reason; }
    Error closedWith;

protected:
    void drain() override
    {
        DeliveryQueue out;
        takePending(out, 1 << 30);
    }
};

QVariantMap await(QRemoteObjectPendingReply<QVariantMap> reply)
{
    return RemoteClient::await(reply, 10000);
}

QString codeOf(const QVariantMap &answer)
{
    return answer.value(QStringLiteral("ok")).toBool() ? QStringLiteral("OK") : answer.value(QStringLiteral("code")).toString();
}
} // namespace

class tst_RemoteControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void handshakeLines_data();
    void handshakeLines();
    void refusal_data();
    void refusal();
    void garbageGetsOneErrorLine();
    void accepted_data();
    void accepted();
    void replicaGoneHubGoesOn();
    void snapshotsOnlyWhileWatched();
    void channelSlots();
    void publishAndRequest();
    void deadLetterSlots();
    void closeConnection();
    void reload();
    void watch();
    void watchLeaseExpires();
    void listAndModels();
    void callByName_data();
    void callByName();

private:
    bool connectClient(RemoteClient &client, const QString &transport, const QByteArray &token, bool trustCa = true);

    QTemporaryDir m_dir;
    QString m_cert, m_key;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<AuthChain> m_tokens; // the hub's authenticator: a chain holding the tokens
    std::unique_ptr<RemoteControl> m_control;
    std::unique_ptr<RemoteServer> m_server;
    bool m_localNeedsToken = false;
};

void tst_RemoteControl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cert = m_dir.filePath(QStringLiteral("hub.pem"));
    m_key = m_dir.filePath(QStringLiteral("hub.key"));
    const QString certError = makeLoopbackCertificate(m_cert, m_key);
    QVERIFY2(certError.isEmpty(), qPrintable(certError));
}

void tst_RemoteControl::init()
{
    sb::test::HangWatch::testFunctionStarted(QTest::currentTestFunction(), QTest::currentDataTag());
    m_hub = std::make_unique<Hub>();
    m_hub->setObjectName(QStringLiteral("test-hub"));
    auto tokens = std::make_shared<TokenAuthenticator>();
    tokens->addToken(QStringLiteral("ops"), TokenAuthenticator::digestHex("s3cret"), {QStringLiteral("admin")});
    tokens->addToken(QStringLiteral("viewer"), TokenAuthenticator::digestHex("look"), {QStringLiteral("read")});
    m_tokens = std::make_unique<AuthChain>();
    m_tokens->addProvider(tokens);
    RemoteControl::Options co;
    co.snapshotIntervalMs = 100;
    co.watchLeaseMs = 600;
    co.watchBatchMs = 20;
    m_control = std::make_unique<RemoteControl>(m_hub.get(), co);
    RemoteServerOptions so;
    so.localName = m_dir.filePath(QStringLiteral("rc-%1.sock").arg(QString::fromLatin1(QTest::currentTestFunction())));
    so.localRequiresToken = m_localNeedsToken;
    so.tcpHost = QStringLiteral("127.0.0.1");
    Result<QSslConfiguration> tls = loadServerTls(m_cert, m_key);
    QVERIFY2(tls, qPrintable(tls.error().toString()));
    so.tls = tls.value();
    so.handshakeTimeoutMs = 2000;
    m_server = std::make_unique<RemoteServer>(m_control.get(), m_tokens.get(), so);
    const Status st = m_server->start();
    QVERIFY2(st, qPrintable(st.error().toString()));
}

void tst_RemoteControl::cleanup()
{
    m_server.reset();
    m_control.reset();
    m_tokens.reset();
    m_hub.reset();
    m_localNeedsToken = false;
}

bool tst_RemoteControl::connectClient(RemoteClient &client, const QString &transport, const QByteArray &token, bool trustCa)
{
    RemoteClient::Options o;
    o.token = token;
    o.timeoutMs = 5000;
    if (trustCa)
        o.caCertificates = QSslCertificate::fromPath(m_cert, QSsl::Pem);
    const QString address = transport == QLatin1String("local") ? QStringLiteral("local:") + m_server->localAddress()
                                                                : QStringLiteral("tls://127.0.0.1:%1").arg(m_server->tcpPort());
    client.connectToHub(address, o);
    return client.waitForReady(8000);
}

void tst_RemoteControl::handshakeLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("hubOrMessage");
    QTest::addRow("ok") << QByteArray("OK hub-1\n") << QString() << QStringLiteral("hub-1");
    QTest::addRow("ok crlf") << QByteArray("OK hub-1\r\n") << QString() << QStringLiteral("hub-1");
    QTest::addRow("refused") << QByteArray("ERR UNAUTHENTICATED the token is not valid\n") << QStringLiteral("UNAUTHENTICATED")
                             << QStringLiteral("the token is not valid");
    QTest::addRow("unknown code") << QByteArray("ERR WHATEVER x\n") << QStringLiteral("INTERNAL") << QStringLiteral("x");
    QTest::addRow("not a hub") << QByteArray("HTTP/1.1 400 Bad Request\n") << QStringLiteral("BAD_FRAME") << QString();
}

void tst_RemoteControl::handshakeLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, code);
    QFETCH(QString, hubOrMessage);
    Result<QString> r = RemoteHandshake::parseAnswer(line);
    if (code.isEmpty()) {
        QVERIFY(r);
        QCOMPARE(r.value(), hubOrMessage);
    } else {
        QVERIFY(!r);
        QCOMPARE(r.error().codeName(), code);
        if (!hubOrMessage.isEmpty())
            QCOMPARE(r.error().message, hubOrMessage);
    }
    QCOMPARE(RemoteHandshake::parseHello(RemoteHandshake::hello("tok en")).value(), QByteArray("tok en"));
    QVERIFY(!RemoteHandshake::parseHello("GET / HTTP/1.1\r\n"));
}

void tst_RemoteControl::refusal_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("localNeedsToken");
    QTest::addColumn<bool>("trustCa");
    QTest::addColumn<QString>("code");
    QTest::addRow("local wrong token") << QStringLiteral("local") << QByteArray("nope") << false << true << QStringLiteral("UNAUTHENTICATED");
    QTest::addRow("local no token when required") << QStringLiteral("local") << QByteArray() << true << true << QStringLiteral("UNAUTHENTICATED");
    QTest::addRow("local token without role") << QStringLiteral("local") << QByteArray("look") << false << true << QStringLiteral("FORBIDDEN");
    QTest::addRow("tls no token") << QStringLiteral("tls") << QByteArray() << false << true << QStringLiteral("UNAUTHENTICATED");
    QTest::addRow("tls wrong token") << QStringLiteral("tls") << QByteArray("nope") << false << true << QStringLiteral("UNAUTHENTICATED");
    QTest::addRow("tls token without role") << QStringLiteral("tls") << QByteArray("look") << false << true << QStringLiteral("FORBIDDEN");
    QTest::addRow("tls untrusted certificate") << QStringLiteral("tls") << QByteArray("s3cret") << false << false << QStringLiteral("UNAUTHENTICATED");
}

void tst_RemoteControl::refusal()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, token);
    QFETCH(bool, localNeedsToken);
    QFETCH(bool, trustCa);
    QFETCH(QString, code);
    if (localNeedsToken) {
        cleanup();
        m_localNeedsToken = true;
        init();
    }
    RemoteClient client;
    QSignalSpy failed(&client, &RemoteClient::failed);
    QVERIFY(!connectClient(client, transport, token, trustCa));
    QCOMPARE(client.state(), RemoteClient::State::Failed);
    QCOMPARE(client.error().codeName(), code);
    QVERIFY(!client.api()); // never acquired: nothing of the hub reached it
    QCOMPARE(m_server->authenticatedCount(), 0);
    if (trustCa) // an untrusted certificate is refused by the replica before any hello
        QTRY_COMPARE(m_server->refusedCount(), 1);
}

void tst_RemoteControl::garbageGetsOneErrorLine()
{
    QLocalSocket raw;
    raw.connectToServer(m_server->localAddress());
    QVERIFY(raw.waitForConnected(5000));
    raw.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_VERIFY(raw.canReadLine() || raw.state() != QLocalSocket::ConnectedState);
    const QByteArray line = raw.readLine();
    QVERIFY2(line.startsWith("ERR BAD_FRAME "), line.constData());
    QTRY_COMPARE(raw.state(), QLocalSocket::UnconnectedState);
    QCOMPARE(raw.readAll(), QByteArray()); // no QtRO byte after the refusal

    // Silence gets a TIMEOUT refusal, not a hung server slot.
    QLocalSocket silent;
    silent.connectToServer(m_server->localAddress());
    QVERIFY(silent.waitForConnected(5000));
    QTRY_VERIFY_WITH_TIMEOUT(silent.canReadLine(), 5000);
    QVERIFY(silent.readLine().startsWith("ERR TIMEOUT "));
}

void tst_RemoteControl::accepted_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("token");
    QTest::addRow("local without token") << QStringLiteral("local") << QByteArray();
    QTest::addRow("local with token") << QStringLiteral("local") << QByteArray("s3cret");
    QTest::addRow("tls with token") << QStringLiteral("tls") << QByteArray("s3cret");
}

void tst_RemoteControl::accepted()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, token);
    m_control->describe(QStringLiteral("9.9.9"), QStringLiteral("test-hub"));
    RemoteClient client;
    QVERIFY2(connectClient(client, transport, token), qPrintable(client.error().toString()));
    QCOMPARE(client.hubName(), QStringLiteral("test-hub"));
    QCOMPARE(client.api()->hubName(), QStringLiteral("test-hub"));
    QCOMPARE(client.api()->version(), QStringLiteral("9.9.9"));
    QCOMPARE(client.api()->snapshotIntervalMs(), 100);
    QVERIFY(client.api()->stats().contains(QStringLiteral("inRate")));
    QCOMPARE(m_server->authenticatedCount(), 1);

    // Losing the hub is reported, not hidden.
    QSignalSpy lost(&client, &RemoteClient::disconnected);
    m_server.reset();
    QVERIFY(lost.wait(5000));
    QCOMPARE(client.error().codeName(), QStringLiteral("NOT_CONNECTED"));
}

void tst_RemoteControl::replicaGoneHubGoesOn()
{
    // Replicas come and go; the hub keeps serving the others and never writes to a gone one.
    for (int i = 0; i < 3; ++i) {
        RemoteClient gone;
        QVERIFY(connectClient(gone, QStringLiteral("local"), {}));
        QAbstractItemModelReplica *model = gone.model(QStringLiteral("Channels"));
        QTRY_VERIFY(model->isInitialized());
    }
    QTest::qWait(50); // let the hub see the disconnections
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    for (int i = 0; i < 3; ++i) {
        const QVariantMap a = await(client.api()->createChannel({{QStringLiteral("name"), QStringLiteral("c%1").arg(i)}}));
        QCOMPARE(codeOf(a), QStringLiteral("OK"));
        m_control->refresh();
    }
    QTRY_COMPARE(client.api()->stats().value(QStringLiteral("channels")).toInt(), 3);
}

void tst_RemoteControl::snapshotsOnlyWhileWatched()
{
    // Nobody attached: no snapshot is taken, so the models lag the hub.
    QCOMPARE(m_control->attachedReplicas(), 0);
    QVERIFY(m_hub->bus()->createChannel(ChannelConfig::fromVariantMap({{QStringLiteral("name"), QStringLiteral("before")}}).value(), testPrincipal()));
    QTest::qWait(250); // more than two snapshot intervals
    QCOMPARE(m_control->channelsModel()->rowCount(), 0);

    {
        // The first replica gets the hub as it is, then a snapshot every interval.
        RemoteClient client;
        QVERIFY(connectClient(client, QStringLiteral("local"), {}));
        QTRY_COMPARE(m_control->attachedReplicas(), 1);
        QCOMPARE(m_server->attachedCount(), 1);
        QAbstractItemModelReplica *channels = client.model(QStringLiteral("Channels"));
        QTRY_COMPARE(channels->rowCount(), 1);
        QVERIFY(m_hub->bus()->createChannel(ChannelConfig::fromVariantMap({{QStringLiteral("name"), QStringLiteral("during")}}).value(), testPrincipal()));
        QTRY_COMPARE(channels->rowCount(), 2);

        RemoteClient second;
        QVERIFY(connectClient(second, QStringLiteral("local"), {}));
        QTRY_COMPARE(m_control->attachedReplicas(), 2);
    }
    // Both gone: the timer stops again.
    QTRY_COMPARE(m_control->attachedReplicas(), 0);
    QCOMPARE(m_server->attachedCount(), 0);
    QVERIFY(m_hub->bus()->createChannel(ChannelConfig::fromVariantMap({{QStringLiteral("name"), QStringLiteral("after")}}).value(), testPrincipal()));
    QTest::qWait(250);
    QCOMPARE(m_control->channelsModel()->rowCount(), 2);
}

void tst_RemoteControl::channelSlots()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    SwitchboardReplica *api = client.api();

    QVariantMap a = await(api->createChannel({{QStringLiteral("name"), QStringLiteral("orders")},
                                              {QStringLiteral("type"), QStringLiteral("queue")},
                                              {QStringLiteral("description"), QStringLiteral("order intake")}}));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QVERIFY(m_hub->bus()->channel(QStringLiteral("orders")));
    QCOMPARE(m_hub->bus()->channel(QStringLiteral("orders"))->type, ChannelType::Queue);

    QCOMPARE(codeOf(await(api->createChannel({{QStringLiteral("name"), QStringLiteral("orders")}}))), QStringLiteral("CHANNEL_EXISTS"));
    a = await(api->createChannel({{QStringLiteral("name"), QStringLiteral("bad name!")}}));
    QCOMPARE(codeOf(a), QStringLiteral("INVALID_CONFIG"));
    QVERIFY(!a.value(QStringLiteral("message")).toString().isEmpty());
    a = await(api->createChannel({{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("type"), QStringLiteral("fanout")}}));
    QCOMPARE(codeOf(a), QStringLiteral("INVALID_CONFIG"));
    QVERIFY2(a.value(QStringLiteral("message")).toString().contains(QLatin1String("type")), qPrintable(a.value(QStringLiteral("message")).toString()));

    a = await(api->updateChannel({{QStringLiteral("name"), QStringLiteral("orders")},
                                  {QStringLiteral("type"), QStringLiteral("queue")},
                                  {QStringLiteral("description"), QStringLiteral("changed")}}));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QCOMPARE(m_hub->bus()->channel(QStringLiteral("orders"))->description, QStringLiteral("changed"));
    QCOMPARE(codeOf(await(api->updateChannel({{QStringLiteral("name"), QStringLiteral("ghost")}}))), QStringLiteral("CHANNEL_NOT_FOUND"));

    // The replica's Channels model follows.
    QAbstractItemModelReplica *model = client.model(QStringLiteral("Channels"));
    QTRY_VERIFY(model->isInitialized());
    QTRY_COMPARE(model->rowCount(), 1);
    QTRY_COMPARE(model->data(model->index(0, 0), Qt::DisplayRole).toString(), QStringLiteral("orders"));

    QCOMPARE(codeOf(await(api->deleteChannel(QStringLiteral("orders")))), QStringLiteral("OK"));
    QVERIFY(!m_hub->bus()->channel(QStringLiteral("orders")));
    QCOMPARE(codeOf(await(api->deleteChannel(QStringLiteral("orders")))), QStringLiteral("CHANNEL_NOT_FOUND"));
    QTRY_COMPARE(model->rowCount(), 0);
}

void tst_RemoteControl::publishAndRequest()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    SwitchboardReplica *api = client.api();

    QList<Message> got;
    SubscriptionOptions so;
    so.pattern = QStringLiteral("sensor.>");
    QVERIFY(m_hub->bus()->subscribe(so, testPrincipal(), this, [&got](const Message &m) { got.append(m); return Status(); }));
    QVariantMap a = await(api->publish({{QStringLiteral("topic"), QStringLiteral("sensor.1.temp")},
                                        {QStringLiteral("payload"), QStringLiteral("{\"c\":21.5}")},
                                        {QStringLiteral("contentType"), QStringLiteral("application/json")},
                                        {QStringLiteral("headers"), QVariantMap{{QStringLiteral("unit"), QStringLiteral("C")}}}}));
    QVERIFY2(codeOf(a) == QLatin1String("OK"), qPrintable(a.value(QStringLiteral("message")).toString()));
    QCOMPARE(a.value(QStringLiteral("delivered")).toInt(), 1);
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got.first().topic(), QStringLiteral("sensor.1.temp"));
    QCOMPARE(got.first().header(QStringLiteral("unit")), QStringLiteral("C"));
    QCOMPARE(got.first().source(), QStringLiteral("remote-control"));

    // Binary payloads go as base64 and arrive byte for byte.
    const QByteArray binary("\x00\xff\x10 raw", 7);
    a = await(api->publish({{QStringLiteral("topic"), QStringLiteral("sensor.2.raw")},
                            {QStringLiteral("payload"), QString::fromLatin1(binary.toBase64())},
                            {QStringLiteral("dataEncoding"), QStringLiteral("base64")}}));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got.last().payload(), binary);

    QCOMPARE(codeOf(await(api->publish({{QStringLiteral("topic"), QStringLiteral("bad..topic")}}))), QStringLiteral("INVALID_TOPIC"));
    QCOMPARE(codeOf(await(api->publish({{QStringLiteral("topic"), QStringLiteral("t")}, {QStringLiteral("payload"), QStringLiteral("a")},
                                        {QStringLiteral("data"), QStringLiteral("b")}}))),
             QStringLiteral("BAD_MESSAGE"));
    QCOMPARE(codeOf(await(api->publish({{QStringLiteral("channel"), QStringLiteral("nowhere")}, {QStringLiteral("topic"), QStringLiteral("t")}}))),
             QStringLiteral("CHANNEL_NOT_FOUND"));

    // Request/reply: an answer comes back through requestFinished with its latency.
    SubscriptionOptions rs;
    rs.pattern = QStringLiteral("svc.echo");
    QVERIFY(m_hub->bus()->subscribe(rs, testPrincipal(), this, [this](const Message &m) {
        if (m.type() != MessageType::Request)
            return Status();
        Message r = m;
        r.setType(MessageType::Response);
        r.setPayload("echo:" + m.payload());
        return m_hub->bus()->reply(r, testPrincipal());
    }));
    QSignalSpy finished(api, &SwitchboardReplica::requestFinished);
    a = await(api->request({{QStringLiteral("topic"), QStringLiteral("svc.echo")}, {QStringLiteral("payload"), QStringLiteral("hi")}}, 3000));
    QVERIFY2(codeOf(a) == QLatin1String("OK"), qPrintable(a.value(QStringLiteral("message")).toString()));
    const QString requestId = a.value(QStringLiteral("requestId")).toString();
    QVERIFY(!requestId.isEmpty());
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().at(0).toString(), requestId);
    const QVariantMap result = finished.first().at(1).toMap();
    QCOMPARE(codeOf(result), QStringLiteral("OK"));
    QCOMPARE(result.value(QStringLiteral("response")).toMap().value(QStringLiteral("data")).toString(), QStringLiteral("echo:hi"));
    QVERIFY(result.contains(QStringLiteral("latencyMs")));

    // The hub-wide Requests model pairs it by correlation id, with its latency.
    m_control->refresh();
    remote::SnapshotListModel *log = m_control->requestsModel();
    const int row = log->indexOfKey(a.value(QStringLiteral("correlationId")).toString());
    QVERIFY(row >= 0);
    QCOMPARE(log->row(row).value(QStringLiteral("state")).toString(), QStringLiteral("answered"));
    QCOMPARE(log->row(row).value(QStringLiteral("topic")).toString(), QStringLiteral("svc.echo"));
    QVERIFY(log->row(row).value(QStringLiteral("latencyMs")).toLongLong() >= 0);
    // One nobody answers (a subscriber that stays silent) ends as unanswered after its timeout.
    SubscriptionOptions silent;
    silent.pattern = QStringLiteral("svc.silent");
    QVERIFY(m_hub->bus()->subscribe(silent, testPrincipal(), this, [](const Message &) { return Status(); }));
    QSignalSpy finished2(api, &SwitchboardReplica::requestFinished);
    const QVariantMap s2 = await(api->request({{QStringLiteral("topic"), QStringLiteral("svc.silent")}}, 200));
    QVERIFY(finished2.wait(5000));
    QCOMPARE(codeOf(finished2.first().at(1).toMap()), QStringLiteral("TIMEOUT"));
    m_control->refresh();
    QCOMPARE(log->row(log->indexOfKey(s2.value(QStringLiteral("correlationId")).toString())).value(QStringLiteral("state")).toString(),
             QStringLiteral("unanswered"));

    QCOMPARE(codeOf(await(api->request({{QStringLiteral("topic"), QStringLiteral("svc.nobody")}}, 1000))), QStringLiteral("NO_RESPONDERS"));
    QCOMPARE(codeOf(await(api->request({{QStringLiteral("topic"), QStringLiteral("svc.echo")}}, 0))), QStringLiteral("BAD_MESSAGE"));
}

void tst_RemoteControl::deadLetterSlots()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    SwitchboardReplica *api = client.api();
    ChannelConfig p2p;
    p2p.name = QStringLiteral("direct");
    p2p.type = ChannelType::PointToPoint;
    QVERIFY(m_hub->bus()->createChannel(p2p, testPrincipal()));
    // Nobody at these addresses: three NO_ROUTE dead letters.
    for (int i = 0; i < 3; ++i) {
        Message m;
        m.setChannel(QStringLiteral("direct"));
        m.setTopic(QStringLiteral("worker.%1").arg(i));
        m.setPayload("job " + QByteArray::number(i));
        m_hub->bus()->publish(m, testPrincipal());
    }
    DeadLetterStore *store = m_hub->bus()->deadLetters();
    QCOMPARE(store->count(), 3);
    const QList<DeadLetter> letters = store->list();

    QVariantMap a = await(api->deadLetter(letters.at(0).id));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QCOMPARE(a.value(QStringLiteral("deadLetter")).toMap().value(QStringLiteral("reason")).toString(), QStringLiteral("NO_ROUTE"));
    QCOMPARE(codeOf(await(api->deadLetter(999999))), QStringLiteral("NOT_FOUND"));

    // Requeue with an edit to a topic that now has a subscriber; the audit headers say so.
    QList<Message> got;
    SubscriptionOptions so;
    so.channel = QStringLiteral("direct");
    so.pattern = QStringLiteral("worker.fixed");
    QVERIFY(m_hub->bus()->subscribe(so, testPrincipal(), this, [&got](const Message &m) { got.append(m); return Status(); }));
    QCOMPARE(codeOf(await(api->requeueDeadLetter(letters.at(0).id, {{QStringLiteral("topic"), QStringLiteral("bad..topic")}}))),
             QStringLiteral("INVALID_TOPIC"));
    QCOMPARE(store->count(), 3); // a bad edit changes nothing
    QCOMPARE(codeOf(await(api->requeueDeadLetter(letters.at(0).id, {{QStringLiteral("priority"), 1}}))), QStringLiteral("BAD_MESSAGE"));
    a = await(api->requeueDeadLetter(letters.at(0).id, {{QStringLiteral("topic"), QStringLiteral("worker.fixed")}}));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got.first().payload(), QByteArray("job 0"));
    QVERIFY(!got.first().header(QStringLiteral("x-sb-requeued-from")).isEmpty());
    QCOMPARE(got.first().header(QStringLiteral("x-sb-edited-by")), QStringLiteral("remote-control"));
    QCOMPARE(store->count(), 2);

    // Requeue without edits to a still-absent address: it stays a dead letter (a fresh one).
    a = await(api->requeueDeadLetter(letters.at(1).id, {}));
    QCOMPARE(store->count(), 2);

    // Purge one by id, then all; bad ids are refused without purging anything.
    QCOMPARE(codeOf(await(api->purgeDeadLetters({QStringLiteral("abc")}))), QStringLiteral("BAD_MESSAGE"));
    QCOMPARE(store->count(), 2);
    a = await(api->purgeDeadLetters({QString::number(store->list().first().id)}));
    QCOMPARE(a.value(QStringLiteral("purged")).toInt(), 1);
    QCOMPARE(store->count(), 1);
    a = await(api->purgeDeadLetters({}));
    QCOMPARE(a.value(QStringLiteral("purged")).toInt(), 1);
    QCOMPARE(store->count(), 0);
}

void tst_RemoteControl::closeConnection()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    FakeConnection conn(QStringLiteral("fake-1"));
    m_hub->registerConnection(&conn);
    QVariantMap a = await(client.api()->closeConnection(QStringLiteral("fake-1"), QStringLiteral("maintenance")));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QCOMPARE(conn.closedWith.message, QStringLiteral("maintenance"));
    QCOMPARE(codeOf(await(client.api()->closeConnection(QStringLiteral("fake-404"), {}))), QStringLiteral("NOT_FOUND"));
    m_hub->unregisterConnection(&conn);
}

void tst_RemoteControl::reload()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    QCOMPARE(codeOf(await(client.api()->reloadConfig())), QStringLiteral("NOT_FOUND"));
    int calls = 0;
    m_control->setReloadHandler([&calls]() -> Result<QVariantMap> {
        ++calls;
        if (calls == 2)
            return Error(ErrorCode::InvalidConfig, QStringLiteral("switchboardd.yaml:3: channels[0].type: unknown"));
        return QVariantMap{{QStringLiteral("created"), QStringList{QStringLiteral("a")}}};
    });
    QVariantMap a = await(client.api()->reloadConfig());
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QCOMPARE(a.value(QStringLiteral("created")).toStringList(), QStringList{QStringLiteral("a")});
    a = await(client.api()->reloadConfig());
    QCOMPARE(codeOf(a), QStringLiteral("INVALID_CONFIG"));
    QVERIFY(a.value(QStringLiteral("message")).toString().startsWith(QLatin1String("switchboardd.yaml:3:")));
}

void tst_RemoteControl::watch()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    SwitchboardReplica *api = client.api();
    QCOMPARE(codeOf(await(api->watch({}, QStringLiteral("a..b"), 10))), QStringLiteral("INVALID_TOPIC"));
    QCOMPARE(codeOf(await(api->watch({}, QStringLiteral(">"), 0))), QStringLiteral("BAD_MESSAGE"));
    QVariantMap a = await(api->watch({}, QStringLiteral("plant.*.state"), 5));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    const QString id = a.value(QStringLiteral("watchId")).toString();
    QCOMPARE(m_control->watchCount(), 1);

    QSignalSpy batches(api, &SwitchboardReplica::watchBatch);
    for (int i = 0; i < 8; ++i) {
        Message m;
        m.setTopic(QStringLiteral("plant.%1.state").arg(i));
        m.setPayload("on");
        m_hub->bus()->publish(m, testPrincipal());
    }
    Message other;
    other.setTopic(QStringLiteral("plant.1.other"));
    m_hub->bus()->publish(other, testPrincipal());
    int shown = 0, dropped = 0;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 while (!batches.isEmpty()) {
                                     const QList<QVariant> b = batches.takeFirst();
                                     if (b.at(0).toString() != id)
                                         continue;
                                     for (const QVariant &m : b.at(1).toList())
                                         shown += m.toMap().value(QStringLiteral("topic")).toString().endsWith(QLatin1String(".state")) ? 1 : 100;
                                     dropped += b.at(2).toInt();
                                 }
                                 return shown + dropped >= 8;
                             }()),
                             5000);
    QCOMPARE(shown, 5);   // maxPerSecond
    QCOMPARE(dropped, 3); // counted, never queued, never dead-lettered
    QCOMPARE(m_hub->bus()->deadLetters()->count(), 0);

    QCOMPARE(codeOf(await(api->renewWatch(id))), QStringLiteral("OK"));
    QSignalSpy ended(api, &SwitchboardReplica::watchEnded);
    QCOMPARE(codeOf(await(api->unwatch(id))), QStringLiteral("OK"));
    QTRY_COMPARE(ended.count(), 1);
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("unwatched"));
    QCOMPARE(m_control->watchCount(), 0);
    QCOMPARE(codeOf(await(api->unwatch(id))), QStringLiteral("NOT_FOUND"));
}

void tst_RemoteControl::watchLeaseExpires()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    QSignalSpy ended(client.api(), &SwitchboardReplica::watchEnded);
    const QVariantMap a = await(client.api()->watch({}, QStringLiteral(">"), 10));
    QCOMPARE(a.value(QStringLiteral("leaseMs")).toInt(), 600);
    // A replica that vanishes without unwatching leaves nothing behind.
    QVERIFY(ended.wait(5000));
    QCOMPARE(ended.first().at(1).toString(), QStringLiteral("lease expired"));
    QCOMPARE(m_control->watchCount(), 0);
    QCOMPARE(m_hub->bus()->subscriptionCount(), 0);
}

void tst_RemoteControl::listAndModels()
{
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    SwitchboardReplica *api = client.api();
    for (const char *t : {"line.1.speed", "line.2.speed", "line.2.temp"}) {
        Message m;
        m.setTopic(QString::fromLatin1(t));
        m.setPayload(QByteArray("{\"v\":") + t[5] + "}");
        m.setContentType(QStringLiteral("application/json"));
        m_hub->bus()->publish(m, testPrincipal());
    }
    QVariantMap a = await(api->list(QStringLiteral("topics"), QStringLiteral("line.*.speed"), 0, 0));
    QCOMPARE(codeOf(a), QStringLiteral("OK"));
    QCOMPARE(a.value(QStringLiteral("total")).toInt(), 2);
    a = await(api->list(QStringLiteral("topics"), {}, 1, 1));
    QCOMPARE(a.value(QStringLiteral("total")).toInt(), 3);
    QCOMPARE(a.value(QStringLiteral("rows")).toList().size(), 1);
    QCOMPARE(codeOf(await(api->list(QStringLiteral("widgets"), {}, 0, 0))), QStringLiteral("NOT_FOUND"));
    QCOMPARE(codeOf(await(api->list(QStringLiteral("topics"), QStringLiteral("a.>.b"), 0, 0))), QStringLiteral("INVALID_TOPIC"));
    a = await(api->list(QStringLiteral("topics"), QStringLiteral("temp"), 0, 0)); // text: a substring
    QCOMPARE(a.value(QStringLiteral("total")).toInt(), 1);

    // The Topics model carries the last payload of each topic, at the snapshot rate.
    QAbstractItemModelReplica *topics = client.model(QStringLiteral("Topics"));
    QTRY_COMPARE(topics->rowCount(), 3);
    const QHash<int, QByteArray> roles = topics->roleNames();
    const int lastPayload = roles.key("lastPayload");
    QVERIFY(lastPayload >= Qt::UserRole);
    QStringList seen;
    QTRY_VERIFY(([&] {
        seen.clear();
        for (int r = 0; r < topics->rowCount(); ++r) {
            const QModelIndex i = topics->index(r, 0);
            seen << topics->data(i, Qt::DisplayRole).toString() + QLatin1Char('=')
                    + QString::fromUtf8(topics->data(i, lastPayload).toByteArray());
        }
        seen.sort();
        return seen == QStringList{QStringLiteral("line.1.speed={\"v\":1}"), QStringLiteral("line.2.speed={\"v\":2}"),
                                   QStringLiteral("line.2.temp={\"v\":2}")};
    }()));

    // Stats follow at the snapshot rate.
    QTRY_COMPARE(api->stats().value(QStringLiteral("in")).toInt(), 3);
    QTRY_COMPARE(api->stats().value(QStringLiteral("topics")).toInt(), 3);
}

void tst_RemoteControl::callByName_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QVariantMap>("args");
    QTest::addColumn<QString>("code");
    const QVariantMap cfg{{QStringLiteral("name"), QStringLiteral("py")}};
    QTest::addRow("createChannel") << QStringLiteral("createChannel") << QVariantMap{{QStringLiteral("config"), cfg}} << QStringLiteral("OK");
    QTest::addRow("missing argument") << QStringLiteral("createChannel") << QVariantMap() << QStringLiteral("BAD_MESSAGE");
    QTest::addRow("unknown method") << QStringLiteral("dropTables") << QVariantMap() << QStringLiteral("NOT_FOUND");
    QTest::addRow("publish") << QStringLiteral("publish")
                             << QVariantMap{{QStringLiteral("message"), QVariantMap{{QStringLiteral("topic"), QStringLiteral("a.b")}}}}
                             << QStringLiteral("OK");
    QTest::addRow("list") << QStringLiteral("list") << QVariantMap{{QStringLiteral("collection"), QStringLiteral("channels")}}
                          << QStringLiteral("OK");
    QTest::addRow("deleteChannel absent") << QStringLiteral("deleteChannel") << QVariantMap{{QStringLiteral("name"), QStringLiteral("zz")}}
                                          << QStringLiteral("CHANNEL_NOT_FOUND");
    QTest::addRow("unwatch absent") << QStringLiteral("unwatch") << QVariantMap{{QStringLiteral("watchId"), QStringLiteral("w-9")}}
                                    << QStringLiteral("NOT_FOUND");
}

void tst_RemoteControl::callByName()
{
    QFETCH(QString, method);
    QFETCH(QVariantMap, args);
    QFETCH(QString, code);
    RemoteClient client;
    QVERIFY(connectClient(client, QStringLiteral("local"), {}));
    QSignalSpy answered(client.api(), &SwitchboardReplica::answered);
    client.api()->call(QStringLiteral("c-1"), method, args);
    QVERIFY(answered.wait(5000));
    QCOMPARE(answered.first().at(0).toString(), QStringLiteral("c-1"));
    const QVariantMap answer = answered.first().at(1).toMap();
    QCOMPARE(codeOf(answer), code);
    if (method == QLatin1String("createChannel") && code == QLatin1String("OK"))
        QVERIFY(m_hub->bus()->channel(QStringLiteral("py")));
}

QTEST_GUILESS_MAIN(tst_RemoteControl)
#include "tst_remotecontrol.moc"

