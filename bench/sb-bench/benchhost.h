// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

class QProcess;

namespace bench {

// What sb-bench and http-bench both need from the machine and their server processes.
namespace host {
// The CPU's model name from /proc/cpuinfo, for the result table's header.
QString cpuModel();
// SIGTERM, 10 s to exit, then SIGKILL: a server process stopped as a service manager would.
void stopProcess(QProcess &process);
} // namespace host

} // namespace bench
