// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace bench::console {

// console-bench --startup (issue #17, "console on a board"): the real `switchboard` binary started
// again and again, against a running switchboardd (--hub local:...) and with its own embedded hub
// (./dev.sh run on a machine with a display and no daemon). Prints the time from exec to its
// first frame and its RSS once idle. Returns the process's exit code.
int runStartupRows(const QString &daemonPath, const QString &consolePath, int repeat, int settleMs);

} // namespace bench::console
