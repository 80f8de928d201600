// SPDX-License-Identifier: Apache-2.0
#include "daemonprocess.h"

#include "../hangwatch.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <csignal>
#include <sys/prctl.h>

DaemonProcess::DaemonProcess() = default;

DaemonProcess::~DaemonProcess()
{
    if (isRunning()) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    unregisterChild();
}

void DaemonProcess::unregisterChild()
{
    if (m_pid > 0)
        sb::test::HangWatch::unregisterChild(m_pid);
    m_pid = 0;
}

bool DaemonProcess::start(const Options &options)
{
    m_localPath = options.localPath.isEmpty() ? m_dir.filePath(QStringLiteral("sb.sock")) : options.localPath;
    QString yaml = QStringLiteral("communication:\n"
                                  "  message-bus: {enabled: true, type: embedded}\n"
                                  "  protocols: [native%3]\n"
                                  "  native:\n"
                                  "    tcp: \"127.0.0.1:%1\"\n"
                                  "    local: \"%2\"\n")
                       .arg(options.tcpPort)
                       .arg(m_localPath, options.httpSection.isEmpty() ? QString() : QStringLiteral(", http"));
    yaml += options.nativeExtra;
    if (!options.httpSection.isEmpty())
        yaml += QStringLiteral("  http:\n") + options.httpSection;
    yaml += QStringLiteral("channels:\n  - {name: platform-events, type: broadcast}\n") + options.channelsExtra;
    yaml += options.topLevelExtra;
    const QString configPath = m_dir.filePath(QStringLiteral("switchboardd.yaml"));
    QFile f(configPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_error = f.errorString();
        return false;
    }
    f.write(yaml.toUtf8());
    f.close();

    m_stderr.clear();
    m_process.setProgram(QStringLiteral(SB_DAEMON_PATH));
    m_process.setArguments({QStringLiteral("--config"), configPath});
    // A crashed test or bench must not leave a server behind holding its port.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = m_process.errorString();
        return false;
    }
    // A hang shows the daemon's stacks too (tests/auto/hangwatch.h).
    unregisterChild();
    m_pid = m_process.processId();
    sb::test::HangWatch::registerChild(m_pid, "switchboardd");
    const QDeadlineTimer deadline(20000);
    m_httpAddress.clear();
    m_port = 0;
    while (!deadline.hasExpired()) {
        for (const QJsonObject &line : logLines()) {
            if (line.value(QStringLiteral("msg")).toString() != QLatin1String("listening"))
                continue;
            if (line.value(QStringLiteral("endpoint")).toString() == QLatin1String("http")) {
                m_httpAddress = line.value(QStringLiteral("addresses")).toArray().first().toString();
            } else if (m_port == 0) {
                const QString tcp = line.value(QStringLiteral("tcp")).toString();
                m_port = quint16(tcp.mid(tcp.lastIndexOf(QLatin1Char(':')) + 1).toUInt());
                m_localPath = line.value(QStringLiteral("local")).toString();
            }
        }
        if (m_port != 0 && (options.httpSection.isEmpty() || !m_httpAddress.isEmpty()))
            return true;
        if (m_process.state() == QProcess::NotRunning) {
            m_error = QStringLiteral("switchboardd exited with %1: %2").arg(m_process.exitCode()).arg(stderrText());
            return false;
        }
        m_process.waitForReadyRead(100);
    }
    m_error = QStringLiteral("switchboardd did not report listening: ") + stderrText();
    return false;
}

QJsonObject DaemonProcess::waitForLog(const QString &msg, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    do {
        for (const QJsonObject &line : logLines()) {
            if (line.value(QStringLiteral("msg")).toString() == msg)
                return line;
        }
        if (m_process.state() == QProcess::NotRunning)
            break;
        m_process.waitForReadyRead(100);
    } while (!deadline.hasExpired());
    return {};
}

int DaemonProcess::stop(int timeoutMs)
{
    if (!isRunning()) {
        unregisterChild();
        return m_process.exitCode();
    }
    ::kill(pid_t(m_process.processId()), SIGTERM);
    // Never unbounded (-1 would wait forever on a daemon that hangs in shutdown).
    if (!m_process.waitForFinished(timeoutMs < 0 ? 10000 : timeoutMs)) {
        m_error = QStringLiteral("switchboardd did not exit within %1 ms of SIGTERM; killed").arg(timeoutMs);
        m_process.kill();
        m_process.waitForFinished(5000);
        unregisterChild();
        return -1;
    }
    stderrText();
    unregisterChild();
    if (m_process.exitStatus() != QProcess::NormalExit)
        m_error = QStringLiteral("switchboardd crashed (exit code %1) after SIGTERM").arg(m_process.exitCode());
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString DaemonProcess::url(const QString &transport) const
{
    if (transport == QLatin1String("local"))
        return QStringLiteral("local:") + m_localPath;
    if (transport == QLatin1String("tls"))
        return QStringLiteral("tls://127.0.0.1:%1").arg(m_port);
    return QStringLiteral("tcp://127.0.0.1:%1").arg(m_port);
}

QString DaemonProcess::stderrText()
{
    m_stderr += m_process.readAllStandardError();
    return QString::fromUtf8(m_stderr);
}

QList<QJsonObject> DaemonProcess::logLines()
{
    stderrText();
    QList<QJsonObject> out;
    for (const QByteArray &line : m_stderr.split('\n')) {
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            out.append(doc.object());
    }
    return out;
}
