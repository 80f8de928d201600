// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QtGlobal>

// A watchdog for the integration tests that drive real processes: when a test binary (or one
// test function) runs longer than its limit, it prints the stacks of the test process and of
// every process the test started, then aborts, well before ctest's timeout kills it silently.
//
// It starts by itself in any test linked with the sb_hangwatch object library. Environment:
//   SB_HANGWATCH_TIMEOUT_S           the whole binary (default 240); 0: off
//   SB_HANGWATCH_FUNCTION_TIMEOUT_S  one test function, from testFunctionStarted() (default: off)
//   SB_HANGWATCH_GDB=0               never run gdb (the /proc view only)
//   SB_HANGWATCH_DUMP_S              time for all gdb runs of one dump (default 45)
// sb_hang_watch() in tests/auto/CMakeLists.txt sets SB_HANGWATCH_TIMEOUT_S a minute under the
// test's ctest TIMEOUT.
// Stacks come from `gdb -p PID -batch -ex 'thread apply all bt'` when gdb is installed, and
// always from /proc/PID/task/*/{stat,wchan,stack}.
namespace sb::test::HangWatch {

// The watchdog thread; called by a static initializer, harmless to call again.
void start();
// Children a test started (the daemon, a CLI run): dumped first and killed before the abort.
// Other descendants of the test process are found in /proc and dumped too. Thread-safe.
void registerChild(qint64 pid, const char *what);
void unregisterChild(qint64 pid);
// Restarts the per-function limit and names the function in a dump; call from init().
void testFunctionStarted(const char *function, const char *dataTag = nullptr);

// Writes the stacks of one process to \a fd (gdb if present, /proc always).
void dumpProcess(qint64 pid, int fd);
// Writes this process, the registered children and the other descendants to \a fd.
void dumpAll(int fd, const char *why);

} // namespace sb::test::HangWatch
