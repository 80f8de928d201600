// SPDX-License-Identifier: Apache-2.0
// The SQLite journal: storing and reading back, modes, retention, the budget, positions, a torn
// tail, a corrupt file, a newer schema, an fsync that fails, and one hub per journal.
#include "faultyvfs.h"

#include <sqlitejournal.h>
#include <journalwriter.h>

#include <switchboard/binarycodec.h>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sqlite3.h>

using namespace sb;

namespace {

Message ev(const QString &topic, const QByteArray &payload = "p")
{
    Message m(MessageType::Event, topic, payload);
    m.setId(QStringLiteral("id-") + QString::fromLatin1(payload));
    return m;
}

// Appends and collects what done() says, in the order it says it.
struct Appender
{
    QList<Result<quint64>> results;
    void put(Journal &j, const QString &stream, const Message &m, const SyncPolicy &sync = {})
    {
        j.append(stream, m, sync, [this](const Result<quint64> &r) { results.append(r); });
    }
    bool waitFor(int n, int ms = 10000)
    {
        (void)QTest::qWaitFor([&] { return results.size() >= n; }, ms);
        return results.size() == n;
    }
};

SqliteJournalOptions options(const QString &dir)
{
    SqliteJournalOptions o;
    o.directory = dir;
    o.budgetBytes = 64 * 1024 * 1024;
    return o;
}

std::unique_ptr<SqliteJournal> openOk(const SqliteJournalOptions &o)
{
    Result<std::unique_ptr<SqliteJournal>> j = SqliteJournal::open(o);
    if (!j)
        qWarning("open: %s", qPrintable(j.error().message));
    return j ? std::move(j).value() : nullptr;
}

JournalQuery all(const QString &stream)
{
    JournalQuery q;
    q.stream = stream;
    q.limit = JournalQuery::MaxLimit;
    return q;
}

QList<quint64> seqs(const Result<QList<StoredMessage>> &list)
{
    QList<quint64> out;
    for (const StoredMessage &m : list.value())
        out.append(m.seq);
    return out;
}

} // namespace

class tst_SqliteJournal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { faultyvfs::install(); }
    void storesAndReadsBackAcrossReopen();
    void syncModesAndOrder();
    void readByTopicAndTime();
    void retentionByCountAndBytes();
    void retentionByAge();
    void budgetRefusesNeverDrops();
    void positionsSurviveReopen();
    void tornTailKeepsCommittedBatches();
    void corruptFileRefusedOrMovedAside();
    void newerSchemaRefused();
    void failedFsyncStopsAcknowledging();
    void oneHubPerJournal();
    void integrityCheck();
    void deadLettersSurviveReopen();
    void migratesVersionOne();
    void totalsRecountedAfterCrash();
    void checkpointsKeepTheLogShort();
    void powerCutKeepsWhatWasSynced();
    void clockStepsDeleteNothing();
};

void tst_SqliteJournal::storesAndReadsBackAcrossReopen()
{
    QTemporaryDir dir;
    Appender a;
    {
        auto j = openOk(options(dir.path()));
        QVERIFY(j);
        QCOMPARE(j->opened().messages, 0);
        a.put(*j, QStringLiteral("orders"), ev(QStringLiteral("order.1"), "1"));
        a.put(*j, QString(), ev(QStringLiteral("sensor.1"), "2"));
        a.put(*j, QStringLiteral("orders"), ev(QStringLiteral("order.2"), "3"));
        QVERIFY(a.waitFor(3));
        QCOMPARE(a.results[0].value(), 1u);
        QCOMPARE(a.results[2].value(), 3u);
        QCOMPARE(j->lastSeq(QStringLiteral("orders")), 3u);
        const Result<QList<StoredMessage>> read = j->read(all(QStringLiteral("orders")));
        QCOMPARE(seqs(read), (QList<quint64>{1, 3}));
        QCOMPARE(read.value()[1].message.id(), QStringLiteral("id-3"));
        QCOMPARE(read.value()[1].message.topic(), QStringLiteral("order.2"));
        QCOMPARE(read.value()[1].message.payload(), QByteArray("3"));
        QCOMPARE(j->status().kind, QStringLiteral("sqlite"));
        QCOMPARE(j->status().appended, 3u);
        QTRY_COMPARE(j->status().messages, 3);
    }
    // A new process: everything is there, and sequence numbers go on.
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    QCOMPARE(j->opened().messages, 3);
    QCOMPARE(j->opened().streams, 2);
    QCOMPARE(j->opened().lastSeq, 3u);
    QCOMPARE(j->lastSeq(QStringLiteral("orders")), 3u);
    QCOMPARE(j->lastSeq(QString()), 2u);
    QCOMPARE(seqs(j->read(all(QString()))), (QList<quint64>{2}));
    a.put(*j, QStringLiteral("orders"), ev(QStringLiteral("order.3"), "4"));
    QVERIFY(a.waitFor(4));
    QCOMPARE(a.results[3].value(), 4u);
}

void tst_SqliteJournal::syncModesAndOrder()
{
    QTemporaryDir dir;
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    SyncPolicy off, batch;
    off.mode = SyncPolicy::Mode::Off;
    batch.mode = SyncPolicy::Mode::Batch;
    batch.batchMs = 20;
    Appender a;
    for (int i = 0; i < 300; ++i) {
        const SyncPolicy &p = i % 3 == 0 ? off : i % 3 == 1 ? batch : SyncPolicy{};
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray::number(i)), p);
    }
    QVERIFY(a.waitFor(300));
    // Done in the order appended, each with its own sequence number.
    for (int i = 0; i < 300; ++i)
        QCOMPARE(a.results[i].value(), quint64(i + 1));
    QCOMPARE(j->read(all(QStringLiteral("s"))).value().size(), 300);
    // A batch-only append waits for its window, then is committed without anything else.
    Appender b;
    b.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "late"), batch);
    QVERIFY(b.waitFor(1, 2000));
    QCOMPARE(b.results[0].value(), 301u);
}

void tst_SqliteJournal::readByTopicAndTime()
{
    QTemporaryDir dir;
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    Appender a;
    int n = 0;
    for (const char *t : {"sensor.1.temp", "sensor.2.temp", "sensor.1.humidity", "door.open"})
        a.put(*j, QString(), ev(QString::fromLatin1(t), QByteArray::number(++n)));
    QVERIFY(a.waitFor(4));
    JournalQuery q = all(QString());
    q.topic = QStringLiteral("sensor.*.temp");
    QCOMPARE(seqs(j->read(q)), (QList<quint64>{1, 2}));
    q.topic = QStringLiteral("sensor.>");
    QCOMPARE(seqs(j->read(q)), (QList<quint64>{1, 2, 3}));
    q.afterSeq = 1;
    q.limit = 1;
    QCOMPARE(seqs(j->read(q)), (QList<quint64>{2}));
    const qint64 stored = j->read(all(QString())).value().first().storedAtMs;
    q = all(QString());
    q.fromMs = stored;
    q.toMs = stored + 60000;
    QCOMPARE(j->read(q).value().size(), 4);
    q.fromMs = stored + 60000;
    q.toMs = 0;
    QCOMPARE(j->read(q).value().size(), 0);
    q = all(QStringLiteral("no-such-stream"));
    QCOMPARE(j->read(q).value().size(), 0);
    q.limit = 0;
    QCOMPARE(j->read(q).error().code, ErrorCode::BadMessage);
}

void tst_SqliteJournal::retentionByCountAndBytes()
{
    QTemporaryDir dir;
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    RetentionPolicy count;
    count.maxMessages = 10;
    j->setRetention(QStringLiteral("counted"), count);
    RetentionPolicy bytes;
    bytes.maxBytes = 4000;
    j->setRetention(QStringLiteral("sized"), bytes);
    Appender a;
    for (int i = 0; i < 25; ++i) {
        a.put(*j, QStringLiteral("counted"), ev(QStringLiteral("t"), QByteArray::number(i)));
        a.put(*j, QStringLiteral("sized"), ev(QStringLiteral("t"), QByteArray(200, 'x') + QByteArray::number(i)));
    }
    QVERIFY(a.waitFor(50));
    const QList<StoredMessage> counted = j->read(all(QStringLiteral("counted"))).value();
    QCOMPARE(counted.size(), 10);
    QCOMPARE(counted.first().message.payload(), QByteArray("15")); // the oldest went
    const QList<StoredMessage> sized = j->read(all(QStringLiteral("sized"))).value();
    // 4000 bytes hold a few hundred-byte messages: the newest, and at least one went.
    QVERIFY2(sized.size() >= 5 && sized.size() < 25, qPrintable(QString::number(sized.size())));
    QVERIFY(sized.last().message.payload().endsWith("24"));
    QTRY_VERIFY(j->status().expired >= 15);
    // A tighter bound applies at once, without new messages.
    count.maxMessages = 2;
    j->setRetention(QStringLiteral("counted"), count);
    QTRY_COMPARE(j->read(all(QStringLiteral("counted"))).value().size(), 2);
    // The totals survive a restart without a scan.
    const qint64 messages = j->status().messages;
    j.reset();
    j = openOk(options(dir.path()));
    QCOMPARE(j->opened().messages, messages);
}

void tst_SqliteJournal::retentionByAge()
{
    QTemporaryDir dir;
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    RetentionPolicy r;
    r.maxAgeMs = 500;
    j->setRetention(QStringLiteral("s"), r);
    Appender a;
    a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "old"));
    a.put(*j, QStringLiteral("other"), ev(QStringLiteral("t"), "kept"));
    QVERIFY(a.waitFor(2));
    QCOMPARE(j->read(all(QStringLiteral("s"))).value().size(), 1);
    // The writer's housekeeping (every second) removes it once it is older than 500 ms.
    QTRY_COMPARE_WITH_TIMEOUT(j->read(all(QStringLiteral("s"))).value().size(), 0, 5000);
    QCOMPARE(j->read(all(QStringLiteral("other"))).value().size(), 1);
    QTRY_COMPARE(j->status().expired, 1u);
}

void tst_SqliteJournal::budgetRefusesNeverDrops()
{
    QTemporaryDir dir;
    SqliteJournalOptions o = options(dir.path());
    o.budgetBytes = 20 * 1024;
    o.maxPendingBytes = 20 * 1024;
    auto j = openOk(o);
    QVERIFY(j);
    Appender a;
    int stored = 0;
    for (int i = 0; i < 40; ++i) {
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(900, 'x') + QByteArray::number(i)));
        QTRY_COMPARE(a.results.size(), i + 1);
        if (a.results.last())
            ++stored;
        else
            QCOMPARE(a.results.last().error().code, ErrorCode::StorageFull);
    }
    QVERIFY(stored > 5 && stored < 40);
    QCOMPARE(j->status().refusedFull, quint64(40 - stored));
    // Refused means refused: everything acknowledged is there.
    QCOMPARE(j->read(all(QStringLiteral("s"))).value().size(), stored);
    QCOMPARE(j->status().expired, 0u);
}

void tst_SqliteJournal::positionsSurviveReopen()
{
    QTemporaryDir dir;
    {
        auto j = openOk(options(dir.path()));
        Appender a;
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "1"));
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "2"));
        QVERIFY(a.waitFor(2));
        QVERIFY(j->savePosition(QStringLiteral("worker"), 2));
        QVERIFY(j->savePosition(QStringLiteral("gone"), 1));
        QVERIFY(j->removePosition(QStringLiteral("gone")));
        QCOMPARE(j->savePosition(QStringLiteral("worker"), 9).error().code, ErrorCode::BadMessage);
        QCOMPARE(j->position(QStringLiteral("worker")), 2u);
    } // closing commits what is queued
    auto j = openOk(options(dir.path()));
    QCOMPARE(j->position(QStringLiteral("worker")), 2u);
    QCOMPARE(j->position(QStringLiteral("gone")), 0u);
}

// A crash in the middle of a commit leaves the WAL with a torn last frame: opening keeps every
// batch committed before it and drops the torn one.
void tst_SqliteJournal::tornTailKeepsCommittedBatches()
{
    QTemporaryDir dir, crash;
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    Appender a;
    for (int i = 1; i <= 5; ++i) {
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray(3000, 'a' + i)));
        QVERIFY(a.waitFor(i)); // one commit each
    }
    // The files as a power cut would leave them (the writer still holds them open).
    const QString db = SqliteJournal::databaseFile(dir.path());
    QVERIFY(QFile::exists(db + QStringLiteral("-wal")));
    QVERIFY(QFile::copy(db, SqliteJournal::databaseFile(crash.path())));
    QVERIFY(QFile::copy(db + QStringLiteral("-wal"), SqliteJournal::databaseFile(crash.path()) + QStringLiteral("-wal")));
    QFile wal(SqliteJournal::databaseFile(crash.path()) + QStringLiteral("-wal"));
    QVERIFY(wal.open(QIODevice::ReadWrite));
    QVERIFY(wal.resize(wal.size() - 1000)); // the last commit's frame is cut short
    wal.close();
    auto recovered = openOk(options(crash.path()));
    QVERIFY(recovered);
    QCOMPARE(recovered->opened().lastSeq, 4u);
    QCOMPARE(seqs(recovered->read(all(QStringLiteral("s")))), (QList<quint64>{1, 2, 3, 4}));
    QCOMPARE(recovered->opened().messages, 4);
    // And it goes on from there.
    Appender b;
    b.put(*recovered, QStringLiteral("s"), ev(QStringLiteral("t"), "next"));
    QVERIFY(b.waitFor(1));
    QCOMPARE(b.results[0].value(), 5u);
    QVERIFY(recovered->check().value().isEmpty());
}

void tst_SqliteJournal::corruptFileRefusedOrMovedAside()
{
    QTemporaryDir dir;
    QFile f(SqliteJournal::databaseFile(dir.path()));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'Z')); // not a database
    f.close();
    Result<std::unique_ptr<SqliteJournal>> refused = SqliteJournal::open(options(dir.path()));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ErrorCode::StorageFailed);
    QVERIFY2(refused.error().message.contains(QLatin1String("journal.on-corrupt: move-aside")),
             qPrintable(refused.error().message));
    QVERIFY(f.exists()); // refusing touches nothing

    SqliteJournalOptions o = options(dir.path());
    o.onCorrupt = SqliteJournalOptions::OnCorrupt::MoveAside;
    auto j = openOk(o);
    QVERIFY(j);
    QVERIFY(!j->opened().movedAside.isEmpty());
    QVERIFY(QFile::exists(j->opened().movedAside));
    QCOMPARE(QFileInfo(j->opened().movedAside).size(), 8192);
    Appender a;
    a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t")));
    QVERIFY(a.waitFor(1));
    QVERIFY(a.results[0]);
}

void tst_SqliteJournal::newerSchemaRefused()
{
    QTemporaryDir dir;
    {
        auto j = openOk(options(dir.path()));
        QVERIFY(j);
    }
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(SqliteJournal::databaseFile(dir.path()).toUtf8().constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    Result<std::unique_ptr<SqliteJournal>> j = SqliteJournal::open(options(dir.path()));
    QVERIFY(!j);
    QCOMPARE(j.error().code, ErrorCode::StorageFailed);
    QVERIFY2(j.error().message.contains(QLatin1String("version 99")), qPrintable(j.error().message));
}

void tst_SqliteJournal::failedFsyncStopsAcknowledging()
{
    QTemporaryDir dir;
    SqliteJournalOptions o = options(dir.path());
    o.vfs = faultyvfs::Name;
    auto j = openOk(o);
    QVERIFY(j);
    QSignalSpy changed(j.get(), &Journal::statusChanged);
    Appender a;
    a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "ok"));
    QVERIFY(a.waitFor(1));
    QVERIFY(a.results[0]);
    QVERIFY(faultyvfs::syncs > 0); // fsync: always asks for it
    faultyvfs::failSync = true;
    a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "lost"));
    QVERIFY(a.waitFor(2));
    faultyvfs::failSync = false;
    QCOMPARE(a.results[1].error().code, ErrorCode::StorageFailed);
    QVERIFY(j->status().failed);
    QVERIFY(!j->status().error.isEmpty());
    QCOMPARE(changed.size(), 1);
    // From now on nothing is acknowledged, even with a disk that works again.
    a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "after"));
    QVERIFY(a.waitFor(3));
    QCOMPARE(a.results[2].error().code, ErrorCode::StorageFailed);
    QCOMPARE(j->status().failedAppends, 2u);
    // What was acknowledged is still readable.
    QCOMPARE(seqs(j->read(all(QStringLiteral("s")))), (QList<quint64>{1}));
}

void tst_SqliteJournal::oneHubPerJournal()
{
    QTemporaryDir dir;
    auto first = openOk(options(dir.path()));
    QVERIFY(first);
    Result<std::unique_ptr<SqliteJournal>> second = SqliteJournal::open(options(dir.path()));
    QVERIFY(!second);
    QCOMPARE(second.error().code, ErrorCode::StorageFailed);
    QVERIFY2(second.error().message.contains(QLatin1String("in use")), qPrintable(second.error().message));
    first.reset();
    QVERIFY(openOk(options(dir.path())));
}

void tst_SqliteJournal::integrityCheck()
{
    QTemporaryDir dir;
    auto j = openOk(options(dir.path()));
    Appender a;
    for (int i = 0; i < 20; ++i)
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray::number(i)));
    QVERIFY(a.waitFor(20));
    const Result<QStringList> problems = j->check();
    QVERIFY(problems);
    QVERIFY2(problems.value().isEmpty(), qPrintable(problems.value().join(QLatin1Char('\n'))));
}

void tst_SqliteJournal::deadLettersSurviveReopen()
{
    QTemporaryDir dir;
    auto letter = [](const QString &topic, DeadLetterReason reason) {
        DeadLetter l;
        l.reason = reason;
        l.message = ev(topic, topic.toUtf8());
        l.attempts = 3;
        l.destination = QStringLiteral("orders");
        l.detail = QStringLiteral("test");
        return l;
    };
    {
        auto j = openOk(options(dir.path()));
        MemoryDeadLetterStore store;
        QCOMPARE(j->attachDeadLetters(&store).value(), 0);
        store.add(letter(QStringLiteral("a"), DeadLetterReason::NoRoute));
        const quint64 b = store.add(letter(QStringLiteral("b"), DeadLetterReason::HandlerFailed));
        store.add(letter(QStringLiteral("c"), DeadLetterReason::Expired));
        QVERIFY(store.take(b)); // a requeue takes it: gone from the disk too
        store.setSink(nullptr);
    } // closing writes what is queued
    MemoryDeadLetterStore store;
    {
        auto j = openOk(options(dir.path()));
        QCOMPARE(j->attachDeadLetters(&store).value(), 2);
        const QList<DeadLetter> back = store.list();
        QCOMPARE(back.size(), 2);
        QCOMPARE(back[0].id, 1u);
        QCOMPARE(back[0].reason, DeadLetterReason::NoRoute);
        QCOMPARE(back[0].message.payload(), QByteArray("a"));
        QCOMPARE(back[0].attempts, 3);
        QCOMPARE(back[0].destination, QStringLiteral("orders"));
        QCOMPARE(back[1].id, 3u);
        QCOMPARE(back[1].reason, DeadLetterReason::Expired);
        QVERIFY(back[1].deadAt > 0);
        QCOMPARE(store.add(letter(QStringLiteral("d"), DeadLetterReason::Overflow)), 4u); // ids go on
        QCOMPARE(store.purge(), 3);
        store.setSink(nullptr);
    }
    MemoryDeadLetterStore empty;
    auto j = openOk(options(dir.path()));
    QCOMPARE(j->attachDeadLetters(&empty).value(), 0); // the purge was durable
    empty.setSink(nullptr);
}

// A journal written by the first schema (no dead letters) is migrated in place.
void tst_SqliteJournal::migratesVersionOne()
{
    QTemporaryDir dir;
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(SqliteJournal::databaseFile(dir.path()).toUtf8().constData(), &db), SQLITE_OK);
    const QByteArray body = BinaryCodec::encodeMessage(ev(QStringLiteral("old.topic"), "old"));
    const char *v1 = "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE streams(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                     " count INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0);"
                     "CREATE TABLE messages(seq INTEGER PRIMARY KEY, stream INTEGER NOT NULL, topic TEXT NOT NULL,"
                     " stored_at INTEGER NOT NULL, size INTEGER NOT NULL, body BLOB NOT NULL);"
                     "CREATE INDEX messages_by_stream ON messages(stream, seq);"
                     "CREATE TABLE positions(name TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;"
                     "INSERT INTO streams(id, name, count, bytes) VALUES(1, 'orders', 1, 100);"
                     "PRAGMA user_version = 1;";
    QCOMPARE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO messages VALUES(7, 1, 'old.topic', 1767225600000, 100, ?1)", -1, &st, nullptr);
    sqlite3_bind_blob(st, 1, body.constData(), int(body.size()), SQLITE_STATIC);
    QCOMPARE(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);

    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    QCOMPARE(j->opened().lastSeq, 7u);
    QCOMPARE(j->read(all(QStringLiteral("orders"))).value().first().message.payload(), QByteArray("old"));
    MemoryDeadLetterStore store;
    QCOMPARE(j->attachDeadLetters(&store).value(), 0); // the new table is there
    store.setSink(nullptr);
    j.reset();
    QCOMPARE(sqlite3_open(SqliteJournal::databaseFile(dir.path()).toUtf8().constData(), &db), SQLITE_OK);
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
    QCOMPARE(sqlite3_step(st), SQLITE_ROW);
    QCOMPARE(sqlite3_column_int(st, 0), 3);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

// The streams' totals are written once a second: a crash loses the last second of them, and the
// next start counts the messages stored after them (and only those).
void tst_SqliteJournal::totalsRecountedAfterCrash()
{
    QTemporaryDir dir;
    qint64 bytes = 0;
    {
        auto j = openOk(options(dir.path()));
        QVERIFY(j);
        Appender a;
        for (int i = 0; i < 5; ++i)
            a.put(*j, QStringLiteral("orders"), ev(QStringLiteral("o"), QByteArray::number(i)));
        QVERIFY(a.waitFor(5));
        QCOMPARE(j->status().messages, 5);
        bytes = j->status().bytes;
    }
    // What a SIGKILL within a second of the last totals leaves: the rows, not yet counted.
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(SqliteJournal::databaseFile(dir.path()).toUtf8().constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db,
                          "UPDATE streams SET count = count - 3, counted_to = counted_to - 3, "
                          "bytes = bytes - (SELECT sum(size) FROM messages WHERE seq > (SELECT max(seq) - 3 FROM messages))",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    {
        auto j = openOk(options(dir.path()));
        QVERIFY(j);
        QCOMPARE(j->opened().recounted, 3);
        QCOMPARE(j->opened().messages, 5);
        QCOMPARE(j->status().messages, 5);
        QCOMPARE(j->status().bytes, bytes);
        // Retention counts from the settled totals.
        RetentionPolicy two;
        two.maxMessages = 2;
        j->setRetention(QStringLiteral("orders"), two);
        QTRY_COMPARE(j->read(all(QStringLiteral("orders"))).value().size(), 2);
        QTRY_COMPARE(j->status().messages, 2);
    }
    auto j = openOk(options(dir.path()));
    QCOMPARE(j->opened().recounted, 0); // a clean stop wrote them
    QCOMPARE(j->opened().messages, 2);
}

// A power cut: the VFS holds every write until its file is fsynced, then loses what was not. What
// was acknowledged under fsync: always is all there; what fsync: off acknowledged is not (it was
// only with the operating system).
void tst_SqliteJournal::powerCutKeepsWhatWasSynced()
{
    QTemporaryDir dir;
    faultyvfs::holdUnsynced = true;
    SqliteJournalOptions o = options(dir.path());
    o.vfs = faultyvfs::Name;
    SyncPolicy off;
    off.mode = SyncPolicy::Mode::Off;
    Appender a;
    {
        auto j = openOk(o);
        QVERIFY(j);
        for (int i = 0; i < 20; ++i)
            a.put(*j, QStringLiteral("synced"), ev(QStringLiteral("t"), "s" + QByteArray::number(i)));
        QVERIFY(a.waitFor(20));
        for (int i = 0; i < 20; ++i)
            a.put(*j, QStringLiteral("unsynced"), ev(QStringLiteral("t"), "u" + QByteArray::number(i)), off);
        QVERIFY(a.waitFor(40));
        for (const auto &r : std::as_const(a.results))
            QVERIFY(r);
        faultyvfs::powerCut();
    } // closing writes nothing any more: the machine has stopped
    faultyvfs::reset();
    QFile::remove(SqliteJournal::databaseFile(dir.path()) + QStringLiteral("-shm")); // memory, gone with the power
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    const QList<StoredMessage> synced = j->read(all(QStringLiteral("synced"))).value();
    QCOMPARE(synced.size(), 20);
    QCOMPARE(synced.last().message.payload(), QByteArray("s19"));
    QCOMPARE(j->read(all(QStringLiteral("unsynced"))).value().size(), 0);
    QVERIFY(j->check().value().isEmpty());
}

// A board without a real-time clock boots in 1970, then NTP sets the time: age-based retention
// must not take that step for 56 years of age. The journal reads the test's clocks; the writer's
// housekeeping runs every second of real time.
void tst_SqliteJournal::clockStepsDeleteNothing()
{
    QTemporaryDir dir;
    std::atomic<qint64> wall{86400000}; // 1970-01-02
    std::atomic<qint64> mono{1000000};
    SqliteJournalOptions o = options(dir.path());
    o.wallClock = [&wall] { return wall.load(); };
    o.monotonicClock = [&mono] { return mono.load(); };
    auto j = openOk(o);
    QVERIFY(j);
    RetentionPolicy r;
    r.maxAgeMs = 3600000; // an hour
    j->setRetention(QStringLiteral("s"), r);
    Appender a;
    for (int i = 0; i < 3; ++i)
        a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), QByteArray::number(i)));
    QVERIFY(a.waitFor(3));
    const auto passes = [] { QTest::qWait(int(2.5 * journal::JournalWriter::HousekeepingMs)); };
    // 1) Two hours pass while the clock still reads 1970: no age can be trusted, nothing goes.
    wall += 7200000;
    mono += 7200000;
    passes();
    QCOMPARE(j->status().messages, 3);
    // 2) NTP steps the clock to 2026: the messages age from now, not from 1970.
    const qint64 set = 1780000000000LL;
    wall = set;
    passes();
    QCOMPARE(j->status().messages, 3);
    QVERIFY(j->read(all(QStringLiteral("s"))).value().first().storedAtMs >= set);
    // 3) Real time passes: after max-age they go.
    wall += 1800000;
    mono += 1800000;
    passes();
    QCOMPARE(j->status().messages, 3);
    wall += 1900000;
    mono += 1900000;
    QTRY_COMPARE_WITH_TIMEOUT(j->status().messages, 0, 5000);
    // 4) A step of a valid clock (an operator, a second NTP sync) moves this run's stored times
    //    with it: five hours ahead deletes nothing.
    a.put(*j, QStringLiteral("s"), ev(QStringLiteral("t"), "after"));
    QVERIFY(a.waitFor(4));
    wall += 5 * 3600000;
    passes();
    QCOMPARE(j->status().messages, 1);
    // ... and an hour and a bit of real time later it goes as it should.
    wall += 3700000;
    mono += 3700000;
    QTRY_COMPARE_WITH_TIMEOUT(j->status().messages, 0, 5000);
}

QTEST_GUILESS_MAIN(tst_SqliteJournal)
// One commit per message (a publisher that waits for each): without checkpoints the log would
// grow by three pages a message (36 MiB here). The checkpointer copies it into the database and
// SQLite starts it over.
void tst_SqliteJournal::checkpointsKeepTheLogShort()
{
    QTemporaryDir dir;
    auto j = openOk(options(dir.path()));
    QVERIFY(j);
    SyncPolicy off;
    off.mode = SyncPolicy::Mode::Off;
    const QString wal = SqliteJournal::databaseFile(dir.path()) + QStringLiteral("-wal");
    constexpr int Count = 3000;
    qint64 largest = 0;
    int stored = 0, failed = 0;
    std::function<void()> next = [&] {
        j->append(QStringLiteral("orders"), ev(QStringLiteral("o"), QByteArray(100, 'x') + QByteArray::number(stored)), off,
                  [&](const Result<quint64> &r) {
                      r ? ++stored : ++failed;
                      largest = std::max(largest, QFileInfo(wal).size());
                      if (stored + failed < Count)
                          next(); // the next one only once this one is stored: a commit each
                  });
    };
    QEventLoop loop; // blocks in the dispatcher (QTRY_* sleeps 10 ms between looks)
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    next();
    while (stored + failed < Count && loop.processEvents(QEventLoop::WaitForMoreEvents))
        ;
    QCOMPARE(stored + failed, Count);
    QCOMPARE(failed, 0);
    QVERIFY2(largest < 8 * 1024 * 1024, qPrintable(QString::number(largest))); // 1,000 pages and what came during a pass
    QVERIFY2(QFileInfo(SqliteJournal::databaseFile(dir.path())).size() > 256 * 1024,
             "nothing was copied into the database");
    QCOMPARE(j->status().messages, Count);
    // Counted in place (a durable subscription's backlog), capped, by pattern.
    QCOMPARE(j->count(QStringLiteral("orders"), 0, QString(), 10000).value(), Count);
    QCOMPARE(j->count(QStringLiteral("orders"), 2990, QString(), 10000).value(), 10);
    QCOMPARE(j->count(QStringLiteral("orders"), 0, QString(), 100).value(), 100);
    QCOMPARE(j->count(QStringLiteral("orders"), 0, QStringLiteral("other.>"), 100).value(), 0);
    QCOMPARE(j->count(QStringLiteral("nowhere"), 0, QString(), 100).value(), 0);
    // The files hold the publishers' data: the hub's user only.
    for (const QString &f : {SqliteJournal::databaseFile(dir.path()), wal}) {
        const QFile::Permissions p = QFileInfo(f).permissions();
        QVERIFY2(!(p & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)), qPrintable(f));
    }
}

#include "tst_sqlitejournal.moc"
