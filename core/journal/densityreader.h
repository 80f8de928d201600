// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sqlitedb.h"

#include <switchboard/journal.h>

namespace sb::journal {

// Journal::density on the journal's reading connection, without reading every message: the
// buckets' edges are found by a binary search over the sequence (stored times ascend with it),
// each bucket is counted in the (stream, seq) index, and a topic pattern is matched on at most
// SampleRows rows of the query (shared out between the buckets; past that, estimated).
class DensityReader
{
public:
    static constexpr qint64 SampleRows = 100000;

    Status prepare(SqliteDb &db);
    Result<StoredDensity> read(qint64 streamId, const DensityQuery &query);

private:
    struct Row {
        quint64 seq = 0; // 0: none
        qint64 storedAtMs = 0;
    };
    Result<Row> firstFrom(qint64 streamId, quint64 seq);
    // The first sequence number in [lo, hi) stored at \a ms or later; hi when none.
    Result<quint64> edge(qint64 streamId, qint64 ms, quint64 lo, quint64 hi);
    Result<qint64> countBucket(qint64 streamId, quint64 from, quint64 to, const QString &topic, qint64 sample, bool *estimated);

    SqliteDb *m_db = nullptr;
    SqliteStatement m_next, m_last, m_count, m_match;
};

} // namespace sb::journal
