// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

namespace bench {

// One native subscriber (SwitchboardClient in its own thread, no NACK window, like sb-bench's
// subscribers) on one topic, counting what the hub delivers to it.
class DeliveryCounter
{
public:
    DeliveryCounter() = default;
    ~DeliveryCounter();

    // Connects to \a url ("tcp://127.0.0.1:port") and subscribes to \a topic; false (with
    // \a error) when it is not subscribed within 10 s.
    bool start(const QString &url, const QString &topic, QString *error);
    quint64 count() const { return m_count.load(std::memory_order_relaxed); }
    // Waits until count() has not moved for \a quietMs (200 ms once it reaches \a expected); returns it.
    quint64 settle(quint64 expected, int quietMs = 1000) const;

private:
    std::unique_ptr<QThread> m_thread;
    std::atomic<quint64> m_count { 0 };
};

} // namespace bench
