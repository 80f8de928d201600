// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

#include <memory>

class QSocketNotifier;
class QTimer;

namespace sb {

// Wakes the thread it lives in at an absolute time on the monotonic clock, to the microsecond:
// a Linux timerfd watched by the event loop (QTimer rounds to milliseconds). Elsewhere a
// precise QTimer stands in.
class ReplayClock : public QObject
{
    Q_OBJECT
public:
    explicit ReplayClock(QObject *parent = nullptr);
    ~ReplayClock() override;

    static qint64 nowNs(); // the monotonic clock (steady_clock)
    // fired() at \a monoNs (at once when it has passed); replaces an earlier arm().
    void armAt(qint64 monoNs);
    void disarm();

Q_SIGNALS:
    void fired();

private:
    void onReadable();

    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_fallback = nullptr;
};

} // namespace sb
