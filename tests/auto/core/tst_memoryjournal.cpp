// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memoryjournal.h>

#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

#include <limits>

using namespace sb;

class tst_MemoryJournal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void appendAndRead();
    void readFilters();
    void queryValidation();
    void retentionByCount();
    void retentionByBytes();
    void retentionByAge();
    void budgetRefusesNeverDrops();
    void failedJournalStoresNothing();
    void positions();
    void lowSpaceWarns();
    void countsAfterAPosition();
    void storedTtl_data();
    void storedTtl();
};

namespace {

Message ev(const QString &topic, const QByteArray &payload = "p")
{
    return Message(MessageType::Event, topic, payload);
}

// Appends and returns what done() said; done() must have run before append() returned.
Result<quint64> put(Journal &j, const QString &stream, const Message &m)
{
    std::optional<Result<quint64>> out;
    j.append(stream, m, SyncPolicy{}, [&out](const Result<quint64> &r) { out = r; });
    if (!out)
        return Error(ErrorCode::Internal, QStringLiteral("done() did not run"));
    return *out;
}

QList<quint64> seqs(const QList<StoredMessage> &list)
{
    QList<quint64> out;
    for (const StoredMessage &m : list)
        out.append(m.seq);
    return out;
}

JournalQuery query(const QString &stream, quint64 afterSeq = 0, int limit = 100)
{
    JournalQuery q;
    q.stream = stream;
    q.afterSeq = afterSeq;
    q.limit = limit;
    return q;
}

} // namespace

void tst_MemoryJournal::appendAndRead()
{
    MemoryJournal j;
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(put(j, QStringLiteral("orders"), ev(QStringLiteral("a"), "1")).value(), 1u);
    QCOMPARE(put(j, QStringLiteral("other"), ev(QStringLiteral("b"), "2")).value(), 2u);
    QCOMPARE(put(j, QStringLiteral("orders"), ev(QStringLiteral("c"), "3")).value(), 3u);
    QCOMPARE(j.lastSeq(QStringLiteral("orders")), 3u);
    QCOMPARE(j.lastSeq(QStringLiteral("other")), 2u);
    QCOMPARE(j.lastSeq(QStringLiteral("none")), 0u);

    const QList<StoredMessage> all = j.read(query(QStringLiteral("orders"))).value();
    QCOMPARE(seqs(all), (QList<quint64>{1, 3}));
    QCOMPARE(all[1].message.payload(), QByteArray("3"));
    QCOMPARE(all[1].stream, QStringLiteral("orders"));
    QVERIFY(all[0].storedAtMs >= before && all[0].storedAtMs <= QDateTime::currentMSecsSinceEpoch());
    // after-seq is exclusive; limit cuts from the oldest.
    QCOMPARE(seqs(j.read(query(QStringLiteral("orders"), 1)).value()), (QList<quint64>{3}));
    QCOMPARE(seqs(j.read(query(QStringLiteral("orders"), 3)).value()), (QList<quint64>{}));
    QCOMPARE(seqs(j.read(query(QStringLiteral("orders"), 0, 1)).value()), (QList<quint64>{1}));
    const JournalStatus st = j.status();
    QCOMPARE(st.kind, QStringLiteral("memory"));
    QCOMPARE(st.messages, 3);
    QCOMPARE(st.appended, 3u);
    QCOMPARE(st.bytes, MemoryJournal::messageBytes(ev(QStringLiteral("a"), "1")) * 3);
}

void tst_MemoryJournal::readFilters()
{
    MemoryJournal j;
    for (const char *t : {"sensor.1.temp", "sensor.2.temp", "sensor.1.humidity", "door.open"})
        QVERIFY(put(j, QString(), ev(QString::fromLatin1(t))));
    JournalQuery q = query(QString());
    q.topic = QStringLiteral("sensor.*.temp");
    QCOMPARE(seqs(j.read(q).value()), (QList<quint64>{1, 2}));
    q.topic = QStringLiteral("sensor.>");
    QCOMPARE(seqs(j.read(q).value()), (QList<quint64>{1, 2, 3}));
    // The time range is on the hub's stored time, inclusive.
    const qint64 stored = j.read(query(QString())).value().first().storedAtMs;
    q.topic.clear();
    q.fromMs = stored;
    q.toMs = stored + 60000;
    QCOMPARE(j.read(q).value().size(), 4);
    q.fromMs = stored + 60000;
    q.toMs = 0;
    QCOMPARE(j.read(q).value().size(), 0);
    q.fromMs = 1;
    q.toMs = stored - 1;
    QCOMPARE(j.read(q).value().size(), 0);
}

void tst_MemoryJournal::queryValidation()
{
    MemoryJournal j;
    JournalQuery q = query(QString(), 0, 0);
    QCOMPARE(j.read(q).error().code, ErrorCode::BadMessage);
    q.limit = JournalQuery::MaxLimit + 1;
    QCOMPARE(j.read(q).error().code, ErrorCode::BadMessage);
    q.limit = JournalQuery::MaxLimit;
    QVERIFY(j.read(q));
    q.topic = QStringLiteral("a.>.b");
    QCOMPARE(j.read(q).error().code, ErrorCode::InvalidTopic);
    q.topic.clear();
    q.fromMs = 20;
    q.toMs = 10;
    QCOMPARE(j.read(q).error().code, ErrorCode::BadMessage);
}

void tst_MemoryJournal::retentionByCount()
{
    MemoryJournal j;
    RetentionPolicy r;
    r.maxMessages = 3;
    j.setRetention(QStringLiteral("s"), r);
    for (int i = 0; i < 5; ++i)
        QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"))));
    QVERIFY(put(j, QStringLiteral("unbounded"), ev(QStringLiteral("t"))));
    QCOMPARE(seqs(j.read(query(QStringLiteral("s"))).value()), (QList<quint64>{3, 4, 5}));
    QCOMPARE(j.status().expired, 2u);
    QCOMPARE(j.status().messages, 4);
    // A tighter bound applies at once.
    r.maxMessages = 1;
    j.setRetention(QStringLiteral("s"), r);
    QCOMPARE(seqs(j.read(query(QStringLiteral("s"))).value()), (QList<quint64>{5}));
    QCOMPARE(j.read(query(QStringLiteral("unbounded"))).value().size(), 1);
}

void tst_MemoryJournal::retentionByBytes()
{
    MemoryJournal j;
    const qint64 one = MemoryJournal::messageBytes(ev(QStringLiteral("t"), QByteArray(100, 'x')));
    RetentionPolicy r;
    r.maxBytes = one * 2 + one / 2;
    j.setRetention(QStringLiteral("s"), r);
    for (int i = 0; i < 4; ++i)
        QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(100, 'x'))));
    QCOMPARE(seqs(j.read(query(QStringLiteral("s"))).value()), (QList<quint64>{3, 4}));
    QCOMPARE(j.status().bytes, one * 2);
}

void tst_MemoryJournal::retentionByAge()
{
    MemoryJournal j;
    RetentionPolicy r;
    r.maxAgeMs = 100;
    j.setRetention(QStringLiteral("s"), r);
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("old"))));
    QTest::qWait(150);
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("new"))));
    // The old one is past its age: gone from reads and, on the next pass, from the journal.
    QCOMPARE(seqs(j.read(query(QStringLiteral("s"))).value()), (QList<quint64>{2}));
    QCOMPARE(j.status().messages, 1); // the append ran the pass
    QCOMPARE(j.status().expired, 1u);
    // The timer removes the other without any append (it runs every second).
    QTRY_COMPARE_WITH_TIMEOUT(j.status().messages, 0, 3000);
    QCOMPARE(j.status().bytes, 0);
}

void tst_MemoryJournal::budgetRefusesNeverDrops()
{
    const qint64 one = MemoryJournal::messageBytes(ev(QStringLiteral("t"), QByteArray(100, 'x')));
    MemoryJournal j(one * 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(100, 'x'))));
    const Result<quint64> full = put(j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(100, 'x')));
    QCOMPARE(full.error().code, ErrorCode::StorageFull);
    QVERIFY(full.error().message.contains(QLatin1String("journal.disk-budget")));
    QCOMPARE(full.error().details.value(QStringLiteral("limit")).toLongLong(), one * 3);
    // Nothing that was stored is gone.
    QCOMPARE(seqs(j.read(query(QStringLiteral("s"))).value()), (QList<quint64>{1, 2, 3}));
    QCOMPARE(j.status().refusedFull, 1u);
    QCOMPARE(j.status().expired, 0u);
    // A stream's own retention makes room for it; that is retention, not the budget.
    RetentionPolicy r;
    r.maxMessages = 2;
    j.setRetention(QStringLiteral("s"), r);
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(100, 'x'))));
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(100, 'x'))));
    QCOMPARE(seqs(j.read(query(QStringLiteral("s"))).value()), (QList<quint64>{4, 5}));
    // Sequence numbers are never reused; a refused append takes none.
    QCOMPARE(j.lastSeq(QStringLiteral("s")), 5u);
}

void tst_MemoryJournal::failedJournalStoresNothing()
{
    MemoryJournal j;
    QSignalSpy changed(&j, &Journal::statusChanged);
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"))));
    j.fail(QStringLiteral("EIO on write"));
    QCOMPARE(changed.size(), 1);
    QVERIFY(j.status().failed);
    QCOMPARE(j.status().error, QStringLiteral("EIO on write"));
    const Result<quint64> r = put(j, QStringLiteral("s"), ev(QStringLiteral("t")));
    QCOMPARE(r.error().code, ErrorCode::StorageFailed);
    QVERIFY(r.error().message.contains(QLatin1String("EIO on write")));
    QCOMPARE(j.status().failedAppends, 1u);
    QCOMPARE(j.status().messages, 1);
    // What was stored before stays readable.
    QCOMPARE(j.read(query(QStringLiteral("s"))).value().size(), 1);
}

void tst_MemoryJournal::positions()
{
    MemoryJournal j;
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"))));
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"))));
    QCOMPARE(j.position(QStringLiteral("worker")), 0u);
    QVERIFY(j.savePosition(QStringLiteral("worker"), 2));
    QCOMPARE(j.position(QStringLiteral("worker")), 2u);
    QCOMPARE(j.savePosition(QStringLiteral("worker"), 3).error().code, ErrorCode::BadMessage);
    QCOMPARE(j.savePosition(QString(), 1).error().code, ErrorCode::BadMessage);
    QCOMPARE(j.position(QStringLiteral("worker")), 2u);
    QVERIFY(j.removePosition(QStringLiteral("worker")));
    QCOMPARE(j.removePosition(QStringLiteral("worker")).error().code, ErrorCode::NotFound);
    QCOMPARE(j.position(QStringLiteral("worker")), 0u);
}

void tst_MemoryJournal::lowSpaceWarns()
{
    const qint64 one = MemoryJournal::messageBytes(ev(QStringLiteral("t")));
    MemoryJournal j(one * 10);
    QSignalSpy changed(&j, &Journal::statusChanged);
    for (int i = 0; i < 9; ++i)
        QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"))));
    QVERIFY(!j.status().lowSpace);
    QVERIFY(put(j, QStringLiteral("s"), ev(QStringLiteral("t"))));
    QVERIFY(j.status().lowSpace);
    QCOMPARE(changed.size(), 1);
    RetentionPolicy r;
    r.maxMessages = 5;
    j.setRetention(QStringLiteral("s"), r);
    QVERIFY(!j.status().lowSpace);
    QCOMPARE(changed.size(), 2);
}

// Journal::count (the default, over pages of reads): a durable subscription's backlog.
void tst_MemoryJournal::countsAfterAPosition()
{
    MemoryJournal j;
    for (int i = 1; i <= 2500; ++i)
        QVERIFY(put(j, QStringLiteral("orders"), ev(i % 2 ? QStringLiteral("odd.x") : QStringLiteral("even.x"), "p")));
    QCOMPARE(j.count(QStringLiteral("orders"), 0, QString(), 10000).value(), 2500); // three pages
    QCOMPARE(j.count(QStringLiteral("orders"), 2000, QString(), 10000).value(), 500);
    QCOMPARE(j.count(QStringLiteral("orders"), 0, QString(), 1200).value(), 1200); // capped
    QCOMPARE(j.count(QStringLiteral("orders"), 0, QStringLiteral("odd.*"), 10000).value(), 1250);
    QCOMPARE(j.count(QStringLiteral("none"), 0, QString(), 10000).value(), 0);
    QCOMPARE(j.count(QStringLiteral("orders"), 0, QStringLiteral("a..b"), 10).error().code, ErrorCode::InvalidTopic);
}

// A stored message's TTL counts from its stored time (which the SQLite journal moves with a
// stepping clock), and never under a clock that reads before 2025.
void tst_MemoryJournal::storedTtl_data()
{
    QTest::addColumn<qint64>("storedAt");
    QTest::addColumn<qint64>("ttl");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<bool>("expired");
    const qint64 t = 1764000000000; // 2025-11-24
    QTest::addRow("no ttl") << t << qint64(0) << t + 1000000 << false;
    QTest::addRow("within") << t << qint64(1000) << t + 1000 << false;
    QTest::addRow("past") << t << qint64(1000) << t + 1001 << true;
    QTest::addRow("stored in 1970") << qint64(5000) << qint64(1000) << t << false;
    QTest::addRow("judged in 1970") << qint64(5000) << qint64(1000) << qint64(9000) << false;
    QTest::addRow("huge ttl") << t << std::numeric_limits<qint64>::max() << t + 1 << false;
}

void tst_MemoryJournal::storedTtl()
{
    QFETCH(qint64, storedAt);
    QFETCH(qint64, ttl);
    QFETCH(qint64, now);
    QFETCH(bool, expired);
    StoredMessage s;
    s.storedAtMs = storedAt;
    s.message = Message(MessageType::Event, QStringLiteral("t"));
    s.message.setTimestamp(storedAt);
    s.message.setTtl(ttl);
    QCOMPARE(s.isExpired(now), expired);
}

QTEST_GUILESS_MAIN(tst_MemoryJournal)
#include "tst_memoryjournal.moc"
