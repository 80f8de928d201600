// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

// Runs the real switchboardd for a test: private config, ephemeral loopback port (or a given one),
// a local socket inside a private temporary directory. The addresses come from its "listening" log.
class DaemonProcess
{
public:
    struct Options
    {
        quint16 tcpPort = 0;        // 0: let the daemon pick a free one
        QString nativeExtra;        // YAML lines inside communication.native (4-space indented)
        QString topLevelExtra;      // YAML appended at the top level
        QString localPath;          // empty: <tempdir>/sb.sock
        QString httpSection;        // YAML lines inside communication.http (4-space indented); empty: no http
        QString channelsExtra;      // YAML list items inside channels (2-space indented "  - {...}")
    };

    DaemonProcess();
    ~DaemonProcess();

    bool start(const Options &options);
    // SIGTERM, then waits at most timeoutMs (a negative one means the default, never forever);
    // returns the exit code (-1 if it had to be killed).
    int stop(int timeoutMs = 10000);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    QString url(const QString &transport) const; // "tcp", "tls" (when the config sets tls) or "local"
    quint16 port() const { return m_port; }
    // The first HTTP listener's address ("127.0.0.1:41234") when Options::httpSection was set.
    QString httpAddress() const { return m_httpAddress; }
    qint64 pid() const { return m_process.processId(); }
    QString localPath() const { return m_localPath; }
    QString configPath() const { return m_dir.filePath(QStringLiteral("switchboardd.yaml")); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    // The first log line whose "msg" is \a msg, waiting up to \a timeoutMs for it.
    QJsonObject waitForLog(const QString &msg, int timeoutMs = 10000);
    QString errorString() const { return m_error; }
    QString stderrText();
    QList<QJsonObject> logLines();

private:
    void unregisterChild();

    QProcess m_process;
    qint64 m_pid = 0; // registered with the hang watchdog while running
    QTemporaryDir m_dir;
    QByteArray m_stderr;
    quint16 m_port = 0;
    QString m_httpAddress;
    QString m_localPath;
    QString m_error;
};
