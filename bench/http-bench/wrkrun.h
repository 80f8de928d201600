// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

namespace bench {

// One run of wrk (-t1, keep-alive, --latency) posting the same JSON body to one URL, with the
// figures parsed from its report.
class WrkRun
{
public:
    struct Result
    {
        bool ok = false; // wrk ran and its report parsed
        QString error; // why not
        double requestsPerSec = 0; // "Requests/sec:"
        quint64 requests = 0; // completed responses, any status ("N requests in ...")
        quint64 non2xx = 0; // "Non-2xx or 3xx responses:" (wrk counts status > 399)
        quint64 socketErrors = 0; // connect + read + write + timeout
        double p50Us = 0, p99Us = 0;
        QByteArray report; // wrk's output, for a failure
        quint64 completed2xx() const { return requests - non2xx; }
    };

    WrkRun(const QString &program, const QString &scriptDir);

    // Writes the Lua script: wrk.method/body/headers for "POST \a body as application/json".
    bool writeScript(const QByteArray &body, QString *error);
    Result run(const QString &url, int connections, int seconds) const;

    // Parses wrk's text report (exposed for a check by hand).
    static Result parse(const QByteArray &report);

private:
    QString m_program;
    QString m_script;
};

} // namespace bench
