// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QVariant>

// Config values with units, one grammar for every parser (daemon, channels, plugins). The grammar
// and every key's unit are in docs/CONTRACTS.md. Errors are ErrorCode::InvalidConfig with the
// message "<key>: <why, with the accepted forms>" and details {"key": key}.
namespace sb::config {

// A message rate: "100/second", "6000/minute", "10/hour", or a plain number per second.
struct Rate
{
    double perSecond = 0.0; // 0: unlimited

    bool operator==(const Rate &o) const { return perSecond == o.perSecond; }
};

// Bytes: "64MiB", "512KiB", "1GiB" (binary), "10MB", "500kB" (decimal), "100B", or a plain
// integer (bytes). Never negative.
SWITCHBOARD_EXPORT Result<qint64> parseSize(const QVariant &value, const QString &key);

// Milliseconds: "500ms", "5s", "2m", "1h", "7d", or a plain integer in \a plainUnitMs (1 for keys
// named *-ms, so their plain integers keep meaning milliseconds). Never negative.
SWITCHBOARD_EXPORT Result<qint64> parseDurationMs(const QVariant &value, const QString &key, qint64 plainUnitMs = 1);

// Microseconds, for the few keys finer than a millisecond: "200us", "2ms", "1s", or a plain integer
// (microseconds). Never negative.
SWITCHBOARD_EXPORT Result<qint64> parseDurationUs(const QVariant &value, const QString &key);

// Messages per second from "N/second", "N/minute", "N/hour" or a plain number (per second).
// N may have a fraction ("0.5/second"); never negative.
SWITCHBOARD_EXPORT Result<Rate> parseRate(const QVariant &value, const QString &key);

} // namespace sb::config
