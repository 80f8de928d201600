// SPDX-License-Identifier: Apache-2.0
// Replays of stored messages (issue #16): order at max speed, the original timing at 1x,
// pause / seek / resume, remapping, one subscriber only, storing again only when asked, the ACL,
// the bound on replays, and the options' validation.
#include <switchboard/accesscontrol.h>
#include <switchboard/bus.h>
#include <switchboard/memoryjournal.h>
#include <switchboard/replaymanager.h>

#include "recorder.h"

#include <QElapsedTimer>
#include <QTest>

using namespace sb;

namespace {

Principal admin()
{
    return Principal::inProcess(QStringLiteral("operator"));
}

Message ev(const QString &topic, const QByteArray &payload)
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(QStringLiteral("orders"));
    return m;
}

SubscriptionOptions on(const QString &pattern, const QString &channel = QStringLiteral("orders"))
{
    SubscriptionOptions o;
    o.channel = channel;
    o.pattern = pattern;
    return o;
}

ReplayOptions replayOf(const QString &topic, double speed)
{
    ReplayOptions o;
    o.channel = QStringLiteral("orders");
    o.topic = topic;
    o.speed = speed;
    o.remapFrom = QStringLiteral("order.>");
    o.remapTo = QStringLiteral("replay.order.>");
    return o;
}

QString stateOf(ReplayManager &replays, const QString &id)
{
    return replays.status(id).value().value(QStringLiteral("state")).toString();
}

} // namespace

class tst_Replay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void exactOrderAtMaxSpeed();
    void originalTiming();
    void pauseSeekResume();
    void oneSubscriberOnly();
    void storesAgainOnlyWhenAsked();
    void refusedByTheAcl();
    void boundedInNumber();
    void options_data();
    void options();

private:
    void store(int count, int gapMs = 0);

    MemoryJournal *m_journal = nullptr;
    Bus *m_bus = nullptr;
    ReplayManager *m_replays = nullptr;
};

void tst_Replay::init()
{
    m_journal = new MemoryJournal(256LL * 1024 * 1024);
    m_bus = new Bus;
    BusLimits l = m_bus->limits();
    l.subscriberQueue.maxMessages = 200000;
    m_bus->setLimits(l);
    m_bus->setJournal(m_journal);
    ChannelConfig c;
    c.name = QStringLiteral("orders");
    c.persistence.persistent = true;
    QVERIFY(m_bus->createChannel(c, admin()));
    m_replays = new ReplayManager(m_bus);
}

void tst_Replay::cleanup()
{
    delete m_replays;
    delete m_bus;
    delete m_journal;
}

void tst_Replay::store(int count, int gapMs)
{
    for (int i = 1; i <= count; ++i) {
        QVERIFY(m_bus->publish(ev(QStringLiteral("order.%1").arg(i % 7), QByteArray::number(i)), admin()));
        if (gapMs > 0 && i < count)
            QTest::qWait(gapMs);
    }
}

// 100,000 messages as fast as possible: every one, in the stored order, into the remapped
// topics, with the replay headers; the live subscribers of the original topics get nothing.
void tst_Replay::exactOrderAtMaxSpeed()
{
    constexpr int Count = 100000;
    store(Count);
    QCOMPARE(m_journal->status().messages, Count);
    sbtest::Recorder replayed, original;
    QVERIFY(m_bus->subscribe(on(QStringLiteral("replay.>")), admin(), this, replayed.handler()));
    QVERIFY(m_bus->subscribe(on(QStringLiteral("order.>")), admin(), this, original.handler()));
    const Result<QString> id = m_replays->start(replayOf(QString(), 0), admin());
    QVERIFY2(id, qPrintable(id.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_replays, id.value()), QStringLiteral("finished"), 60000);
    QTRY_COMPARE(replayed.messages.size(), Count);
    for (int i = 0; i < Count; ++i) {
        const Message &m = replayed.messages.at(i);
        if (m.payload() != QByteArray::number(i + 1) || m.header(Replay::headerOriginalSeq()).toInt() != i + 1)
            QFAIL(qPrintable(QStringLiteral("message %1 out of order: %2").arg(i).arg(QString::fromLatin1(m.payload()))));
    }
    const Message &first = replayed.messages.first();
    QCOMPARE(first.topic(), QStringLiteral("replay.order.1"));
    QCOMPARE(first.header(Replay::headerReplay()), id.value());
    QVERIFY(!first.header(Replay::headerOriginalId()).isEmpty());
    QVERIFY(first.id() != first.header(Replay::headerOriginalId()));
    QVERIFY(first.header(Replay::headerOriginalTime()).toLongLong() > Message::PlausibleClockMs);
    QCOMPARE(original.messages.size(), 0);
    QCOMPARE(m_journal->status().messages, Count); // not stored again
    QCOMPARE(m_replays->status(id.value()).value().value(QStringLiteral("sent")).toULongLong(), quint64(Count));
}

// At 1x the gaps between the messages are kept, against an absolute start: the replay takes as
// long as the recording, and each message's lateness is measured (the timing bar itself is
// bench/replay-bench's: a test on a shared machine only checks the shape).
void tst_Replay::originalTiming()
{
    store(6, 40); // 200 ms from the first to the last
    QElapsedTimer recorded;
    sbtest::Recorder replayed;
    QVERIFY(m_bus->subscribe(on(QStringLiteral("replay.>")), admin(), this, replayed.handler()));
    recorded.start();
    const Result<QString> id = m_replays->start(replayOf(QString(), 1.0), admin());
    QVERIFY(id);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_replays, id.value()), QStringLiteral("finished"), 10000);
    QVERIFY2(recorded.elapsed() >= 195, qPrintable(QString::number(recorded.elapsed())));
    QCOMPARE(replayed.messages.size(), 6);
    const QVariantMap timing = m_replays->status(id.value()).value().value(QStringLiteral("timing")).toMap();
    QCOMPARE(timing.value(QStringLiteral("samples")).toInt(), 6);
    QVERIFY(timing.value(QStringLiteral("maxUs")).toDouble() >= timing.value(QStringLiteral("p50Us")).toDouble());
}

void tst_Replay::pauseSeekResume()
{
    store(5, 30);
    sbtest::Recorder replayed;
    QVERIFY(m_bus->subscribe(on(QStringLiteral("replay.>")), admin(), this, replayed.handler()));
    ReplayOptions o = replayOf(QString(), 0.5); // 60 ms between messages
    const Result<QString> id = m_replays->start(o, admin());
    QVERIFY(id);
    QTRY_COMPARE(replayed.messages.size(), 1);
    QVERIFY(m_replays->pause(id.value(), admin()));
    QCOMPARE(stateOf(*m_replays, id.value()), QStringLiteral("paused"));
    const int atPause = replayed.messages.size();
    QTest::qWait(200); // three messages' worth of gaps
    QCOMPARE(replayed.messages.size(), atPause);
    // Back to the start: the first message again, then the rest in order.
    QVERIFY(m_replays->seek(id.value(), 0, 0, admin()));
    QVERIFY(m_replays->resume(id.value(), admin()));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(*m_replays, id.value()), QStringLiteral("finished"), 10000);
    QList<QByteArray> expected{"1"};
    if (atPause == 2)
        expected << "2";
    expected << "1" << "2" << "3" << "4" << "5";
    QCOMPARE(replayed.payloads(), expected);
    QCOMPARE(m_replays->resume(id.value(), admin()).error().code, ErrorCode::Conflict);
    QCOMPARE(m_replays->pause(QStringLiteral("r999"), admin()).error().code, ErrorCode::NotFound);
}

void tst_Replay::oneSubscriberOnly()
{
    store(3);
    sbtest::Recorder chosen, other;
    const Result<SubscriptionId> sub = m_bus->subscribe(on(QStringLiteral("order.>")), admin(), this, chosen.handler());
    QVERIFY(m_bus->subscribe(on(QStringLiteral("order.>")), admin(), this, other.handler()));
    ReplayOptions o;
    o.channel = QStringLiteral("orders");
    o.speed = 0;
    o.subscription = sub.value();
    const Result<QString> id = m_replays->start(o, admin());
    QVERIFY(id);
    QTRY_COMPARE(chosen.messages.size(), 3);
    QCOMPARE(other.messages.size(), 0);
    QCOMPARE(chosen.messages.first().topic(), QStringLiteral("order.1")); // not remapped
    // A subscription that is not there: the replay fails with NOT_FOUND.
    o.subscription = 99999;
    const Result<QString> gone = m_replays->start(o, admin());
    QVERIFY(gone);
    QTRY_COMPARE(stateOf(*m_replays, gone.value()), QStringLiteral("failed"));
    QCOMPARE(m_replays->status(gone.value()).value().value(QStringLiteral("error")).toMap().value(QStringLiteral("code")).toString(),
             QStringLiteral("NOT_FOUND"));
}

void tst_Replay::storesAgainOnlyWhenAsked()
{
    store(4);
    ReplayOptions o = replayOf(QString(), 0);
    const Result<QString> plain = m_replays->start(o, admin());
    QVERIFY(plain);
    QTRY_COMPARE(stateOf(*m_replays, plain.value()), QStringLiteral("finished"));
    QCOMPARE(m_journal->status().messages, 4);
    o.store = true;
    const Result<QString> stored = m_replays->start(o, admin());
    QVERIFY(stored);
    QTRY_COMPARE(stateOf(*m_replays, stored.value()), QStringLiteral("finished"));
    QTRY_COMPARE(m_journal->status().messages, 8);
    JournalQuery q;
    q.stream = QStringLiteral("orders");
    q.topic = QStringLiteral("replay.>");
    const QList<StoredMessage> again = m_journal->read(q).value();
    QCOMPARE(again.size(), 4);
    QCOMPARE(again.first().message.header(Replay::headerReplay()), stored.value());
}

// A principal that may not read the source, or not publish to the target, starts nothing and
// nothing is delivered.
void tst_Replay::refusedByTheAcl()
{
    store(3);
    AccessControl acl;
    acl.setRules(QStringLiteral("reader"), {AccessControl::Rule{true, quint8(Action::Subscribe), {}, {}}});
    acl.setRules(QStringLiteral("replayer"), {AccessControl::Rule{true, quint8(Action::Subscribe) | quint8(Action::Publish), {}, {QStringLiteral("replay.>"), QStringLiteral("order.>")}}});
    acl.setRules(QStringLiteral("writer"), {AccessControl::Rule{true, quint8(Action::Publish), {}, {}}});
    m_bus->setAccessControl(acl);
    sbtest::Recorder replayed;
    QVERIFY(m_bus->subscribe(on(QStringLiteral(">")), admin(), this, replayed.handler()));
    const Principal reader = Principal::inProcess(QStringLiteral("reader"), {QStringLiteral("reader")});
    const Principal writer = Principal::inProcess(QStringLiteral("writer"), {QStringLiteral("writer")});
    const Principal replayer = Principal::inProcess(QStringLiteral("replayer"), {QStringLiteral("replayer")});
    const QString orders = QStringLiteral("order.>");
    QCOMPARE(m_replays->start(replayOf(orders, 0), reader).error().code, ErrorCode::Forbidden); // may not publish
    QCOMPARE(m_replays->start(replayOf(orders, 0), writer).error().code, ErrorCode::Forbidden); // may not read
    QCOMPARE(m_replays->start(replayOf(QString(), 0), replayer).error().code, ErrorCode::Forbidden); // not every topic
    ReplayOptions elsewhere = replayOf(orders, 0);
    elsewhere.remapTo = QStringLiteral("audit.>");
    QCOMPARE(m_replays->start(elsewhere, replayer).error().code, ErrorCode::Forbidden);
    QCOMPARE(m_replays->list().size(), 0);
    const Result<QString> allowed = m_replays->start(replayOf(orders, 0), replayer);
    QVERIFY2(allowed, qPrintable(allowed.errorString()));
    QTRY_COMPARE(stateOf(*m_replays, allowed.value()), QStringLiteral("finished"));
    QCOMPARE(replayed.messages.size(), 3); // the allowed one's only
    // Someone else's replay: only its starter or an administrator controls it.
    QCOMPARE(m_replays->stop(allowed.value(), reader).error().code, ErrorCode::Forbidden);
}

void tst_Replay::boundedInNumber()
{
    store(3, 20);
    BusLimits l = m_bus->limits();
    l.maxReplays = 1;
    m_bus->setLimits(l);
    const Result<QString> first = m_replays->start(replayOf(QString(), 0.1), admin()); // slow: 200 ms gaps
    QVERIFY(first);
    const Result<QString> second = m_replays->start(replayOf(QString(), 0.1), admin());
    QCOMPARE(second.error().code, ErrorCode::LimitExceeded);
    QVERIFY(m_replays->stop(first.value(), admin()));
    QCOMPARE(stateOf(*m_replays, first.value()), QStringLiteral("stopped"));
    QVERIFY(m_replays->start(replayOf(QString(), 0), admin()));
    // Listed in the order they were started, past nine too ("r2" before "r10").
    l.maxReplays = 100;
    m_bus->setLimits(l);
    for (int i = 0; i < 9; ++i)
        QVERIFY(m_replays->start(replayOf(QString(), 0), admin()));
    QStringList ids;
    for (const QVariant &r : m_replays->list())
        ids << r.toMap().value(QStringLiteral("id")).toString();
    QCOMPARE(ids.size(), 11);
    QCOMPARE(ids.mid(0, 3), (QStringList{QStringLiteral("r1"), QStringLiteral("r2"), QStringLiteral("r3")}));
    QCOMPARE(ids.last(), QStringLiteral("r11"));
}

void tst_Replay::options_data()
{
    QTest::addColumn<QVariantMap>("map");
    QTest::addColumn<QString>("error"); // empty: valid
    QTest::addRow("minimal") << QVariantMap{{QStringLiteral("channel"), QStringLiteral("orders")}} << QString();
    QTest::addRow("full") << QVariantMap{{QStringLiteral("channel"), QStringLiteral("orders")},
                                         {QStringLiteral("topic"), QStringLiteral("order.*")},
                                         {QStringLiteral("from"), QStringLiteral("2026-01-01T00:00:00Z")},
                                         {QStringLiteral("to"), 1798761600000LL},
                                         {QStringLiteral("after-seq"), QStringLiteral("10")},
                                         {QStringLiteral("to-seq"), 20},
                                         {QStringLiteral("speed"), QStringLiteral("max")},
                                         {QStringLiteral("remap"), QVariantMap{{QStringLiteral("from"), QStringLiteral("order.>")},
                                                                               {QStringLiteral("to"), QStringLiteral("replay.order.>")}}},
                                         {QStringLiteral("store"), true}}
                          << QString();
    QTest::addRow("unknown key") << QVariantMap{{QStringLiteral("speeed"), 2}} << QStringLiteral("speeed: unknown key");
    QTest::addRow("speed too high") << QVariantMap{{QStringLiteral("speed"), 1000}} << QStringLiteral("speed: must be from 0.1 to 100");
    QTest::addRow("speed text") << QVariantMap{{QStringLiteral("speed"), QStringLiteral("fast")}} << QStringLiteral("speed: expected a number");
    QTest::addRow("bad pattern") << QVariantMap{{QStringLiteral("topic"), QStringLiteral("a..b")}} << QStringLiteral("topic: ");
    QTest::addRow("bad time") << QVariantMap{{QStringLiteral("from"), QStringLiteral("yesterday")}} << QStringLiteral("from: expected");
    QTest::addRow("empty range") << QVariantMap{{QStringLiteral("from"), 2000}, {QStringLiteral("to"), 1000}} << QStringLiteral("from: the time range");
    QTest::addRow("seq range") << QVariantMap{{QStringLiteral("after-seq"), 5}, {QStringLiteral("to-seq"), 5}} << QStringLiteral("to-seq: must be above");
    QTest::addRow("seq fraction") << QVariantMap{{QStringLiteral("after-seq"), 1.5}} << QStringLiteral("after-seq: expected");
    QTest::addRow("seq huge double") << QVariantMap{{QStringLiteral("after-seq"), 1e300}} << QStringLiteral("after-seq: expected");
    QTest::addRow("remap half") << QVariantMap{{QStringLiteral("remap"), QVariantMap{{QStringLiteral("from"), QStringLiteral("a.>")}}}}
                                << QStringLiteral("remap: expected {from");
    QTest::addRow("remap mixed") << QVariantMap{{QStringLiteral("remap"), QVariantMap{{QStringLiteral("from"), QStringLiteral("a.>")},
                                                                                       {QStringLiteral("to"), QStringLiteral("b")}}}}
                                 << QStringLiteral("remap: from and to both end");
    QTest::addRow("remap star") << QVariantMap{{QStringLiteral("remap"), QVariantMap{{QStringLiteral("from"), QStringLiteral("a.*.>")},
                                                                                      {QStringLiteral("to"), QStringLiteral("b.>")}}}}
                                << QStringLiteral("remap: only a trailing");
    QTest::addRow("subscription zero") << QVariantMap{{QStringLiteral("subscription"), 0}} << QStringLiteral("subscription: expected");
    QTest::addRow("store text") << QVariantMap{{QStringLiteral("store"), QStringLiteral("yes")}} << QStringLiteral("store: expected true or false");
}

void tst_Replay::options()
{
    QFETCH(QVariantMap, map);
    QFETCH(QString, error);
    const Result<ReplayOptions> o = ReplayOptions::fromVariantMap(map);
    if (error.isEmpty()) {
        QVERIFY2(o, qPrintable(o.errorString()));
        const Result<ReplayOptions> back = ReplayOptions::fromVariantMap(o->toVariantMap());
        QVERIFY2(back, qPrintable(back.errorString()));
        QCOMPARE(back->toVariantMap(), o->toVariantMap());
        return;
    }
    QVERIFY(!o);
    QVERIFY2(o.error().message.startsWith(error), qPrintable(o.error().message));
}

QTEST_GUILESS_MAIN(tst_Replay)
#include "tst_replay.moc"
