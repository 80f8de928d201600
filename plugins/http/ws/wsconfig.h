// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wsframereader.h"
#include "wshandshake.h"

#include <switchboard/result.h>

#include <QStringList>
#include <QVariant>

namespace sb::http {

// communication.http.ws (docs/CONTRACTS.md section 9): WebSocket on every listener of the
// endpoint, GET /api/v1/ws with an upgrade.
struct WsConfig {
    bool enabled = true;
    int maxConnections = 1000;         // open WebSocket connections of the endpoint together
    int maxConnectionsPerAddress = 64; // from one peer address
    WsLimits frames;                   // max-frame-bytes, max-message-bytes (1009 past them)
    qint64 pingIntervalMs = 30000;     // a ping when the client was silent this long
    qint64 pongTimeoutMs = 10000;      // no pong (or anything) this long after a ping: closed 1001
    qint64 highWaterBytes = 256 * 1024;
    qint64 maxOutboundBytes = 1024 * 1024; // unsent bytes past which the connection is reset (OVERFLOW)
    qint64 attachTimeoutMs = 10000;
    qint64 stallTimeoutMs = 30000; // unsent bytes and none taken this long: reset (OVERFLOW); 0 off
    // Origins a browser's upgrade may come from ("*": any). Empty: the listener's cors.origins.
    // An upgrade without Origin (not a browser) is not checked.
    QStringList origins;
    // permessage-deflate (RFC 7692): off unless enabled; our window bits and memory level, and
    // whether both sides keep their compression context between messages.
    WsHandshake::DeflatePolicy deflate;

    static Result<WsConfig> fromVariant(const QVariant &value, const QString &key);
};

} // namespace sb::http
