// SPDX-License-Identifier: Apache-2.0
#include "deliverycounter.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QSemaphore>
#include <algorithm>
#include <switchboardclient.h>

namespace bench {

DeliveryCounter::~DeliveryCounter()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

bool DeliveryCounter::start(const QString &url, const QString &topic, QString *error)
{
    auto ready = std::make_shared<QSemaphore>();
    m_thread.reset(QThread::create([this, url, topic, ready] {
        sb::SwitchboardClient client;
        sb::SwitchboardClient::Options options = client.options();
        options.name = QStringLiteral("http-bench subscriber");
        options.nack = false; // the hub keeps no NACK window for it (sb-bench's subscribers alike)
        client.setOptions(options);
        QObject::connect(&client, &sb::SwitchboardClient::subscribed, &client, [ready] { ready->release(); });
        client.connectToHub(url);
        client.subscribe(topic, [this](const sb::Message &) { m_count.fetch_add(1, std::memory_order_relaxed); });
        QEventLoop loop;
        loop.exec();
    }));
    m_thread->setObjectName(QStringLiteral("subscriber"));
    m_thread->start();
    if (!ready->tryAcquire(1, 10000)) {
        *error = QStringLiteral("the native subscriber was not subscribed to %1 at %2 within 10 s").arg(topic, url);
        return false;
    }
    return true;
}

quint64 DeliveryCounter::settle(quint64 expected, int quietMs) const
{
    // Past \a expected only a request wrk gave up on at its deadline can still arrive: wait briefly.
    auto quietFor = [expected, quietMs](quint64 n) { return n >= expected ? std::min(quietMs, 200) : quietMs; };
    quint64 last = count();
    QDeadlineTimer quiet(quietFor(last));
    while (!quiet.hasExpired()) {
        QThread::msleep(10);
        const quint64 now = count();
        if (now != last) {
            last = now;
            quiet.setRemainingTime(quietFor(now));
        }
    }
    return count();
}

} // namespace bench
