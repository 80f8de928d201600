// SPDX-License-Identifier: Apache-2.0
#include "systemdnotifier.h"

#include <QFile>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sb::daemon {

namespace {

// $WATCHDOG_USEC when the watchdog is this process's ($WATCHDOG_PID unset or our pid), else 0:
// what sd_watchdog_enabled() reads.
qint64 watchdogUsecFromEnvironment()
{
    bool ok = false;
    const qint64 usec = qEnvironmentVariable("WATCHDOG_USEC").toLongLong(&ok);
    if (!ok || usec <= 0)
        return 0;
    if (qEnvironmentVariableIsSet("WATCHDOG_PID")) {
        const qint64 pid = qEnvironmentVariable("WATCHDOG_PID").toLongLong(&ok);
        if (!ok || pid != qint64(::getpid()))
            return 0;
    }
    return usec;
}

// One datagram to $NOTIFY_SOCKET, a path or, with a leading '@', a name in the abstract namespace
// (systemd's notify protocol, as sd_notify() sends it; the hub does not link libsystemd).
bool notify(const QByteArray &state)
{
    const QByteArray path = QFile::encodeName(qEnvironmentVariable("NOTIFY_SOCKET"));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() < 2 || (path[0] != '/' && path[0] != '@') || size_t(path.size()) > sizeof addr.sun_path)
        return false;
    memcpy(addr.sun_path, path.constData(), size_t(path.size()));
    if (addr.sun_path[0] == '@')
        addr.sun_path[0] = '\0';
    const socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(path.size()));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const bool sent = ::sendto(fd, state.constData(), size_t(state.size()), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr *>(&addr), length) == state.size();
    ::close(fd);
    return sent;
}

} // namespace

SystemdNotifier::SystemdNotifier(QObject *parent)
    : QObject(parent)
{
    m_active = !qEnvironmentVariableIsEmpty("NOTIFY_SOCKET");
    // > 0: the service manager expects pings from this process (WATCHDOG_PID, when set, is ours).
    if (const qint64 usec = m_active ? watchdogUsecFromEnvironment() : 0; usec > 0) {
        m_watchdogUsec = usec;
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
        notify(state);
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
