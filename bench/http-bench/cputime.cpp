// SPDX-License-Identifier: Apache-2.0
#include "cputime.h"

#include <QDir>
#include <QFile>
#include <unistd.h>

namespace bench {

namespace {

qint64 ticksToUs(qint64 ticks)
{
    static const long hz = ::sysconf(_SC_CLK_TCK);
    return ticks * 1000000 / (hz > 0 ? hz : 100);
}

} // namespace

QList<QByteArray> CpuTime::statFields(const QString &path, QString *comm)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = f.readAll();
    // The name may hold spaces and parentheses: it ends at the last ')'.
    const qsizetype open = line.indexOf('('), close = line.lastIndexOf(')');
    if (open < 0 || close < open)
        return {};
    if (comm)
        *comm = QString::fromUtf8(line.mid(open + 1, close - open - 1));
    return line.mid(close + 2).trimmed().split(' ');
}

qint64 CpuTime::processUs(qint64 pid)
{
    const QList<QByteArray> f = statFields(QStringLiteral("/proc/%1/stat").arg(pid));
    // utime and stime are fields 14 and 15 of proc(5); f[0] is field 3.
    if (f.size() < 13)
        return -1;
    return ticksToUs(f[11].toLongLong() + f[12].toLongLong());
}

qint64 CpuTime::processesUs(const QList<qint64> &pids)
{
    qint64 sum = 0;
    for (qint64 pid : pids) {
        const qint64 us = processUs(pid);
        if (us < 0)
            return -1;
        sum += us;
    }
    return sum;
}

QList<qint64> CpuTime::withChildren(qint64 pid)
{
    QList<qint64> out { pid };
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool ok = false;
        const qint64 candidate = e.toLongLong(&ok);
        if (!ok || candidate == pid)
            continue;
        const QList<QByteArray> f = statFields(QStringLiteral("/proc/%1/stat").arg(candidate));
        if (f.size() > 1 && f[1].toLongLong() == pid) // field 4: the parent
            out.append(candidate);
    }
    return out;
}

QList<CpuTime::Thread> CpuTime::threads(qint64 pid)
{
    QList<Thread> out;
    const QString dir = QStringLiteral("/proc/%1/task").arg(pid);
    const QStringList tids = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tids) {
        Thread t;
        t.tid = tid.toLongLong();
        const QList<QByteArray> f = statFields(dir + QLatin1Char('/') + tid + QStringLiteral("/stat"), &t.name);
        if (f.size() < 13)
            continue;
        t.us = ticksToUs(f[11].toLongLong() + f[12].toLongLong());
        out.append(t);
    }
    return out;
}

} // namespace bench
