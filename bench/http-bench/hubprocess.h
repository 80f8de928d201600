// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QProcess>
#include <QString>

namespace bench {

// switchboardd with a private config in \a dir: the native protocol and the REST API on free
// loopback ports (port 0), remote control off. The addresses come from its "listening" log lines;
// its log goes to a file so that a long run never blocks it on a full pipe.
class HubProcess
{
public:
    HubProcess(const QString &program, const QString &dir);
    ~HubProcess();

    // communication.http.io-threads; negative: the hub's default ("auto").
    void setIoThreads(int threads) { m_ioThreads = threads; }
    bool start(QString *error);
    void stop();
    qint64 pid() const { return m_process.processId(); }
    QString httpAddress() const { return m_httpAddress; } // "127.0.0.1:port"
    QString nativeUrl() const { return m_nativeUrl; } // "tcp://127.0.0.1:port"
    QString logPath() const;

private:
    int m_ioThreads = -1;
    void readLog();

    QString m_program;
    QString m_dir;
    QProcess m_process;
    QString m_httpAddress;
    QString m_nativeUrl;
};

} // namespace bench
