// SPDX-License-Identifier: Apache-2.0
// SqliteJournal: what the writer thread committed, handed back to the bus thread: a queued call
// (at most one in flight), or awaitCommit() when a publisher waits and the loop would sleep.
#include "sqlitejournal.h"

#include "journalwriter.h"

#include <QCoreApplication>

#include <chrono>
#include <thread>

namespace sb {

using journal::WriteReport;

// An error from the writer: what it committed before is acknowledged, what it reports (and
// everything after) is not.
void SqliteJournal::onReport(const WriteReport &report)
{
    complete(m_committedUpTo.load(std::memory_order_acquire));
    markFailed(report.error);
    while (!m_pending.empty() && m_pending.front().seq <= report.committedUpTo) {
        Pending p = std::move(m_pending.front());
        m_pending.pop_front();
        m_pendingBytes -= p.size;
        m_urgentPending -= p.urgent ? 1 : 0;
        ++m_status.failedAppends;
        p.done(Error(ErrorCode::StorageFailed, QStringLiteral("the journal could not store the message: %1")
                                                   .arg(report.error.message)));
    }
}

void SqliteJournal::takeCommitted()
{
    m_takePosted.store(false, std::memory_order_release);
    complete(m_committedUpTo.load(std::memory_order_acquire));
}

// The bus thread is about to sleep while a publisher waits for a commit: waking it again costs
// more than the commit itself (more still on a VM), so it looks for the commit a little while.
// When the commits that sync usually take longer than the spin-wait (a board's SD card: several
// ms), it does not look at all: the commit would not come in time, and waking up is cheap next to
// the fsync.
void SqliteJournal::awaitCommit()
{
    if (m_urgentPending == 0 || m_status.failed || m_writer->typicalSyncedCommitUs() > m_options.spinWaitUs)
        return;
    const quint64 want = m_pending.front().seq;
    using namespace std::chrono;
    const auto until = steady_clock::now() + microseconds(m_options.spinWaitUs);
    m_awaiting.store(true);
    quint64 committed = 0;
    do {
        committed = m_committedUpTo.load();
        if (committed >= want)
            break;
        std::this_thread::yield();
    } while (steady_clock::now() < until);
    m_awaiting.store(false);
    committed = m_committedUpTo.load(); // a commit reported while it looked was not posted
    if (committed >= want) {
        complete(committed);
        // What the answers queued (a connection's flush) goes out now, not a loop turn later.
        QCoreApplication::sendPostedEvents();
    }
}

// Every append up to \a upTo is stored: its callback is answered.
void SqliteJournal::complete(quint64 upTo)
{
    // The streams' last sequence numbers: one hash update per run of one stream, not per message.
    const QString *stream = nullptr;
    quint64 last = 0;
    for (const Pending &p : m_pending) {
        if (p.seq > upTo)
            break;
        if (stream && *stream != p.stream)
            m_lastSeq.insert(*stream, last);
        stream = &p.stream;
        last = p.seq;
    }
    if (stream)
        m_lastSeq.insert(*stream, last);
    while (!m_pending.empty() && m_pending.front().seq <= upTo) {
        Pending p = std::move(m_pending.front());
        m_pending.pop_front();
        m_pendingBytes -= p.size;
        m_urgentPending -= p.urgent ? 1 : 0;
        ++m_status.appended;
        p.done(p.seq);
    }
}

} // namespace sb
