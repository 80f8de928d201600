// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMap>
#include <QVariantMap>

#include <array>
#include <atomic>

namespace sb::http {

// What one listener has done, for health and metrics. Owned by the listener's shared state; its
// connections add to it from their I/O threads (relaxed atomics: each counter is exact, a reader
// may see one counter a moment ahead of another).
struct HttpServerCounters
{
    using Counter = std::atomic<quint64>;
    Counter connectionsAccepted{0};
    Counter connectionsRefused{0};  // over max-connections or max-connections-per-address: closed at once
    std::atomic<int> connectionsOpen{0};
    Counter requests{0};            // complete requests handed to the handler
    Counter responses{0};           // responses queued for writing (handler answers and the layer's own errors)
    Counter bytesIn{0};
    Counter bytesOut{0};            // response bytes queued for the peer
    Counter headTimeouts{0};        // request-head-timeout (408, or silent when no byte came)
    Counter bodyTimeouts{0};        // body-timeout (408)
    Counter idleTimeouts{0};        // idle-timeout (closed silently)
    Counter writeStalls{0};         // unsent answers and no progress for idle-timeout: reset
    Counter overflowClosed{0};      // unsent answers past max-outbound-bytes: reset
    Counter readPauses{0};          // times a connection stopped reading because its answers were unread
    Counter continues{0};           // 100 Continue sent
    Counter tlsHandshakeFailures{0}; // TLS handshakes that failed or took longer than request-head-timeout
    std::atomic<qint64> outboundBytes{0};          // unsent answers of all connections now
    std::atomic<qint64> peakConnectionOutbound{0}; // the most one connection ever held unsent

    static void add(Counter &counter, quint64 n = 1) { counter.fetch_add(n, std::memory_order_relaxed); }
    // A response with \a status >= 400 (statuses 400-599 are counted one by one).
    void addError(int status);
    void notePeakOutbound(qint64 bytes);
    // Responses with status >= 400, by status.
    QMap<int, quint64> errorsByStatus() const;

    QVariantMap toVariantMap() const;

private:
    std::array<Counter, 200> m_errors{}; // status 400 + index
};

} // namespace sb::http
