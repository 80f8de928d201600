// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QStringList>
#include <QVariantMap>

namespace sb::http {

// The bounds of the HTTP/1.1 server layer (docs/CONTRACTS.md, communication.http). Every byte a
// peer can make the server hold is bounded by one of them.
struct HttpServerLimits
{
    qint64 maxBodyBytes = 1024 * 1024;        // max-body-bytes: over it 413 (from Content-Length, before the body)
    qint64 maxHeaderBytes = 16 * 1024;        // max-header-bytes: header lines together; over it 431
    int maxHeaders = 100;                     // max-headers: header lines; over it 431
    qint64 maxUrlBytes = 8 * 1024;            // max-url-bytes: the request target; over it 414
    int maxPipelined = 16;                    // max-pipelined: requests read and not yet answered
    int requestHeadTimeoutMs = 10000;         // request-head-timeout: the whole head, from its first byte; 408
    int idleTimeoutMs = 60000;                // idle-timeout: keep-alive with nothing to do; closed silently
    int bodyTimeoutMs = 30000;                // body-timeout: the whole body, from the end of the head; 408
    int maxConnections = 1024;                // max-connections: per listener
    int maxConnectionsPerAddress = 256;       // max-connections-per-address: per peer IP address
    qint64 maxOutboundBytes = 4 * 1024 * 1024; // max-outbound-bytes: unsent answers of one peer

    // Reading stops while a connection's unsent answers are at or above this (half of
    // max-outbound-bytes): a peer that does not read its answers stops being read.
    qint64 outboundHighWater() const { return maxOutboundBytes / 2; }

    // The keys above, for a plugin that keeps them in a section with other keys.
    static QStringList keys();
    // Parses the keys above from \a map (sizes and durations in sb::config's grammar; a plain
    // number of a duration is seconds). Unknown keys and bad values are INVALID_CONFIG naming
    // "<prefix>.<key>". Absent keys keep their defaults.
    static Result<HttpServerLimits> fromVariantMap(const QVariantMap &map, const QString &prefix = QStringLiteral("http"));
};

} // namespace sb::http
