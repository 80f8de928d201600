// SPDX-License-Identifier: Apache-2.0
#include "serverprocess.h"

#include "benchhost.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>

namespace bench {

ServerProcess::ServerProcess(const QString &name, const QString &program, const QStringList &args, quint16 port)
    : m_name(name), m_program(program), m_args(args), m_port(port)
{
}

ServerProcess::~ServerProcess()
{
    stop();
}

quint16 ServerProcess::freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

bool ServerProcess::start(QString *error)
{
    m_process.setProgram(m_program);
    m_process.setArguments(m_args);
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    // A crashed test or bench must not leave a server behind holding its port.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    QElapsedTimer clock;
    clock.start();
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("%1: %2").arg(m_program, m_process.errorString());
        return false;
    }
    while (clock.elapsed() < 10000) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_port);
        if (probe.waitForConnected(100)) {
            m_startupMs = clock.nsecsElapsed() / 1e6;
            return true;
        }
        if (m_process.state() == QProcess::NotRunning)
            break;
        QThread::msleep(1); // refused at once while nothing listens: probe again soon
    }
    *error = QStringLiteral("%1 did not accept connections on port %2").arg(m_name).arg(m_port);
    return false;
}

void ServerProcess::stop()
{
    host::stopProcess(m_process);
}

qint64 ServerProcess::statusKb(const char *field) const
{
    QFile f(QStringLiteral("/proc/%1/status").arg(m_process.processId()));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace bench
