// SPDX-License-Identifier: Apache-2.0
#include "sqlitejournal.h"

#include "densityreader.h"
#include "journalschema.h"
#include "journalwriter.h"
#include "sqlitedb.h"

#include <switchboard/binarycodec.h>
#include <switchboard/topic.h>

#include <QAbstractEventDispatcher>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLockFile>
#include <QTimer>

#include <sqlite3.h>

#include <chrono>
#include <limits>

namespace sb {

using journal::DensityReader;
using journal::JournalWriter;
namespace Schema = journal::Schema;
using journal::SqliteDb;
using journal::SqliteStatement;
using journal::WriteItem;
using journal::WriteReport;

namespace {

constexpr qint64 RowOverhead = 64; // what a row costs besides its body and topic: keys, index entry

// sb_match(pattern, topic): the hub's wildcard matching, for reads by topic pattern.
void sqlMatch(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    const auto text = [](sqlite3_value *v) {
        return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_value_text(v)), sqlite3_value_bytes(v));
    };
    sqlite3_result_int(ctx, Topic::matches(text(argv[0]), text(argv[1])) ? 1 : 0);
}

Error corruptAdvice(const QString &file, const Error &e)
{
    return Error(ErrorCode::StorageFailed,
                 QStringLiteral("the journal %1 cannot be read (%2): move it aside, or set journal.on-corrupt: "
                                "move-aside to start on a new one (the old file is kept)")
                     .arg(file, e.message),
                 {{QStringLiteral("file"), file}});
}

// The dead-letter store's changes, handed to the writer (any thread, with the store's mutex held).
class LetterSink : public MemoryDeadLetterStore::Sink
{
public:
    explicit LetterSink(JournalWriter *writer) : m_writer(writer) {}
    void kept(const DeadLetter &letter) override
    {
        journal::LetterOp op;
        op.id = letter.id;
        op.reason = int(letter.reason);
        op.attempts = letter.attempts;
        op.deadAt = letter.deadAt;
        op.destination = letter.destination;
        op.detail = letter.detail;
        BinaryCodec::appendMessage(op.message, letter.message);
        m_writer->changeLetters(std::move(op));
    }
    void removed(quint64 id) override
    {
        journal::LetterOp op;
        op.kind = journal::LetterOp::Kind::Remove;
        op.id = id;
        m_writer->changeLetters(std::move(op));
    }
    void removedAll() override
    {
        journal::LetterOp op;
        op.kind = journal::LetterOp::Kind::RemoveAll;
        m_writer->changeLetters(std::move(op));
    }

private:
    JournalWriter *m_writer;
};

bool isCorrupt(const Error &e)
{
    return SqliteDb::isCorruption(e.details.value(QStringLiteral("sqlite")).toInt())
        || e.details.value(QStringLiteral("corrupt")).toBool();
}

} // namespace

QString SqliteJournal::databaseFile(const QString &directory)
{
    return QDir(directory).filePath(QStringLiteral("journal.db"));
}

SqliteJournal::SqliteJournal(const SqliteJournalOptions &options)
    : m_options(options)
    , m_db(std::make_unique<SqliteDb>())
    , m_read(std::make_unique<SqliteStatement>())
    , m_count(std::make_unique<SqliteStatement>())
    , m_density(std::make_unique<DensityReader>())
{
    m_status.kind = QStringLiteral("sqlite");
    m_status.budgetBytes = options.budgetBytes;
}

SqliteJournal::~SqliteJournal()
{
    if (m_writer)
        m_writer->stop(); // commits what is queued
    m_read.reset();
    m_count.reset();
    m_density.reset();
    m_db.reset();
}

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::open(const SqliteJournalOptions &options)
{
    QElapsedTimer clock;
    clock.start();
    if (!QDir().mkpath(options.directory))
        return Error(ErrorCode::StorageFailed,
                     QStringLiteral("cannot create the journal directory %1 (journal.path)").arg(options.directory),
                     {{QStringLiteral("key"), QStringLiteral("journal.path")}});
    // One hub per journal: a second would write the same sequence numbers.
    auto lock = std::make_unique<QLockFile>(QDir(options.directory).filePath(QStringLiteral("journal.lock")));
    lock->setStaleLockTime(0); // a lock whose process is gone is taken over
    if (!lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock->getLockInfo(&pid, &host, &app);
        return Error(ErrorCode::StorageFailed,
                     QStringLiteral("the journal %1 is in use by another process (%2, pid %3 on %4); give each hub "
                                    "its own journal.path")
                         .arg(options.directory, app)
                         .arg(pid)
                         .arg(host),
                     {{QStringLiteral("key"), QStringLiteral("journal.path")}});
    }
    std::unique_ptr<SqliteJournal> j(new SqliteJournal(options));
    SqliteJournalOpened opened;
    Status st = j->openDatabase(&opened);
    if (!st && isCorrupt(st.error())) {
        const QString file = databaseFile(options.directory);
        if (options.onCorrupt == SqliteJournalOptions::OnCorrupt::Refuse)
            return corruptAdvice(file, st.error());
        j.reset(new SqliteJournal(options));
        const QString aside =
            file + QStringLiteral(".corrupt-") + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddThhmmss"));
        for (const char *suffix : {"", "-wal", "-shm"}) {
            const QString from = file + QLatin1String(suffix);
            if (QFile::exists(from) && !QFile::rename(from, aside + QLatin1String(suffix)))
                return Error(ErrorCode::StorageFailed, QStringLiteral("cannot move the corrupt journal %1 aside to %2")
                                                           .arg(from, aside + QLatin1String(suffix)));
        }
        opened = {};
        opened.movedAside = aside;
        st = j->openDatabase(&opened);
    }
    if (!st)
        return st.error();
    opened.elapsedMs = clock.elapsed();
    j->m_opened = opened;
    j->m_lock = std::move(lock);
    return j;
}

Status SqliteJournal::openDatabase(SqliteJournalOpened *opened)
{
    const QString file = databaseFile(m_options.directory);
    // Stored messages are the publishers' data: readable by the hub's user only. SQLite gives its
    // -wal and -shm files the database's mode.
    if (!QFile::exists(file)) {
        QFile create(file);
        if (!create.open(QIODevice::WriteOnly) || !create.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
            return Error(ErrorCode::StorageFailed, QStringLiteral("cannot create the journal %1: %2").arg(file, create.errorString()),
                         {{QStringLiteral("key"), QStringLiteral("journal.path")}});
    }
    if (Status st = m_db->open(file, true, m_options.vfs); !st)
        return st;
    // WAL: readers (this connection) never wait for the writer; a torn tail of the log is
    // dropped by SQLite's recovery, which keeps every committed batch whole.
    SqliteStatement mode;
    if (Status st = mode.prepare(*m_db, "PRAGMA journal_mode=WAL"); !st)
        return st;
    const int rc = mode.step();
    if (rc != SQLITE_ROW)
        return m_db->error(QStringLiteral("switch %1 to WAL").arg(file));
    if (mode.text(0) != QLatin1String("wal"))
        return Error(ErrorCode::StorageFailed, QStringLiteral("%1: the file system does not take SQLite's WAL mode (%2)")
                                                   .arg(file, mode.text(0)));
    mode.reset();
    if (Status st = m_db->exec("PRAGMA busy_timeout=5000"); !st)
        return st;
    if (Status st = Schema::migrate(*m_db); !st)
        return st;
    if (Status st = Schema::settleTotals(*m_db, &opened->recounted); !st)
        return st;
    if (sqlite3_create_function_v2(m_db->handle(), "sb_match", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &sqlMatch,
                                   nullptr, nullptr, nullptr)
        != SQLITE_OK)
        return m_db->error(QStringLiteral("register sb_match"));
    if (Status st = m_read->prepare(*m_db, "SELECT seq, stored_at, body FROM messages WHERE stream = ?1 AND seq > ?2 "
                                           "AND stored_at >= ?3 AND stored_at <= ?4 "
                                           "AND (?5 = '' OR sb_match(?5, topic)) ORDER BY seq LIMIT ?6");
        !st)
        return st;
    // A count in the index: the topic is read only when a pattern asks for it.
    if (Status st = m_count->prepare(*m_db, "SELECT count(*) FROM (SELECT 1 FROM messages WHERE stream = ?1 AND seq > ?2 "
                                            "AND (?3 = '' OR sb_match(?3, topic)) LIMIT ?4)");
        !st)
        return st;
    if (Status st = m_density->prepare(*m_db); !st)
        return st;
    if (Status st = load(opened); !st)
        return st;
    journal::JournalClocks clocks = journal::JournalClocks::system();
    if (m_options.wallClock)
        clocks.wall = m_options.wallClock;
    if (m_options.monotonicClock)
        clocks.monotonic = m_options.monotonicClock;
    m_writer = std::make_unique<JournalWriter>(
        file, m_options.vfs,
        [this](const WriteReport &r) {
            if (r.error.code != ErrorCode::None) {
                QMetaObject::invokeMethod(this, [this, r] { onReport(r); }, Qt::QueuedConnection);
                return;
            }
            // Sequentially consistent with awaitCommit(): either it sees this store, or this sees
            // that it stopped looking and posts.
            m_committedUpTo.store(r.committedUpTo);
            if (!m_awaiting.load() && !m_takePosted.exchange(true, std::memory_order_acq_rel))
                QMetaObject::invokeMethod(this, &SqliteJournal::takeCommitted, Qt::QueuedConnection);
        },
        clocks);
    m_writer->setSpinWaitUs(m_options.spinWaitUs);
    if (Status st = m_writer->start(m_nextSeq); !st) {
        m_writer.reset();
        return st;
    }
    if (QAbstractEventDispatcher *d = QAbstractEventDispatcher::instance(thread()); d && m_options.spinWaitUs > 0)
        connect(d, &QAbstractEventDispatcher::aboutToBlock, this, &SqliteJournal::awaitCommit);
    m_watch = new QTimer(this);
    m_watch->setInterval(JournalWriter::HousekeepingMs);
    connect(m_watch, &QTimer::timeout, this, &SqliteJournal::watch);
    m_watch->start();
    return {};
}

// The quick start: the streams' totals and last sequence numbers (index lookups), the positions,
// and the newest message decoded as a check of the tail. No scan of the messages.
Status SqliteJournal::load(SqliteJournalOpened *opened)
{
    SqliteStatement streams, last, positions, tail;
    if (Status st = streams.prepare(*m_db, "SELECT id, name, count FROM streams"); !st)
        return st;
    if (Status st = last.prepare(*m_db, "SELECT max(seq) FROM messages WHERE stream = ?1"); !st)
        return st;
    int rc;
    while ((rc = streams.step()) == SQLITE_ROW) {
        const QString name = streams.text(1);
        m_streamIds.insert(name, streams.int64(0));
        opened->messages += streams.int64(2);
        ++opened->streams;
        last.bind(1, streams.int64(0));
        if (last.step() == SQLITE_ROW && last.int64(0) > 0)
            m_lastSeq.insert(name, quint64(last.int64(0)));
        last.reset();
    }
    if (rc != SQLITE_DONE)
        return m_db->error(QStringLiteral("read the journal's streams"));
    if (Status st = positions.prepare(*m_db, "SELECT name, seq FROM positions"); !st)
        return st;
    while ((rc = positions.step()) == SQLITE_ROW)
        m_positions.insert(positions.text(0), quint64(positions.int64(1)));
    if (rc != SQLITE_DONE)
        return m_db->error(QStringLiteral("read the journal's positions"));
    if (Status st = tail.prepare(*m_db, "SELECT seq, body FROM messages ORDER BY seq DESC LIMIT 1"); !st)
        return st;
    rc = tail.step();
    if (rc == SQLITE_ROW) {
        opened->lastSeq = quint64(tail.int64(0));
        if (!BinaryCodec::decodeMessage(tail.blob(1)))
            return Error(ErrorCode::StorageFailed, QStringLiteral("the newest stored message (%1) does not decode").arg(opened->lastSeq),
                         {{QStringLiteral("corrupt"), true}});
    } else if (rc != SQLITE_DONE) {
        return m_db->error(QStringLiteral("read the journal's tail"));
    }
    // Sequence numbers are never reused: also past positions of messages since removed.
    quint64 highest = opened->lastSeq;
    for (quint64 p : std::as_const(m_positions))
        highest = std::max(highest, p);
    m_nextSeq = highest + 1;
    return {};
}

void SqliteJournal::append(const QString &stream, const Message &message, const SyncPolicy &sync, AppendDone done)
{
    if (m_status.failed) {
        ++m_status.failedAppends;
        done(Error(ErrorCode::StorageFailed, QStringLiteral("the journal failed and stores nothing: %1").arg(m_status.error)));
        return;
    }
    WriteItem item;
    item.body = BinaryCodec::encodeMessage(message);
    item.topic = message.topic();
    item.size = item.body.size() + item.topic.size() + RowOverhead;
    const qint64 used = m_writer->storedBytes() + m_pendingBytes;
    if (used + item.size > m_options.budgetBytes) {
        ++m_status.refusedFull;
        done(Error(ErrorCode::StorageFull,
                   QStringLiteral("the journal's budget of %1 bytes is reached (%2 used, %3 more asked); raise "
                                  "journal.disk-budget or tighten the channels' retention")
                       .arg(m_options.budgetBytes)
                       .arg(used)
                       .arg(item.size),
                   {{QStringLiteral("limit"), m_options.budgetBytes}, {QStringLiteral("used"), used}}));
        return;
    }
    if (m_pendingBytes + item.size > m_options.maxPendingBytes) {
        ++m_status.refusedFull;
        done(Error(ErrorCode::QueueFull,
                   QStringLiteral("the journal is %1 bytes behind the publishers (journal.max-pending-bytes); "
                                  "retry, or raise it")
                       .arg(m_pendingBytes),
                   {{QStringLiteral("limit"), m_options.maxPendingBytes}}));
        return;
    }
    item.seq = m_nextSeq++;
    item.stream = stream;
    item.storedAtMs = m_options.wallClock ? m_options.wallClock() : QDateTime::currentMSecsSinceEpoch();
    item.mode = sync.mode;
    const bool urgent = sync.mode != SyncPolicy::Mode::Batch;
    m_pending.push_back({item.seq, stream, item.size, urgent, std::move(done)});
    m_urgentPending += urgent ? 1 : 0;
    m_pendingBytes += item.size;
    if (sync.mode == SyncPolicy::Mode::Batch) {
        using namespace std::chrono;
        item.dueMono = duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count() + sync.batchMs;
    }
    m_writer->enqueue(std::move(item));
}

void SqliteJournal::markFailed(const Error &error)
{
    if (m_status.failed)
        return;
    m_status.failed = true;
    m_status.error = error.message;
    qWarning("journal: %s: nothing more is stored or acknowledged until switchboardd is restarted",
             qPrintable(error.message));
    Q_EMIT statusChanged();
}

void SqliteJournal::watch()
{
    const bool wasLow = m_status.lowSpace;
    m_status.lowSpace = status().lowSpace;
    if (wasLow != m_status.lowSpace)
        Q_EMIT statusChanged();
}

void SqliteJournal::setRetention(const QString &stream, const RetentionPolicy &retention)
{
    m_writer->setRetention(stream, retention);
}

Result<qint64> SqliteJournal::streamId(const QString &stream) const
{
    auto id = m_streamIds.constFind(stream);
    if (id != m_streamIds.cend())
        return id.value();
    SqliteStatement find;
    if (Status st = find.prepare(*m_db, "SELECT id FROM streams WHERE name = ?1"); !st)
        return st.error();
    find.bind(1, stream);
    if (find.step() != SQLITE_ROW)
        return qint64(0);
    return m_streamIds.insert(stream, find.int64(0)).value();
}

Result<qint64> SqliteJournal::count(const QString &stream, quint64 afterSeq, const QString &topic, qint64 cap) const
{
    if (!topic.isEmpty()) {
        if (Status st = Topic::validatePattern(topic); !st)
            return st.error();
    }
    const Result<qint64> id = streamId(stream);
    if (!id)
        return id.error();
    if (id.value() == 0 || cap <= 0)
        return qint64(0);
    SqliteStatement &st = *m_count;
    st.bind(1, id.value());
    st.bind(2, qint64(afterSeq));
    st.bind(3, topic);
    st.bind(4, cap);
    const int rc = st.step();
    const qint64 n = rc == SQLITE_ROW ? st.int64(0) : 0;
    st.reset();
    if (rc != SQLITE_ROW)
        return m_db->error(QStringLiteral("count stored messages"));
    return n;
}

Result<StoredDensity> SqliteJournal::density(const DensityQuery &query) const
{
    if (Status st = query.validate(); !st)
        return st.error();
    const Result<qint64> id = streamId(query.stream);
    if (!id)
        return id.error();
    return m_density->read(id.value(), query);
}

Result<QList<StoredMessage>> SqliteJournal::read(const JournalQuery &query) const
{
    if (Status st = query.validate(); !st)
        return st.error();
    QList<StoredMessage> out;
    const Result<qint64> id = streamId(query.stream);
    if (!id)
        return id.error();
    if (id.value() == 0)
        return out; // nothing stored in that stream yet
    SqliteStatement &st = *m_read;
    st.bind(1, id.value());
    st.bind(2, qint64(query.afterSeq));
    st.bind(3, query.fromMs);
    st.bind(4, query.toMs > 0 ? query.toMs : std::numeric_limits<qint64>::max());
    st.bind(5, query.topic);
    st.bind(6, qint64(query.limit));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        StoredMessage m;
        m.seq = quint64(st.int64(0));
        m.storedAtMs = st.int64(1);
        m.stream = query.stream;
        Result<Message> decoded = BinaryCodec::decodeMessage(st.blob(2));
        if (!decoded) {
            st.reset();
            return Error(ErrorCode::StorageFailed, QStringLiteral("stored message %1 does not decode: %2; run a journal check")
                                                       .arg(m.seq)
                                                       .arg(decoded.error().message));
        }
        m.message = std::move(decoded).value();
        out.append(std::move(m));
    }
    st.reset();
    if (rc != SQLITE_DONE)
        return m_db->error(QStringLiteral("read stored messages"));
    return out;
}

quint64 SqliteJournal::lastSeq(const QString &stream) const
{
    return m_lastSeq.value(stream, 0);
}

Status SqliteJournal::savePosition(const QString &subscriber, quint64 seq)
{
    if (subscriber.isEmpty())
        return Error(ErrorCode::BadMessage, QStringLiteral("a durable subscriber needs a name"));
    if (seq == 0 || seq >= m_nextSeq)
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("position %1 is not a stored message (1 to %2)").arg(seq).arg(m_nextSeq - 1));
    m_positions.insert(subscriber, seq);
    m_writer->savePosition(subscriber, seq);
    return {};
}

quint64 SqliteJournal::position(const QString &subscriber) const
{
    return m_positions.value(subscriber, 0);
}

Status SqliteJournal::removePosition(const QString &subscriber)
{
    if (!m_positions.remove(subscriber))
        return Error(ErrorCode::NotFound, QStringLiteral("no durable subscriber \"%1\"").arg(subscriber));
    m_writer->savePosition(subscriber, 0);
    return {};
}

JournalStatus SqliteJournal::status() const
{
    JournalStatus s = m_status;
    s.bytes = m_writer ? m_writer->storedBytes() : 0;
    s.messages = m_writer ? m_writer->storedMessages() : 0;
    s.expired = m_writer ? m_writer->expired() : 0;
    const qint64 free = m_writer ? m_writer->freeDiskBytes() : -1;
    const qint64 margin = std::max<qint64>(m_options.budgetBytes / 10, 64 * 1024 * 1024);
    s.lowSpace = s.bytes + m_pendingBytes > m_options.budgetBytes - m_options.budgetBytes / 10
        || (free >= 0 && free < margin);
    return s;
}

Result<int> SqliteJournal::attachDeadLetters(MemoryDeadLetterStore *store)
{
    int restored = 0;
    QList<quint64> loaded;
    if (store->count() == 0) {
        SqliteStatement st;
        if (Status s = st.prepare(*m_db, "SELECT id, reason, attempts, dead_at, destination, detail, message "
                                         "FROM dead_letters ORDER BY id");
            !s)
            return s.error();
        int rc;
        while ((rc = st.step()) == SQLITE_ROW) {
            DeadLetter l;
            l.id = quint64(st.int64(0));
            l.reason = DeadLetterReason(qBound(0, int(st.int64(1)), int(DeadLetterReason::SubscriberGone)));
            l.attempts = int(st.int64(2));
            l.deadAt = st.int64(3);
            l.destination = st.text(4);
            l.detail = st.text(5);
            Result<Message> m = BinaryCodec::decodeMessage(st.blob(6));
            if (!m)
                continue; // a letter that does not decode is left out, not fatal
            l.message = std::move(m).value();
            loaded.append(l.id);
            store->restore(std::move(l));
            ++restored;
        }
        if (rc != SQLITE_DONE)
            return m_db->error(QStringLiteral("read the dead letters"));
    }
    m_letterSink = std::make_unique<LetterSink>(m_writer.get());
    // Letters past the store's bounds (lowered since the last run) leave the disk too.
    for (quint64 id : std::as_const(loaded)) {
        if (!store->get(id)) {
            m_letterSink->removed(id);
            --restored;
        }
    }
    // Letters the store held before (a journal opened while the hub runs) are written too.
    if (restored == 0) {
        for (const DeadLetter &l : store->list())
            m_letterSink->kept(l);
    }
    store->setSink(m_letterSink.get());
    return restored;
}

Result<QStringList> SqliteJournal::check()
{
    SqliteStatement st;
    if (Status s = st.prepare(*m_db, "PRAGMA integrity_check"); !s)
        return s.error();
    QStringList problems;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        const QString line = st.text(0);
        if (line != QLatin1String("ok"))
            problems.append(line);
    }
    if (rc != SQLITE_DONE)
        return m_db->error(QStringLiteral("check the journal"));
    return problems;
}

} // namespace sb
