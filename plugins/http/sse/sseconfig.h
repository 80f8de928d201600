// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QVariant>

namespace sb::http {

// communication.http.sse (docs/CONTRACTS.md section 9): Server-Sent Events on every listener of
// the endpoint, GET /api/v1/stream.
struct SseConfig {
    bool enabled = true;
    int maxStreams = 1000;           // open streams of the endpoint together
    int maxStreamsPerAddress = 64;   // from one peer address
    int maxTopics = 16;              // topic= parameters of one stream
    qint64 heartbeatMs = 15000;      // a comment line when nothing else was written for this long
    qint64 retryMs = 3000;           // the "retry:" a browser waits before reconnecting
    qint64 highWaterBytes = 256 * 1024;  // unsent bytes above which deliveries wait in the queue
    qint64 maxOutboundBytes = 1024 * 1024; // unsent bytes past which the stream is closed (OVERFLOW)
    qint64 attachTimeoutMs = 10000;  // from an accepted stream request to its socket
    qint64 stallTimeoutMs = 30000;   // unsent bytes and none taken this long: closed (OVERFLOW); 0 off
    int resumeMessages = 1000;       // the Last-Event-ID ring (0: no resume)
    qint64 resumeBytes = 1024 * 1024;

    // The "sse" map under \a key ("communication.http.sse"); an absent value gives the defaults.
    static Result<SseConfig> fromVariant(const QVariant &value, const QString &key);
};

} // namespace sb::http
