// SPDX-License-Identifier: Apache-2.0
#include "replayclock_p.h"

#include <QSocketNotifier>
#include <QTimer>

#include <chrono>

#ifdef Q_OS_LINUX
#include <sys/timerfd.h>
#include <unistd.h>
#endif

namespace sb {

ReplayClock::ReplayClock(QObject *parent) : QObject(parent)
{
#ifdef Q_OS_LINUX
    m_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_fd >= 0) {
        m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &ReplayClock::onReadable);
        return;
    }
#endif
    m_fallback = new QTimer(this);
    m_fallback->setSingleShot(true);
    m_fallback->setTimerType(Qt::PreciseTimer);
    connect(m_fallback, &QTimer::timeout, this, &ReplayClock::fired);
}

ReplayClock::~ReplayClock()
{
#ifdef Q_OS_LINUX
    if (m_fd >= 0) {
        delete m_notifier;
        ::close(m_fd);
    }
#endif
}

qint64 ReplayClock::nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

void ReplayClock::armAt(qint64 monoNs)
{
#ifdef Q_OS_LINUX
    if (m_fd >= 0) {
        // steady_clock is CLOCK_MONOTONIC on Linux. A time already past: 1 ns (0 would disarm).
        const qint64 at = std::max<qint64>(monoNs, 1);
        itimerspec spec{};
        spec.it_value.tv_sec = time_t(at / 1000000000);
        spec.it_value.tv_nsec = long(at % 1000000000);
        ::timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
        return;
    }
#endif
    const qint64 waitNs = monoNs - nowNs();
    m_fallback->start(int(std::max<qint64>(0, waitNs / 1000000)));
}

void ReplayClock::disarm()
{
#ifdef Q_OS_LINUX
    if (m_fd >= 0) {
        const itimerspec off{};
        ::timerfd_settime(m_fd, TFD_TIMER_ABSTIME, &off, nullptr);
        quint64 expirations = 0;
        [[maybe_unused]] const ssize_t n = ::read(m_fd, &expirations, sizeof expirations); // drop one pending
        return;
    }
#endif
    m_fallback->stop();
}

void ReplayClock::onReadable()
{
#ifdef Q_OS_LINUX
    quint64 expirations = 0;
    if (::read(m_fd, &expirations, sizeof expirations) != ssize_t(sizeof expirations))
        return; // disarmed in between
#endif
    Q_EMIT fired();
}

} // namespace sb
