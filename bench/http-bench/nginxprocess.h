// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <memory>

namespace bench {

class ServerProcess;

// One unprivileged nginx (worker_processes 1, in the foreground) with its config, pid file, error
// log and temp paths in its own directory, on a free loopback port. Upstream: answers every
// request itself with 202 and a small JSON body. Proxy: passes every request to 127.0.0.1:
// \a upstreamPort over HTTP/1.1 connections it keeps alive (keepalive 64).
class NginxProcess
{
public:
    enum class Role { Upstream, Proxy };

    NginxProcess(const QString &program, Role role, const QString &dir, quint16 upstreamPort = 0);
    ~NginxProcess();

    bool start(QString *error);
    void stop();
    quint16 port() const { return m_port; }
    // The master and its worker, for CPU time.
    QList<qint64> pids() const;

private:
    QString config() const;

    QString m_program;
    Role m_role;
    QString m_dir;
    quint16 m_upstreamPort;
    quint16 m_port;
    std::unique_ptr<ServerProcess> m_server;
};

} // namespace bench
