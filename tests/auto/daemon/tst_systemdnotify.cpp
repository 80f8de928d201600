// SPDX-License-Identifier: Apache-2.0
// switchboardd under a stand-in for systemd: $NOTIFY_SOCKET is a datagram socket this test binds,
// as systemd does for a Type=notify unit. READY=1 comes once the native endpoint listens, with a
// STATUS= line; WATCHDOG=1 every half of $WATCHDOG_USEC from the event loop, and none while the
// process is stopped (SIGSTOP: a stuck loop), so systemd would restart it; RELOADING=1 then
// READY=1 around SIGHUP; STOPPING=1 on SIGTERM. Without $NOTIFY_SOCKET, or with a WATCHDOG_PID
// that is not the daemon's, nothing is sent or pinged. $NOTIFY_SOCKET may also name a socket in the
// abstract namespace ("@name"), as systemd allows.
#include "daemonprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstddef>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

// The service manager's end: a bound AF_UNIX datagram socket, read without blocking.
class NotifySocket
{
public:
    // \a path: a file, or "@name" for a name in the abstract namespace.
    explicit NotifySocket(const QString &path) : m_path(path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(path);
        if (m_fd < 0 || size_t(p.size()) >= sizeof addr.sun_path)
            return;
        memcpy(addr.sun_path, p.constData(), size_t(p.size()));
        socklen_t length = sizeof addr;
        if (p.startsWith('@')) {
            addr.sun_path[0] = '\0';
            length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(p.size()));
        }
        m_bound = ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), length) == 0;
    }
    ~NotifySocket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool isBound() const { return m_bound; }
    // Every datagram that arrived since the last call, one per entry.
    QList<QByteArray> take()
    {
        QList<QByteArray> out;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n < 0)
                break;
            out.append(QByteArray(buf, int(n)));
        }
        m_seen += out;
        return out;
    }
    // Everything received so far (take() first).
    const QList<QByteArray> &seen() { take(); return m_seen; }
    int count(const QByteArray &line)
    {
        int n = 0;
        for (const QByteArray &d : seen())
            n += d.split('\n').contains(line) ? 1 : 0;
        return n;
    }
    void forget() { take(); m_seen.clear(); }

private:
    QString m_path;
    int m_fd = -1;
    bool m_bound = false;
    QList<QByteArray> m_seen;
};

// Runs \a f with the environment variables set (empty value: unset), then restores them.
struct Env
{
    Env(std::initializer_list<std::pair<const char *, QByteArray>> vars)
    {
        for (const auto &[name, value] : vars) {
            m_old.append({name, qgetenv(name), qEnvironmentVariableIsSet(name)});
            if (value.isEmpty())
                qunsetenv(name);
            else
                qputenv(name, value);
        }
    }
    ~Env()
    {
        for (const auto &o : m_old) {
            if (o.set)
                qputenv(o.name, o.value);
            else
                qunsetenv(o.name);
        }
    }
    struct Old {
        const char *name;
        QByteArray value;
        bool set;
    };
    QList<Old> m_old;
};

} // namespace

class tst_SystemdNotify : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readyWatchdogReloadStop();
    void nothingWithoutNotifySocket();
    void watchdogOfAnotherProcessIsNotPinged();
    void abstractNotifySocket();
};

void tst_SystemdNotify::readyWatchdogReloadStop()
{
    QTemporaryDir dir;
    NotifySocket notify(dir.filePath(QStringLiteral("notify.sock")));
    QVERIFY(notify.isBound());
    DaemonProcess daemon;
    {
        Env env{{"NOTIFY_SOCKET", QFile::encodeName(dir.filePath(QStringLiteral("notify.sock")))}, {"WATCHDOG_USEC", "200000"},
                {"WATCHDOG_PID", {}}};
        QVERIFY2(daemon.start({}), qPrintable(daemon.errorString()));
    }
    // Ready, with a status line, and by then the endpoint takes connections.
    QTRY_COMPARE(notify.count("READY=1"), 1);
    const QByteArray ready = notify.seen().first();
    QVERIFY2(ready.startsWith("READY=1\nSTATUS=") && ready.contains("connection(s)"), ready.constData());
    QTcpSocket probe;
    probe.connectToHost(QStringLiteral("127.0.0.1"), daemon.port());
    QVERIFY(probe.waitForConnected(5000));
    probe.abort();
    QCOMPARE(daemon.waitForLog(QStringLiteral("systemd notified")).value(QStringLiteral("watchdogUsec")).toInteger(), 200000);

    // The watchdog: every 100 ms (half of 200 ms), from the event loop.
    notify.forget();
    QTest::qWait(1000);
    const int pings = notify.count("WATCHDOG=1");
    QVERIFY2(pings >= 4 && pings <= 12, qPrintable(QString::number(pings)));
    // A loop that does not run (the process stopped) does not ping: systemd would restart it.
    ::kill(pid_t(daemon.pid()), SIGSTOP);
    QTest::qWait(150);
    notify.forget();
    QTest::qWait(600);
    QCOMPARE(notify.count("WATCHDOG=1"), 0);
    ::kill(pid_t(daemon.pid()), SIGCONT);
    QTRY_VERIFY(notify.count("WATCHDOG=1") >= 2);

    // A reload: RELOADING=1, then READY=1 again.
    notify.forget();
    ::kill(pid_t(daemon.pid()), SIGHUP);
    QTRY_COMPARE(notify.count("READY=1"), 1);
    QStringList order;
    for (const QByteArray &d : notify.seen()) {
        if (d.startsWith("RELOADING=1") || d.startsWith("READY=1"))
            order << QString::fromLatin1(d.left(d.indexOf('=')));
    }
    QCOMPARE(order, (QStringList{QStringLiteral("RELOADING"), QStringLiteral("READY")}));

    // Stopping: STOPPING=1 before it drains, then a clean exit.
    notify.forget();
    QCOMPARE(daemon.stop(), 0);
    QCOMPARE(notify.count("STOPPING=1"), 1);
}

void tst_SystemdNotify::nothingWithoutNotifySocket()
{
    DaemonProcess daemon;
    {
        Env env{{"NOTIFY_SOCKET", {}}, {"WATCHDOG_USEC", "200000"}};
        QVERIFY2(daemon.start({}), qPrintable(daemon.errorString()));
    }
    QVERIFY(!daemon.waitForLog(QStringLiteral("memory allocator")).isEmpty()); // it started and logged
    QVERIFY(daemon.waitForLog(QStringLiteral("systemd notified"), 300).isEmpty());
    QCOMPARE(daemon.stop(), 0);
}

// WATCHDOG_PID names the process the watchdog belongs to (a wrapper script's child must not
// ping for it): another pid, no pings, but READY still goes out.
void tst_SystemdNotify::watchdogOfAnotherProcessIsNotPinged()
{
    QTemporaryDir dir;
    NotifySocket notify(dir.filePath(QStringLiteral("notify.sock")));
    QVERIFY(notify.isBound());
    DaemonProcess daemon;
    {
        Env env{{"NOTIFY_SOCKET", QFile::encodeName(dir.filePath(QStringLiteral("notify.sock")))}, {"WATCHDOG_USEC", "100000"},
                {"WATCHDOG_PID", QByteArray::number(qint64(::getpid()))}};
        QVERIFY2(daemon.start({}), qPrintable(daemon.errorString()));
    }
    QTRY_COMPARE(notify.count("READY=1"), 1);
    QTest::qWait(400);
    QCOMPARE(notify.count("WATCHDOG=1"), 0);
    QCOMPARE(daemon.waitForLog(QStringLiteral("systemd notified")).value(QStringLiteral("watchdogUsec")).toInteger(), 0);
    QCOMPARE(daemon.stop(), 0);
}

// "@name": the abstract namespace (no file), which systemd may hand a service too.
void tst_SystemdNotify::abstractNotifySocket()
{
    const QByteArray name = "@sbtest-notify-" + QByteArray::number(qint64(::getpid()));
    NotifySocket notify(QString::fromLatin1(name));
    QVERIFY(notify.isBound());
    DaemonProcess daemon;
    {
        Env env{{"NOTIFY_SOCKET", name}, {"WATCHDOG_USEC", {}}, {"WATCHDOG_PID", {}}};
        QVERIFY2(daemon.start({}), qPrintable(daemon.errorString()));
    }
    QTRY_COMPARE(notify.count("READY=1"), 1);
    QCOMPARE(daemon.stop(), 0);
    QCOMPARE(notify.count("STOPPING=1"), 1);
}

QTEST_GUILESS_MAIN(tst_SystemdNotify)
#include "tst_systemdnotify.moc"
