// SPDX-License-Identifier: Apache-2.0
#include "journalwriter.h"

#include <QDateTime>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

namespace sb::journal {

namespace {

qint64 monoMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace

JournalClocks JournalClocks::system()
{
    return {[] { return QDateTime::currentMSecsSinceEpoch(); }, [] { return monoMs(); }};
}

JournalWriter::JournalWriter(const QString &path, const QByteArray &vfs, Reporter reporter, JournalClocks clocks)
    : m_path(path), m_vfs(vfs), m_reporter(std::move(reporter)), m_clocks(std::move(clocks)), m_checkpointer(path, vfs)
{
}

JournalWriter::~JournalWriter()
{
    stop();
}

Status JournalWriter::start(quint64 firstSeq)
{
    if (Status st = m_db.open(m_path, false, m_vfs); !st)
        return st;
    if (Status st = m_db.exec("PRAGMA synchronous=FULL; PRAGMA journal_size_limit=67108864; PRAGMA busy_timeout=5000"); !st)
        return st;
    // Checkpoints are the checkpointer's (this replaces SQLite's automatic one, which would run
    // them inside a commit of this thread).
    sqlite3_wal_hook(m_db.handle(), &JournalWriter::onLogWritten, this);
    if (Status st = m_checkpointer.start(); !st)
        return st;
    struct {
        SqliteStatement *st;
        const char *sql;
    } const statements[] = {
        {&m_begin, "BEGIN IMMEDIATE"},
        {&m_commit, "COMMIT"},
        {&m_insert, "INSERT INTO messages(seq, stream, topic, stored_at, size, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
        {&m_streamId, "SELECT id, count, bytes, counted_to FROM streams WHERE name = ?1"},
        {&m_newStream, "INSERT INTO streams(name) VALUES(?1)"},
        {&m_updateStream, "UPDATE streams SET count = ?2, bytes = ?3, counted_to = ?4 WHERE id = ?1"},
        {&m_putPosition, "INSERT OR REPLACE INTO positions(name, seq) VALUES(?1, ?2)"},
        {&m_dropPosition, "DELETE FROM positions WHERE name = ?1"},
        {&m_nthSeq, "SELECT seq FROM messages WHERE stream = ?1 ORDER BY seq LIMIT 1 OFFSET ?2"},
        {&m_sizes, "SELECT seq, size FROM messages WHERE stream = ?1 ORDER BY seq"},
        {&m_countUpTo, "SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE stream = ?1 AND seq <= ?2"},
        {&m_deleteUpTo, "DELETE FROM messages WHERE stream = ?1 AND seq <= ?2"},
        // The first message to keep by age: young, or stored under an implausible clock.
        {&m_firstYoung, "SELECT seq FROM messages WHERE stream = ?1 AND (stored_at >= ?2 OR stored_at < ?3) "
                        "ORDER BY seq LIMIT 1"},
        {&m_shift, "UPDATE messages SET stored_at = stored_at + ?1 WHERE seq >= ?2 AND stored_at >= ?3"},
        {&m_restamp, "UPDATE messages SET stored_at = ?1 WHERE seq >= ?2 AND stored_at < ?3"},
        {&m_putLetter, "INSERT OR REPLACE INTO dead_letters(id, reason, attempts, dead_at, destination, detail, message) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
        {&m_dropLetter, "DELETE FROM dead_letters WHERE id = ?1"},
    };
    for (const auto &s : statements) {
        if (Status st = s.st->prepare(m_db, s.sql); !st)
            return st;
    }
    SqliteStatement all;
    if (Status st = all.prepare(m_db, "SELECT id, name, count, bytes, counted_to FROM streams"); !st)
        return st;
    int rc;
    while ((rc = all.step()) == SQLITE_ROW) {
        StreamState s;
        s.id = all.int64(0);
        s.count = all.int64(2);
        s.bytes = all.int64(3);
        s.lastSeq = quint64(all.int64(4));
        m_streams.emplace(all.text(1), s);
    }
    if (rc != SQLITE_DONE)
        return m_db.error(QStringLiteral("read the streams"));
    publishTotals();
    m_firstSeqOfRun = firstSeq;
    m_lastCommitted = firstSeq - 1;
    m_clockOffset = m_clocks.wall() - m_clocks.monotonic();
    checkDisk();
    m_thread = std::thread([this] { run(); });
    return {};
}

void JournalWriter::stop()
{
    m_checkpointer.stop(); // first: the writer's connection, closed last, checkpoints the rest
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void JournalWriter::enqueue(WriteItem item)
{
    const bool now = item.mode != SyncPolicy::Mode::Batch;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(std::move(item));
    }
    if (now) {
        m_urgent.fetch_add(1, std::memory_order_release);
        m_wake.notify_one();
    }
}

void JournalWriter::setRetention(const QString &stream, const RetentionPolicy &retention)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_retentionChanges.insert(stream, retention);
    }
    m_wake.notify_one();
}

void JournalWriter::savePosition(const QString &name, quint64 seq)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_positions.insert(name, seq); // written with the next commit, at most a housekeeping tick later
}

void JournalWriter::changeLetters(LetterOp op)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (op.kind == LetterOp::Kind::RemoveAll)
        m_letters.clear(); // what was not written yet need not be
    m_letters.push_back(std::move(op));
}

void JournalWriter::run()
{
    qint64 nextHousekeeping = monoMs() + HousekeepingMs;
    bool spinNext = false; // the last batch had an item a publisher waits for
    for (;;) {
        // A publisher that waits for each acknowledgement sends its next message a round trip
        // after the last commit: look for it a little while before sleeping, since waking a
        // sleeping thread (an idle core, on a VM a halted one) costs more than the commit.
        if (spinNext)
            spinForUrgent();
        std::vector<WriteItem> batch;
        QHash<QString, RetentionPolicy> retention;
        QHash<QString, quint64> positions;
        std::vector<LetterOp> letters;
        bool stopping = false;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            for (;;) {
                const qint64 now = monoMs();
                stopping = m_stop;
                if (stopping || now >= nextHousekeeping || !m_retentionChanges.isEmpty())
                    break;
                qint64 due = nextHousekeeping;
                bool urgent = false;
                for (const WriteItem &i : m_queue) {
                    if (i.mode != SyncPolicy::Mode::Batch) {
                        urgent = true;
                        break;
                    }
                    due = std::min(due, i.dueMono);
                }
                if (urgent || (!m_queue.empty() && due <= now))
                    break;
                m_wake.wait_for(lock, std::chrono::milliseconds(due - now));
            }
            batch.swap(m_queue);
            m_urgent.store(0, std::memory_order_relaxed);
            retention.swap(m_retentionChanges);
            positions.swap(m_positions);
            letters.swap(m_letters);
        }
        // Only after a batch a publisher waits for (a housekeeping turn does not look again).
        spinNext = std::any_of(batch.cbegin(), batch.cend(), [](const WriteItem &i) { return i.mode != SyncPolicy::Mode::Batch; });
        for (auto it = retention.cbegin(); it != retention.cend(); ++it) {
            StreamState *s = nullptr;
            if (m_failure.code == ErrorCode::None && streamFor(it.key(), &s)) {
                s->retention = it.value();
                m_retrim.append(s); // a tighter bound applies at once
            }
        }
        if (!batch.empty() || !positions.isEmpty() || !retention.isEmpty() || !letters.empty()) {
            const quint64 last = batch.empty() ? 0 : batch.back().seq;
            const auto began = std::chrono::steady_clock::now();
            Status st = m_failure.code == ErrorCode::None ? commit(batch, positions, letters) : Status(m_failure);
            if (st && m_fullSync)
                noteSyncedCommit(std::chrono::steady_clock::now() - began);
            if (!st && m_failure.code == ErrorCode::None)
                m_failure = st.error(); // from now on nothing is stored or acknowledged
            if (last)
                m_reporter({last, st ? Error() : st.error()});
        }
        if (m_failure.code == ErrorCode::None) {
            if (Status st = checkpointIfDue(); !st) {
                m_failure = st.error();
                m_reporter({0, m_failure});
            }
        }
        if (m_failure.code == ErrorCode::None && monoMs() >= nextHousekeeping) {
            nextHousekeeping = monoMs() + HousekeepingMs;
            Status st = checkClock();
            if (st)
                st = expireByAge(m_clocks.wall());
            if (st)
                st = flushTotals();
            if (!st) {
                m_failure = st.error();
                m_reporter({0, m_failure});
            }
            checkDisk();
        }
        if (stopping) {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_queue.empty() && m_positions.isEmpty() && m_letters.empty())
                break;
        }
    }
    if (m_failure.code == ErrorCode::None)
        flushTotals(); // a clean stop leaves nothing to recount
    m_db.close();
}

void JournalWriter::spinForUrgent()
{
    using namespace std::chrono;
    const auto until = steady_clock::now() + microseconds(m_spinWaitUs);
    while (m_urgent.load(std::memory_order_acquire) == 0 && steady_clock::now() < until)
        std::this_thread::yield();
}

// A moving average over about the last eight commits that synced.
void JournalWriter::noteSyncedCommit(std::chrono::steady_clock::duration took)
{
    const qint64 us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    const qint64 was = m_syncedCommitUs.load(std::memory_order_relaxed);
    m_syncedCommitUs.store(was == 0 ? us : was + (us - was) / 8, std::memory_order_relaxed);
}

Status JournalWriter::writeTotals(StreamState &s)
{
    m_updateStream.bind(1, s.id);
    m_updateStream.bind(2, s.count);
    m_updateStream.bind(3, s.bytes);
    m_updateStream.bind(4, qint64(s.lastSeq));
    if (Status st = stepDone(m_db, m_updateStream, "count a stream"); !st)
        return st;
    s.dirty = false;
    s.removed = false;
    return {};
}

Status JournalWriter::flushTotals()
{
    bool any = false;
    for (const auto &[name, s] : m_streams)
        any = any || s.dirty;
    if (!any)
        return {};
    if (Status st = stepDone(m_db, m_begin, "begin a transaction"); !st)
        return st;
    for (auto &[name, s] : m_streams) {
        if (!s.dirty)
            continue;
        if (Status st = writeTotals(s); !st) {
            m_db.exec("ROLLBACK");
            return st;
        }
    }
    return stepDone(m_db, m_commit, "commit");
}

int JournalWriter::onLogWritten(void *self, sqlite3 *, const char *, int frames)
{
    static_cast<JournalWriter *>(self)->m_logFrames = frames;
    return SQLITE_OK;
}

Status JournalWriter::checkpointIfDue()
{
    if (m_logFrames < m_requestedAt)
        m_requestedAt = 0; // the log started over
    int logFrames = 0, copied = 0;
    if (m_checkpointer.takePassDone() && m_logFrames >= CheckpointFrames) {
        // The bulk is in the database: copy what was committed during the pass (a few pages), and
        // the next commit starts the log over, so it is rewritten in place instead of growing.
        const int rc = sqlite3_wal_checkpoint_v2(m_db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            return m_db.error(QStringLiteral("checkpoint the write-ahead log"));
        m_requestedAt = 0;
        return {};
    }
    if (m_logFrames - m_requestedAt >= CheckpointFrames) {
        m_requestedAt = m_logFrames;
        m_checkpointer.request();
    }
    if (m_logFrames < LogHardFrames)
        return {};
    // The checkpointer never caught up: wait for the readers and copy the rest here.
    const int rc = sqlite3_wal_checkpoint_v2(m_db.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, &logFrames, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        return m_db.error(QStringLiteral("checkpoint the write-ahead log"));
    m_logFrames = rc == SQLITE_OK ? 0 : logFrames;
    return {};
}

void JournalWriter::setSync(bool full)
{
    if (full == m_fullSync)
        return;
    m_db.exec(full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    m_fullSync = full;
}

Status JournalWriter::streamFor(const QString &name, StreamState **out)
{
    auto it = m_streams.find(name);
    if (it != m_streams.end()) {
        *out = &it->second;
        return {};
    }
    StreamState s;
    m_streamId.bind(1, name);
    if (m_streamId.step() == SQLITE_ROW) {
        s.id = m_streamId.int64(0);
        s.count = m_streamId.int64(1);
        s.bytes = m_streamId.int64(2);
        s.lastSeq = quint64(m_streamId.int64(3));
        m_streamId.reset();
    } else {
        m_streamId.reset();
        m_newStream.bind(1, name);
        if (Status st = stepDone(m_db, m_newStream, "add a stream"); !st)
            return st;
        s.id = sqlite3_last_insert_rowid(m_db.handle());
    }
    *out = &m_streams.emplace(name, s).first->second;
    return {};
}

Status JournalWriter::commit(std::vector<WriteItem> &batch, QHash<QString, quint64> &positions,
                             std::vector<LetterOp> &letters)
{
    bool needsSync = !positions.isEmpty() || !letters.empty();
    for (const WriteItem &i : batch)
        needsSync = needsSync || i.mode != SyncPolicy::Mode::Off;
    setSync(needsSync);
    if (Status st = stepDone(m_db, m_begin, "begin a transaction"); !st)
        return st;
    auto fail = [this](const Error &e) {
        m_db.exec("ROLLBACK"); // the journal has failed: its counts no longer matter
        return Status(e);
    };
    QList<StreamState *> touched;
    touched.swap(m_retrim);
    for (const WriteItem &i : batch) {
        StreamState *s = nullptr;
        if (Status st = streamFor(i.stream, &s); !st)
            return fail(st.error());
        m_insert.bind(1, qint64(i.seq));
        m_insert.bind(2, s->id);
        m_insert.bind(3, i.topic);
        m_insert.bind(4, i.storedAtMs);
        m_insert.bind(5, i.size);
        m_insert.bind(6, i.body);
        if (Status st = stepDone(m_db, m_insert, "store a message"); !st)
            return fail(st.error());
        ++s->count;
        s->bytes += i.size;
        s->lastSeq = i.seq;
        if (!touched.contains(s))
            touched.append(s);
    }
    for (auto it = positions.cbegin(); it != positions.cend(); ++it) {
        SqliteStatement &st = it.value() ? m_putPosition : m_dropPosition;
        st.bind(1, it.key());
        if (it.value())
            st.bind(2, qint64(it.value()));
        if (Status s = stepDone(m_db, st, "store a position"); !s)
            return fail(s.error());
    }
    if (Status st = writeLetters(letters); !st)
        return fail(st.error());
    // A batch that only adds leaves the totals to the next housekeeping tick (start-up counts
    // what came after them); one that removes writes them, so they never count a removed message.
    for (StreamState *s : touched) {
        if (Status st = trim(*s); !st)
            return fail(st.error());
        s->dirty = true;
        if (s->removed) {
            if (Status st = writeTotals(*s); !st)
                return fail(st.error());
        }
    }
    if (Status st = stepDone(m_db, m_commit, "commit"); !st)
        return fail(st.error());
    if (!batch.empty())
        m_lastCommitted = batch.back().seq;
    publishTotals();
    return {};
}

Status JournalWriter::writeLetters(std::vector<LetterOp> &letters)
{
    for (const LetterOp &op : letters) {
        if (op.kind == LetterOp::Kind::RemoveAll) {
            if (Status st = m_db.exec("DELETE FROM dead_letters"); !st)
                return st;
            continue;
        }
        SqliteStatement &st = op.kind == LetterOp::Kind::Put ? m_putLetter : m_dropLetter;
        st.bind(1, qint64(op.id));
        if (op.kind == LetterOp::Kind::Put) {
            st.bind(2, qint64(op.reason));
            st.bind(3, qint64(op.attempts));
            st.bind(4, op.deadAt);
            st.bind(5, op.destination);
            st.bind(6, op.detail);
            st.bind(7, op.message);
        }
        if (Status s = stepDone(m_db, st, "store a dead letter"); !s)
            return s;
    }
    return {};
}

void JournalWriter::publishTotals()
{
    qint64 count = 0, bytes = 0;
    for (const auto &[name, s] : m_streams) {
        count += s.count;
        bytes += s.bytes;
    }
    m_storedMessages = count;
    m_storedBytes = bytes;
}

} // namespace sb::journal
