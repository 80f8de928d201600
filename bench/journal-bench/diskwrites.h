// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

namespace sb {
class SwitchboardClient;
}

namespace bench::journal {

// Shared with main.cpp's rows.
bool connectClient(sb::SwitchboardClient &c, quint16 port);
// Acknowledged publishes of \a payload to \a channel: \a window in flight at most (1: one at a
// time). msg/s.
double publishAcked(sb::SwitchboardClient &c, const QString &channel, const QByteArray &payload, int count, int window);

struct DiskWriteOptions
{
    QString daemon; // switchboardd's path
    int asyncCount = 0; // publishes per async-window row
    int oneCount = 0; // publishes per one-at-a-time row
    int idleSeconds = 0; // the idle row's length
    int repeat = 1;
};

// Issue #17: the journal's write amplification, and what switchboardd writes when it is idle or
// carries only messages that are not persistent. Prints its table; false when a bar is not met.
bool runDiskWriteRows(const DiskWriteOptions &o);

} // namespace bench::journal
