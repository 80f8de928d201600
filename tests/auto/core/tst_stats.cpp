// SPDX-License-Identifier: Apache-2.0
#include <switchboard/stats.h>

#include <QFile>
#include <QTest>

#include <malloc.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SB_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SB_UNDER_ASAN 1
#endif
#endif

using namespace sb;

class tst_Stats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rates();
    void topicCap();
    void topicBytesCap_data();
    void topicBytesCap();
    void topicBytesCapHoldsInRss();
    void topicEntryCostMatchesTheHeap();
    void lastMessagesCounted();
    void removeReleasesBytes();
    void snapshot();
};

static QString topicName(int i)
{
    return QStringLiteral("plant/line-%1/temp").arg(i, 6, 10, QLatin1Char('0'));
}

static qint64 residentBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * sysconf(_SC_PAGESIZE) : -1;
}

void tst_Stats::rates()
{
    StatsEntry e;
    for (int s = 0; s < 600; ++s) {
        e.total.in += 100;
        e.total.bytesIn += 1000;
        e.tick();
    }
    QCOMPARE(e.inRate(StatsEntry::Second), 100.0);
    QVERIFY(qAbs(e.inRate(StatsEntry::TenSeconds) - 100.0) < 1.0);
    QVERIFY(qAbs(e.inRate(StatsEntry::Minute) - 100.0) < 1.0);
    QCOMPARE(e.bytesInRate(StatsEntry::Second), 1000.0);
    // Traffic stops: the 1 s rate drops at once, the longer windows decay.
    e.tick();
    QCOMPARE(e.inRate(StatsEntry::Second), 0.0);
    QVERIFY(e.inRate(StatsEntry::TenSeconds) > 80.0);
    QVERIFY(e.inRate(StatsEntry::Minute) > e.inRate(StatsEntry::TenSeconds));
}

void tst_Stats::topicCap()
{
    Stats stats;
    stats.setMaxTopics(3);
    for (int i = 0; i < 10; ++i)
        ++stats.entry(Stats::Topic, QStringLiteral("t%1").arg(i)).total.in;
    QCOMPARE(stats.entryCount(Stats::Topic), 4); // three topics and "(other)"
    QCOMPARE(stats.find(Stats::Topic, QStringLiteral("(other)"))->total.in, 7u);
    // Other scopes are not capped.
    for (int i = 0; i < 10; ++i)
        stats.entry(Stats::Channel, QStringLiteral("c%1").arg(i));
    QCOMPARE(stats.entryCount(Stats::Channel), 10);
}

void tst_Stats::topicBytesCap_data()
{
    QTest::addColumn<int>("topics");
    QTest::addColumn<qint64>("maxBytes");
    QTest::addRow("1,000 topics, 64 KiB") << 1000 << qint64(64 * 1024);
    QTest::addRow("200,000 topics, default 16 MiB") << 200000 << Stats::DefaultMaxTopicBytes;
    QTest::addRow("10 topics, 1 byte") << 10 << qint64(1);
}

void tst_Stats::topicBytesCap()
{
    QFETCH(int, topics);
    QFETCH(qint64, maxBytes);
    Stats stats;
    QCOMPARE(stats.maxTopicBytes(), Stats::DefaultMaxTopicBytes);
    stats.setMaxTopics(1000000); // the byte budget is the one under test
    stats.setMaxTopicBytes(maxBytes);
    for (int i = 0; i < topics; ++i)
        ++stats.entry(Stats::Topic, topicName(i)).total.in;
    const qint64 each = Stats::topicEntryBytes(topicName(0));
    const qint64 other = Stats::topicEntryBytes(QStringLiteral("(other)"));
    const int kept = int(maxBytes / each); // all topic names are one length
    QCOMPARE(stats.entryCount(Stats::Topic), kept + 1);
    QCOMPARE(stats.topicBytes(), kept * each + other); // "(other)" is the one entry over the budget
    QVERIFY(stats.topicBytes() - other <= maxBytes);
    QCOMPARE(stats.topicsFolded(), quint64(topics - kept));
    QCOMPARE(stats.find(Stats::Topic, QStringLiteral("(other)"))->total.in, quint64(topics - kept));
    if (kept > 0) {
        QVERIFY(stats.find(Stats::Topic, topicName(kept - 1)));
        QVERIFY(!stats.find(Stats::Topic, topicName(kept)));
    }
    // A known topic is still counted under its own name, however full the budget.
    if (kept > 0)
        QCOMPARE(&stats.entry(Stats::Topic, topicName(0)), stats.find(Stats::Topic, topicName(0)));
    // Other scopes are not bounded by it.
    for (int i = 0; i < 10; ++i)
        stats.entry(Stats::Channel, QStringLiteral("c%1").arg(i));
    QCOMPARE(stats.entryCount(Stats::Channel), 10);
}

void tst_Stats::topicBytesCapHoldsInRss()
{
#ifdef SB_UNDER_ASAN
    QSKIP("ASan's redzones and quarantine make RSS meaningless here");
#endif
    malloc_trim(0);
    const qint64 before = residentBytes();
    if (before < 0)
        QSKIP("no /proc/self/statm");
    {
        Stats stats;
        stats.setMaxTopics(1000000);
        for (int i = 0; i < 200000; ++i)
            ++stats.entry(Stats::Topic, topicName(i)).total.in;
        const qint64 grown = residentBytes() - before;
        qInfo("200,000 topics: %lld entries, topicBytes %lld, RSS grew by %lld bytes", qint64(stats.entryCount(Stats::Topic)),
              stats.topicBytes(), grown);
        QVERIFY(stats.topicBytes() <= Stats::DefaultMaxTopicBytes + Stats::topicEntryBytes(QStringLiteral("(other)")));
        QVERIFY2(grown < 2 * Stats::DefaultMaxTopicBytes, qPrintable(QString::number(grown)));
    }
}

void tst_Stats::topicEntryCostMatchesTheHeap()
{
#ifdef SB_UNDER_ASAN
    QSKIP("ASan replaces the allocator; mallinfo2() does not see its heap");
#endif
    // The estimate is what malloc hands out for the entries, within 10 %, never less.
    // Keys are built first: the entries then share them, as they share a publish's topic.
    const int n = 20000;
    QStringList keys;
    keys.reserve(n);
    for (int i = 0; i < n; ++i)
        keys << topicName(i);
    Stats stats;
    stats.setMaxTopics(n);
    stats.setMaxTopicBytes(std::numeric_limits<qint64>::max() / 2);
    const size_t heapBefore = mallinfo2().uordblks;
    for (const QString &key : std::as_const(keys))
        stats.entry(Stats::Topic, key);
    const qint64 heapUsed = qint64(mallinfo2().uordblks - heapBefore);
    // The keys' characters were allocated before; the entries hold them from now on.
    qint64 keyChars = 0;
    for (const QString &key : std::as_const(keys))
        keyChars += Stats::topicEntryBytes(key) - Stats::topicEntryBytes(QString());
    const qint64 measured = heapUsed + keyChars;
    qInfo("per topic of %lld chars: estimate %lld bytes, heap %lld bytes", qint64(topicName(0).size()),
          stats.topicBytes() / n, measured / n);
    QVERIFY2(stats.topicBytes() >= measured, qPrintable(QString::number(measured)));
    QVERIFY2(stats.topicBytes() <= measured + measured / 10, qPrintable(QString::number(measured)));
}

void tst_Stats::lastMessagesCounted()
{
    Stats stats;
    StatsEntry &a = stats.entry(Stats::Topic, QStringLiteral("a"));
    StatsEntry &b = stats.entry(Stats::Topic, QStringLiteral("b"));
    const qint64 entries = stats.topicBytes();
    Message m1 = Message::create(MessageType::Event, QStringLiteral("a"), QByteArray(1000, '1'));
    Message m2 = Message::create(MessageType::Event, QStringLiteral("a"), QByteArray(2000, '2'));

    // Off (the default): nothing kept, nothing counted.
    stats.keepLastMessage(a, m1);
    QCOMPARE(a.lastMessage, Message());
    QCOMPARE(a.lastAt, 0);
    QCOMPARE(stats.topicBytes(), entries);

    stats.setLastMessageLimit(4096);
    stats.keepLastMessage(a, m1);
    QCOMPARE(a.lastMessage, m1);
    QCOMPARE(a.lastSize, 1000);
    QCOMPARE(stats.topicBytes(), entries + m1.byteSize());
    stats.keepLastMessage(a, m2); // replaces, so the first no longer counts
    QCOMPARE(a.lastMessage, m2);
    QCOMPARE(stats.topicBytes(), entries + m2.byteSize());

    // Over the payload limit: time and size recorded, the message released.
    Message huge = Message::create(MessageType::Event, QStringLiteral("a"), QByteArray(5000, 'h'));
    stats.keepLastMessage(a, huge);
    QCOMPARE(a.lastMessage, Message());
    QCOMPARE(a.lastSize, 5000);
    QCOMPARE(a.lastAt, huge.timestamp());
    QCOMPARE(stats.topicBytes(), entries);

    // Over the topic budget: refused, the same way.
    stats.keepLastMessage(a, m2);
    stats.setMaxTopicBytes(stats.topicBytes() + 1200); // room for m1 (~1,100 bytes), not for m2 or a topic
    stats.keepLastMessage(b, m2);
    QCOMPARE(b.lastMessage, Message());
    QCOMPARE(b.lastSize, 2000);
    stats.keepLastMessage(b, m1);
    QCOMPARE(b.lastMessage, m1);
    QCOMPARE(stats.topicBytes(), entries + m1.byteSize() + m2.byteSize());
    QVERIFY(stats.topicBytes() <= stats.maxTopicBytes());
    // Nor is there room for a new topic now.
    stats.entry(Stats::Topic, QStringLiteral("c"));
    QVERIFY(!stats.find(Stats::Topic, QStringLiteral("c")));
    QCOMPARE(stats.topicsFolded(), 1u);
}

void tst_Stats::removeReleasesBytes()
{
    Stats stats;
    stats.setLastMessageLimit(4096);
    StatsEntry &a = stats.entry(Stats::Topic, QStringLiteral("a"));
    stats.keepLastMessage(a, Message::create(MessageType::Event, QStringLiteral("a"), "payload"));
    QVERIFY(stats.topicBytes() > 0);
    stats.remove(Stats::Topic, QStringLiteral("a"));
    QCOMPARE(stats.topicBytes(), 0);
    stats.remove(Stats::Topic, QStringLiteral("a"));
    QCOMPARE(stats.topicBytes(), 0);
}

void tst_Stats::snapshot()
{
    Stats stats;
    StatsEntry &c = stats.entry(Stats::Connection, QStringLiteral("native-1"));
    c.total.out = 5;
    c.total.errors = 2;
    stats.tick();
    const QVariantMap snap = stats.snapshot(Stats::Connection).value(QStringLiteral("native-1")).toMap();
    QCOMPARE(snap.value(QStringLiteral("out")).toULongLong(), 5u);
    QCOMPARE(snap.value(QStringLiteral("errors")).toULongLong(), 2u);
    QCOMPARE(snap.value(QStringLiteral("outRate")).toList().size(), 3);
    stats.remove(Stats::Connection, QStringLiteral("native-1"));
    QVERIFY(!stats.find(Stats::Connection, QStringLiteral("native-1")));
}

QTEST_GUILESS_MAIN(tst_Stats)
#include "tst_stats.moc"
