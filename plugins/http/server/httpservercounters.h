// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMap>
#include <QVariantMap>

namespace sb::http {

// What one listener has done, for health and metrics. Owned by the HttpListener; its connections
// add to it (all in the listener's thread).
struct HttpServerCounters
{
    quint64 connectionsAccepted = 0;
    quint64 connectionsRefused = 0;  // over max-connections or max-connections-per-address: closed at once
    int connectionsOpen = 0;
    quint64 requests = 0;            // complete requests handed to the handler
    quint64 responses = 0;           // responses queued for writing (handler answers and the layer's own errors)
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;            // response bytes queued for the peer
    quint64 headTimeouts = 0;        // request-head-timeout (408, or silent when no byte came)
    quint64 bodyTimeouts = 0;        // body-timeout (408)
    quint64 idleTimeouts = 0;        // idle-timeout (closed silently)
    quint64 writeStalls = 0;         // unsent answers and no progress for idle-timeout: reset
    quint64 overflowClosed = 0;      // unsent answers past max-outbound-bytes: reset
    quint64 readPauses = 0;          // times a connection stopped reading because its answers were unread
    quint64 continues = 0;           // 100 Continue sent
    qint64 outboundBytes = 0;        // unsent answers of all connections now
    qint64 peakConnectionOutbound = 0; // the most one connection ever held unsent
    QMap<int, quint64> errorsByStatus; // responses with status >= 400, by status

    QVariantMap toVariantMap() const;
};

} // namespace sb::http
