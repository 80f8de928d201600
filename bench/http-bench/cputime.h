// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>

namespace bench {

// CPU time (user + system) of server processes, read from /proc.
class CpuTime
{
public:
    struct Thread
    {
        qint64 tid = 0;
        QString name;
        qint64 us = 0;
    };

    // utime + stime of process \a pid in microseconds: /proc/<pid>/stat, which sums all its
    // threads, those that have ended included. -1 if the process is gone.
    static qint64 processUs(qint64 pid);
    // The sum over \a pids (-1 if any is gone).
    static qint64 processesUs(const QList<qint64> &pids);
    // \a pid and its direct children (nginx: the master and its worker).
    static QList<qint64> withChildren(qint64 pid);
    // Each live thread of \a pid (/proc/<pid>/task/<tid>/stat), by thread name.
    static QList<Thread> threads(qint64 pid);

private:
    // The fields after "(comm)" of a stat line: [0] is the state (field 3 of proc(5)).
    static QList<QByteArray> statFields(const QString &path, QString *comm = nullptr);
};

} // namespace bench
