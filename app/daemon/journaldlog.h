// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace sb::daemon {

// Log entries for journald, in its native protocol (as sd_journal_sendv() sends it): MESSAGE, PRIORITY (syslog:
// 7 debug, 6 info, 4 warning, 3 error), SYSLOG_IDENTIFIER=switchboardd, SB_CATEGORY, and every
// field of the entry as SB_<NAME> (camelCase to upper snake case: watchdogUsec -> SB_WATCHDOG_USEC;
// lists and maps as JSON). `journalctl -u switchboardd SB_CODE=PORT_IN_USE` finds them.
namespace JournaldLog {
// Whether stderr is a stream journald reads for us: $JOURNAL_STREAM names its device and inode
// (what systemd sets for StandardError=journal), so a redirected stderr keeps JSON lines.
bool stderrIsJournal();
// The entry's fields, "NAME=value" each.
QList<QByteArray> entry(int rank, const char *category, const QString &msg, const QVariantMap &fields);
// Sends one entry; false when journald could not take it (the caller writes a JSON line instead).
bool send(int rank, const char *category, const QString &msg, const QVariantMap &fields);
// Sends fields ("NAME=value" each) as one entry in journald's native protocol: one datagram to
// /run/systemd/journal/socket, or a sealed memfd passed in one when the entry is too large.
bool sendFields(const QList<QByteArray> &fields);
} // namespace JournaldLog

} // namespace sb::daemon
