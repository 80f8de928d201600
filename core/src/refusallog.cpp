// SPDX-License-Identifier: Apache-2.0
#include "refusallog_p.h"

#include <switchboard/ratelimiter.h>

Q_LOGGING_CATEGORY(lcAccess, "switchboard.access")

namespace sb {

void RefusalLog::log(const Principal &who, const QString &action, const QString &channel, const QString &topic,
                     const Error &error)
{
    logText(QStringLiteral("refused %1 %2 from %3 (%4, %5) on %6: %7")
                .arg(action, who.stamp(), who.protocol, who.peer.isEmpty() ? QStringLiteral("-") : who.peer,
                     who.authenticated ? QStringLiteral("authenticated") : QStringLiteral("anonymous"),
                     channel.isEmpty() ? QStringLiteral("topic \"%1\"").arg(topic)
                                       : QStringLiteral("channel \"%1\" topic \"%2\"").arg(channel, topic),
                     error.toString()));
}

void RefusalLog::logText(const QString &text)
{
    const qint64 now = RateLimiter::monotonicMsecs();
    if (now - m_windowStart >= 1000) {
        m_windowStart = now;
        m_inWindow = 0;
    }
    if (++m_inWindow > kPerSecond) {
        ++m_suppressed;
        return;
    }
    const QString more = m_suppressed ? QStringLiteral(" (%1 more refusals not logged)").arg(m_suppressed) : QString();
    m_suppressed = 0;
    qCInfo(lcAccess).noquote() << text + more;
}

} // namespace sb
