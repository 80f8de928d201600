// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

namespace sb::daemon {

// systemd's notify protocol (the unit is Type=notify): READY=1 once every endpoint listens,
// RELOADING=1 then READY=1 around a reload (SIGHUP), STOPPING=1 when the hub starts draining,
// STATUS= a line for `systemctl status` (refreshed every StatusIntervalMs), and WATCHDOG=1 from
// the event loop at half of the unit's WatchdogSec: a loop that is stuck stops pinging and
// systemd restarts the hub. Without $NOTIFY_SOCKET (not run by systemd) it sends nothing.
class SystemdNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr int StatusIntervalMs = 10000;

    explicit SystemdNotifier(QObject *parent = nullptr);

    // Whether systemd listens ($NOTIFY_SOCKET), and the watchdog interval it asked for (0: none).
    bool active() const { return m_active; }
    qint64 watchdogUsec() const { return m_watchdogUsec; }
    // The status line, read at ready() and every StatusIntervalMs after it.
    void setStatusSource(std::function<QString()> source) { m_statusSource = std::move(source); }

    void ready();
    void reloading();
    void stopping();

private:
    void send(const QByteArray &state) const;
    QString statusLine() const;

    bool m_active = false;
    qint64 m_watchdogUsec = 0;
    QTimer m_watchdog;
    QTimer m_status;
    std::function<QString()> m_statusSource;
};

} // namespace sb::daemon
