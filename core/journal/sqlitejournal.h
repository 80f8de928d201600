// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/journal.h>
#include <switchboard/memorydeadletterstore.h>

#include <QHash>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>

class QLockFile;
class QTimer;

namespace sb {

namespace journal {
class DensityReader;
class JournalWriter;
class SqliteDb;
class SqliteStatement;
struct WriteReport;
} // namespace journal

struct SqliteJournalOptions
{
    enum class OnCorrupt : quint8 { Refuse, MoveAside };

    QString directory;                         // journal.path: holds journal.db (+ -wal, -shm)
    qint64 budgetBytes = 1024LL * 1024 * 1024; // journal.disk-budget
    qint64 maxPendingBytes = 16 * 1024 * 1024; // journal.max-pending-bytes: written, not yet committed
    OnCorrupt onCorrupt = OnCorrupt::Refuse;   // journal.on-corrupt
    // journal.spin-wait: how long the bus thread, with nothing else to do, looks for the commit of
    // a message whose publisher waits, before its event loop sleeps (0: it sleeps at once; it does
    // not look when commits with an fsync usually take longer), and how long the writer looks for
    // the next such message after committing one.
    qint64 spinWaitUs = 1000;
    QByteArray vfs;                            // a registered SQLite VFS (tests); empty: the default
    // The wall and monotonic clocks the journal reads (tests: a board whose clock steps); empty:
    // the system's.
    std::function<qint64()> wallClock;
    std::function<qint64()> monotonicClock;
};

// What opening the journal found, for the start-up log line.
struct SqliteJournalOpened
{
    qint64 messages = 0;
    int streams = 0;
    quint64 lastSeq = 0;
    qint64 recounted = 0; // messages stored after the streams' totals were last written (a crash)
    qint64 elapsedMs = 0;
    QString movedAside; // the corrupt database's new name, when on-corrupt: move-aside moved one
};

// The journal on disk: SQLite in WAL mode, written by its own thread (JournalWriter) in batches
// with group commit, read here (the bus thread) through a second connection. The bus never waits
// on a write or an fsync: append() answers through its callback once the batch is committed
// under the message's sync policy.
class SqliteJournal : public Journal
{
    Q_OBJECT
public:
    static QString databaseFile(const QString &directory);
    // Opens (or creates) the journal. A database that cannot be read (corrupt, not a database, a
    // torn header) is STORAGE_FAILED naming it, or, with OnCorrupt::MoveAside, is renamed to
    // "journal.db.corrupt-<time>" and a new one started. A schema newer than this build is refused.
    static Result<std::unique_ptr<SqliteJournal>> open(const SqliteJournalOptions &options);
    ~SqliteJournal() override;

    const SqliteJournalOpened &opened() const { return m_opened; }
    // Keeps \a store's dead letters in the journal: the ones stored by an earlier run are put back
    // into it (when it is empty, as at start-up), and from now on every letter kept or removed is
    // written with the journal's next commit (within a second). The store must be detached
    // (setSink(nullptr)) or gone before the journal is destroyed. Returns how many were put back.
    Result<int> attachDeadLetters(MemoryDeadLetterStore *store);
    // A full check of the database (PRAGMA integrity_check): the problems found, none when sound.
    Result<QStringList> check();

    void append(const QString &stream, const Message &message, const SyncPolicy &sync, AppendDone done) override;
    void setRetention(const QString &stream, const RetentionPolicy &retention) override;
    Result<QList<StoredMessage>> read(const JournalQuery &query) const override;
    quint64 lastSeq(const QString &stream) const override;
    Result<qint64> count(const QString &stream, quint64 afterSeq, const QString &topic, qint64 cap) const override;
    Result<StoredDensity> density(const DensityQuery &query) const override;
    Status savePosition(const QString &subscriber, quint64 seq) override;
    quint64 position(const QString &subscriber) const override;
    Status removePosition(const QString &subscriber) override;
    JournalStatus status() const override;

private:
    explicit SqliteJournal(const SqliteJournalOptions &options);
    Status openDatabase(SqliteJournalOpened *opened);
    Status load(SqliteJournalOpened *opened);
    Result<qint64> streamId(const QString &stream) const; // 0: nothing stored in it yet
    void onReport(const journal::WriteReport &report);
    void takeCommitted();
    void complete(quint64 upTo);
    void awaitCommit();
    void markFailed(const Error &error);
    void watch();

    struct Pending {
        quint64 seq = 0;
        QString stream;
        qint64 size = 0;
        bool urgent = false; // not in a batch window: its publisher may be waiting for it
        AppendDone done;
    };

    SqliteJournalOptions m_options;
    SqliteJournalOpened m_opened;
    std::unique_ptr<journal::SqliteDb> m_db; // the reading connection, bus thread
    std::unique_ptr<journal::SqliteStatement> m_read;
    std::unique_ptr<journal::SqliteStatement> m_count;
    std::unique_ptr<journal::DensityReader> m_density;
    std::unique_ptr<journal::JournalWriter> m_writer;
    std::deque<Pending> m_pending;
    qint64 m_pendingBytes = 0;
    int m_urgentPending = 0;
    // Written by the writer thread: every append up to it is committed; a posted takeCommitted()
    // (at most one at a time) or awaitCommit() hands it to the bus thread.
    std::atomic<quint64> m_committedUpTo{0};
    std::atomic<bool> m_takePosted{false};
    std::atomic<bool> m_awaiting{false}; // the bus thread is in awaitCommit()
    quint64 m_nextSeq = 1;
    QHash<QString, quint64> m_lastSeq;
    QHash<QString, quint64> m_positions;
    mutable QHash<QString, qint64> m_streamIds;
    JournalStatus m_status;
    QTimer *m_watch = nullptr;
    std::unique_ptr<MemoryDeadLetterStore::Sink> m_letterSink;
    std::unique_ptr<QLockFile> m_lock; // released after the destructor closed the database
};

} // namespace sb
