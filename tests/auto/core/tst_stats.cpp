// SPDX-License-Identifier: Apache-2.0
#include <switchboard/stats.h>

#include <QTest>

using namespace sb;

class tst_Stats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rates();
    void topicCap();
    void snapshot();
};

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
