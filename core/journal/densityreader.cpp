// SPDX-License-Identifier: Apache-2.0
#include "densityreader.h"

#include <sqlite3.h>

#include <algorithm>

namespace sb::journal {

Status DensityReader::prepare(SqliteDb &db)
{
    m_db = &db;
    const std::pair<SqliteStatement *, const char *> statements[] = {
        {&m_next, "SELECT seq, stored_at FROM messages WHERE stream = ?1 AND seq >= ?2 ORDER BY seq LIMIT 1"},
        {&m_last, "SELECT seq, stored_at FROM messages WHERE stream = ?1 ORDER BY seq DESC LIMIT 1"},
        {&m_count, "SELECT count(*) FROM messages WHERE stream = ?1 AND seq >= ?2 AND seq < ?3"},
        {&m_match, "SELECT count(*), coalesce(sum(sb_match(?4, topic)), 0) FROM (SELECT topic FROM messages "
                   "WHERE stream = ?1 AND seq >= ?2 AND seq < ?3 ORDER BY seq LIMIT ?5)"},
    };
    for (const auto &[statement, sql] : statements) {
        if (Status st = statement->prepare(db, sql); !st)
            return st;
    }
    return {};
}

Result<DensityReader::Row> DensityReader::firstFrom(qint64 streamId, quint64 seq)
{
    m_next.bind(1, streamId);
    m_next.bind(2, qint64(seq));
    const int rc = m_next.step();
    Row row;
    if (rc == SQLITE_ROW)
        row = {quint64(m_next.int64(0)), m_next.int64(1)};
    m_next.reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return m_db->error(QStringLiteral("read the journal's timeline"));
    return row;
}

Result<quint64> DensityReader::edge(qint64 streamId, qint64 ms, quint64 lo, quint64 hi)
{
    while (lo < hi) {
        const quint64 mid = lo + (hi - lo) / 2;
        const Result<Row> row = firstFrom(streamId, mid);
        if (!row)
            return row.error();
        if (row->seq == 0 || row->seq >= hi || row->storedAtMs >= ms)
            hi = mid; // nothing before hi from mid on is earlier than ms
        else
            lo = row->seq + 1;
    }
    return lo;
}

Result<qint64> DensityReader::countBucket(qint64 streamId, quint64 from, quint64 to, const QString &topic, qint64 sample,
                                          bool *estimated)
{
    if (from >= to)
        return qint64(0);
    m_count.bind(1, streamId);
    m_count.bind(2, qint64(from));
    m_count.bind(3, qint64(to));
    int rc = m_count.step();
    const qint64 all = rc == SQLITE_ROW ? m_count.int64(0) : 0;
    m_count.reset();
    if (rc != SQLITE_ROW)
        return m_db->error(QStringLiteral("count the journal's timeline"));
    if (topic.isEmpty() || all == 0)
        return all;
    m_match.bind(1, streamId);
    m_match.bind(2, qint64(from));
    m_match.bind(3, qint64(to));
    m_match.bind(4, topic);
    m_match.bind(5, sample);
    rc = m_match.step();
    const qint64 read = rc == SQLITE_ROW ? m_match.int64(0) : 0, matched = rc == SQLITE_ROW ? m_match.int64(1) : 0;
    m_match.reset();
    if (rc != SQLITE_ROW)
        return m_db->error(QStringLiteral("match topics in the journal's timeline"));
    if (read >= all)
        return matched;
    *estimated = true;
    return qint64(double(matched) * double(all) / double(std::max<qint64>(read, 1)) + 0.5);
}

Result<StoredDensity> DensityReader::read(qint64 streamId, const DensityQuery &query)
{
    if (Status st = query.validate(); !st)
        return st.error();
    StoredDensity d;
    if (streamId > 0) {
        const Result<Row> first = firstFrom(streamId, 0);
        if (!first)
            return first.error();
        m_last.bind(1, streamId);
        const int rc = m_last.step();
        if (rc == SQLITE_ROW) {
            d.lastSeq = quint64(m_last.int64(0));
            d.lastMs = m_last.int64(1);
        }
        m_last.reset();
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return m_db->error(QStringLiteral("read the journal's timeline"));
        d.firstSeq = first->seq;
        d.firstMs = first->storedAtMs;
    }
    d.span(query);
    if (d.counts.isEmpty() || d.firstSeq == 0)
        return d;
    const qint64 sample = std::max<qint64>(1000, SampleRows / d.counts.size());
    const quint64 end = d.lastSeq + 1;
    Result<quint64> lower = edge(streamId, d.fromMs, d.firstSeq, end);
    if (!lower)
        return lower.error();
    for (int i = 0; i < d.counts.size(); ++i) {
        // The bucket's end: the next bucket's start, and past the last one, toMs + 1.
        const qint64 endMs = i + 1 < d.counts.size() ? d.fromMs + (i + 1) * d.bucketMs : d.toMs + 1;
        const Result<quint64> upper = edge(streamId, endMs, lower.value(), end);
        if (!upper)
            return upper.error();
        const Result<qint64> n = countBucket(streamId, lower.value(), upper.value(), query.topic, sample, &d.estimated);
        if (!n)
            return n.error();
        d.counts[i] = n.value();
        d.total += n.value();
        lower = upper;
    }
    return d;
}

} // namespace sb::journal
