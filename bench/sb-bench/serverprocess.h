// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace bench {

// One broker under test, on a free loopback port, with its resident memory readable from /proc.
class ServerProcess
{
public:
    ServerProcess(const QString &name, const QString &program, const QStringList &args, quint16 port);
    ~ServerProcess();

    static quint16 freePort();
    bool start(QString *error);
    void stop();
    QString name() const { return m_name; }
    quint16 port() const { return m_port; }
    qint64 rssKb() const { return statusKb("VmRSS:"); }
    qint64 peakRssKb() const { return statusKb("VmHWM:"); }
    // From exec to the first accepted connection on port(), in ms (probed every millisecond).
    double startupMs() const { return m_startupMs; }

private:
    qint64 statusKb(const char *field) const;

    QString m_name;
    QString m_program;
    QStringList m_args;
    quint16 m_port;
    QProcess m_process;
    double m_startupMs = -1;
};

} // namespace bench
