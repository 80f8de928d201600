// SPDX-License-Identifier: Apache-2.0
#include "wrkrun.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <csignal>
#include <sys/prctl.h>

namespace bench {

namespace {

// "812.00us", "1.23ms", "2.00s", "1.50m" -> microseconds; -1 if not a wrk duration.
double durationUs(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([0-9.]+)(us|ms|s|m|h)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return -1;
    const double v = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    if (unit == QLatin1String("us"))
        return v;
    if (unit == QLatin1String("ms"))
        return v * 1e3;
    if (unit == QLatin1String("s"))
        return v * 1e6;
    return v * (unit == QLatin1String("m") ? 60e6 : 3600e6);
}

QByteArray luaString(const QByteArray &s)
{
    QByteArray out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

} // namespace

WrkRun::WrkRun(const QString &program, const QString &scriptDir)
    : m_program(program)
    , m_script(QDir(scriptDir).filePath(QStringLiteral("post.lua")))
{ }

bool WrkRun::writeScript(const QByteArray &body, QString *error)
{
    QFile f(m_script);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("%1: %2").arg(m_script, f.errorString());
        return false;
    }
    // Only the request's fields: a response() callback would make wrk parse every response in
    // Lua and slow the load generator down for both servers.
    f.write("wrk.method = \"POST\"\n"
            "wrk.body = "
        + luaString(body)
        + "\n"
          "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    return true;
}

WrkRun::Result WrkRun::run(const QString &url, int connections, int seconds) const
{
    QProcess wrk;
    wrk.setProgram(m_program);
    wrk.setArguments({ QStringLiteral("-t1"), QStringLiteral("-c%1").arg(connections),
        QStringLiteral("-d%1s").arg(seconds), QStringLiteral("--latency"), QStringLiteral("-s"), m_script, url });
    wrk.setProcessChannelMode(QProcess::MergedChannels);
    wrk.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    wrk.start();
    Result r;
    if (!wrk.waitForStarted(10000)) {
        r.error = QStringLiteral("%1: %2").arg(m_program, wrk.errorString());
        return r;
    }
    if (!wrk.waitForFinished((seconds + 60) * 1000)) {
        wrk.kill();
        wrk.waitForFinished(5000);
        r.error = QStringLiteral("wrk did not finish within %1 s").arg(seconds + 60);
        return r;
    }
    r = parse(wrk.readAll());
    if (r.ok && (wrk.exitStatus() != QProcess::NormalExit || wrk.exitCode() != 0)) {
        r.ok = false;
        r.error = QStringLiteral("wrk exited with %1").arg(wrk.exitCode());
    }
    return r;
}

WrkRun::Result WrkRun::parse(const QByteArray &report)
{
    Result r;
    r.report = report;
    static const QRegularExpression rps(QStringLiteral("^Requests/sec:\\s+([0-9.]+)"));
    static const QRegularExpression total(QStringLiteral("^\\s*([0-9]+) requests in "));
    static const QRegularExpression non2xx(QStringLiteral("^\\s*Non-2xx or 3xx responses:\\s+([0-9]+)"));
    static const QRegularExpression socket(
        QStringLiteral("^\\s*Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)"));
    static const QRegularExpression pct(QStringLiteral("^\\s*(50|99)%\\s+(\\S+)\\s*$"));
    bool haveRps = false, haveTotal = false, haveP99 = false;
    for (const QByteArray &raw : report.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        QRegularExpressionMatch m;
        if ((m = rps.match(line)).hasMatch()) {
            r.requestsPerSec = m.captured(1).toDouble();
            haveRps = true;
        } else if ((m = total.match(line)).hasMatch()) {
            r.requests = m.captured(1).toULongLong();
            haveTotal = true;
        } else if ((m = non2xx.match(line)).hasMatch()) {
            r.non2xx = m.captured(1).toULongLong();
        } else if ((m = socket.match(line)).hasMatch()) {
            for (int i = 1; i <= 4; ++i)
                r.socketErrors += m.captured(i).toULongLong();
        } else if ((m = pct.match(line)).hasMatch()) {
            const double us = durationUs(m.captured(2));
            if (m.captured(1) == QLatin1String("99")) {
                r.p99Us = us;
                haveP99 = us >= 0;
            } else {
                r.p50Us = us;
            }
        }
    }
    r.ok = haveRps && haveTotal && haveP99;
    if (!r.ok)
        r.error = QStringLiteral("could not read wrk's report (Requests/sec, requests, 99%)");
    return r;
}

} // namespace bench
