// SPDX-License-Identifier: Apache-2.0
#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/jsoncodec.h>

#include <QJsonDocument>
#include <QSignalSpy>
#include "recorder.h"

#include <QTest>
#include <QThread>

#include <switchboard/principal.h>

namespace {
// The tests act in-process, with the built-in admin role.
sb::Principal testPrincipal()
{
    return sb::Principal::inProcess(QStringLiteral("test"));
}
} // namespace

using namespace sb;

namespace {

// A subscriber whose consumer never reads: its queue fills, so bounds and policies show.
class StuckSubscriber : public Subscriber
{
public:
    using Subscriber::Subscriber;
    DeliveryQueue take()
    {
        DeliveryQueue out;
        takePending(out, 1 << 30);
        return out;
    }
    int overflowCalls = 0;

protected:
    void drain() override {}
    void overflowDisconnect() override { ++overflowCalls; }
};

class TestConnection : public Connection
{
public:
    TestConnection() : Connection(QStringLiteral("test-1"), QStringLiteral("test"), QStringLiteral("here")) {}
    void close(const Error &) override {}

protected:
    void drain() override
    {
        DeliveryQueue out;
        takePending(out, 1 << 30);
        received += int(out.size());
    }

public:
    int received = 0;
};

class DenyAuthorizer : public Authorizer
{
public:
    Status authorize(const Principal &who, Action action, const QString &, const QString &topic) const override
    {
        if (action == Action::Publish && topic.startsWith(QLatin1String("secret.")))
            return Error(ErrorCode::Forbidden, who.name + QStringLiteral(" may not publish to ") + topic);
        if (action == Action::Subscribe && topic.startsWith(QLatin1String("secret")))
            return Error(ErrorCode::Forbidden, QStringLiteral("no"));
        return {};
    }
};

using sbtest::Recorder;

ChannelConfig channel(const QString &name, ChannelType type)
{
    ChannelConfig c;
    c.name = name;
    c.type = type;
    return c;
}

Message ev(const QString &topic, const QByteArray &payload = "p", const QString &ch = {})
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(ch);
    return m;
}

QList<DeadLetter> lettersWith(Bus &bus, DeadLetterReason reason)
{
    QList<DeadLetter> out;
    for (const DeadLetter &l : bus.deadLetters()->list()) {
        if (l.reason == reason)
            out.append(l);
    }
    return out;
}

} // namespace

class tst_Bus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void publishSubscribeWildcards();
    void publishFillsEnvelope();
    void invalidTopics_data();
    void invalidTopics();
    void channelLifecycle();
    void broadcastChannel();
    void pointToPoint();
    void queueChannelRoundRobinAndBacklog();
    void queueGroupsAreFair();
    void requestReply();
    void requestTimeout();
    void noResponders();
    void lateReplyIsDeadLettered();
    void backpressure_data();
    void backpressure();
    void byteBound();
    void ttl();
    void tooLarge();
    void retryThenDeadLetter();
    void retryThenSuccess();
    void requeueDeadLetter();
    void crossThreadDelivery();
    void authRateAndAcl();
    void advisories();
    void unsubscribeAndContextDeath();
    void stats();
};

void tst_Bus::publishSubscribeWildcards()
{
    Bus bus;
    Recorder exact, star, rest, other;
    QVERIFY(bus.subscribe({QStringLiteral("sensor.1.temp")}, testPrincipal(), this, exact.handler()));
    QVERIFY(bus.subscribe({QStringLiteral("sensor.*.temp")}, testPrincipal(), this, star.handler()));
    QVERIFY(bus.subscribe({QStringLiteral("sensor.>")}, testPrincipal(), this, rest.handler()));
    QVERIFY(bus.subscribe({QStringLiteral("actuator.>")}, testPrincipal(), this, other.handler()));
    QCOMPARE(bus.publish(ev(QStringLiteral("sensor.1.temp")), testPrincipal()).value(), 3);
    QCOMPARE(bus.publish(ev(QStringLiteral("sensor.2.temp")), testPrincipal()).value(), 2);
    QCOMPARE(bus.publish(ev(QStringLiteral("sensor.2.humidity")), testPrincipal()).value(), 1);
    QCOMPARE(bus.publish(ev(QStringLiteral("nobody.listens")), testPrincipal()).value(), 0);
    QTRY_COMPARE(rest.messages.size(), 3);
    QCOMPARE(star.messages.size(), 2);
    QCOMPARE(exact.messages.size(), 1);
    QCOMPARE(other.messages.size(), 0);
    // The route cache must not hide later subscriptions.
    Recorder late;
    QVERIFY(bus.subscribe({QStringLiteral("sensor.1.temp")}, testPrincipal(), this, late.handler()));
    QCOMPARE(bus.publish(ev(QStringLiteral("sensor.1.temp")), testPrincipal()).value(), 4);
    QTRY_COMPARE(late.messages.size(), 1);
}

void tst_Bus::publishFillsEnvelope()
{
    Bus bus;
    Recorder r;
    QVERIFY(bus.subscribe({QStringLiteral("a")}, testPrincipal(), this, r.handler()));
    QVERIFY(bus.publish(ev(QStringLiteral("a")), testPrincipal()));
    QTRY_COMPARE(r.messages.size(), 1);
    QVERIFY(!r.messages[0].id().isEmpty());
    QVERIFY(qAbs(r.messages[0].timestamp() - QDateTime::currentMSecsSinceEpoch()) < 60000);
}

void tst_Bus::invalidTopics_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addRow("empty segment") << "a..b";
    QTest::addRow("wildcard") << "a.*";
    QTest::addRow("empty") << "";
}

void tst_Bus::invalidTopics()
{
    QFETCH(QString, topic);
    Bus bus;
    Result<int> r = bus.publish(ev(topic), testPrincipal());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::InvalidTopic);
    QCOMPARE(bus.deadLetters()->count(), 0); // malformed input is refused, not kept
    Recorder rec;
    Result<SubscriptionId> s = bus.subscribe({QStringLiteral("a.>.b")}, testPrincipal(), this, rec.handler());
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::InvalidTopic);
}

void tst_Bus::channelLifecycle()
{
    Bus bus;
    QSignalSpy changed(&bus, &Bus::channelsChanged);
    QVERIFY(bus.createChannel(channel(QStringLiteral("events"), ChannelType::Broadcast), testPrincipal()));
    QCOMPARE(bus.createChannel(channel(QStringLiteral("events"), ChannelType::Topic), testPrincipal()).error().code,
             ErrorCode::ChannelExists);
    QCOMPARE(bus.createChannel(channel(QStringLiteral("bad name"), ChannelType::Topic), testPrincipal()).error().code,
             ErrorCode::InvalidConfig);
    QCOMPARE(bus.channels().size(), 1);
    QCOMPARE(bus.publish(ev(QStringLiteral("a"), "p", QStringLiteral("nope")), testPrincipal()).error().code,
             ErrorCode::ChannelNotFound);
    Recorder r;
    QCOMPARE(bus.subscribe({QString(), QStringLiteral("nope")}, testPrincipal(), this, r.handler()).error().code,
             ErrorCode::ChannelNotFound);

    QVERIFY(bus.subscribe({QString(), QStringLiteral("events")}, testPrincipal(), this, r.handler()));
    ChannelConfig c = channel(QStringLiteral("events"), ChannelType::Queue);
    QCOMPARE(bus.updateChannel(c, testPrincipal()).error().code, ErrorCode::InvalidConfig); // type change while in use
    c.type = ChannelType::Broadcast;
    c.description = QStringLiteral("board events");
    QVERIFY(bus.updateChannel(c, testPrincipal()));
    QCOMPARE(bus.channel(QStringLiteral("events"))->description, QStringLiteral("board events"));
    QVERIFY(bus.deleteChannel(QStringLiteral("events"), testPrincipal()));
    QCOMPARE(bus.subscriptionCount(), 0);
    QCOMPARE(bus.deleteChannel(QStringLiteral("events"), testPrincipal()).error().code, ErrorCode::ChannelNotFound);
    QCOMPARE(changed.size(), 3);
}

void tst_Bus::broadcastChannel()
{
    Bus bus;
    QVERIFY(bus.createChannel(channel(QStringLiteral("all"), ChannelType::Broadcast), testPrincipal()));
    Recorder a, b, c, outside;
    for (Recorder *r : {&a, &b, &c})
        QVERIFY(bus.subscribe({QString(), QStringLiteral("all")}, testPrincipal(), this, r->handler()));
    QVERIFY(bus.subscribe({QStringLiteral(">")}, testPrincipal(), this, outside.handler()));
    QCOMPARE(bus.publish(ev(QString(), "x", QStringLiteral("all")), testPrincipal()).value(), 3);
    QCOMPARE(bus.publish(ev(QStringLiteral("any.topic"), "y", QStringLiteral("all")), testPrincipal()).value(), 3);
    QTRY_COMPARE(c.messages.size(), 2);
    QCOMPARE(a.messages.size(), 2);
    QCOMPARE(outside.messages.size(), 0); // channels are separate from the default topic space
}

void tst_Bus::pointToPoint()
{
    Bus bus;
    QVERIFY(bus.createChannel(channel(QStringLiteral("rpc"), ChannelType::PointToPoint), testPrincipal()));
    Recorder alice, bob;
    QVERIFY(bus.subscribe({QStringLiteral("alice"), QStringLiteral("rpc")}, testPrincipal(), this, alice.handler()));
    QVERIFY(bus.subscribe({QStringLiteral("bob"), QStringLiteral("rpc")}, testPrincipal(), this, bob.handler()));
    QCOMPARE(bus.subscribe({QStringLiteral("bob"), QStringLiteral("rpc")}, testPrincipal(), this, bob.handler()).error().code,
             ErrorCode::AddressInUse);
    QCOMPARE(bus.subscribe({QStringLiteral("b.*"), QStringLiteral("rpc")}, testPrincipal(), this, bob.handler()).error().code,
             ErrorCode::InvalidTopic);
    QCOMPARE(bus.publish(ev(QStringLiteral("bob"), "hi", QStringLiteral("rpc")), testPrincipal()).value(), 1);
    QTRY_COMPARE(bob.messages.size(), 1);
    QCOMPARE(alice.messages.size(), 0);

    Result<int> r = bus.publish(ev(QStringLiteral("carol"), "hi", QStringLiteral("rpc")), testPrincipal());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NoRoute);
    QVERIFY(r.error().message.contains(QLatin1String("carol")));
    const QList<DeadLetter> dead = lettersWith(bus, DeadLetterReason::NoRoute);
    QCOMPARE(dead.size(), 1);
    QCOMPARE(dead[0].message.payload(), QByteArray("hi"));
    QCOMPARE(dead[0].destination, QStringLiteral("rpc/carol"));
}

void tst_Bus::queueChannelRoundRobinAndBacklog()
{
    Bus bus;
    ChannelConfig jobs = channel(QStringLiteral("jobs"), ChannelType::Queue);
    jobs.maxQueueDepth = 5;
    QVERIFY(bus.createChannel(jobs, testPrincipal()));
    // No consumer yet: messages wait in the bounded backlog.
    for (int i = 0; i < 5; ++i)
        QVERIFY(bus.publish(ev(QString(), QByteArray::number(i), QStringLiteral("jobs")), testPrincipal()));
    Result<int> full = bus.publish(ev(QString(), "5", QStringLiteral("jobs")), testPrincipal());
    QCOMPARE(full.error().code, ErrorCode::QueueFull);
    QCOMPARE(lettersWith(bus, DeadLetterReason::Overflow).size(), 1);

    Recorder a, b, c;
    QVERIFY(bus.subscribe({QString(), QStringLiteral("jobs")}, testPrincipal(), this, a.handler()));
    QTRY_COMPARE(a.messages.size(), 5); // the backlog goes to the first consumer, in order
    QCOMPARE(a.messages[0].payload(), QByteArray("0"));
    QCOMPARE(a.messages[4].payload(), QByteArray("4"));
    QVERIFY(bus.subscribe({QString(), QStringLiteral("jobs")}, testPrincipal(), this, b.handler()));
    QVERIFY(bus.subscribe({QString(), QStringLiteral("jobs")}, testPrincipal(), this, c.handler()));
    for (int i = 0; i < 30; ++i)
        QCOMPARE(bus.publish(ev(QString(), "x", QStringLiteral("jobs")), testPrincipal()).value(), 1);
    QTRY_COMPARE(a.messages.size() + b.messages.size() + c.messages.size(), 35);
    QCOMPARE(a.messages.size(), 15);
    QCOMPARE(b.messages.size(), 10);
    QCOMPARE(c.messages.size(), 10);
}

void tst_Bus::queueGroupsAreFair()
{
    Bus bus;
    Recorder w1, w2, w3, audit;
    for (Recorder *r : {&w1, &w2, &w3})
        QVERIFY(bus.subscribe({QStringLiteral("work.>"), QString(), QStringLiteral("workers")}, testPrincipal(), this, r->handler()));
    QVERIFY(bus.subscribe({QStringLiteral("work.>")}, testPrincipal(), this, audit.handler()));
    for (int i = 0; i < 300; ++i)
        QCOMPARE(bus.publish(ev(QStringLiteral("work.item.%1").arg(i % 7)), testPrincipal()).value(), 2);
    QTRY_COMPARE(audit.messages.size(), 300);
    QTRY_COMPARE(w1.messages.size() + w2.messages.size() + w3.messages.size(), 300);
    for (Recorder *r : {&w1, &w2, &w3})
        QVERIFY2(qAbs(r->messages.size() - 100) <= 1, qPrintable(QString::number(r->messages.size())));
}

void tst_Bus::requestReply()
{
    Bus bus;
    QVERIFY(bus.subscribe({QStringLiteral("math.double")}, testPrincipal(), this, [&bus](const Message &req) {
        Message resp(MessageType::Response, req.topic(), QByteArray::number(req.payload().toInt() * 2));
        resp.setCorrelationId(req.correlationId());
        return bus.reply(resp, testPrincipal());
    }));
    Result<Message> answer = Error();
    bool called = false;
    Result<QString> corr = bus.request(ev(QStringLiteral("math.double"), "21"), 2000, this,
                                       [&](const Result<Message> &r) {
                                           answer = r;
                                           called = true;
                                       }, testPrincipal());
    QVERIFY2(corr, qPrintable(corr.errorString()));
    QTRY_VERIFY(called);
    QVERIFY2(answer, qPrintable(answer.errorString()));
    QCOMPARE(answer->payload(), QByteArray("42"));
    QCOMPARE(answer->type(), MessageType::Response);
    QCOMPARE(answer->correlationId(), corr.value());
    QCOMPARE(bus.pendingRequests(), 0);
}

void tst_Bus::requestTimeout()
{
    Bus bus;
    Recorder silent;
    QVERIFY(bus.subscribe({QStringLiteral("slow")}, testPrincipal(), this, silent.handler()));
    Result<Message> answer = Message();
    bool called = false;
    QElapsedTimer t;
    t.start();
    QVERIFY(bus.request(ev(QStringLiteral("slow")), 100, this, [&](const Result<Message> &r) {
        answer = r;
        called = true;
    }, testPrincipal()));
    QTRY_VERIFY(called);
    QVERIFY(t.elapsed() >= 90);
    QVERIFY(!answer);
    QCOMPARE(answer.error().code, ErrorCode::Timeout);
    QCOMPARE(bus.pendingRequests(), 0);
    QCOMPARE(silent.messages.size(), 1);
    QCOMPARE(silent.messages[0].ttl(), 100); // nobody should work on it after the requester gave up
}

void tst_Bus::noResponders()
{
    Bus bus;
    bool called = false;
    Result<QString> r = bus.request(ev(QStringLiteral("nobody")), 1000, this,
                                    [&](const Result<Message> &) { called = true; }, testPrincipal());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::NoResponders);
    QCOMPARE(bus.pendingRequests(), 0);
    QTest::qWait(0);
    QVERIFY(!called);
}

void tst_Bus::lateReplyIsDeadLettered()
{
    Bus bus;
    Message resp(MessageType::Response, QStringLiteral("x"), "late");
    resp.setCorrelationId(QStringLiteral("gone"));
    Status st = bus.reply(resp, testPrincipal());
    QCOMPARE(st.error().code, ErrorCode::NoRoute);
    QCOMPARE(lettersWith(bus, DeadLetterReason::NoRoute).size(), 1);
    QCOMPARE(bus.reply(Message(MessageType::Response, QStringLiteral("x")), testPrincipal()).error().code, ErrorCode::BadMessage);
}

void tst_Bus::backpressure_data()
{
    QTest::addColumn<OverflowPolicy>("policy");
    QTest::addColumn<QByteArrayList>("kept");
    QTest::addColumn<int>("deadLetters");
    QTest::addColumn<bool>("gone");
    QTest::addRow("drop-oldest") << OverflowPolicy::DropOldest << QByteArrayList{"3", "4", "5", "6", "7"} << 3 << false;
    QTest::addRow("drop-newest") << OverflowPolicy::DropNewest << QByteArrayList{"0", "1", "2", "3", "4"} << 3 << false;
    QTest::addRow("disconnect") << OverflowPolicy::Disconnect << QByteArrayList{} << 6 << true;
}

void tst_Bus::backpressure()
{
    QFETCH(OverflowPolicy, policy);
    QFETCH(QByteArrayList, kept);
    QFETCH(int, deadLetters);
    QFETCH(bool, gone);
    Bus bus;
    StuckSubscriber sub(QStringLiteral("stuck"));
    sub.setQueueLimits({5, 1 << 20, policy});
    QVERIFY(bus.subscribe(&sub, {QStringLiteral("t")}, testPrincipal()));
    for (int i = 0; i < 8; ++i)
        QVERIFY(bus.publish(ev(QStringLiteral("t"), QByteArray::number(i)), testPrincipal()));
    QByteArrayList got;
    for (const Delivery &d : sub.take())
        got << d.message.payload();
    QCOMPARE(got, kept);
    const QList<DeadLetter> dead = lettersWith(bus, DeadLetterReason::Overflow);
    QCOMPARE(dead.size(), deadLetters);
    QCOMPARE(dead[0].destination, QStringLiteral("stuck"));
    QCOMPARE(int(sub.droppedCount()), deadLetters);
    QCOMPARE(bus.stats()->global().total.dropped, quint64(deadLetters));
    QTRY_COMPARE(bus.stats()->global().total.deadLettered, quint64(deadLetters));
    if (gone) {
        QTRY_COMPARE(sub.overflowCalls, 1);
        QCOMPARE(bus.subscriptionCount(), 0); // the overflowed subscriber's routes are gone
    }
}

void tst_Bus::byteBound()
{
    Bus bus;
    StuckSubscriber sub(QStringLiteral("small"));
    const qint64 one = Message(MessageType::Event, QStringLiteral("t"), QByteArray(1000, 'x')).byteSize();
    sub.setQueueLimits({1000, one * 3, OverflowPolicy::DropNewest});
    QVERIFY(bus.subscribe(&sub, {QStringLiteral("t")}, testPrincipal()));
    for (int i = 0; i < 5; ++i)
        QVERIFY(bus.publish(ev(QStringLiteral("t"), QByteArray(1000, 'x')), testPrincipal()));
    QVERIFY(sub.pendingBytes() <= one * 3 + 200);
    QCOMPARE(lettersWith(bus, DeadLetterReason::Overflow).size(), 5 - sub.pendingCount());
    QVERIFY(sub.pendingCount() >= 2);
}

void tst_Bus::ttl()
{
    Bus bus;
    Message old = ev(QStringLiteral("t"));
    old.setTimestamp(QDateTime::currentMSecsSinceEpoch() - 10000);
    old.setTtl(5);
    QCOMPARE(bus.publish(old, testPrincipal()).error().code, ErrorCode::Expired);
    QCOMPARE(lettersWith(bus, DeadLetterReason::Expired).size(), 1);

    ChannelConfig c = channel(QStringLiteral("short"), ChannelType::Topic);
    c.ttlMs = 20;
    QVERIFY(bus.createChannel(c, testPrincipal()));
    StuckSubscriber sub(QStringLiteral("slow"));
    QVERIFY(bus.subscribe(&sub, {QStringLiteral("t"), QStringLiteral("short")}, testPrincipal()));
    QVERIFY(bus.publish(ev(QStringLiteral("t"), "p", QStringLiteral("short")), testPrincipal()));
    QTest::qWait(60);
    QCOMPARE(int(sub.take().size()), 0); // expired while queued
    const QList<DeadLetter> dead = lettersWith(bus, DeadLetterReason::Expired);
    QCOMPARE(dead.size(), 2);
    QCOMPARE(dead[1].message.ttl(), 20);
}

void tst_Bus::tooLarge()
{
    Bus bus;
    ChannelConfig c = channel(QStringLiteral("tiny"), ChannelType::Broadcast);
    c.maxMessageSize = 10;
    QVERIFY(bus.createChannel(c, testPrincipal()));
    Result<int> r = bus.publish(ev(QString(), QByteArray(11, 'x'), QStringLiteral("tiny")), testPrincipal());
    QCOMPARE(r.error().code, ErrorCode::TooLarge);
    QCOMPARE(r.error().details.value(QStringLiteral("limit")).toLongLong(), 10);
    QCOMPARE(lettersWith(bus, DeadLetterReason::TooLarge).size(), 1);
    QVERIFY(bus.publish(ev(QString(), QByteArray(10, 'x'), QStringLiteral("tiny")), testPrincipal()));
    BusLimits limits;
    limits.maxMessageSize = 100;
    bus.setLimits(limits);
    QCOMPARE(bus.publish(ev(QStringLiteral("a"), QByteArray(101, 'x')), testPrincipal()).error().code, ErrorCode::TooLarge);
}

void tst_Bus::retryThenDeadLetter()
{
    Bus bus;
    ChannelConfig c = channel(QStringLiteral("flaky"), ChannelType::Topic);
    c.retry.maxAttempts = 3;
    c.retry.initialBackoffMs = 10;
    c.retry.jitter = 0;
    QVERIFY(bus.createChannel(c, testPrincipal()));
    QList<int> attempts;
    QVERIFY(bus.subscribe({QStringLiteral("job"), QStringLiteral("flaky")}, testPrincipal(), this, [&](const Message &m) {
        attempts << m.attempt();
        return Status(Error(ErrorCode::Internal, QStringLiteral("disk full")));
    }));
    QVERIFY(bus.publish(ev(QStringLiteral("job"), "p", QStringLiteral("flaky")), testPrincipal()));
    QTRY_COMPARE(lettersWith(bus, DeadLetterReason::HandlerFailed).size(), 1);
    QCOMPARE(attempts, (QList<int>{1, 2, 3}));
    const DeadLetter l = lettersWith(bus, DeadLetterReason::HandlerFailed).first();
    QCOMPARE(l.attempts, 3);
    QVERIFY(l.detail.contains(QLatin1String("disk full")));
}

void tst_Bus::retryThenSuccess()
{
    Bus bus;
    BusLimits limits;
    limits.retry.initialBackoffMs = 5;
    bus.setLimits(limits);
    int calls = 0;
    QVERIFY(bus.subscribe({QStringLiteral("job")}, testPrincipal(), this, [&](const Message &) {
        return ++calls < 3 ? Status(Error(ErrorCode::Internal, QStringLiteral("busy"))) : Status();
    }));
    QVERIFY(bus.publish(ev(QStringLiteral("job")), testPrincipal()));
    QTRY_COMPARE(calls, 3);
    QTest::qWait(30);
    QCOMPARE(calls, 3);
    QCOMPARE(bus.deadLetters()->count(), 0);
}

void tst_Bus::requeueDeadLetter()
{
    Bus bus;
    QVERIFY(bus.createChannel(channel(QStringLiteral("rpc"), ChannelType::PointToPoint), testPrincipal()));
    QVERIFY(!bus.publish(ev(QStringLiteral("svc"), "payload", QStringLiteral("rpc")), testPrincipal()));
    const quint64 id = bus.deadLetters()->list().first().id;
    // Still no route: the requeue fails and the letter stays (no second copy).
    QCOMPARE(bus.requeueDeadLetter(id, testPrincipal()).error().code, ErrorCode::NoRoute);
    QCOMPARE(bus.deadLetters()->count(), 1);
    Recorder svc;
    QVERIFY(bus.subscribe({QStringLiteral("svc"), QStringLiteral("rpc")}, testPrincipal(), this, svc.handler()));
    QCOMPARE(bus.requeueDeadLetter(id, testPrincipal()).value(), 1);
    QTRY_COMPARE(svc.messages.size(), 1);
    QCOMPARE(svc.messages[0].payload(), QByteArray("payload"));
    QCOMPARE(svc.messages[0].header(QStringLiteral("x-sb-requeued-from")), QString::number(id));
    QCOMPARE(svc.messages[0].header(QStringLiteral("x-sb-requeue-reason")), QStringLiteral("NO_ROUTE"));
    QCOMPARE(bus.deadLetters()->count(), 0);
    QCOMPARE(bus.requeueDeadLetter(id, testPrincipal()).error().code, ErrorCode::NotFound);
}

void tst_Bus::crossThreadDelivery()
{
    Bus bus;
    QThread worker;
    worker.start();
    QObject context;
    context.moveToThread(&worker);
    std::atomic<int> count{0};
    std::atomic<bool> wrongThread{false};
    auto id = bus.subscribe({QStringLiteral("x.>")}, testPrincipal(), &context, [&](const Message &) {
        if (QThread::currentThread() != &worker)
            wrongThread = true;
        ++count;
        return Status();
    });
    QVERIFY(id);
    for (int i = 0; i < 5000; ++i)
        QVERIFY(bus.publish(ev(QStringLiteral("x.y")), testPrincipal()));
    QTRY_COMPARE(count.load(), 5000);
    QVERIFY(!wrongThread);
    // The subscriber lives in the worker: end the subscription while that thread can still delete it.
    QVERIFY(bus.unsubscribe(id.value(), testPrincipal()));
    worker.quit();
    QVERIFY(worker.wait());
    context.moveToThread(thread());
}

void tst_Bus::authRateAndAcl()
{
    Bus bus;
    TestConnection conn;
    ChannelConfig secure = channel(QStringLiteral("secure"), ChannelType::Broadcast);
    secure.requireAuth = true;
    QVERIFY(bus.createChannel(secure, testPrincipal()));
    QCOMPARE(bus.publish(ev(QString(), "p", QStringLiteral("secure")), &conn).error().code,
             ErrorCode::Unauthenticated);
    QCOMPARE(bus.subscribe(&conn, {QString(), QStringLiteral("secure")}, &conn).error().code,
             ErrorCode::Unauthenticated);
    conn.setIdentity({QStringLiteral("alice"), true, {}});
    QVERIFY(bus.subscribe(&conn, {QString(), QStringLiteral("secure")}, &conn));
    QCOMPARE(conn.subscriptionCount(), 1);
    QVERIFY(bus.publish(ev(QString(), "p", QStringLiteral("secure")), &conn));

    DenyAuthorizer acl;
    bus.setAuthorizer(&acl);
    Result<int> denied = bus.publish(ev(QStringLiteral("secret.plans")), &conn);
    QCOMPARE(denied.error().code, ErrorCode::Forbidden);
    QVERIFY(denied.error().message.contains(QLatin1String("alice")));
    // A refused message is not kept: dead letters are for what the hub accepted and lost.
    QCOMPARE(lettersWith(bus, DeadLetterReason::Rejected).size(), 0);
    QCOMPARE(bus.subscribe(&conn, {QStringLiteral("secret.>")}, &conn).error().code, ErrorCode::Forbidden);
    // In-process code is asked too: no principal is trusted without the ACL's word.
    QCOMPARE(bus.publish(ev(QStringLiteral("secret.plans")), testPrincipal()).error().code, ErrorCode::Forbidden);
    QCOMPARE(bus.refusals().forbidden, quint64(3));
    bus.setAuthorizer(nullptr);

    QCOMPARE(bus.publish(ev(QStringLiteral("$sb.deadletter.fake")), &conn).error().code, ErrorCode::Forbidden);

    conn.rateLimiter().configure(1, 5);
    int ok = 0, limited = 0;
    for (int i = 0; i < 10; ++i) {
        Result<int> r = bus.publish(ev(QStringLiteral("fast")), &conn);
        if (r)
            ++ok;
        else if (r.error().code == ErrorCode::RateLimited && r.error().details.contains(QStringLiteral("retryAfterMs")))
            ++limited;
    }
    QCOMPARE(ok, 5);
    QCOMPARE(limited, 5);
    QVERIFY(conn.counters().errors >= 5);
}

void tst_Bus::advisories()
{
    Bus bus;
    Recorder advisories;
    QVERIFY(bus.subscribe({QStringLiteral("$sb.deadletter.>")}, testPrincipal(), this, advisories.handler()));
    QVERIFY(bus.createChannel(channel(QStringLiteral("rpc"), ChannelType::PointToPoint), testPrincipal()));
    QVERIFY(!bus.publish(ev(QStringLiteral("ghost"), "boo", QStringLiteral("rpc")), testPrincipal()));
    QTRY_COMPARE(advisories.messages.size(), 1);
    const Message &a = advisories.messages[0];
    QCOMPARE(a.topic(), QStringLiteral("$sb.deadletter.no_route"));
    const QVariantMap letter = QJsonDocument::fromJson(a.payload()).toVariant().toMap();
    QCOMPARE(letter.value(QStringLiteral("reason")).toString(), QStringLiteral("NO_ROUTE"));
    QCOMPARE(letter.value(QStringLiteral("message")).toMap().value(QStringLiteral("payloadSize")).toInt(), 3);
    QCOMPARE(letter.value(QStringLiteral("message")).toMap().value(QStringLiteral("topic")).toString(),
             QStringLiteral("ghost"));
    QVERIFY(!letter.value(QStringLiteral("message")).toMap().contains(QStringLiteral("data")));
}

void tst_Bus::unsubscribeAndContextDeath()
{
    Bus bus;
    Recorder r;
    auto id = bus.subscribe({QStringLiteral("a")}, testPrincipal(), this, r.handler());
    QVERIFY(bus.unsubscribe(id.value(), testPrincipal()));
    QCOMPARE(bus.unsubscribe(id.value(), testPrincipal()).error().code, ErrorCode::NotFound);
    QCOMPARE(bus.publish(ev(QStringLiteral("a")), testPrincipal()).value(), 0);
    auto *context = new QObject;
    QVERIFY(bus.subscribe({QStringLiteral("a")}, testPrincipal(), context, r.handler()));
    QCOMPARE(bus.subscriptionCount(), 1);
    delete context;
    QTRY_COMPARE(bus.subscriptionCount(), 0);
}

void tst_Bus::stats()
{
    Bus bus;
    QVERIFY(bus.createChannel(channel(QStringLiteral("c"), ChannelType::Broadcast), testPrincipal()));
    Recorder a, b;
    QVERIFY(bus.subscribe({QString(), QStringLiteral("c")}, testPrincipal(), this, a.handler()));
    QVERIFY(bus.subscribe({QString(), QStringLiteral("c")}, testPrincipal(), this, b.handler()));
    QVERIFY(bus.subscribe({QStringLiteral("t.>")}, testPrincipal(), this, a.handler()));
    for (int i = 0; i < 10; ++i) {
        QVERIFY(bus.publish(ev(QString(), "1234", QStringLiteral("c")), testPrincipal()));
        QVERIFY(bus.publish(ev(QStringLiteral("t.x"), "12"), testPrincipal()));
    }
    QCOMPARE(bus.stats()->global().total.in, 20u);
    QCOMPARE(bus.stats()->global().total.out, 30u);
    QCOMPARE(bus.stats()->global().total.bytesIn, 60u);
    QCOMPARE(bus.stats()->find(Stats::Channel, QStringLiteral("c"))->total.out, 20u);
    QCOMPARE(bus.stats()->find(Stats::Topic, QStringLiteral("t.x"))->total.in, 10u);
    QCOMPARE(bus.stats()->find(Stats::Topic, QStringLiteral("t.x"))->total.out, 10u);
}

QTEST_GUILESS_MAIN(tst_Bus)
#include "tst_bus.moc"

