// SPDX-License-Identifier: Apache-2.0
#include <switchboard/callbacksubscriber.h>

#include <QTimer>

namespace sb {

CallbackSubscriber::CallbackSubscriber(const QString &id, MessageHandler handler, const RetryPolicy &retry,
                                       QObject *parent)
    : Subscriber(id, parent), m_handler(std::move(handler)), m_retry(retry)
{
}

void CallbackSubscriber::drain()
{
    m_batch.clear();
    takePending(m_batch, std::numeric_limits<int>::max());
    while (!m_batch.empty()) {
        Delivery d = std::move(m_batch.front());
        m_batch.pop_front();
        handle(std::move(d));
    }
}

void CallbackSubscriber::handle(Delivery delivery)
{
    const Status status = m_handler(delivery.message);
    if (status)
        return;
    const int attempt = delivery.message.attempt();
    if (!m_retry.shouldRetry(attempt)) {
        deadLetter(delivery, DeadLetterReason::HandlerFailed,
                   QStringLiteral("handler failed %1 time(s); last error %2").arg(attempt).arg(status.errorString()),
                   attempt);
        return;
    }
    delivery.message.setAttempt(attempt + 1);
    ++m_retriesPending;
    QTimer::singleShot(m_retry.delayBeforeAttempt(attempt + 1), this, [this, d = std::move(delivery)]() mutable {
        --m_retriesPending;
        handle(std::move(d));
    });
}

} // namespace sb
