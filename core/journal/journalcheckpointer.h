// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sqlitedb.h"

#include <QString>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace sb::journal {

// Copies the write-ahead log back into the database on a thread of its own, so the writer's
// commits are appends to the log and never wait for a checkpoint (thousands of page writes and
// two fsyncs). The writer asks for one when the log has grown by CheckpointFrames; SQLite starts
// the log over once a checkpoint has caught up with it.
class JournalCheckpointer
{
public:
    JournalCheckpointer(const QString &path, const QByteArray &vfs);
    ~JournalCheckpointer();

    Status start();
    void stop(); // finishes a checkpoint under way; the connection is closed when it returns
    void request(); // any thread: a checkpoint is wanted (one runs at a time; requests coalesce)

    // True once after each pass: the writer then copies the little that was committed during it,
    // so the log can start over (SQLite restarts it only when a checkpoint caught up completely,
    // which a pass of several milliseconds never does while commits keep coming).
    bool takePassDone() { return m_passDone.exchange(false); }

    quint64 checkpoints() const { return m_checkpoints.load(); }
    quint64 failures() const { return m_failures.load(); }

private:
    void run();

    QString m_path;
    QByteArray m_vfs;
    SqliteDb m_db;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_wanted = false;
    bool m_stop = false;
    std::atomic<bool> m_passDone{false};
    std::atomic<quint64> m_checkpoints{0};
    std::atomic<quint64> m_failures{0};
};

} // namespace sb::journal
