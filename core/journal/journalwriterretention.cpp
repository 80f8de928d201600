// SPDX-License-Identifier: Apache-2.0
// JournalWriter: what it removes (retention by count, bytes and age) and what it watches (the
// wall clock stepping, the free disk), all in the writer thread.
#include "journalwriter.h"

#include <QFileInfo>

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <algorithm>

namespace sb::journal {

Status JournalWriter::deleteUpTo(StreamState &s, quint64 seq)
{
    m_countUpTo.bind(1, s.id);
    m_countUpTo.bind(2, qint64(seq));
    if (m_countUpTo.step() != SQLITE_ROW) {
        m_countUpTo.reset();
        return m_db.error(QStringLiteral("count expired messages"));
    }
    const qint64 n = m_countUpTo.int64(0), bytes = m_countUpTo.int64(1);
    m_countUpTo.reset();
    m_deleteUpTo.bind(1, s.id);
    m_deleteUpTo.bind(2, qint64(seq));
    if (Status st = stepDone(m_db, m_deleteUpTo, "remove expired messages"); !st)
        return st;
    s.count -= n;
    s.bytes -= bytes;
    s.removed = s.removed || n > 0;
    m_expired += quint64(n);
    return {};
}

// Count and bytes, inside the commit's transaction.
Status JournalWriter::trim(StreamState &s)
{
    const RetentionPolicy &r = s.retention;
    if (r.maxMessages > 0 && s.count > r.maxMessages) {
        m_nthSeq.bind(1, s.id);
        m_nthSeq.bind(2, s.count - r.maxMessages - 1);
        const bool found = m_nthSeq.step() == SQLITE_ROW;
        const quint64 cut = found ? quint64(m_nthSeq.int64(0)) : 0;
        m_nthSeq.reset();
        if (found) {
            if (Status st = deleteUpTo(s, cut); !st)
                return st;
        }
    }
    if (r.maxBytes > 0 && s.bytes > r.maxBytes) {
        const qint64 excess = s.bytes - r.maxBytes;
        qint64 freed = 0;
        quint64 cut = 0;
        m_sizes.bind(1, s.id);
        while (freed < excess && m_sizes.step() == SQLITE_ROW) {
            cut = quint64(m_sizes.int64(0));
            freed += m_sizes.int64(1);
        }
        m_sizes.reset();
        if (cut) {
            if (Status st = deleteUpTo(s, cut); !st)
                return st;
        }
    }
    return {};
}

Status JournalWriter::expireByAge(qint64 nowWall)
{
    if (nowWall < MinPlausibleMs)
        return {}; // the clock is not set: no age can be trusted
    bool any = false;
    for (const auto &[name, s] : m_streams)
        any = any || (s.retention.maxAgeMs > 0 && s.count > 0);
    if (!any)
        return {};
    if (Status st = stepDone(m_db, m_begin, "begin a transaction"); !st)
        return st;
    for (auto &[name, s] : m_streams) {
        if (s.retention.maxAgeMs <= 0 || s.count == 0)
            continue;
        m_firstYoung.bind(1, s.id);
        m_firstYoung.bind(2, nowWall - s.retention.maxAgeMs);
        m_firstYoung.bind(3, MinPlausibleMs);
        const int rc = m_firstYoung.step();
        const qint64 keep = rc == SQLITE_ROW ? m_firstYoung.int64(0) : 0;
        m_firstYoung.reset();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            m_db.exec("ROLLBACK");
            return m_db.error(QStringLiteral("find expired messages"));
        }
        const quint64 cut = rc == SQLITE_ROW ? quint64(keep - 1) : quint64(std::numeric_limits<qint64>::max());
        if (cut == 0)
            continue;
        const qint64 before = s.count;
        if (Status st = deleteUpTo(s, cut); !st) {
            m_db.exec("ROLLBACK");
            return st;
        }
        if (s.count != before) {
            if (Status st = writeTotals(s); !st) {
                m_db.exec("ROLLBACK");
                return st;
            }
        }
    }
    if (Status st = stepDone(m_db, m_commit, "commit"); !st) {
        m_db.exec("ROLLBACK");
        return st;
    }
    publishTotals();
    return {};
}

// A wall clock that stepped (NTP at boot, an operator) moves the stored times of this run's
// messages with it, so their ages stay what they were; messages stored before the clock was set
// at all age from the moment it is.
Status JournalWriter::checkClock()
{
    const qint64 wall = m_clocks.wall();
    const qint64 offset = wall - m_clocks.monotonic();
    const qint64 delta = offset - m_clockOffset;
    if (std::abs(delta) < 2000)
        return {};
    const qint64 before = wall - delta;
    m_clockOffset = offset;
    if (m_lastCommitted < m_firstSeqOfRun)
        return {}; // nothing stored in this run yet
    SqliteStatement &st = before < MinPlausibleMs && wall >= MinPlausibleMs ? m_restamp : m_shift;
    if (&st == &m_restamp) {
        st.bind(1, wall);
        st.bind(2, qint64(m_firstSeqOfRun));
        st.bind(3, MinPlausibleMs);
    } else {
        st.bind(1, delta);
        st.bind(2, qint64(m_firstSeqOfRun));
        st.bind(3, before < MinPlausibleMs ? qint64(0) : MinPlausibleMs);
    }
    return stepDone(m_db, st, "move stored times with the clock");
}

void JournalWriter::checkDisk()
{
    struct statvfs vfs;
    if (::statvfs(QFileInfo(m_path).absolutePath().toLocal8Bit().constData(), &vfs) == 0)
        m_freeDisk = qint64(vfs.f_bavail) * qint64(vfs.f_frsize);
}

} // namespace sb::journal
