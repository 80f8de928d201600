// SPDX-License-Identifier: Apache-2.0
#include "httpservercounters.h"

namespace sb::http {

QVariantMap HttpServerCounters::toVariantMap() const
{
    QVariantMap errors;
    for (auto it = errorsByStatus.cbegin(); it != errorsByStatus.cend(); ++it)
        errors.insert(QString::number(it.key()), double(it.value()));
    return {
        {QStringLiteral("connectionsAccepted"), double(connectionsAccepted)},
        {QStringLiteral("connectionsRefused"), double(connectionsRefused)},
        {QStringLiteral("connectionsOpen"), connectionsOpen},
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
        {QStringLiteral("outboundBytes"), double(outboundBytes)},
        {QStringLiteral("peakConnectionOutbound"), double(peakConnectionOutbound)},
        {QStringLiteral("errorsByStatus"), errors},
    };
}

} // namespace sb::http
