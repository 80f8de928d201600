// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>

// A SQLite VFS for tests: the default one, with two faults a disk can have.
//  - failSync: fsync fails (SQLITE_IOERR_FSYNC), as a disk that reports EIO does.
//  - holdUnsynced + powerCut(): writes stay in memory until their file is fsynced, as they do in
//    the page cache; powerCut() loses what was not fsynced and makes every later write, fsync
//    and delete a no-op, as if the machine had stopped. reset() ends it.
//  - syncDelayUs: every fsync takes this much longer, as on a slow disk (a board's SD card).
namespace faultyvfs {
inline constexpr const char *Name = "sbtest-faulty";
extern std::atomic<bool> failSync;
extern std::atomic<bool> holdUnsynced;
extern std::atomic<int> syncs; // fsyncs asked for (journal and WAL files)
extern std::atomic<int> syncDelayUs;
// With holdUnsynced: the power is cut during the Nth write from now (that write is lost too), at
// whatever point the writer is; -1: never.
extern std::atomic<int> cutAtWrite;
bool isCut();
void install();
void powerCut();
void reset();
} // namespace faultyvfs
