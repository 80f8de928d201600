// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "journalcheckpointer.h"
#include "sqlitedb.h"

#include <switchboard/message.h>
#include <switchboard/persistence.h>

#include <QHash>

#include <atomic>
#include <chrono>
#include <map>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sb::journal {

// One message on its way to the database.
struct WriteItem
{
    quint64 seq = 0;
    QString stream;
    QString topic;
    qint64 storedAtMs = 0;
    qint64 size = 0;
    QByteArray body; // the message in the binary codec
    SyncPolicy::Mode mode = SyncPolicy::Mode::Always;
    qint64 dueMono = 0; // Batch: the monotonic time by which it is committed
};

// A change to the dead letters kept on disk (MemoryDeadLetterStore::Sink, any thread).
struct LetterOp
{
    enum class Kind : quint8 { Put, Remove, RemoveAll };
    Kind kind = Kind::Put;
    quint64 id = 0;
    int reason = 0;
    int attempts = 0;
    qint64 deadAt = 0;
    QString destination;
    QString detail;
    QByteArray message; // the binary codec
};

// The clocks the journal reads (ages, stored times, clock steps); tests replace them. Waiting is
// always on the real monotonic clock.
struct JournalClocks
{
    std::function<qint64()> wall;       // ms since the epoch; default the system's
    std::function<qint64()> monotonic;  // ms; default steady_clock
    static JournalClocks system();
};

// What the writer tells its owner after a commit (in the writer's thread): every item up to
// committedUpTo is stored, or, with an error, is not and nothing after it will be.
struct WriteReport
{
    quint64 committedUpTo = 0;
    Error error;
};

// The journal's writer thread: it owns the database connection that writes, commits what is
// queued in batches (group commit: one fsync for everything that arrived while the last commit
// ran), enforces retention and watches the clock and the disk. The bus thread only enqueues.
class JournalWriter
{
public:
    using Reporter = std::function<void(const WriteReport &)>;
    static constexpr qint64 HousekeepingMs = 1000;
    // Frames (pages) added to the write-ahead log after which the checkpointer is asked to copy
    // it into the database; past LogHardFrames (64 MiB of 4 KiB pages, journal_size_limit) the
    // writer checkpoints itself, so a log that never catches up still has a bound.
    static constexpr int CheckpointFrames = 1000;
    static constexpr int LogHardFrames = 16384;
    // Wall-clock times before this (2025-01-01) are taken for a board that has not set its clock
    // yet: age-based retention never removes what was stored under such a time by itself.
    static constexpr qint64 MinPlausibleMs = Message::PlausibleClockMs;

    JournalWriter(const QString &path, const QByteArray &vfs, Reporter reporter, JournalClocks clocks = JournalClocks::system());
    ~JournalWriter();

    // Opens the writing connection, reads the streams' totals and starts the thread; \a firstSeq is
    // the first sequence number this run will write.
    Status start(quint64 firstSeq);
    // Commits what is queued, then ends the thread.
    void stop();

    // How long the writer, after a commit with an item a publisher waits for, looks for the next
    // such item (sched_yield turns) before it sleeps on its condition: a publisher that waits for
    // each acknowledgement sends its next message a round trip later, and waking a sleeping
    // thread costs more than the commit. 0: it sleeps at once. Set before start().
    void setSpinWaitUs(qint64 us) { m_spinWaitUs = us; }
    // The time its recent commits with an fsync took (a moving average, µs; 0 before the first).
    qint64 typicalSyncedCommitUs() const { return m_syncedCommitUs.load(std::memory_order_relaxed); }

    void enqueue(WriteItem item);
    void setRetention(const QString &stream, const RetentionPolicy &retention);
    void savePosition(const QString &name, quint64 seq); // seq 0: remove
    void changeLetters(LetterOp op); // written with the next commit, at most a housekeeping tick later

    qint64 storedBytes() const { return m_storedBytes.load(); }
    qint64 storedMessages() const { return m_storedMessages.load(); }
    quint64 expired() const { return m_expired.load(); }
    qint64 freeDiskBytes() const { return m_freeDisk.load(); }
    quint64 checkpoints() const { return m_checkpointer.checkpoints(); }

private:
    struct StreamState {
        qint64 id = 0;
        qint64 count = 0;
        qint64 bytes = 0;
        quint64 lastSeq = 0;  // the newest message stored (what written totals count up to)
        bool dirty = false;   // totals not written since messages were added
        bool removed = false; // messages removed in this transaction: totals written with it
        RetentionPolicy retention;
    };
    void run();
    void spinForUrgent();
    void noteSyncedCommit(std::chrono::steady_clock::duration took);
    Status commit(std::vector<WriteItem> &batch, QHash<QString, quint64> &positions, std::vector<LetterOp> &letters);
    Status writeLetters(std::vector<LetterOp> &letters);
    Status streamFor(const QString &name, StreamState **out);
    Status trim(StreamState &stream);
    Status deleteUpTo(StreamState &stream, quint64 seq);
    Status expireByAge(qint64 nowWall);
    Status checkClock();
    void checkDisk();
    void setSync(bool full);
    void publishTotals();
    Status checkpointIfDue();
    Status writeTotals(StreamState &stream);
    Status flushTotals();
    static int onLogWritten(void *self, struct sqlite3 *, const char *, int frames);

    QString m_path;
    QByteArray m_vfs;
    Reporter m_reporter;
    JournalClocks m_clocks;
    SqliteDb m_db;
    JournalCheckpointer m_checkpointer;
    SqliteStatement m_begin, m_commit; // prepared once: the hot path parses no SQL
    SqliteStatement m_insert, m_streamId, m_newStream, m_updateStream, m_putPosition, m_dropPosition, m_nthSeq,
        m_sizes, m_countUpTo, m_deleteUpTo, m_firstYoung, m_shift, m_restamp, m_putLetter, m_dropLetter;

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<WriteItem> m_queue;
    QHash<QString, RetentionPolicy> m_retentionChanges;
    QHash<QString, quint64> m_positions;
    std::vector<LetterOp> m_letters;
    bool m_stop = false;

    // Writer thread only.
    std::map<QString, StreamState> m_streams; // node-based: pointers to its values stay valid
    QList<StreamState *> m_retrim;        // streams whose retention changed, trimmed on the next commit
    Error m_failure;
    bool m_fullSync = true;
    quint64 m_firstSeqOfRun = 0;
    quint64 m_lastCommitted = 0;
    qint64 m_clockOffset = 0; // wall - monotonic at the last check
    int m_logFrames = 0;       // the write-ahead log's length after the last commit
    int m_requestedAt = 0;     // ... when the checkpointer was last asked
    qint64 m_spinWaitUs = 0;

    std::atomic<int> m_urgent{0}; // items that do not wait for a batch window, queued since the last take
    std::atomic<qint64> m_storedBytes{0};
    std::atomic<qint64> m_storedMessages{0};
    std::atomic<quint64> m_expired{0};
    std::atomic<qint64> m_freeDisk{-1};
    std::atomic<qint64> m_syncedCommitUs{0};
};

} // namespace sb::journal
