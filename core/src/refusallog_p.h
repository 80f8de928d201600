// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/principal.h>

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcAccess)

namespace sb {

// Logs what the bus refuses (who, what, where, why; never a credential), at most a few lines a
// second: a client hammering a refused topic must not flood the log. What was held back is
// counted and reported in the next line that gets through.
class RefusalLog
{
public:
    void log(const Principal &who, const QString &action, const QString &channel, const QString &topic,
             const Error &error);
    // Any refusal line (a failed authentication), under the same rate bound.
    void logText(const QString &text);

private:
    static constexpr int kPerSecond = 10;
    qint64 m_windowStart = 0;
    int m_inWindow = 0;
    quint64 m_suppressed = 0;
};

} // namespace sb
