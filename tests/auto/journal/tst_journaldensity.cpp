// SPDX-License-Identifier: Apache-2.0
// Journal::density, the console's timeline: the SQLite journal's answer (edges found by a binary
// search over the sequence, buckets counted in the index, topics matched on a sample) against
// the plain reading of every message (Journal::density of the base class) on the same data, and
// against counts worked out by hand; the memory journal's; what is refused.
#include "journaltest.h"

#include <switchboard/memoryjournal.h>

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <numeric>

using namespace sb;
using namespace sbtest::journal;

class tst_JournalDensity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void countsPerBucket_data();
    void countsPerBucket();
    void nothingStored();
    void refused_data();
    void refused();
    void estimatedPastTheSample();
    void memoryJournal();

private:
    // Stores \a topic in \a stream at \a ms (the journal's wall clock).
    void put(const QString &stream, const QString &topic, qint64 ms);

    static constexpr qint64 T0 = 1780000000000LL;
    QTemporaryDir m_dir;
    std::atomic<qint64> m_wall{T0};
    std::unique_ptr<SqliteJournal> m_journal;
    Appender m_appender;
};

void tst_JournalDensity::init()
{
    m_journal.reset();
    m_appender = {};
    QVERIFY(m_dir.isValid());
    QDir(m_dir.path()).removeRecursively();
    QDir().mkpath(m_dir.path());
    SqliteJournalOptions o = options(m_dir.path());
    o.wallClock = [this] { return m_wall.load(); };
    m_journal = openOk(o);
    QVERIFY(m_journal);
}

void tst_JournalDensity::put(const QString &stream, const QString &topic, qint64 ms)
{
    m_wall = ms;
    const int before = int(m_appender.results.size());
    m_appender.put(*m_journal, stream, ev(topic, QByteArray::number(before)));
    QVERIFY(m_appender.waitFor(before + 1)); // stored at ms before the clock moves on
}

void tst_JournalDensity::countsPerBucket_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<qint64>("from"); // offsets from T0; -1: 0 (the stored range)
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("buckets");
    QTest::addColumn<qint64>("bucketMs");
    QTest::addColumn<QList<qint64>>("counts");
    // Stored in "s" at T0 + 0, 10, 10, 20, 95, 99 (topics a, b, a, b, a, b); "other" in between.
    QTest::addRow("whole range, 10 buckets") << QString() << -1LL << -1LL << 10 << 10LL << QList<qint64>{1, 2, 1, 0, 0, 0, 0, 0, 0, 2};
    QTest::addRow("one bucket") << QString() << -1LL << -1LL << 1 << 100LL << QList<qint64>{6};
    QTest::addRow("topic a.>") << QStringLiteral("a.>") << -1LL << -1LL << 10 << 10LL << QList<qint64>{1, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    QTest::addRow("exact topic b.y") << QStringLiteral("b.y") << -1LL << -1LL << 5 << 20LL << QList<qint64>{1, 1, 0, 0, 1};
    QTest::addRow("a part, 2 buckets") << QString() << 10LL << 29LL << 2 << 10LL << QList<qint64>{2, 1};
    // More buckets than milliseconds: a bucket per millisecond, no more.
    QTest::addRow("3 ms, 100 buckets") << QString() << 9LL << 11LL << 100 << 1LL << QList<qint64>{0, 2, 0};
    QTest::addRow("after the last") << QString() << 200LL << -1LL << 10 << 1LL << QList<qint64>{0};
    QTest::addRow("before the first") << QString() << 1LL << 9LL << 3 << 3LL << QList<qint64>{0, 0, 0};
    // The last bucket is shorter (101 ms in 2 buckets of 51): 95 and 99 fall in the second.
    QTest::addRow("uneven") << QString() << -1LL << 100LL << 2 << 51LL << QList<qint64>{4, 2};
}

void tst_JournalDensity::countsPerBucket()
{
    QFETCH(QString, topic);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, buckets);
    QFETCH(qint64, bucketMs);
    QFETCH(QList<qint64>, counts);

    const QString s = QStringLiteral("s"), other = QStringLiteral("other");
    put(other, QStringLiteral("a.x"), T0 - 5);
    const qint64 at[] = {0, 10, 10, 20, 95, 99};
    for (int i = 0; i < 6; ++i) {
        put(s, i % 2 ? QStringLiteral("b.y") : QStringLiteral("a.x"), T0 + at[i]);
        put(other, QStringLiteral("a.x"), T0 + at[i]); // interleaved: the sequence has gaps for "s"
    }
    put(other, QStringLiteral("a.x"), T0 + 500);

    DensityQuery q;
    q.stream = s;
    q.topic = topic;
    q.fromMs = from < 0 ? 0 : T0 + from;
    q.toMs = to < 0 ? 0 : T0 + to;
    q.buckets = buckets;
    const Result<StoredDensity> d = m_journal->density(q);
    QVERIFY2(d, qPrintable(d ? QString() : d.error().message));
    QCOMPARE(d->firstSeq, 2u);
    QCOMPARE(d->lastSeq, 12u);
    QCOMPARE(d->firstMs, T0);
    QCOMPARE(d->lastMs, T0 + 99);
    QCOMPARE(d->bucketMs, bucketMs);
    QCOMPARE(d->counts, counts);
    QCOMPARE(d->total, std::accumulate(counts.cbegin(), counts.cend(), qint64(0)));
    QVERIFY(!d->estimated);
    QCOMPARE(d->fromMs, from < 0 ? T0 : T0 + from);

    // Reading every message gives the same answer.
    const Result<StoredDensity> plain = m_journal->Journal::density(q);
    QVERIFY(plain);
    QCOMPARE(plain->counts, d->counts);
    QCOMPARE(plain->fromMs, d->fromMs);
    QCOMPARE(plain->toMs, d->toMs);
    QCOMPARE(plain->firstSeq, d->firstSeq);
    QCOMPARE(plain->lastMs, d->lastMs);
}

void tst_JournalDensity::nothingStored()
{
    DensityQuery q;
    q.stream = QStringLiteral("never");
    const Result<StoredDensity> d = m_journal->density(q);
    QVERIFY(d);
    QVERIFY(d->counts.isEmpty()); // no span asked for, none stored: no timeline
    QCOMPARE(d->firstSeq, 0u);
    QCOMPARE(d->total, 0);
    // A span asked for: its buckets, empty.
    q.fromMs = T0;
    q.toMs = T0 + 999;
    q.buckets = 4;
    const Result<StoredDensity> span = m_journal->density(q);
    QVERIFY(span);
    QCOMPARE(span->counts, (QList<qint64>{0, 0, 0, 0}));
    QCOMPARE(span->bucketMs, 250);
    QCOMPARE(span->toVariantMap().value(QStringLiteral("counts")).toList().size(), 4);
}

void tst_JournalDensity::refused_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("buckets");
    QTest::addColumn<int>("code");
    QTest::addRow("no buckets") << QString() << 0LL << 0LL << 0 << int(ErrorCode::BadMessage);
    QTest::addRow("too many buckets") << QString() << 0LL << 0LL << DensityQuery::MaxBuckets + 1 << int(ErrorCode::BadMessage);
    QTest::addRow("bad pattern") << QStringLiteral("a..b") << 0LL << 0LL << 10 << int(ErrorCode::InvalidTopic);
    QTest::addRow("from after to") << QString() << T0 + 10 << T0 << 10 << int(ErrorCode::BadMessage);
    QTest::addRow("negative") << QString() << -5LL << 0LL << 10 << int(ErrorCode::BadMessage);
    // Past the year 9999: the span's width would overflow.
    QTest::addRow("to the end of time") << QString() << 1LL << std::numeric_limits<qint64>::max() << 10 << int(ErrorCode::BadMessage);
}

void tst_JournalDensity::refused()
{
    QFETCH(QString, topic);
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, buckets);
    QFETCH(int, code);
    put(QStringLiteral("s"), QStringLiteral("a"), T0);
    DensityQuery q;
    q.stream = QStringLiteral("s");
    q.topic = topic;
    q.fromMs = from;
    q.toMs = to;
    q.buckets = buckets;
    for (const Result<StoredDensity> &d : {m_journal->density(q), m_journal->Journal::density(q)}) {
        QVERIFY(!d);
        QCOMPARE(int(d.error().code), code);
        QVERIFY(!d.error().message.isEmpty());
    }
}

// A topic pattern is matched on a sample of each bucket's rows (100,000 shared out between the
// buckets, at least 1,000 each): past it the count is the share matched, times the bucket's
// messages, and the answer says estimated.
void tst_JournalDensity::estimatedPastTheSample()
{
    Appender &a = m_appender;
    m_wall = T0;
    const int n = 2500;
    for (int i = 0; i < n; ++i)
        a.put(*m_journal, QStringLiteral("s"), ev(i % 2 ? QStringLiteral("b") : QStringLiteral("a"), QByteArray::number(i)));
    QVERIFY(a.waitFor(n, 30000));
    put(QStringLiteral("s"), QStringLiteral("c"), T0 + 999); // 1,000 ms: 1,000 buckets of a millisecond
    DensityQuery q;
    q.stream = QStringLiteral("s");
    q.buckets = DensityQuery::MaxBuckets;
    const Result<StoredDensity> all = m_journal->density(q);
    QVERIFY(all);
    QCOMPARE(all->counts.size(), DensityQuery::MaxBuckets);
    QCOMPARE(all->counts.first(), n);
    QCOMPARE(all->counts.last(), 1);
    QCOMPARE(all->total, n + 1);
    QVERIFY(!all->estimated); // counted in the index, exactly
    q.topic = QStringLiteral("a");
    const Result<StoredDensity> some = m_journal->density(q);
    QVERIFY(some);
    QVERIFY(some->estimated);
    QCOMPARE(some->counts.first(), n / 2); // half of the first 1,000 match: half of 2,500
    QCOMPARE(some->total, n / 2);
    const Result<StoredDensity> plain = m_journal->Journal::density(q);
    QCOMPARE(plain->counts.first(), n / 2);
    QVERIFY(!plain->estimated);
}

void tst_JournalDensity::memoryJournal()
{
    MemoryJournal j;
    for (int i = 0; i < 20; ++i)
        j.append(QStringLiteral("s"), ev(i % 4 ? QStringLiteral("x.1") : QStringLiteral("y.1"), QByteArray::number(i)), {},
                 [](const Result<quint64> &) {});
    DensityQuery q;
    q.stream = QStringLiteral("s");
    q.buckets = 7;
    const Result<StoredDensity> d = j.density(q);
    QVERIFY(d);
    QCOMPARE(d->total, 20);
    QCOMPARE(d->firstSeq, 1u);
    QCOMPARE(d->lastSeq, 20u);
    QVERIFY(d->lastMs >= d->firstMs && d->firstMs > 0);
    QVERIFY(d->counts.size() >= 1 && d->counts.size() <= 7);
    q.topic = QStringLiteral("y.>");
    QCOMPARE(j.density(q)->total, 5);
}

QTEST_GUILESS_MAIN(tst_JournalDensity)
#include "tst_journaldensity.moc"
