// SPDX-License-Identifier: Apache-2.0
#include "nginxprocess.h"

#include "../sb-bench/serverprocess.h"
#include "cputime.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QThread>

namespace bench {

NginxProcess::NginxProcess(const QString &program, Role role, const QString &dir, quint16 upstreamPort)
    : m_program(program)
    , m_role(role)
    , m_dir(dir)
    , m_upstreamPort(upstreamPort)
    , m_port(ServerProcess::freePort())
{ }

NginxProcess::~NginxProcess() = default;

QString NginxProcess::config() const
{
    // Paths are relative to the prefix (-p). keepalive_requests is raised from nginx's 1000 so
    // that neither nginx closes a kept-alive connection during the run (switchboardd does not
    // either): every request of the run is a keep-alive request, as for switchboardd.
    QString c = QStringLiteral("worker_processes 1;\n"
                               "pid nginx.pid;\n"
                               "error_log error.log warn;\n"
                               "events { worker_connections 4096; }\n"
                               "http {\n"
                               "    access_log off;\n"
                               "    client_body_temp_path body;\n"
                               "    proxy_temp_path proxy;\n"
                               "    fastcgi_temp_path fastcgi;\n"
                               "    uwsgi_temp_path uwsgi;\n"
                               "    scgi_temp_path scgi;\n"
                               "    keepalive_requests 100000000;\n");
    if (m_role == Role::Upstream) {
        c += QStringLiteral("    server {\n"
                            "        listen 127.0.0.1:%1;\n"
                            "        default_type application/json;\n"
                            "        location / { return 202 '{\"data\":{\"id\":\"x\"}}'; }\n"
                            "    }\n")
                 .arg(m_port);
    } else {
        c += QStringLiteral("    upstream backend {\n"
                            "        server 127.0.0.1:%1;\n"
                            "        keepalive 64;\n"
                            "        keepalive_requests 100000000;\n"
                            "    }\n"
                            "    server {\n"
                            "        listen 127.0.0.1:%2;\n"
                            "        location / {\n"
                            "            proxy_pass http://backend;\n"
                            "            proxy_http_version 1.1;\n"
                            "            proxy_set_header Connection \"\";\n"
                            "        }\n"
                            "    }\n")
                 .arg(m_upstreamPort)
                 .arg(m_port);
    }
    c += QStringLiteral("}\n");
    return c;
}

bool NginxProcess::start(QString *error)
{
    QDir().mkpath(m_dir);
    // Started as root, nginx runs its worker as "nobody": it must reach its temp paths, so it may
    // pass through the bench's (private) temp dir and read its own.
    const QString parent = QFileInfo(m_dir).absolutePath();
    QFile::setPermissions(parent, QFile::permissions(parent) | QFileDevice::ExeOther);
    QFile::setPermissions(m_dir, QFile::permissions(m_dir) | QFileDevice::ExeOther | QFileDevice::ReadOther);
    QFile conf(QDir(m_dir).filePath(QStringLiteral("nginx.conf")));
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("%1: %2").arg(conf.fileName(), conf.errorString());
        return false;
    }
    conf.write(config().toUtf8());
    conf.close();
    const QString name = m_role == Role::Upstream ? QStringLiteral("nginx upstream") : QStringLiteral("nginx proxy");
    m_server = std::make_unique<ServerProcess>(name, m_program,
        QStringList { QStringLiteral("-p"), m_dir + QLatin1Char('/'), QStringLiteral("-c"),
            QStringLiteral("nginx.conf"), QStringLiteral("-g"), QStringLiteral("daemon off;") },
        m_port);
    if (!m_server->start(error))
        return false;
    // The listening socket accepts before the master has forked its worker.
    for (int i = 0; i < 100 && pids().size() < 2; ++i)
        QThread::msleep(20);
    if (pids().size() < 2) {
        *error = QStringLiteral("%1: no master and worker found (pid file %2/nginx.pid)").arg(name, m_dir);
        return false;
    }
    return true;
}

void NginxProcess::stop()
{
    if (m_server)
        m_server->stop();
}

QList<qint64> NginxProcess::pids() const
{
    QFile pidFile(QDir(m_dir).filePath(QStringLiteral("nginx.pid")));
    if (!pidFile.open(QIODevice::ReadOnly))
        return {};
    bool ok = false;
    const qint64 master = pidFile.readAll().trimmed().toLongLong(&ok);
    return ok ? CpuTime::withChildren(master) : QList<qint64>();
}

} // namespace bench
