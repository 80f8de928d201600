// SPDX-License-Identifier: Apache-2.0
#include "systemdnotifier.h"

#include <systemd/sd-daemon.h>

#include <algorithm>

namespace sb::daemon {

SystemdNotifier::SystemdNotifier(QObject *parent)
    : QObject(parent)
{
    m_active = !qEnvironmentVariableIsEmpty("NOTIFY_SOCKET");
    uint64_t usec = 0;
    // > 0: the service manager expects pings from this process (WATCHDOG_PID, when set, is ours).
    if (m_active && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        m_watchdogUsec = qint64(usec);
        m_watchdog.setTimerType(Qt::PreciseTimer);
        m_watchdog.setInterval(int(std::clamp<qint64>(m_watchdogUsec / 2000, 1, 3600 * 1000)));
        connect(&m_watchdog, &QTimer::timeout, this, [this] { send("WATCHDOG=1"); });
        m_watchdog.start(); // from now on, also while starting: a start-up that hangs is restarted too
    }
    m_status.setInterval(StatusIntervalMs);
    connect(&m_status, &QTimer::timeout, this, [this] { send("STATUS=" + statusLine().toUtf8()); });
}

QString SystemdNotifier::statusLine() const
{
    return m_statusSource ? m_statusSource() : QStringLiteral("running");
}

void SystemdNotifier::send(const QByteArray &state) const
{
    if (m_active)
        sd_notify(0, state.constData());
}

void SystemdNotifier::ready()
{
    send("READY=1\nSTATUS=" + statusLine().toUtf8());
    if (m_active)
        m_status.start();
}

void SystemdNotifier::reloading()
{
    send("RELOADING=1\nSTATUS=reloading the configuration");
}

void SystemdNotifier::stopping()
{
    m_status.stop();
    send("STOPPING=1\nSTATUS=draining connections");
}

} // namespace sb::daemon
