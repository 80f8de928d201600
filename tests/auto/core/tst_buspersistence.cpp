// SPDX-License-Identifier: Apache-2.0
// Persistent channels and topics on the bus: stored first, then delivered and acknowledged.
#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/memoryjournal.h>
#include <switchboard/principal.h>

#include "recorder.h"

#include <QTest>

using namespace sb;

namespace {

Principal testPrincipal()
{
    return Principal::inProcess(QStringLiteral("test"));
}

// A journal that answers only when told: the bus must wait for it.
class DeferredJournal : public Journal
{
public:
    struct Pending {
        QString stream;
        Message message;
        SyncPolicy sync;
        AppendDone done;
    };
    QList<Pending> pending;
    MemoryJournal inner;

    void append(const QString &stream, const Message &message, const SyncPolicy &sync, AppendDone done) override
    {
        pending.append({stream, message, sync, std::move(done)});
    }
    // Stores the oldest pending append (or fails it with \a error).
    void completeOne(const Error &error = {})
    {
        Pending p = pending.takeFirst();
        if (error.code != ErrorCode::None)
            p.done(error);
        else
            inner.append(p.stream, p.message, p.sync, p.done);
    }
    void setRetention(const QString &stream, const RetentionPolicy &retention) override
    {
        retentions[stream] = retention;
        inner.setRetention(stream, retention);
    }
    Result<QList<StoredMessage>> read(const JournalQuery &query) const override { return inner.read(query); }
    quint64 lastSeq(const QString &stream) const override { return inner.lastSeq(stream); }
    Status savePosition(const QString &subscriber, quint64 seq) override { return inner.savePosition(subscriber, seq); }
    quint64 position(const QString &subscriber) const override { return inner.position(subscriber); }
    Status removePosition(const QString &subscriber) override { return inner.removePosition(subscriber); }
    JournalStatus status() const override { return inner.status(); }
    QMap<QString, RetentionPolicy> retentions;
};

using sbtest::Recorder;

// What a publish's done() said.
struct Outcome
{
    int calls = 0;
    Result<int> last = 0;
    Bus::PublishDone done()
    {
        return [this](const Result<int> &r) {
            ++calls;
            last = r;
        };
    }
};

ChannelConfig persistentChannel(const QString &name, ChannelType type = ChannelType::Topic)
{
    ChannelConfig c;
    c.name = name;
    c.type = type;
    c.persistence.persistent = true;
    return c;
}

// Subscribes \a r to \a pattern on \a channel.
bool listen(Bus &bus, QObject *context, Recorder &r, const QString &channel, const QString &pattern = QStringLiteral(">"))
{
    SubscriptionOptions o;
    o.pattern = pattern;
    o.channel = channel;
    return bool(bus.subscribe(o, Principal::inProcess(QStringLiteral("test")), context, r.handler()));
}

Message ev(const QString &topic, const QString &channel = {}, const QByteArray &payload = "p")
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(channel);
    return m;
}

} // namespace

class tst_BusPersistence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deliveredAndAcknowledgedOnceStored();
    void storedInPublishOrder();
    void failedStoreDeliversNothing();
    void notPersistentAnswersAtOnce();
    void doneDroppedWithItsContext();
    void persistentTopicsOfTheDefaultSpace();
    void memoryJournalByDefault();
    void budgetReachedRefusesPublishes();
    void retentionFollowsTheChannel();
    void refusedBeforeStoring();
    void channelConfigKeys();
    void failedJournalTurnsHealthRed();
};

void tst_BusPersistence::deliveredAndAcknowledgedOnceStored()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    QVERIFY(bus.createChannel(persistentChannel(QStringLiteral("orders")), testPrincipal()));
    Recorder r;
    QVERIFY(listen(bus, this, r, QStringLiteral("orders"), QStringLiteral("order.>")));

    Outcome out;
    bus.publish(ev(QStringLiteral("order.1"), QStringLiteral("orders")), testPrincipal(), nullptr, this, out.done());
    // Not acknowledged and not delivered while the journal has not stored it.
    QCOMPARE(out.calls, 0);
    QCOMPARE(journal.pending.size(), 1);
    QCOMPARE(bus.stats()->global().total.out, 0u);
    QCOMPARE(journal.pending.first().stream, QStringLiteral("orders"));
    // The journal gets the message as the hub stamped it.
    QVERIFY(journal.pending.first().message.hasId());
    QCOMPARE(journal.pending.first().message.source(), testPrincipal().stamp());

    journal.completeOne();
    QCOMPARE(out.calls, 1);
    QCOMPARE(out.last.value(), 1);
    QCOMPARE(bus.stats()->global().total.out, 1u);
    QTRY_COMPARE(r.messages.size(), 1);
    QCOMPARE(r.messages.first().id(), journal.read(JournalQuery{QStringLiteral("orders"), {}}).value().first().message.id());
}

void tst_BusPersistence::storedInPublishOrder()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    QVERIFY(bus.createChannel(persistentChannel(QStringLiteral("orders"), ChannelType::Broadcast), testPrincipal()));
    Recorder r;
    QVERIFY(listen(bus, this, r, QStringLiteral("orders"), QString()));
    QList<int> acked;
    for (int i = 0; i < 5; ++i)
        bus.publish(ev(QStringLiteral("t"), QStringLiteral("orders"), QByteArray::number(i)), testPrincipal(), nullptr,
                    this, [&acked, i](const Result<int> &res) {
                        QVERIFY(res);
                        acked.append(i);
                    });
    while (!journal.pending.isEmpty())
        journal.completeOne();
    QCOMPARE(acked, (QList<int>{0, 1, 2, 3, 4}));
    QTRY_COMPARE(r.messages.size(), 5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(r.messages[i].payload(), QByteArray::number(i));
}

void tst_BusPersistence::failedStoreDeliversNothing()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    QVERIFY(bus.createChannel(persistentChannel(QStringLiteral("orders")), testPrincipal()));
    Recorder r;
    QVERIFY(listen(bus, this, r, QStringLiteral("orders"), QStringLiteral(">")));
    Outcome out;
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders")), testPrincipal(), nullptr, this, out.done());
    const quint64 errorsBefore = bus.stats()->global().total.errors;
    journal.completeOne(Error(ErrorCode::StorageFailed, QStringLiteral("fsync: EIO")));
    QCOMPARE(out.calls, 1);
    QCOMPARE(out.last.error().code, ErrorCode::StorageFailed);
    QCOMPARE(bus.stats()->global().total.errors, errorsBefore + 1);
    QCOMPARE(bus.stats()->global().total.out, 0u);
    // A message after it that is stored still goes out: the journal decides, the bus follows.
    bus.publish(ev(QStringLiteral("b"), QStringLiteral("orders")), testPrincipal(), nullptr, this, out.done());
    journal.completeOne();
    QTRY_COMPARE(r.messages.size(), 1);
    QCOMPARE(r.messages.first().topic(), QStringLiteral("b"));
}

void tst_BusPersistence::notPersistentAnswersAtOnce()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    ChannelConfig plain = persistentChannel(QStringLiteral("plain"));
    plain.persistence.persistent = false;
    QVERIFY(bus.createChannel(plain, testPrincipal()));
    Recorder r;
    QVERIFY(bus.subscribe({QStringLiteral("a")}, testPrincipal(), this, r.handler()));
    Outcome out;
    bus.publish(ev(QStringLiteral("a")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 1);
    QCOMPARE(out.last.value(), 1);
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("plain")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 2);
    QCOMPARE(out.last.value(), 0);
    // Errors are answered at once too.
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("nope")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 3);
    QCOMPARE(out.last.error().code, ErrorCode::ChannelNotFound);
    QVERIFY(journal.pending.isEmpty());
}

void tst_BusPersistence::doneDroppedWithItsContext()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    QVERIFY(bus.createChannel(persistentChannel(QStringLiteral("orders")), testPrincipal()));
    Recorder r;
    QVERIFY(listen(bus, this, r, QStringLiteral("orders"), QStringLiteral(">")));
    Outcome out;
    auto *context = new QObject;
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders")), testPrincipal(), nullptr, context, out.done());
    delete context; // the connection that published went away
    journal.completeOne();
    QCOMPARE(out.calls, 0);
    // Stored, so still delivered.
    QTRY_COMPARE(r.messages.size(), 1);
}

void tst_BusPersistence::persistentTopicsOfTheDefaultSpace()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    PersistencePolicy policy;
    policy.retention.maxMessages = 100;
    bus.setPersistentTopics({QStringLiteral("sensor.>")}, policy);
    QCOMPARE(journal.retentions.value(QString()).maxMessages, 100);
    Outcome out;
    bus.publish(ev(QStringLiteral("sensor.1.temp")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 0);
    QCOMPARE(journal.pending.size(), 1);
    QCOMPARE(journal.pending.first().stream, QString());
    bus.publish(ev(QStringLiteral("door.open")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 1); // not persistent: at once
    journal.completeOne();
    QCOMPARE(out.calls, 2);
    // Without patterns nothing of the default space is stored.
    bus.setPersistentTopics({}, {});
    bus.publish(ev(QStringLiteral("sensor.1.temp")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 3);
}

void tst_BusPersistence::memoryJournalByDefault()
{
    Bus bus;
    QVERIFY(bus.createChannel(persistentChannel(QStringLiteral("orders")), testPrincipal()));
    Outcome out;
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders"), "one"), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 1); // the memory journal stores at once
    QVERIFY(out.last);
    // The fire-and-forget form stores too.
    QVERIFY(bus.publish(ev(QStringLiteral("b"), QStringLiteral("orders"), "two"), testPrincipal()));
    QCOMPARE(bus.journal()->status().kind, QStringLiteral("memory"));
    const QList<StoredMessage> stored = bus.journal()->read(JournalQuery{QStringLiteral("orders"), {}}).value();
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].message.payload(), QByteArray("one"));
    QCOMPARE(stored[1].message.payload(), QByteArray("two"));
}

void tst_BusPersistence::budgetReachedRefusesPublishes()
{
    MemoryJournal journal;
    Bus bus;
    bus.setJournal(&journal);
    QVERIFY(bus.createChannel(persistentChannel(QStringLiteral("orders")), testPrincipal()));
    Recorder r;
    QVERIFY(listen(bus, this, r, QStringLiteral("orders"), QStringLiteral(">")));
    Outcome out;
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders")), testPrincipal(), nullptr, this, out.done());
    QVERIFY(out.last);
    const qint64 one = journal.status().bytes; // one message as the hub stamped it
    journal.setBudget(one * 2 + one / 2);
    for (int i = 0; i < 2; ++i)
        bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders")), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.calls, 3);
    QCOMPARE(out.last.error().code, ErrorCode::StorageFull);
    QTRY_COMPARE(r.messages.size(), 2);
    QCOMPARE(journal.status().refusedFull, 1u);
    QCOMPARE(journal.status().messages, 2);
}

void tst_BusPersistence::retentionFollowsTheChannel()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    ChannelConfig c = persistentChannel(QStringLiteral("orders"));
    c.persistence.retention.maxMessages = 2;
    QVERIFY(bus.createChannel(c, testPrincipal()));
    QCOMPARE(journal.retentions.value(QStringLiteral("orders")).maxMessages, 2);
    c.persistence.retention.maxBytes = 4096;
    QVERIFY(bus.updateChannel(c, testPrincipal()));
    QCOMPARE(journal.retentions.value(QStringLiteral("orders")).maxBytes, 4096);
    // A journal set later is told every persistent channel's retention.
    DeferredJournal second;
    bus.setJournal(&second);
    QCOMPARE(second.retentions.value(QStringLiteral("orders")).maxBytes, 4096);
    bus.setJournal(nullptr); // back to the bus's own (memory) journal
    QCOMPARE(bus.journal()->status().kind, QStringLiteral("memory"));
    QVERIFY(bus.journal() != &journal && bus.journal() != &second);
}

void tst_BusPersistence::refusedBeforeStoring()
{
    DeferredJournal journal; // outlives the bus
    Bus bus;
    bus.setJournal(&journal);
    ChannelConfig c = persistentChannel(QStringLiteral("orders"));
    c.maxMessageSize = 4;
    c.requireAuth = true;
    QVERIFY(bus.createChannel(c, testPrincipal()));
    Outcome out;
    Principal anonymous = Principal::anonymous(QStringLiteral("native"), QStringLiteral("127.0.0.1:1"), QStringLiteral("c1"));
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders")), anonymous, nullptr, this, out.done());
    QCOMPARE(out.last.error().code, ErrorCode::Unauthenticated);
    bus.publish(ev(QStringLiteral("a"), QStringLiteral("orders"), "too large"), testPrincipal(), nullptr, this, out.done());
    QCOMPARE(out.last.error().code, ErrorCode::TooLarge);
    QCOMPARE(out.calls, 2);
    QVERIFY(journal.pending.isEmpty()); // nothing refused reaches the journal
}

void tst_BusPersistence::channelConfigKeys()
{
    Result<ChannelConfig> c = ChannelConfig::fromVariantMap(
        {{QStringLiteral("name"), QStringLiteral("orders")},
         {QStringLiteral("persistent"), true},
         {QStringLiteral("fsync"), QStringLiteral("batch: 50ms")},
         {QStringLiteral("retention"),
          QVariantMap{{QStringLiteral("max-age"), QStringLiteral("7d")},
                      {QStringLiteral("max-bytes"), QStringLiteral("256MiB")},
                      {QStringLiteral("max-messages"), 1000}}}});
    QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
    QVERIFY(c->persistence.persistent);
    QCOMPARE(c->persistence.sync.mode, SyncPolicy::Mode::Batch);
    QCOMPARE(c->persistence.sync.batchMs, 50);
    QCOMPARE(c->persistence.retention.maxAgeMs, 7LL * 24 * 3600 * 1000);
    QCOMPARE(c->persistence.retention.maxBytes, 256LL * 1024 * 1024);
    QCOMPARE(c->persistence.retention.maxMessages, 1000);
    // toVariantMap() round-trips.
    Result<ChannelConfig> again = ChannelConfig::fromVariantMap(c->toVariantMap());
    QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
    QVERIFY(again.value() == c.value());

    // Every sync form.
    QCOMPARE(SyncPolicy::parse(QStringLiteral("always"), QStringLiteral("fsync"))->mode, SyncPolicy::Mode::Always);
    QCOMPARE(SyncPolicy::parse(QStringLiteral("off"), QStringLiteral("fsync"))->mode, SyncPolicy::Mode::Off);
    QCOMPARE(SyncPolicy::parse(false, QStringLiteral("fsync"))->mode, SyncPolicy::Mode::Off);
    QCOMPARE(SyncPolicy::parse(QVariantMap{{QStringLiteral("batch"), 20}}, QStringLiteral("fsync"))->batchMs, 20);
    QCOMPARE(SyncPolicy::parse(QStringLiteral("batch 2s"), QStringLiteral("fsync"))->batchMs, 2000);
    for (const QVariant &bad : {QVariant(QStringLiteral("sometimes")), QVariant(QStringLiteral("batch")),
                                QVariant(QStringLiteral("batch: 0ms")), QVariant(QStringLiteral("batch: 2m")),
                                QVariant(QVariantMap{{QStringLiteral("every"), 5}})}) {
        const Result<SyncPolicy> p = SyncPolicy::parse(bad, QStringLiteral("fsync"));
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::InvalidConfig);
        QVERIFY(p.error().message.startsWith(QLatin1String("fsync")));
    }
    // A plain max-age counts seconds (the key does not end in -ms).
    QCOMPARE(RetentionPolicy::fromVariantMap({{QStringLiteral("max-age"), 60}}, QStringLiteral("retention"))->maxAgeMs,
             60000);
    QCOMPARE(RetentionPolicy::fromVariantMap({{QStringLiteral("max-size"), 60}}, QStringLiteral("retention")).error().message,
             QStringLiteral("retention.max-size: unknown key (expected max-age, max-bytes, max-messages)"));

    // Only topic and broadcast channels are persistent.
    Result<ChannelConfig> queue = ChannelConfig::fromVariantMap({{QStringLiteral("name"), QStringLiteral("jobs")},
                                                                 {QStringLiteral("type"), QStringLiteral("queue")},
                                                                 {QStringLiteral("persistent"), true}});
    QCOMPARE(queue.error().code, ErrorCode::InvalidConfig);
    QCOMPARE(queue.error().details.value(QStringLiteral("key")).toString(), QStringLiteral("persistent"));
    Bus bus;
    QCOMPARE(bus.createChannel(persistentChannel(QStringLiteral("p2p"), ChannelType::PointToPoint), testPrincipal())
                 .error()
                 .code,
             ErrorCode::InvalidConfig);
}

void tst_BusPersistence::failedJournalTurnsHealthRed()
{
    MemoryJournal journal;
    Hub hub;
    // No journal in use until something persistent needs one.
    QVERIFY(hub.health().value(QStringLiteral("journal")).toMap().isEmpty());
    hub.bus()->setJournal(&journal);
    QVariantMap health = hub.health();
    QCOMPARE(health.value(QStringLiteral("journal")).toMap().value(QStringLiteral("kind")).toString(), QStringLiteral("memory"));
    QVERIFY(health.value(QStringLiteral("healthy")).toBool());
    journal.fail(QStringLiteral("fsync: EIO"));
    health = hub.health();
    QVERIFY(!health.value(QStringLiteral("healthy")).toBool());
    QCOMPARE(health.value(QStringLiteral("journal")).toMap().value(QStringLiteral("error")).toString(), QStringLiteral("fsync: EIO"));
    QVERIFY(health.value(QStringLiteral("journal")).toMap().value(QStringLiteral("failed")).toBool());
}

QTEST_GUILESS_MAIN(tst_BusPersistence)
#include "tst_buspersistence.moc"
