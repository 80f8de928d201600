// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QVariantMap>
#include <QtGlobal>

namespace sb::daemon {

// Structured logs: one JSON object per line on stderr, for journald, Loki and jq alike.
// {"ts":"2026-11-24T10:00:00.000Z","level":"info","category":"switchboard.daemon","msg":"...",...}
namespace JsonLog {
// Routes all Qt logging (qCInfo etc.) through the JSON formatter; \a minLevel: debug|info|warning|error.
void install(const QString &minLevel);
// An event with fields, e.g. event("info", "listening", {{"tcp", "127.0.0.1:7400"}}).
void event(const char *level, const QString &msg, const QVariantMap &fields = {});
// Where entries go instead of stderr (switchboardd under systemd: journald's native protocol).
// \a rank: 0 debug, 1 info, 2 warning, 3 error. A sink that returns false (its receiver is gone)
// has the entry written as a JSON line after all. Install before logging starts.
using Sink = bool (*)(int rank, const char *category, const QString &msg, const QVariantMap &fields);
void setSink(Sink sink);
} // namespace JsonLog

} // namespace sb::daemon
