// SPDX-License-Identifier: Apache-2.0
// Runs the real sbctl for the end-to-end tests: its exit code, stdout and stderr, with
// $SWITCHBOARD_TOKEN and $SWITCHBOARD_HUB cleared so only the arguments speak.
#pragma once

#include "../childenv.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace sbtest {

struct SbctlRun
{
    int code = -1; // -1: it did not finish in 30 s (killed)
    QString out;
    QString err;
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

inline SbctlRun runSbctl(const QStringList &args, const QByteArray &stdinData = {})
{
    QProcess p;
    QProcessEnvironment env = sbtest::childEnvironment();
    env.remove(QStringLiteral("SWITCHBOARD_TOKEN"));
    env.remove(QStringLiteral("SWITCHBOARD_HUB"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SB_SBCTL_PATH), args);
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    SbctlRun r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished(5000);
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// The whole file, or an empty array.
inline QByteArray readWholeFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeWholeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace sbtest
