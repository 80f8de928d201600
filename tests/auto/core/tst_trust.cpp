// SPDX-License-Identifier: Apache-2.0
// The bus's trust rules, whatever the protocol: principals, the ACL, reply and NACK spoofing, the
// hub's source stamp, advisories, and the per-connection bounds.
#include <switchboard/binarycodec.h>
#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/memorydeadletterstore.h>

#include <QTest>

using namespace sb;

namespace {

// A connection that records what it is delivered, as a protocol would (and holds the deliveries
// for NACKs, as a protocol does when it writes them).
class Peer : public Connection
{
public:
    explicit Peer(const QString &id, const QString &protocol = QStringLiteral("native+tcp"))
        : Connection(id, protocol, QStringLiteral("127.0.0.1:1"))
    {
    }
    void close(const Error &) override {}
    void subscriptionEnded(quint32 tag, const Error &reason) override { ended.append({tag, reason}); }
    QList<Delivery> received;
    QList<std::pair<quint32, Error>> ended;

protected:
    void drain() override
    {
        DeliveryQueue out;
        takePending(out, 1 << 30);
        for (const Delivery &d : out) {
            deliveries().remember(d.tag, d.message);
            received.append(d);
        }
    }
};

Message ev(const QString &topic, const QByteArray &payload = "p", const QString &channel = {})
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(channel);
    return m;
}

Principal ops()
{
    return Principal::inProcess(QStringLiteral("ops"));
}

} // namespace

class tst_Trust : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sourceIsStamped();
    void replyOnlyFromResponder();
    void nackOnlyForHeldDelivery();
    void advisoriesFollowTheAcl();
    void deniedTopicsWithheld();
    void channelProtocols();
    void administerNeedsTheRole();
    void perConnectionBounds();
    void backlogBytes();
    void wholeChannelSubscriptions();
    void lettersKeepTheHubsStamp();
    void requeueRefusesDroppedPayload();
    void aclReloadEndsSubscriptions();
    void channelRulesEndSubscriptions();
};

void tst_Trust::sourceIsStamped()
{
    Bus bus;
    Peer pub(QStringLiteral("native-1")), sub(QStringLiteral("native-2"));
    pub.setIdentity({QStringLiteral("alice"), true, {}});
    QVERIFY(bus.subscribe(&sub, {QStringLiteral("t")}, &sub));
    Message forged = ev(QStringLiteral("t"));
    forged.setSource(QStringLiteral("admin@native-9"));
    QVERIFY(bus.publish(forged, &pub));
    QTRY_COMPARE(sub.received.size(), 1);
    QCOMPARE(sub.received[0].message.source(), QStringLiteral("alice@native-1"));
    QCOMPARE(pub.principal().protocol, QStringLiteral("native"));
    QVERIFY(bus.publish(ev(QStringLiteral("t")), ops()));
    QTRY_COMPARE(sub.received.size(), 2);
    QCOMPARE(sub.received[1].message.source(), QStringLiteral("ops"));
    // A message as a protocol hands it over (decoded, its wire bytes kept, no id, no time): the
    // stamps go into those bytes too, with the time the protocol read it.
    Message sent = ev(QStringLiteral("t"));
    sent.setSource(QStringLiteral("a-made-up-source-longer-than-the-stamp@native-12345"));
    Message decoded = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(sent), true).value();
    QVERIFY(!decoded.hasId());
    pub.setArrivalTime(1764000000123);
    QVERIFY(bus.publish(decoded, &pub));
    pub.setArrivalTime(0);
    QTRY_COMPARE(sub.received.size(), 3);
    const Message got = sub.received[2].message;
    QCOMPARE(got.source(), QStringLiteral("alice@native-1"));
    QCOMPARE(got.timestamp(), 1764000000123);
    QVERIFY(got.hasId());
    const Result<Message> onWire = BinaryCodec::decodeMessage(got.wireBytes());
    QVERIFY(onWire);
    QCOMPARE(onWire->source(), QStringLiteral("alice@native-1"));
    QCOMPARE(onWire->id(), got.id());
    QCOMPARE(onWire->timestamp(), 1764000000123);
}

void tst_Trust::replyOnlyFromResponder()
{
    Bus bus;
    AccessControl acl;
    acl.setRules(QStringLiteral("anonymous"), {AccessControl::Rule{true, 0xff, {}, {}}});
    bus.setAccessControl(acl);
    Peer requester(QStringLiteral("native-1")), responder(QStringLiteral("native-2")), spy(QStringLiteral("native-3"));
    QVERIFY(bus.subscribe(&responder, {QStringLiteral("svc")}, &responder));
    QVERIFY(bus.subscribe(&spy, {QStringLiteral("other")}, &spy));
    QList<Result<Message>> answers;
    Result<QString> corr = bus.request(ev(QStringLiteral("svc")), 2000, this,
                                       [&](const Result<Message> &r) { answers.append(r); }, &requester);
    QVERIFY2(corr, qPrintable(corr.errorString()));
    QCOMPARE(requester.pendingRequestCount(), 1);
    QTRY_COMPARE(responder.received.size(), 1);

    Message fake(MessageType::Response, QString(), "spoofed");
    fake.setCorrelationId(corr.value());
    const Status refused = bus.reply(fake, &spy);
    QCOMPARE(refused.error().code, ErrorCode::NoRoute);
    QCOMPARE(bus.refusals().spoofedReplies, quint64(1));
    QCOMPARE(bus.deadLetters()->count(), 0); // a made-up response is not kept either

    Message real(MessageType::Response, QString(), "real");
    real.setCorrelationId(corr.value());
    QVERIFY(bus.reply(real, &responder));
    QTRY_COMPARE(answers.size(), 1);
    QCOMPARE(answers[0]->payload(), QByteArray("real"));
    QCOMPARE(answers[0]->source(), QStringLiteral("anonymous@native-2"));
    QCOMPARE(requester.pendingRequestCount(), 0);
}

void tst_Trust::nackOnlyForHeldDelivery()
{
    Bus bus;
    Peer sub(QStringLiteral("native-1")), other(QStringLiteral("native-2"));
    Result<SubscriptionId> id = bus.subscribe(&sub, {QStringLiteral("jobs"), {}, {}, 7}, &sub);
    QVERIFY(id);
    QVERIFY(bus.publish(ev(QStringLiteral("jobs"), "work"), ops()));
    QTRY_COMPARE(sub.received.size(), 1);
    const QString delivered = sub.received[0].message.id();

    QCOMPARE(bus.nack(&sub, id.value(), 7, QStringLiteral("made-up"), QStringLiteral("x")).error().code, ErrorCode::NotFound);
    QCOMPARE(bus.nack(&other, id.value(), 7, delivered, QStringLiteral("x")).error().code, ErrorCode::NotFound);
    QCOMPARE(bus.nack(&sub, 999, 8, delivered, QStringLiteral("x")).error().code, ErrorCode::NotFound);
    QCOMPARE(bus.refusals().spoofedNacks, quint64(3));

    // The real one is retried from the hub's own copy, attempt counted by the hub.
    QVERIFY(bus.nack(&sub, id.value(), 7, delivered, QStringLiteral("failed")));
    QTRY_COMPARE(sub.received.size(), 2);
    QCOMPARE(sub.received[1].message.id(), delivered);
    QCOMPARE(sub.received[1].message.payload(), QByteArray("work"));
    QCOMPARE(sub.received[1].message.attempt(), 2);
    QCOMPARE(bus.deadLetters()->count(), 0);
}

void tst_Trust::advisoriesFollowTheAcl()
{
    Bus bus;
    ChannelConfig secure;
    secure.name = QStringLiteral("secure");
    secure.type = ChannelType::Queue;
    secure.requireAuth = true;
    secure.maxQueueDepth = 1;
    QVERIFY(bus.createChannel(secure, ops()));
    AccessControl acl;
    acl.setRules(QStringLiteral("anonymous"), {AccessControl::Rule{true, 0xff, {}, {}}}); // may see $sb.
    bus.setAccessControl(acl);
    Peer anon(QStringLiteral("native-1")), trusted(QStringLiteral("native-2"));
    trusted.setIdentity({QStringLiteral("ops"), true, {QStringLiteral("admin")}});
    QVERIFY(bus.subscribe(&anon, {QStringLiteral("$sb.deadletter.>")}, &anon));
    QVERIFY(bus.subscribe(&trusted, {QStringLiteral("$sb.deadletter.>")}, &trusted));
    // A letter about the secure channel, then one about the default space.
    QVERIFY(bus.publish(ev(QString(), "1", QStringLiteral("secure")), ops()));
    QCOMPARE(bus.publish(ev(QString(), "2", QStringLiteral("secure")), ops()).error().code, ErrorCode::QueueFull);
    Peer p2p(QStringLiteral("native-3"));
    ChannelConfig direct;
    direct.name = QStringLiteral("direct");
    direct.type = ChannelType::PointToPoint;
    QVERIFY(bus.createChannel(direct, ops()));
    QVERIFY(!bus.publish(ev(QStringLiteral("nobody"), "3", QStringLiteral("direct")), ops()));
    QTRY_COMPARE(trusted.received.size(), 2);
    // The anonymous subscriber hears only of the open channel's letter, which came second.
    QTRY_COMPARE(anon.received.size(), 1);
    QVERIFY(anon.received[0].message.topic().endsWith(QLatin1String("no_route")));
    QVERIFY(bus.refusals().filtered >= 1);
}

void tst_Trust::deniedTopicsWithheld()
{
    Bus bus; // built-in anonymous role: ">" allowed, "$sb.>" denied within it
    Peer anon(QStringLiteral("native-1"));
    QVERIFY(bus.subscribe(&anon, {QStringLiteral(">")}, &anon));
    QCOMPARE(bus.subscribe(&anon, {QStringLiteral("$sb.>"), {}, {}, 2}, &anon).error().code, ErrorCode::Forbidden);
    ChannelConfig direct;
    direct.name = QStringLiteral("direct");
    direct.type = ChannelType::PointToPoint;
    QVERIFY(bus.createChannel(direct, ops()));
    QVERIFY(!bus.publish(ev(QStringLiteral("nobody"), "x", QStringLiteral("direct")), ops())); // an advisory
    QVERIFY(bus.publish(ev(QStringLiteral("after")), ops()));
    QTRY_COMPARE(anon.received.size(), 1);
    QCOMPARE(anon.received[0].message.topic(), QStringLiteral("after"));
    QCOMPARE(bus.publish(ev(QStringLiteral("$sb.fake")), &anon).error().code, ErrorCode::Forbidden);
}

void tst_Trust::channelProtocols()
{
    Bus bus;
    ChannelConfig web;
    web.name = QStringLiteral("web");
    web.type = ChannelType::Broadcast;
    web.protocols = {QStringLiteral("http")};
    QVERIFY(bus.createChannel(web, ops()));
    Peer native(QStringLiteral("native-1"));
    const Result<int> r = bus.publish(ev(QString(), "x", QStringLiteral("web")), &native);
    QCOMPARE(r.error().code, ErrorCode::Forbidden);
    QVERIFY(r.error().message.contains(QLatin1String("http")));
    QCOMPARE(bus.subscribe(&native, {QString(), QStringLiteral("web")}, &native).error().code, ErrorCode::Forbidden);
    Peer http(QStringLiteral("http-1"), QStringLiteral("http"));
    QVERIFY(bus.subscribe(&http, {QString(), QStringLiteral("web")}, &http));
}

void tst_Trust::administerNeedsTheRole()
{
    Bus bus;
    ChannelConfig c;
    c.name = QStringLiteral("c");
    const Principal anon = Principal::anonymous(QStringLiteral("native"));
    QCOMPARE(bus.createChannel(c, anon).error().code, ErrorCode::Forbidden);
    QVERIFY(bus.createChannel(c, ops()));
    QCOMPARE(bus.deleteChannel(QStringLiteral("c"), anon).error().code, ErrorCode::Forbidden);
    QVERIFY(bus.channel(QStringLiteral("c")));
    // A requeue needs "administer" too.
    ChannelConfig direct;
    direct.name = QStringLiteral("direct");
    direct.type = ChannelType::PointToPoint;
    QVERIFY(bus.createChannel(direct, ops()));
    QVERIFY(!bus.publish(ev(QStringLiteral("nobody"), "x", QStringLiteral("direct")), ops()));
    QCOMPARE(bus.deadLetters()->count(), 1);
    const quint64 id = bus.deadLetters()->list().first().id;
    QCOMPARE(bus.requeueDeadLetter(id, anon).error().code, ErrorCode::Forbidden);
    QCOMPARE(bus.deadLetters()->count(), 1);
    // Inspecting, editing and purging go through the same check.
    QCOMPARE(bus.administerDeadLetters(anon).error().code, ErrorCode::Forbidden);
    QVERIFY(bus.administerDeadLetters(ops()));

    // A subscription ends by its maker, or by an administrator.
    Peer a(QStringLiteral("native-1")), b(QStringLiteral("native-2"));
    const Result<SubscriptionId> sub = bus.subscribe(&a, {QStringLiteral("t")}, &a);
    QVERIFY(sub);
    QCOMPARE(bus.unsubscribe(sub.value(), &b).error().code, ErrorCode::Forbidden);
    QCOMPARE(bus.subscriptionCount(), 1);
    QVERIFY(bus.unsubscribe(sub.value(), &a));
    const Result<SubscriptionId> again = bus.subscribe(&a, {QStringLiteral("t")}, &a);
    QVERIFY(bus.unsubscribe(again.value(), ops()));
    QCOMPARE(bus.subscriptionCount(), 0);
}

void tst_Trust::perConnectionBounds()
{
    Bus bus;
    BusLimits limits;
    limits.maxSubscriptionsPerConnection = 2;
    limits.maxPendingRequestsPerConnection = 1;
    bus.setLimits(limits);
    AccessControl acl;
    acl.setRules(QStringLiteral("anonymous"), {AccessControl::Rule{true, 0xff, {}, {}}});
    bus.setAccessControl(acl);
    Peer c(QStringLiteral("native-1")), responder(QStringLiteral("native-2"));
    QVERIFY(bus.subscribe(&c, {QStringLiteral("a"), {}, {}, 1}, &c));
    QVERIFY(bus.subscribe(&c, {QStringLiteral("b"), {}, {}, 2}, &c));
    const Result<SubscriptionId> third = bus.subscribe(&c, {QStringLiteral("c"), {}, {}, 3}, &c);
    QCOMPARE(third.error().code, ErrorCode::LimitExceeded);
    QCOMPARE(third.error().details.value(QStringLiteral("limit")).toInt(), 2);
    QVERIFY(bus.subscribe(&responder, {QStringLiteral("svc")}, &responder));
    QVERIFY(bus.request(ev(QStringLiteral("svc")), 5000, this, [](const Result<Message> &) {}, &c));
    QCOMPARE(bus.request(ev(QStringLiteral("svc")), 5000, this, [](const Result<Message> &) {}, &c).error().code,
             ErrorCode::LimitExceeded);
    QCOMPARE(bus.refusals().limits, quint64(2));
}

void tst_Trust::backlogBytes()
{
    Bus bus;
    BusLimits limits;
    limits.maxQueueBytes = 4096;
    bus.setLimits(limits);
    ChannelConfig q;
    q.name = QStringLiteral("q");
    q.type = ChannelType::Queue;
    QVERIFY(bus.createChannel(q, ops()));
    int accepted = 0;
    Result<int> r = 0;
    while ((r = bus.publish(ev(QString(), QByteArray(1000, 'x'), QStringLiteral("q")), ops())) && accepted < 100)
        ++accepted;
    QVERIFY(accepted >= 2 && accepted <= 4);
    QCOMPARE(r.error().code, ErrorCode::QueueFull);
    QCOMPARE(r.error().details.value(QStringLiteral("limitBytes")).toLongLong(), qint64(4096));
    // A consumer drains the backlog, which makes room again.
    Peer consumer(QStringLiteral("native-1"));
    QVERIFY(bus.subscribe(&consumer, {QString(), QStringLiteral("q")}, &consumer));
    QTRY_COMPARE(consumer.received.size(), accepted);
}

void tst_Trust::wholeChannelSubscriptions()
{
    // A broadcast channel gives every member every message whatever its pattern: a role allowed
    // only part of its topics may not subscribe there.
    Bus bus;
    ChannelConfig news;
    news.name = QStringLiteral("news");
    news.type = ChannelType::Broadcast;
    QVERIFY(bus.createChannel(news, ops()));
    AccessControl acl;
    acl.setRequireAuth(true);
    acl.setRules(QStringLiteral("reader"),
                 {AccessControl::Rule{true, quint8(Action::Subscribe), {QStringLiteral("news")}, {QStringLiteral("public.>")}}});
    bus.setAccessControl(acl);
    bus.setRequireAuth(true);
    Peer p(QStringLiteral("native-1"));
    p.setIdentity({QStringLiteral("r"), true, {QStringLiteral("reader")}});
    QCOMPARE(bus.subscribe(&p, {QStringLiteral("public.>"), QStringLiteral("news")}, &p).error().code, ErrorCode::Forbidden);
    acl.setRules(QStringLiteral("reader"), {AccessControl::Rule{true, quint8(Action::Subscribe), {QStringLiteral("news")}, {}}});
    bus.setAccessControl(acl);
    QVERIFY(bus.subscribe(&p, {QStringLiteral("public.>"), QStringLiteral("news")}, &p));
}

void tst_Trust::lettersKeepTheHubsStamp()
{
    Bus bus;
    BusLimits limits;
    limits.maxMessageSize = 4;
    bus.setLimits(limits);
    Peer pub(QStringLiteral("native-1"));
    Message forged = ev(QStringLiteral("t"), "too large");
    forged.setSource(QStringLiteral("hub"));
    QCOMPARE(bus.publish(forged, &pub).error().code, ErrorCode::TooLarge);
    QCOMPARE(bus.deadLetters()->count(), 1);
    const DeadLetter letter = bus.deadLetters()->list().first();
    QCOMPARE(letter.message.source(), QStringLiteral("anonymous@native-1"));
    QVERIFY(!letter.message.id().isEmpty());
    // A response letter is requeued as an event to its topic, never as an answer.
    Message response(MessageType::Response, QStringLiteral("svc"), "x");
    response.setChannel(QStringLiteral("direct"));
    ChannelConfig direct;
    direct.name = QStringLiteral("direct");
    direct.type = ChannelType::PointToPoint;
    QVERIFY(bus.createChannel(direct, ops()));
    QVERIFY(!bus.publish(response, ops()));
    Peer responder(QStringLiteral("native-2"));
    QVERIFY(bus.subscribe(&responder, {QStringLiteral("svc"), QStringLiteral("direct")}, &responder));
    quint64 id = 0;
    for (const DeadLetter &l : bus.deadLetters()->list()) {
        if (l.message.channel() == QLatin1String("direct"))
            id = l.id;
    }
    QVERIFY(bus.requeueDeadLetter(id, ops()));
    QTRY_COMPARE(responder.received.size(), 1);
    QCOMPARE(responder.received[0].message.type(), MessageType::Event);
}

// A letter kept without its payload (alone over dead-letter-max-bytes) is not requeued as an empty
// message: BAD_MESSAGE, nothing published, the letter stays; a whole letter requeues as before.
void tst_Trust::requeueRefusesDroppedPayload()
{
    Bus bus;
    bus.memoryDeadLetters()->setMaxBytes(4096);
    Peer sub(QStringLiteral("native-1"));
    QVERIFY(bus.subscribe(&sub, {QStringLiteral("t")}, &sub));
    DeadLetter big;
    big.message = ev(QStringLiteral("t"), QByteArray(100000, 'x'));
    const quint64 bigId = bus.deadLetters()->add(big);
    DeadLetter small;
    small.message = ev(QStringLiteral("t"), "whole");
    const quint64 smallId = bus.deadLetters()->add(small);

    const Result<int> refused = bus.requeueDeadLetter(bigId, ops());
    QCOMPARE(refused.error().code, ErrorCode::BadMessage);
    QVERIFY2(refused.error().message.contains(QLatin1String("without its payload")), qPrintable(refused.error().message));
    QCOMPARE(refused.error().details.value(QStringLiteral("droppedBytes")).toLongLong(), 100000);
    QVERIFY(bus.deadLetters()->get(bigId).has_value());

    QCOMPARE(bus.requeueDeadLetter(smallId, ops()).value(), 1);
    QTRY_COMPARE(sub.received.size(), 1);
    QCOMPARE(sub.received[0].message.payload(), QByteArray("whole"));
    QCoreApplication::processEvents();
    QCOMPARE(sub.received.size(), 1); // the refused letter published nothing
}

// An ACL reload applies to live subscriptions: one the new rules refuse ends (its subscriber is
// told, with the tag it subscribed with), one still allowed gets the new deny filters.
void tst_Trust::aclReloadEndsSubscriptions()
{
    Bus bus;
    Peer pub(QStringLiteral("native-1")), a(QStringLiteral("native-2")), b(QStringLiteral("native-3"));
    SubscriptionOptions sa{QStringLiteral("a.>")};
    sa.tag = 7;
    SubscriptionOptions sb{QStringLiteral("b.>")};
    sb.tag = 9;
    QVERIFY(bus.subscribe(&a, sa, &a));
    QVERIFY(bus.subscribe(&b, sb, &b));
    const quint64 forbiddenBefore = bus.refusals().forbidden;

    AccessControl acl;
    const quint8 pubSub = quint8(Action::Publish) | quint8(Action::Subscribe);
    acl.setRules(QStringLiteral("anonymous"), {AccessControl::Rule{true, pubSub, {}, {QStringLiteral("b.>")}},
                                              AccessControl::Rule{false, pubSub, {}, {QStringLiteral("b.secret")}}});
    bus.setAccessControl(acl);

    QCOMPARE(a.ended.size(), 1);
    QCOMPARE(a.ended[0].first, 7u);
    QCOMPARE(a.ended[0].second.code, ErrorCode::Forbidden);
    QVERIFY2(a.ended[0].second.message.startsWith(QLatin1String("subscription ended: ")), qPrintable(a.ended[0].second.message));
    QCOMPARE(a.subscriptionCount(), 0);
    QCOMPARE(bus.refusals().forbidden, forbiddenBefore + 1);
    QVERIFY(b.ended.isEmpty());
    QCOMPARE(bus.subscriptionCount(), 1);

    // a.x reaches no one now (refused for the publisher too); b.secret is withheld from b.
    QCOMPARE(bus.publish(ev(QStringLiteral("a.x")), &pub).error().code, ErrorCode::Forbidden);
    QVERIFY(!bus.publish(ev(QStringLiteral("b.secret")), &pub));
    QCOMPARE(bus.publish(ev(QStringLiteral("b.open")), &pub).value(), 1);
    QTRY_COMPARE(b.received.size(), 1);
    QCOMPARE(b.received[0].message.topic(), QStringLiteral("b.open"));
    QVERIFY(a.received.isEmpty());
}

// A channel update (require-auth, protocols) applies to live subscriptions; deleting a channel ends
// its subscriptions with CHANNEL_NOT_FOUND.
void tst_Trust::channelRulesEndSubscriptions()
{
    Bus bus;
    ChannelConfig cfg;
    cfg.name = QStringLiteral("plant");
    QVERIFY(bus.createChannel(cfg, ops()));
    Peer anon(QStringLiteral("native-1")), alice(QStringLiteral("native-2")), bob(QStringLiteral("http-3"), QStringLiteral("http"));
    alice.setIdentity({QStringLiteral("alice"), true, {}});
    bob.setIdentity({QStringLiteral("bob"), true, {}});
    for (Peer *p : {&anon, &alice, &bob}) {
        SubscriptionOptions o{QStringLiteral("t")};
        o.channel = cfg.name;
        o.tag = 1;
        QVERIFY(bus.subscribe(p, o, p));
    }
    cfg.requireAuth = true;
    QVERIFY(bus.updateChannel(cfg, ops()));
    QCOMPARE(anon.ended.size(), 1);
    QCOMPARE(anon.ended[0].second.code, ErrorCode::Unauthenticated);
    QVERIFY(alice.ended.isEmpty());
    QVERIFY(bob.ended.isEmpty());
    QCOMPARE(bus.subscriptionCount(), 2);

    cfg.protocols = {QStringLiteral("native")};
    QVERIFY(bus.updateChannel(cfg, ops()));
    QCOMPARE(bob.ended.size(), 1);
    QCOMPARE(bob.ended[0].second.code, ErrorCode::Forbidden);
    QVERIFY(alice.ended.isEmpty());
    QCOMPARE(bus.subscriptionCount(), 1);

    QVERIFY(bus.deleteChannel(cfg.name, ops()));
    QCOMPARE(alice.ended.size(), 1);
    QCOMPARE(alice.ended[0].second.code, ErrorCode::ChannelNotFound);
    QCOMPARE(bus.subscriptionCount(), 0);
}

QTEST_GUILESS_MAIN(tst_Trust)
#include "tst_trust.moc"
