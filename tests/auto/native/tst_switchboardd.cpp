// SPDX-License-Identifier: Apache-2.0
// Integration: the real switchboardd, driven over TCP and the local socket by SwitchboardClient
// (and by a raw client that misbehaves on purpose).
#include "../hangwatch.h"
#include "../testcert.h"
#include "daemonprocess.h"
#include "rawclient.h"

#include <switchboardclient.h>

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sb;
using namespace sb::native;

class tst_Switchboardd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void fanOut();
    void messageReceivedSignal();
    void wildcards();
    void queueGroupsAreFair();
    void requestReply();
    void configuredChannel();
    void errorsHaveCodes();
    void slowConsumerIsDeadLettered();
    void overflowDisconnects();
    void badFramesDoNotDisturbOthers();
    void handshakeTimeout();
    void idlePeerIsPingedThenClosed();
    void nackIsRetriedThenDeadLettered();
    void reconnectResubscribes();
    void addressInUse();
    void tls();
    void authentication();

private:
    QString transport() const
    {
        QFETCH_GLOBAL(QString, transport);
        return transport;
    }
    QString url() const { return m_daemon->url(transport()); }
    bool restart(const DaemonProcess::Options &options);
    std::unique_ptr<SwitchboardClient> client(const QString &name);
    bool subscribe(SwitchboardClient &c, const SwitchboardClient::SubscribeOptions &o,
                   SwitchboardClient::MessageHandler h);

    std::unique_ptr<DaemonProcess> m_daemon;
    bool m_expectCleanExit = true;
};

void tst_Switchboardd::initTestCase_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    QTest::newRow("local") << QStringLiteral("local");
}

void tst_Switchboardd::init()
{
    sb::test::HangWatch::testFunctionStarted(QTest::currentTestFunction(), QTest::currentDataTag());
    m_expectCleanExit = true;
    QVERIFY(restart({}));
}

void tst_Switchboardd::cleanup()
{
    if (!m_daemon)
        return;
    const int code = m_daemon->stop();
    const QString logs = m_daemon->stderrText();
    m_daemon.reset();
    if (m_expectCleanExit) {
        // Graceful drain on SIGTERM: exit 0 and the last log line says so.
        QCOMPARE(code, 0);
        QVERIFY2(logs.contains(QLatin1String("\"msg\":\"stopped\"")), qPrintable(logs.right(2000)));
    }
}

bool tst_Switchboardd::restart(const DaemonProcess::Options &options)
{
    if (m_daemon)
        m_daemon->stop();
    m_daemon = std::make_unique<DaemonProcess>();
    // These tests exercise the protocol, not the default ACL (tst_security does): anonymous
    // clients may do everything here, advisories included.
    DaemonProcess::Options o = options;
    if (!o.topLevelExtra.contains(QLatin1String("acl:")))
        o.topLevelExtra += QStringLiteral("acl:\n  roles:\n    anonymous:\n      - {allow: [publish, subscribe, request, reply]}\n");
    if (!m_daemon->start(o)) {
        qWarning().noquote() << m_daemon->errorString();
        return false;
    }
    return true;
}

std::unique_ptr<SwitchboardClient> tst_Switchboardd::client(const QString &name)
{
    auto c = std::make_unique<SwitchboardClient>();
    SwitchboardClient::Options o;
    o.name = name;
    c->setOptions(o);
    QSignalSpy connected(c.get(), &SwitchboardClient::connected);
    if (!c->connectToHub(url()) || !connected.wait(10000)) {
        qWarning() << "client" << name << "could not connect to" << url() << c->lastError().toString();
        return nullptr;
    }
    return c;
}

bool tst_Switchboardd::subscribe(SwitchboardClient &c, const SwitchboardClient::SubscribeOptions &o,
                                 SwitchboardClient::MessageHandler h)
{
    QSignalSpy subscribed(&c, &SwitchboardClient::subscribed);
    const quint32 sid = c.subscribe(o, std::move(h));
    return subscribed.wait(5000) && subscribed.first().first().toUInt() == sid;
}

void tst_Switchboardd::fanOut()
{
    const int count = 2000;
    std::vector<std::unique_ptr<SwitchboardClient>> subs;
    std::vector<QList<int>> got(4);
    for (int i = 0; i < 4; ++i) {
        subs.push_back(client(QStringLiteral("sub%1").arg(i)));
        QVERIFY(subs.back());
        QVERIFY(subscribe(*subs.back(), {QStringLiteral("fan.out")},
                          [&got, i](const Message &m) { got[size_t(i)].append(m.payload().left(8).toInt()); }));
    }
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(pub);
    for (int i = 0; i < count; ++i) {
        QByteArray payload = QByteArray::number(i).leftJustified(128, ' ');
        QVERIFY(pub->publish(QStringLiteral("fan.out"), payload));
    }
    for (int i = 0; i < 4; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(got[size_t(i)].size(), count, 20000);
    for (int i = 0; i < 4; ++i) {
        for (int n = 0; n < count; ++n)
            QCOMPARE(got[size_t(i)][n], n); // complete and in order
    }
}

void tst_Switchboardd::messageReceivedSignal()
{
    // The signal is emitted only while something listens (the client skips it otherwise).
    auto sub = client(QStringLiteral("sub"));
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(sub && pub);
    int handled = 0;
    QVERIFY(subscribe(*sub, {QStringLiteral("signal.test")}, [&handled](const Message &) { ++handled; }));
    {
        QSignalSpy spy(sub.get(), &SwitchboardClient::messageReceived);
        QVERIFY(pub->publish(QStringLiteral("signal.test"), "one"));
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy.first().at(1).value<Message>().payload(), QByteArray("one"));
        QCOMPARE(spy.first().at(1).value<Message>().topic(), QStringLiteral("signal.test"));
    }
    // The spy is gone: deliveries go on through the handler alone.
    QVERIFY(pub->publish(QStringLiteral("signal.test"), "two"));
    QTRY_COMPARE(handled, 2);
    QSignalSpy again(sub.get(), &SwitchboardClient::messageReceived);
    QVERIFY(pub->publish(QStringLiteral("signal.test"), "three"));
    QTRY_COMPARE(again.count(), 1);
    QCOMPARE(handled, 3);
}

void tst_Switchboardd::wildcards()
{
    auto c = client(QStringLiteral("wild"));
    QVERIFY(c);
    QStringList star, rest;
    QVERIFY(subscribe(*c, {QStringLiteral("sensor.*.temp")}, [&](const Message &m) { star << m.topic(); }));
    QVERIFY(subscribe(*c, {QStringLiteral("sensor.>")}, [&](const Message &m) { rest << m.topic(); }));
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(pub);
    for (const char *t : {"sensor.1.temp", "sensor.2.temp", "sensor.2.humidity", "sensor.3.temp.raw", "other.1.temp"})
        QVERIFY(pub->publish(QString::fromLatin1(t), "x"));
    QTRY_COMPARE(rest.size(), 4);
    QCOMPARE(star, (QStringList{QStringLiteral("sensor.1.temp"), QStringLiteral("sensor.2.temp")}));
}

void tst_Switchboardd::queueGroupsAreFair()
{
    std::vector<std::unique_ptr<SwitchboardClient>> workers;
    std::vector<int> counts(3, 0);
    for (int i = 0; i < 3; ++i) {
        workers.push_back(client(QStringLiteral("worker%1").arg(i)));
        QVERIFY(workers.back());
        QVERIFY(subscribe(*workers.back(), {QStringLiteral("jobs.>"), QString(), QStringLiteral("workers")},
                          [&counts, i](const Message &) { ++counts[size_t(i)]; }));
    }
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(pub);
    for (int i = 0; i < 300; ++i)
        QVERIFY(pub->publish(QStringLiteral("jobs.resize"), QByteArray::number(i)));
    QTRY_COMPARE_WITH_TIMEOUT(counts[0] + counts[1] + counts[2], 300, 10000);
    QTest::qWait(100);
    QCOMPARE(counts[0] + counts[1] + counts[2], 300); // each message to exactly one member
    for (int c : counts)
        QVERIFY2(qAbs(c - 100) <= 1, qPrintable(QString::number(c)));
}

void tst_Switchboardd::requestReply()
{
    auto responder = client(QStringLiteral("responder"));
    QVERIFY(responder);
    SwitchboardClient *r = responder.get();
    QVERIFY(subscribe(*r, {QStringLiteral("svc.upper")}, [r](const Message &req) {
        Message resp;
        resp.setPayload(req.payload().toUpper());
        r->reply(req, resp);
    }));
    QVERIFY(subscribe(*r, {QStringLiteral("svc.silent")}, [](const Message &) {}));
    auto requester = client(QStringLiteral("requester"));
    QVERIFY(requester);

    std::optional<Result<Message>> answer;
    Message req(MessageType::Request, QStringLiteral("svc.upper"), "hello");
    QVERIFY(requester->request(req, 3000, [&](const Result<Message> &res) { answer = res; }));
    QTRY_VERIFY(answer.has_value());
    QVERIFY2(*answer, qPrintable(answer->errorString()));
    QCOMPARE(answer->value().payload(), QByteArray("HELLO"));
    QCOMPARE(answer->value().type(), MessageType::Response);
    QVERIFY(!answer->value().correlationId().isEmpty());

    answer.reset();
    QElapsedTimer t;
    t.start();
    QVERIFY(requester->request(Message(MessageType::Request, QStringLiteral("svc.silent"), "x"), 200,
                               [&](const Result<Message> &res) { answer = res; }));
    QTRY_VERIFY(answer.has_value());
    QCOMPARE(answer->error().code, ErrorCode::Timeout);
    QVERIFY(t.elapsed() >= 190);

    answer.reset();
    t.restart();
    QVERIFY(requester->request(Message(MessageType::Request, QStringLiteral("svc.nobody"), "x"), 5000,
                               [&](const Result<Message> &res) { answer = res; }));
    QTRY_VERIFY(answer.has_value());
    QCOMPARE(answer->error().code, ErrorCode::NoResponders);
    QVERIFY(t.elapsed() < 2000); // immediate, not a timeout
}

void tst_Switchboardd::configuredChannel()
{
    auto a = client(QStringLiteral("a"));
    auto b = client(QStringLiteral("b"));
    QVERIFY(a && b);
    int gotA = 0, gotB = 0;
    QVERIFY(subscribe(*a, {QString(), QStringLiteral("platform-events")}, [&](const Message &) { ++gotA; }));
    QVERIFY(subscribe(*b, {QString(), QStringLiteral("platform-events")}, [&](const Message &) { ++gotB; }));
    Message m(MessageType::Event, QString(), "boot");
    m.setChannel(QStringLiteral("platform-events"));
    std::optional<Status> ack;
    QVERIFY(a->publish(m, [&](const Status &s) { ack = s; }));
    QTRY_VERIFY(ack.has_value());
    QVERIFY(*ack);
    QTRY_COMPARE(gotA, 1);
    QTRY_COMPARE(gotB, 1);
}

void tst_Switchboardd::errorsHaveCodes()
{
    DaemonProcess::Options o;
    o.topLevelExtra = QStringLiteral("limits: {max-message-size: 999}\n");
    QVERIFY(restart(o));
    auto c = client(QStringLiteral("c"));
    QVERIFY(c);
    struct Case
    {
        Message message;
        ErrorCode code;
    };
    Message unknownChannel(MessageType::Event, QStringLiteral("x"));
    unknownChannel.setChannel(QStringLiteral("no-such-channel"));
    const QList<Case> cases{{Message(MessageType::Event, QStringLiteral("bad..topic")), ErrorCode::InvalidTopic},
                            {Message(MessageType::Event, QStringLiteral("wild.*")), ErrorCode::InvalidTopic},
                            {unknownChannel, ErrorCode::ChannelNotFound},
                            {Message(MessageType::Event, QStringLiteral("$sb.deadletter.x")), ErrorCode::Forbidden},
                            {Message(MessageType::Event, QStringLiteral("big"), QByteArray(1000, 'x')),
                             ErrorCode::TooLarge}};
    for (const Case &k : cases) {
        std::optional<Status> ack;
        QVERIFY(c->publish(k.message, [&](const Status &s) { ack = s; }));
        QTRY_VERIFY(ack.has_value());
        QCOMPARE(ack->error().codeName(), errorCodeName(k.code));
        QVERIFY(!ack->error().message.isEmpty());
    }
    // Over the hub's frame limit: refused before it is sent.
    const Status tooBig = c->publish(QStringLiteral("big"), QByteArray(2 * 1024 * 1024, 'x'));
    QCOMPARE(tooBig.error().code, ErrorCode::TooLarge);

    // The client's own outbound buffer is bounded too.
    {
        SwitchboardClient small;
        SwitchboardClient::Options o;
        o.maxPendingBytes = 4096;
        small.setOptions(o);
        QSignalSpy connected(&small, &SwitchboardClient::connected);
        QVERIFY(small.connectToHub(url()));
        QVERIFY(connected.wait(10000));
        Status last;
        for (int i = 0; i < 100 && last; ++i) // no event processing: nothing leaves the buffer
            last = small.publish(QStringLiteral("burst"), QByteArray(100, 'b'));
        QCOMPARE(last.error().code, ErrorCode::QueueFull);
    }

    QSignalSpy failed(c.get(), &SwitchboardClient::subscribeFailed);
    c->subscribe(QStringLiteral("a.>.b"), {});
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(1).value<sb::Error>().code, ErrorCode::InvalidTopic);
    QCOMPARE(c->state(), SwitchboardClient::State::Connected); // errors do not cost the connection
}

static int countAdvisories(const QList<Message> &advisories, const QString &destination)
{
    int n = 0;
    for (const Message &m : advisories) {
        const QVariantMap letter = QJsonDocument::fromJson(m.payload()).toVariant().toMap();
        if (letter.value(QStringLiteral("destination")).toString() == destination)
            ++n;
    }
    return n;
}

void tst_Switchboardd::slowConsumerIsDeadLettered()
{
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    queue: {max-messages: 200, overflow: drop-newest}\n"
                                   "    high-water-bytes: 65536\n");
    QVERIFY(restart(o));

    QList<Message> advisories;
    auto observer = client(QStringLiteral("observer"));
    QVERIFY(observer);
    QVERIFY(subscribe(*observer, {QStringLiteral("$sb.deadletter.overflow")},
                      [&](const Message &m) { advisories << m; }));
    auto good = client(QStringLiteral("good"));
    QVERIFY(good);
    int goodGot = 0;
    QVERIFY(subscribe(*good, {QStringLiteral("load")}, [&](const Message &) { ++goodGot; }));

    RawClient stuck; // subscribes, then never reads again
    QVERIFY(stuck.connectTo(url()));
    QByteArray hello;
    appendControl(hello, FrameType::Connect, 1, {{QStringLiteral("name"), QStringLiteral("stuck")}});
    stuck.send(hello);
    const RawClient::Received connected = stuck.waitFor(FrameType::Connected);
    QCOMPARE(connected.type, quint8(FrameType::Connected));
    const QString stuckId = controlJson(connected.body)->value(QStringLiteral("connectionId")).toString();
    stuck.subscribe(1, QStringLiteral("load"));
    QCOMPARE(stuck.waitFor(FrameType::Ack).type, quint8(FrameType::Ack));
    stuck.setSmallReceiveBuffer();

    int acked = 0; // outlives the publisher and its pending acknowledgements
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(pub);
    const int count = 1000;
    for (int i = 0; i < count; ++i) {
        // Paced by acknowledgements, as a well-behaved producer is: the good subscriber keeps up.
        QVERIFY(pub->publish(QStringLiteral("load"), QByteArray(32 * 1024, char('a' + i % 26)),
                             [&acked](const Status &) { ++acked; }));
        if (i % 20 == 19)
            QTRY_VERIFY(acked == i + 1 && goodGot >= i - 40);
    }
    QTRY_COMPARE_WITH_TIMEOUT(goodGot, count, 60000); // the healthy subscriber loses nothing
    QTRY_VERIFY_WITH_TIMEOUT(countAdvisories(advisories, stuckId) > 0, 20000);
    const QVariantMap letter = QJsonDocument::fromJson(advisories.first().payload()).toVariant().toMap();
    QCOMPARE(letter.value(QStringLiteral("reason")).toString(), QStringLiteral("OVERFLOW"));
    QCOMPARE(letter.value(QStringLiteral("message")).toMap().value(QStringLiteral("topic")).toString(),
             QStringLiteral("load"));
    QVERIFY(stuck.isOpen()); // drop-newest keeps the connection
}

void tst_Switchboardd::overflowDisconnects()
{
    DaemonProcess::Options o;
    // A byte bound: the observer's queue absorbs the burst of (small) advisories, the stuck one not.
    o.nativeExtra = QStringLiteral("    queue: {max-messages: 1000, max-bytes: 262144, overflow: disconnect}\n"
                                   "    high-water-bytes: 16384\n");
    QVERIFY(restart(o));
    QList<Message> advisories;
    auto observer = client(QStringLiteral("observer"));
    QVERIFY(observer);
    QVERIFY(subscribe(*observer, {QStringLiteral("$sb.deadletter.>")}, [&](const Message &m) { advisories << m; }));
    RawClient stuck;
    QVERIFY(stuck.connectTo(url()));
    QVERIFY(stuck.handshake());
    stuck.subscribe(1, QStringLiteral("load"));
    QCOMPARE(stuck.waitFor(FrameType::Ack).type, quint8(FrameType::Ack));
    stuck.setSmallReceiveBuffer();
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(pub);
    for (int i = 0; i < 4000; ++i) {
        QVERIFY(pub->publish(QStringLiteral("load"), QByteArray(4 * 1024, 'x')));
        if (i % 100 == 99)
            QTest::qWait(1);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!advisories.isEmpty(), 20000);
    QVERIFY(stuck.waitClosed(15000));
    QCOMPARE(advisories.first().topic(), QStringLiteral("$sb.deadletter.overflow"));
    QVERIFY(pub->isConnected());
}

void tst_Switchboardd::badFramesDoNotDisturbOthers()
{
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    max-frame-size: 65536\n");
    QVERIFY(restart(o));
    auto a = client(QStringLiteral("a"));
    auto b = client(QStringLiteral("b"));
    QVERIFY(a && b);
    int got = 0;
    QVERIFY(subscribe(*b, {QStringLiteral("ok")}, [&](const Message &) { ++got; }));

    // 1. Garbage: the stream cannot be trusted, so an error frame and a close.
    RawClient garbage;
    QVERIFY(garbage.connectTo(url()));
    garbage.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    RawClient::Received e = garbage.waitFor(FrameType::Error);
    bool fatal = false;
    QCOMPARE(e.error(&fatal).code, ErrorCode::BadFrame);
    QVERIFY(fatal);
    QVERIFY(garbage.waitClosed());

    // 2. Oversize frame: reported and skipped; the connection stays usable.
    RawClient big;
    QVERIFY(big.connectTo(url()));
    QVERIFY(big.handshake());
    QByteArray frame;
    BinaryCodec::appendFrameHeader(frame, quint8(FrameType::Publish), 0, 70000);
    frame += QByteArray(70000, 'z');
    big.send(frame);
    e = big.waitFor(FrameType::Error);
    QCOMPARE(e.error(&fatal).code, ErrorCode::TooLarge);
    QVERIFY(!fatal);
    QByteArray ping;
    appendControl(ping, FrameType::Ping, 77);
    big.send(ping);
    QCOMPARE(big.waitFor(FrameType::Pong).seq(), 77u);

    // 3. Unknown frame type: an error with a code, nothing else.
    QByteArray unknown;
    BinaryCodec::appendFrameHeader(unknown, 99, 0, 4);
    unknown += QByteArray(4, '\0');
    big.send(unknown);
    QCOMPARE(big.waitFor(FrameType::Error).error().code, ErrorCode::UnknownFrame);
    // 4. A malformed message body in a PUBLISH: error with the sender's seq.
    QByteArray badBody;
    BinaryCodec::appendFrameHeader(badBody, quint8(FrameType::Publish), 0, 7);
    badBody += QByteArray("\x00\x00\x00\x05\x01\x09\x00", 7);
    big.send(badBody);
    e = big.waitFor(FrameType::Error);
    QCOMPARE(e.seq(), 5u);
    QCOMPARE(e.error().code, ErrorCode::BadFrame);
    big.send(ping);
    QCOMPARE(big.waitFor(FrameType::Pong).seq(), 77u);

    // 5. Skipping CONNECT: refused and closed.
    RawClient rude;
    QVERIFY(rude.connectTo(url()));
    QByteArray pub;
    appendMessageFrame(pub, FrameType::Publish, 0, Message(MessageType::Event, QStringLiteral("ok"), "x"));
    rude.send(pub);
    QCOMPARE(rude.waitFor(FrameType::Error).error().code, ErrorCode::Unauthenticated);
    QVERIFY(rude.waitClosed());

    // The well-behaved clients never noticed.
    for (int i = 0; i < 10; ++i)
        QVERIFY(a->publish(QStringLiteral("ok"), "fine"));
    QTRY_COMPARE(got, 10);
    QVERIFY(a->isConnected() && b->isConnected());
}

void tst_Switchboardd::handshakeTimeout()
{
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    handshake-timeout-ms: 300\n");
    QVERIFY(restart(o));
    RawClient silent;
    QVERIFY(silent.connectTo(url()));
    QElapsedTimer t;
    t.start();
    const RawClient::Received e = silent.waitFor(FrameType::Error, 5000);
    QCOMPARE(e.error().code, ErrorCode::Timeout);
    QVERIFY(silent.waitClosed());
    QVERIFY(t.elapsed() >= 250);
}

void tst_Switchboardd::idlePeerIsPingedThenClosed()
{
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    idle-timeout-ms: 300\n");
    QVERIFY(restart(o));
    // A client that answers pings stays.
    auto lively = client(QStringLiteral("lively"));
    QVERIFY(lively);
    // A raw peer that goes silent is pinged, then dropped.
    RawClient silent;
    QVERIFY(silent.connectTo(url()));
    QVERIFY(silent.handshake());
    QCOMPARE(silent.waitFor(FrameType::Ping, 3000).type, quint8(FrameType::Ping));
    QCOMPARE(silent.waitFor(FrameType::Error, 3000).error().code, ErrorCode::Timeout);
    QVERIFY(silent.waitClosed());
    QTest::qWait(800);
    QCOMPARE(lively->state(), SwitchboardClient::State::Connected);
}

void tst_Switchboardd::nackIsRetriedThenDeadLettered()
{
    DaemonProcess::Options o;
    o.topLevelExtra = QStringLiteral("retry: {max-attempts: 3, initial-backoff-ms: 20, jitter: 0}\n");
    QVERIFY(restart(o));
    auto c = client(QStringLiteral("picky"));
    QVERIFY(c);
    QList<int> attempts;
    QList<Message> failed;
    QVERIFY(subscribe(*c, {QStringLiteral("$sb.deadletter.handler_failed")}, [&](const Message &m) { failed << m; }));
    SwitchboardClient *cp = c.get();
    QSignalSpy subscribed(cp, &SwitchboardClient::subscribed);
    quint32 sid = 0;
    sid = cp->subscribe(QStringLiteral("work"), [&attempts, cp, &sid](const Message &m) {
        attempts << m.attempt();
        cp->nack(sid, m);
    });
    QVERIFY(subscribed.wait());
    QVERIFY(cp->publish(QStringLiteral("work"), "job"));
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(attempts, (QList<int>{1, 2, 3}));
}

static quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

void tst_Switchboardd::reconnectResubscribes()
{
    DaemonProcess::Options o;
    o.tcpPort = freePort();
    QTemporaryDir dir;
    o.localPath = dir.filePath(QStringLiteral("reconnect.sock"));
    QVERIFY(restart(o));
    auto c = client(QStringLiteral("survivor"));
    QVERIFY(c);
    QByteArrayList got;
    QVERIFY(subscribe(*c, {QStringLiteral("news")}, [&](const Message &m) { got << m.payload(); }));
    QVERIFY(c->publish(QStringLiteral("news"), "before"));
    QTRY_COMPARE(got.size(), 1);

    QSignalSpy disconnected(c.get(), &SwitchboardClient::disconnected);
    QCOMPARE(m_daemon->stop(), 0);
    QVERIFY(disconnected.count() > 0 || disconnected.wait(10000));
    QCOMPARE(c->state(), SwitchboardClient::State::Reconnecting);
    QVERIFY(c->publish(QStringLiteral("news"), "while away")); // held in the offline buffer

    QSignalSpy connected(c.get(), &SwitchboardClient::connected);
    m_daemon = std::make_unique<DaemonProcess>();
    QVERIFY2(m_daemon->start(o), qPrintable(m_daemon->errorString()));
    QVERIFY(connected.wait(15000));
    QTRY_COMPARE(got.size(), 2); // resubscribed before the buffered publish went out
    QCOMPARE(got.last(), QByteArray("while away"));
    QVERIFY(c->publish(QStringLiteral("news"), "after"));
    QTRY_COMPARE(got.size(), 3);
}

void tst_Switchboardd::addressInUse()
{
    DaemonProcess::Options o;
    if (transport() == QLatin1String("tcp")) {
        o.tcpPort = m_daemon->port();
    } else {
        o.localPath = m_daemon->localPath();
    }
    DaemonProcess second;
    QVERIFY2(!second.start(o), qPrintable(second.stderrText() + QString::number(o.tcpPort) + o.localPath));
    QCOMPARE(second.stop(), 69); // EX_UNAVAILABLE
    QVERIFY2(second.stderrText().contains(QLatin1String("PORT_IN_USE")), qPrintable(second.stderrText()));
    // The first hub was not displaced.
    auto c = client(QStringLiteral("still-here"));
    QVERIFY(c);
}

void tst_Switchboardd::tls()
{
    if (transport() != QLatin1String("tcp"))
        QSKIP("TLS applies to TCP only");
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("hub.pem")), key = dir.filePath(QStringLiteral("hub.key"));
    const QString certError = makeLoopbackCertificate(cert, key);
    QVERIFY2(certError.isEmpty(), qPrintable(certError));
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    tls: {cert: \"%1\", key: \"%2\"}\n").arg(cert, key);
    QVERIFY(restart(o));
    const QString url = QStringLiteral("tls://127.0.0.1:%1").arg(m_daemon->port());

    SwitchboardClient trusted;
    SwitchboardClient::Options opts;
    opts.tlsCaFile = cert;
    trusted.setOptions(opts);
    QSignalSpy connected(&trusted, &SwitchboardClient::connected);
    QVERIFY(trusted.connectToHub(url));
    QVERIFY2(connected.wait(10000), qPrintable(trusted.lastError().toString()));
    QByteArray got;
    QVERIFY(subscribe(trusted, {QStringLiteral("secure.topic")}, [&](const Message &m) { got = m.payload(); }));
    QVERIFY(trusted.publish(QStringLiteral("secure.topic"), "encrypted"));
    QTRY_COMPARE(got, QByteArray("encrypted"));

    // A client that does not trust the certificate never gets in.
    SwitchboardClient stranger;
    SwitchboardClient::Options strict;
    strict.autoReconnect = false;
    stranger.setOptions(strict);
    QSignalSpy strangerConnected(&stranger, &SwitchboardClient::connected);
    QVERIFY(stranger.connectToHub(url));
    QTRY_COMPARE_WITH_TIMEOUT(stranger.state(), SwitchboardClient::State::Disconnected, 10000);
    QCOMPARE(strangerConnected.count(), 0);
    QVERIFY(stranger.lastError().message.contains(QLatin1String("TLS")));

    // Plain TCP to the TLS port is refused too.
    RawClient plain;
    QVERIFY(plain.connectTo(QStringLiteral("tcp://127.0.0.1:%1").arg(m_daemon->port())));
    QVERIFY(!plain.handshake());
}

void tst_Switchboardd::authentication()
{
    DaemonProcess::Options o;
    // Only the token's SHA-256 appears in the config.
    const QString digest = QString::fromLatin1(QCryptographicHash::hash("s3cret", QCryptographicHash::Sha256).toHex());
    o.topLevelExtra = QStringLiteral("auth:\n  required: true\n  tokens:\n    - {name: sensor-gw, token-sha256: %1}\n")
                          .arg(digest);
    QVERIFY(restart(o));

    SwitchboardClient good;
    SwitchboardClient::Options opts;
    opts.token = QStringLiteral("s3cret");
    good.setOptions(opts);
    QSignalSpy connected(&good, &SwitchboardClient::connected);
    QVERIFY(good.connectToHub(url()));
    QVERIFY(connected.wait(10000));

    for (const QString &token : {QStringLiteral("wrong"), QString()}) {
        SwitchboardClient bad;
        SwitchboardClient::Options badOpts;
        badOpts.token = token;
        bad.setOptions(badOpts);
        QSignalSpy badConnected(&bad, &SwitchboardClient::connected);
        QVERIFY(bad.connectToHub(url()));
        // Refused with a code; the client does not hammer the hub with the same credentials.
        QTRY_COMPARE_WITH_TIMEOUT(bad.state(), SwitchboardClient::State::Disconnected, 10000);
        QCOMPARE(badConnected.count(), 0);
        QCOMPARE(bad.lastError().code, ErrorCode::Unauthenticated);
    }
    QVERIFY(good.isConnected());
}

QTEST_GUILESS_MAIN(tst_Switchboardd)
#include "tst_switchboardd.moc"
