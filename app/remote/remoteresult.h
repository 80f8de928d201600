// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/error.h>

#include <QVariantMap>

namespace sb::remote::RemoteResult {

// The answer of every remote-control slot: {"ok": true, ...} or
// {"ok": false, "code": "CHANNEL_NOT_FOUND", "message": "...", "details": {...}}.
QVariantMap ok(QVariantMap values = {});
QVariantMap failure(const Error &error);
// The error an answer carries; code None when it is a success. A map without "ok" (a replica
// that lost its source, a newer hub) is INTERNAL with the map in the details.
Error errorOf(const QVariantMap &answer);

} // namespace sb::remote::RemoteResult
