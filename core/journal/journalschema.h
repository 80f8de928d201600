// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sqlitedb.h"

namespace sb::journal {

// The journal's tables, and the migrations between their versions (PRAGMA user_version).
//
//   streams(id, name, count, bytes)      one row per channel ("" for the default space); count and
//                                        bytes kept with every batch, so start-up needs no scan
//   messages(seq, stream, topic, stored_at, size, body)
//                                        seq: the journal's sequence number (rowid); body: the
//                                        message in the binary codec; size: what it counts
//   positions(name, seq)                 durable subscribers' acknowledged positions
//   dead_letters(id, reason, attempts, dead_at, destination, detail, message)   (version 2)
//                                        the hub's dead letters, so they survive restarts
namespace Schema {
constexpr int Version = 2;
// Brings \a db to Version inside one transaction: creates a new database, migrates an older one,
// refuses a newer one (written by a later switchboardd) with STORAGE_FAILED.
Status migrate(SqliteDb &db);
int version(SqliteDb &db);
} // namespace Schema

} // namespace sb::journal
