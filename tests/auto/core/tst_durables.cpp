// SPDX-License-Identifier: Apache-2.0
// Durable subscriptions on the bus: the acknowledged position, resuming, redelivery after the ack
// timeout, dead-lettering after max-deliver, the ack window, shared members, and the errors.
#include <switchboard/bus.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/memoryjournal.h>
#include <switchboard/principal.h>

#include "recorder.h"

#include <QTest>

using namespace sb;

namespace {

Principal me()
{
    return Principal::inProcess(QStringLiteral("test"));
}

Message ev(const QString &topic, const QByteArray &payload)
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(QStringLiteral("orders"));
    return m;
}

// The shared recorder, and the sequence number of each delivery.
struct Recorder : sbtest::Recorder
{
    quint64 seq(int i) const { return messages[i].header(Bus::seqHeader()).toULongLong(); }
};

SubscriptionOptions durable(const QString &name, bool fromStart = true, const QString &pattern = QStringLiteral("order.>"))
{
    SubscriptionOptions o;
    o.channel = QStringLiteral("orders");
    o.pattern = pattern;
    o.durable = name;
    o.fromStart = fromStart;
    return o;
}

void setUp(Bus &bus, MemoryJournal &journal, const DurableLimits &limits = {})
{
    BusLimits l = bus.limits();
    l.durables = limits;
    bus.setLimits(l);
    bus.setJournal(&journal);
    ChannelConfig c;
    c.name = QStringLiteral("orders");
    c.persistence.persistent = true;
    QVERIFY(bus.createChannel(c, me()));
}

void publish(Bus &bus, int from, int to)
{
    for (int i = from; i <= to; ++i)
        QVERIFY(bus.publish(ev(QStringLiteral("order.%1").arg(i), QByteArray::number(i)), me()));
}

QVariantMap durableInfo(const Bus &bus, const QString &name)
{
    for (const QVariant &d : bus.durables()) {
        if (d.toMap().value(QStringLiteral("name")) == name)
            return d.toMap();
    }
    return {};
}

} // namespace

class tst_Durables : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resumesFromTheAcknowledgedPosition();
    void newDurableStartsAtTheNextMessage();
    void survivesABusRestart();
    void redeliveredThenDeadLettered();
    void ackWindowBoundsDeliveries();
    void membersShareTheMessages();
    void leavingMemberHandsOverItsDeliveries();
    void refusals();
    void deleteForgetsThePosition();
    void storedMessagesPastTheirTtlAreSkipped();
};

void tst_Durables::resumesFromTheAcknowledgedPosition()
{
    MemoryJournal journal;
    Bus bus;
    setUp(bus, journal);
    publish(bus, 1, 5);
    Recorder r;
    Result<SubscriptionId> id = bus.subscribe(durable(QStringLiteral("billing")), me(), this, r.handler());
    QVERIFY2(id, qPrintable(id ? QString() : id.error().message));
    QTRY_COMPARE(r.messages.size(), 5);
    QCOMPARE(r.payloads(), (QList<QByteArray>{"1", "2", "3", "4", "5"}));
    QCOMPARE(r.seq(0), 1u);
    // Live messages get their sequence number too.
    publish(bus, 6, 6);
    QTRY_COMPARE(r.messages.size(), 6);
    QCOMPARE(r.seq(5), 6u);
    for (int i = 0; i < 3; ++i)
        QVERIFY(bus.acknowledge(id.value(), r.seq(i), me()));
    QCOMPARE(durableInfo(bus, QStringLiteral("billing")).value(QStringLiteral("position")).toString(), QStringLiteral("3"));
    QCOMPARE(journal.position(QStringLiteral("billing")), 3u);
    QVERIFY(bus.unsubscribe(id.value(), me()));
    publish(bus, 7, 7);
    // Back: what was not acknowledged comes again, then what came meanwhile.
    Recorder again;
    QVERIFY(bus.subscribe(durable(QStringLiteral("billing")), me(), this, again.handler()));
    QTRY_COMPARE(again.messages.size(), 4);
    QCOMPARE(again.payloads(), (QList<QByteArray>{"4", "5", "6", "7"}));
}

void tst_Durables::newDurableStartsAtTheNextMessage()
{
    MemoryJournal journal;
    Bus bus;
    setUp(bus, journal);
    publish(bus, 1, 3);
    Recorder r;
    QVERIFY(bus.subscribe(durable(QStringLiteral("late"), false), me(), this, r.handler()));
    publish(bus, 4, 4);
    QTRY_COMPARE(r.messages.size(), 1);
    QCOMPARE(r.payloads(), (QList<QByteArray>{"4"}));
    // The pattern applies: other topics are passed over, and count as done.
    Message other(MessageType::Event, QStringLiteral("refund.1"), "r");
    other.setChannel(QStringLiteral("orders"));
    QVERIFY(bus.publish(other, me()));
    publish(bus, 5, 5);
    QTRY_COMPARE(r.messages.size(), 2);
    QCOMPARE(r.payloads().last(), QByteArray("5"));
}

void tst_Durables::survivesABusRestart()
{
    MemoryJournal journal; // the journal outlives both buses, as the SQLite file outlives a process
    SubscriptionId first = 0;
    {
        Bus bus;
        setUp(bus, journal);
        Recorder r;
        first = bus.subscribe(durable(QStringLiteral("audit")), me(), this, r.handler()).value();
        publish(bus, 1, 4);
        QTRY_COMPARE(r.messages.size(), 4);
        QVERIFY(bus.acknowledge(first, r.seq(0), me()));
        QVERIFY(bus.acknowledge(first, r.seq(1), me()));
    }
    Bus bus;
    setUp(bus, journal);
    Recorder r;
    QVERIFY(bus.subscribe(durable(QStringLiteral("audit")), me(), this, r.handler()));
    QTRY_COMPARE(r.messages.size(), 2);
    QCOMPARE(r.payloads(), (QList<QByteArray>{"3", "4"}));
}

void tst_Durables::redeliveredThenDeadLettered()
{
    MemoryJournal journal;
    Bus bus;
    DurableLimits limits;
    limits.ackTimeoutMs = 100;
    limits.maxDeliver = 3;
    setUp(bus, journal, limits);
    Recorder r;
    QVERIFY(bus.subscribe(durable(QStringLiteral("flaky")), me(), this, r.handler()));
    publish(bus, 1, 1);
    QTRY_COMPARE_WITH_TIMEOUT(r.messages.size(), 3, 5000);
    QCOMPARE(r.messages[0].attempt(), 1);
    QCOMPARE(r.messages[1].attempt(), 2);
    QCOMPARE(r.messages[2].attempt(), 3);
    QCOMPARE(r.seq(2), r.seq(0));
    QTRY_COMPARE_WITH_TIMEOUT(bus.deadLetters()->count(), 1, 5000);
    const DeadLetter letter = bus.deadLetters()->list().first();
    QCOMPARE(letter.reason, DeadLetterReason::HandlerFailed);
    QVERIFY(letter.detail.contains(QLatin1String("flaky")));
    QCOMPARE(letter.message.payload(), QByteArray("1"));
    const QVariantMap info = durableInfo(bus, QStringLiteral("flaky"));
    QCOMPARE(info.value(QStringLiteral("redelivered")).toInt(), 2);
    QCOMPARE(info.value(QStringLiteral("deadLettered")).toInt(), 1);
    QCOMPARE(info.value(QStringLiteral("waitingForAck")).toInt(), 0);
    QCOMPARE(info.value(QStringLiteral("position")).toString(), QStringLiteral("1")); // dead-lettered is done
    QCOMPARE(r.messages.size(), 3); // and not made again
}

void tst_Durables::ackWindowBoundsDeliveries()
{
    MemoryJournal journal;
    Bus bus;
    DurableLimits limits;
    limits.maxAckPending = 2;
    setUp(bus, journal, limits);
    publish(bus, 1, 5);
    Recorder r;
    const SubscriptionId id = bus.subscribe(durable(QStringLiteral("slow")), me(), this, r.handler()).value();
    QTRY_COMPARE(r.messages.size(), 2);
    QCOMPARE(durableInfo(bus, QStringLiteral("slow")).value(QStringLiteral("waitingForAck")).toInt(), 2);
    publish(bus, 6, 6); // stays in the journal while the window is full
    QVERIFY(bus.acknowledge(id, r.seq(1), me()));
    QTRY_COMPARE(r.messages.size(), 3);
    QCOMPARE(r.payloads().last(), QByteArray("3"));
    QCOMPARE(durableInfo(bus, QStringLiteral("slow")).value(QStringLiteral("position")).toString(), QStringLiteral("0"));
    QVERIFY(bus.acknowledge(id, r.seq(0), me()));
    QCOMPARE(durableInfo(bus, QStringLiteral("slow")).value(QStringLiteral("position")).toString(), QStringLiteral("2"));
    QTRY_COMPARE(r.messages.size(), 4);
    for (int i = 2; i < 4; ++i)
        QVERIFY(bus.acknowledge(id, r.seq(i), me()));
    QTRY_COMPARE(r.messages.size(), 6);
    QCOMPARE(r.payloads().mid(4), (QList<QByteArray>{"5", "6"}));
}

void tst_Durables::membersShareTheMessages()
{
    MemoryJournal journal;
    Bus bus;
    setUp(bus, journal);
    Recorder a, b;
    QVERIFY(bus.subscribe(durable(QStringLiteral("workers")), me(), this, a.handler()));
    QVERIFY(bus.subscribe(durable(QStringLiteral("workers")), me(), this, b.handler()));
    publish(bus, 1, 10);
    QTRY_COMPARE(a.messages.size() + b.messages.size(), 10);
    QVERIFY(!a.messages.isEmpty() && !b.messages.isEmpty());
    QList<QByteArray> all = a.payloads() + b.payloads();
    std::sort(all.begin(), all.end(), [](const QByteArray &x, const QByteArray &y) { return x.toInt() < y.toInt(); });
    QCOMPARE(all, (QList<QByteArray>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}));
    QCOMPARE(durableInfo(bus, QStringLiteral("workers")).value(QStringLiteral("subscribers")).toInt(), 2);
}

void tst_Durables::leavingMemberHandsOverItsDeliveries()
{
    MemoryJournal journal;
    Bus bus;
    DurableLimits limits;
    limits.ackTimeoutMs = 60000; // a hand-over must not wait for the timeout
    setUp(bus, journal, limits);
    Recorder a, b;
    const SubscriptionId ida = bus.subscribe(durable(QStringLiteral("workers")), me(), this, a.handler()).value();
    QVERIFY(bus.subscribe(durable(QStringLiteral("workers")), me(), this, b.handler()));
    publish(bus, 1, 4);
    QTRY_COMPARE(a.messages.size() + b.messages.size(), 4);
    const int fromA = int(a.messages.size());
    QVERIFY(fromA > 0);
    QVERIFY(bus.unsubscribe(ida, me()));
    QTRY_COMPARE_WITH_TIMEOUT(b.messages.size(), 4, 5000);
}

void tst_Durables::refusals()
{
    MemoryJournal journal;
    Bus bus;
    DurableLimits limits;
    limits.maxDurables = 1;
    setUp(bus, journal, limits);
    Recorder r;
    const SubscriptionId id = bus.subscribe(durable(QStringLiteral("one")), me(), this, r.handler()).value();
    // The same name with another pattern.
    QCOMPARE(bus.subscribe(durable(QStringLiteral("one"), true, QStringLiteral("other.>")), me(), this, r.handler())
                 .error()
                 .code,
             ErrorCode::Conflict);
    // Past limits.max-durables.
    const Result<SubscriptionId> two = bus.subscribe(durable(QStringLiteral("two")), me(), this, r.handler());
    QCOMPARE(two.error().code, ErrorCode::LimitExceeded);
    QCOMPARE(two.error().details.value(QStringLiteral("limit")).toInt(), 1);
    // Names.
    QCOMPARE(bus.subscribe(durable(QStringLiteral("a b")), me(), this, r.handler()).error().code, ErrorCode::BadMessage);
    // Not persistent.
    ChannelConfig plain;
    plain.name = QStringLiteral("plain");
    QVERIFY(bus.createChannel(plain, me()));
    SubscriptionOptions o = durable(QStringLiteral("one"));
    o.channel = QStringLiteral("plain");
    const Result<SubscriptionId> notStored = bus.subscribe(o, me(), this, r.handler());
    QCOMPARE(notStored.error().code, ErrorCode::BadMessage);
    QVERIFY(notStored.error().message.contains(QLatin1String("persistent")));
    // Acks: an unknown delivery, a subscription that is not durable, somebody else's.
    publish(bus, 1, 1);
    QTRY_COMPARE(r.messages.size(), 1);
    QCOMPARE(bus.acknowledge(id, 999, me()).error().code, ErrorCode::NotFound);
    QCOMPARE(bus.acknowledge(id, r.seq(0), Principal::inProcess(QStringLiteral("mallory"))).error().code,
             ErrorCode::NotFound);
    SubscriptionOptions live;
    live.channel = QStringLiteral("orders");
    live.pattern = QStringLiteral(">");
    const SubscriptionId liveId = bus.subscribe(live, me(), this, r.handler()).value();
    QCOMPARE(bus.acknowledge(liveId, r.seq(0), me()).error().code, ErrorCode::BadMessage);
    QVERIFY(bus.acknowledge(id, r.seq(0), me()));
    QCOMPARE(bus.acknowledge(id, r.seq(0), me()).error().code, ErrorCode::NotFound); // twice
}

void tst_Durables::deleteForgetsThePosition()
{
    MemoryJournal journal;
    Bus bus;
    setUp(bus, journal);
    Recorder r;
    const SubscriptionId id = bus.subscribe(durable(QStringLiteral("gone")), me(), this, r.handler()).value();
    publish(bus, 1, 2);
    QTRY_COMPARE(r.messages.size(), 2);
    QVERIFY(bus.acknowledge(id, r.seq(0), me()));
    QCOMPARE(journal.position(QStringLiteral("gone")), 1u);
    QCOMPARE(bus.deleteDurable(QStringLiteral("gone"), Principal::anonymous(QStringLiteral("native"))).error().code,
             ErrorCode::Forbidden);
    QVERIFY(bus.deleteDurable(QStringLiteral("gone"), me()));
    QCOMPARE(journal.position(QStringLiteral("gone")), 0u);
    QVERIFY(bus.durables().isEmpty());
    QCOMPARE(bus.acknowledge(id, r.seq(1), me()).error().code, ErrorCode::NotFound); // its subscription ended
    QCOMPARE(bus.deleteDurable(QStringLiteral("gone"), me()).error().code, ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(tst_Durables)
// A stored message whose TTL ran out (counted from when it was stored) is not delivered when a
// durable subscription reads it from the journal; it counts as expired and the position moves
// past it. What is delivered carries no TTL: the bus judged it, and a queue must not drop a
// delivery that waits for its ack.
void tst_Durables::storedMessagesPastTheirTtlAreSkipped()
{
    MemoryJournal journal;
    Bus bus;
    setUp(bus, journal);
    const auto withTtl = [](const char *payload, qint64 ttl) {
        Message m = ev(QStringLiteral("order.1"), payload);
        m.setTtl(ttl);
        return m;
    };
    QVERIFY(bus.publish(withTtl("short", 20), me()));
    QVERIFY(bus.publish(withTtl("long", 600000), me()));
    QVERIFY(bus.publish(withTtl("none", 0), me()));
    JournalQuery stored;
    stored.stream = QStringLiteral("orders");
    QCOMPARE(journal.read(stored).value().size(), 3);
    QTRY_VERIFY(journal.read(stored).value().first().isExpired(QDateTime::currentMSecsSinceEpoch()));
    QVERIFY(!journal.read(stored).value().at(1).isExpired(QDateTime::currentMSecsSinceEpoch()));
    Recorder r;
    Result<SubscriptionId> id = bus.subscribe(durable(QStringLiteral("late")), me(), this, r.handler());
    QVERIFY(id);
    QTRY_COMPARE(r.messages.size(), 2);
    QCOMPARE(r.payloads(), (QList<QByteArray>{"long", "none"}));
    QCOMPARE(r.messages[0].ttl(), 0);
    const QVariantMap info = durableInfo(bus, QStringLiteral("late"));
    QCOMPARE(info.value(QStringLiteral("expired")).toULongLong(), 1u);
    QVERIFY(bus.acknowledge(id.value(), r.seq(0), me()));
    QVERIFY(bus.acknowledge(id.value(), r.seq(1), me()));
    QCOMPARE(journal.position(QStringLiteral("late")), 3u); // past the expired one too
}

#include "tst_durables.moc"
