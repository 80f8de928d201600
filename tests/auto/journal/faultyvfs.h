// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>

// A SQLite VFS for tests: the default one, except that fsync fails (SQLITE_IOERR_FSYNC) while
// failSync is set, as a disk that reports EIO does.
namespace faultyvfs {
inline constexpr const char *Name = "sbtest-faulty";
extern std::atomic<bool> failSync;
extern std::atomic<int> syncs; // fsyncs asked for (journal and WAL files)
void install();
} // namespace faultyvfs
