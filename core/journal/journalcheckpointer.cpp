// SPDX-License-Identifier: Apache-2.0
#include "journalcheckpointer.h"

#include <QtGlobal>

#include <sqlite3.h>

namespace sb::journal {

JournalCheckpointer::JournalCheckpointer(const QString &path, const QByteArray &vfs) : m_path(path), m_vfs(vfs) {}

JournalCheckpointer::~JournalCheckpointer()
{
    stop();
}

Status JournalCheckpointer::start()
{
    if (Status st = m_db.open(m_path, false, m_vfs); !st)
        return st;
    // The writer holds the log's write lock only for the length of a commit: a passive checkpoint
    // copies what it can and never waits for it.
    if (Status st = m_db.exec("PRAGMA synchronous=FULL"); !st)
        return st;
    m_thread = std::thread([this] { run(); });
    return {};
}

void JournalCheckpointer::stop()
{
    if (m_thread.joinable()) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    m_db.close();
}

void JournalCheckpointer::request()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_wanted = true;
    }
    m_wake.notify_one();
}

void JournalCheckpointer::run()
{
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_wanted || m_stop; });
            if (m_stop)
                return;
            m_wanted = false;
        }
        int logFrames = 0, copied = 0;
        const int rc = sqlite3_wal_checkpoint_v2(m_db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied);
        if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
            ++m_checkpoints;
            m_passDone = true;
            continue;
        }
        // The log keeps what the database could not take: nothing is lost, and the writer
        // checkpoints itself when the log reaches its hard limit, failing the journal if that
        // fails too.
        if (m_failures++ == 0)
            qWarning("journal: a checkpoint failed: %s", qPrintable(m_db.error(QStringLiteral("checkpoint")).message));
    }
}

} // namespace sb::journal
