// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sqlitedb.h"

namespace sb::journal {

// The journal's tables, and the migrations between their versions (PRAGMA user_version).
//
//   streams(id, name, count, bytes, counted_to)
//                                        one row per channel ("" for the default space); count and
//                                        bytes of the messages up to counted_to, written once a
//                                        second and with every batch that removes messages, so
//                                        start-up counts only the messages after counted_to
//   messages(seq, stream, topic, stored_at, size, body)
//                                        seq: the journal's sequence number (rowid); body: the
//                                        message in the binary codec; size: what it counts
//   positions(name, seq)                 durable subscribers' acknowledged positions
//   dead_letters(id, reason, attempts, dead_at, destination, detail, message)   (version 2)
//                                        the hub's dead letters, so they survive restarts
namespace Schema {
constexpr int Version = 3;
// Brings \a db to Version inside one transaction: creates a new database, migrates an older one,
// refuses a newer one (written by a later switchboardd) with STORAGE_FAILED.
Status migrate(SqliteDb &db);
int version(SqliteDb &db);
// Adds the messages stored after each stream's counted_to (the last second before a crash) to its
// totals; \a recounted: how many. An index range per stream, not a scan of the journal.
Status settleTotals(SqliteDb &db, qint64 *recounted);
} // namespace Schema

} // namespace sb::journal
