// SPDX-License-Identifier: Apache-2.0
#include "hubprocess.h"

#include "../sb-bench/benchhost.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <csignal>
#include <sys/prctl.h>

namespace bench {

HubProcess::HubProcess(const QString &program, const QString &dir)
    : m_program(program)
    , m_dir(dir)
{ }

HubProcess::~HubProcess()
{
    stop();
}

QString HubProcess::logPath() const
{
    return QDir(m_dir).filePath(QStringLiteral("switchboardd.log"));
}

bool HubProcess::start(QString *error)
{
    const QString configPath = QDir(m_dir).filePath(QStringLiteral("switchboardd.yaml"));
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("%1: %2").arg(configPath, config.errorString());
        return false;
    }
    // The subscriber's queue and the hub's buffers large enough that no policy drops a delivery
    // (sb-bench's settings); the REST API with its defaults (no rate limits, anonymous publish).
    config.write("communication:\n"
                 "  protocols: [native, http]\n"
                 "  native:\n"
                 "    tcp: \"127.0.0.1:0\"\n"
                 "    queue: {max-messages: 10000000, max-bytes: 4GiB}\n"
                 "    max-outbound-bytes: 4GiB\n"
                 "  http:\n"
                 "    listeners: [{address: \"127.0.0.1:0\"}]\n");
    if (m_ioThreads >= 0)
        config.write("    io-threads: " + QByteArray::number(m_ioThreads) + '\n');
    config.write("limits: {max-buffered-bytes: 16GiB}\n"
                 "remote: {enabled: false}\n");
    config.close();

    m_process.setProgram(m_program);
    m_process.setArguments({ QStringLiteral("--config"), configPath });
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setStandardErrorFile(logPath());
    // A crashed bench must not leave a server behind holding its port.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("%1: %2").arg(m_program, m_process.errorString());
        return false;
    }
    const QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        readLog();
        if (!m_httpAddress.isEmpty() && !m_nativeUrl.isEmpty())
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QThread::msleep(20);
    }
    QFile log(logPath());
    log.open(QIODevice::ReadOnly);
    *error
        = QStringLiteral("switchboardd did not report both listeners (%1): %2")
              .arg(m_process.state() == QProcess::NotRunning ? QStringLiteral("it exited") : QStringLiteral("timeout"),
                  QString::fromUtf8(log.readAll().right(2000)));
    return false;
}

void HubProcess::readLog()
{
    QFile log(logPath());
    if (!log.open(QIODevice::ReadOnly))
        return;
    for (const QByteArray &line : log.readAll().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("msg")).toString() != QLatin1String("listening"))
            continue;
        const QString endpoint = o.value(QStringLiteral("endpoint")).toString();
        if (endpoint == QLatin1String("http"))
            m_httpAddress = o.value(QStringLiteral("addresses")).toArray().first().toString();
        else if (endpoint == QLatin1String("native"))
            m_nativeUrl = QStringLiteral("tcp://") + o.value(QStringLiteral("tcp")).toString();
    }
}

void HubProcess::stop()
{
    host::stopProcess(m_process);
}

} // namespace bench
