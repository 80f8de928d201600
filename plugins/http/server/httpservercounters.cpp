// SPDX-License-Identifier: Apache-2.0
#include "httpservercounters.h"

namespace sb::http {

void HttpServerCounters::addError(int status)
{
    if (status >= 400 && status < 400 + int(m_errors.size()))
        add(m_errors[size_t(status - 400)]);
}

void HttpServerCounters::notePeakOutbound(qint64 bytes)
{
    qint64 peak = peakConnectionOutbound.load(std::memory_order_relaxed);
    while (bytes > peak && !peakConnectionOutbound.compare_exchange_weak(peak, bytes, std::memory_order_relaxed)) {
    }
}

QMap<int, quint64> HttpServerCounters::errorsByStatus() const
{
    QMap<int, quint64> errors;
    for (size_t i = 0; i < m_errors.size(); ++i) {
        if (const quint64 n = m_errors[i].load(std::memory_order_relaxed))
            errors.insert(400 + int(i), n);
    }
    return errors;
}

QVariantMap HttpServerCounters::toVariantMap() const
{
    QVariantMap errors;
    const QMap<int, quint64> byStatus = errorsByStatus();
    for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
        errors.insert(QString::number(it.key()), double(it.value()));
    return {
        {QStringLiteral("connectionsAccepted"), double(connectionsAccepted)},
        {QStringLiteral("connectionsRefused"), double(connectionsRefused)},
        {QStringLiteral("connectionsOpen"), int(connectionsOpen)},
        {QStringLiteral("requests"), double(requests)},
        {QStringLiteral("responses"), double(responses)},
        {QStringLiteral("bytesIn"), double(bytesIn)},
        {QStringLiteral("bytesOut"), double(bytesOut)},
        {QStringLiteral("headTimeouts"), double(headTimeouts)},
        {QStringLiteral("bodyTimeouts"), double(bodyTimeouts)},
        {QStringLiteral("idleTimeouts"), double(idleTimeouts)},
        {QStringLiteral("writeStalls"), double(writeStalls)},
        {QStringLiteral("overflowClosed"), double(overflowClosed)},
        {QStringLiteral("readPauses"), double(readPauses)},
        {QStringLiteral("continues"), double(continues)},
        {QStringLiteral("tlsHandshakeFailures"), double(tlsHandshakeFailures)},
        {QStringLiteral("outboundBytes"), double(outboundBytes)},
        {QStringLiteral("peakConnectionOutbound"), double(peakConnectionOutbound)},
        {QStringLiteral("errorsByStatus"), errors},
    };
}

} // namespace sb::http
