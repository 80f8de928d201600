// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/retrypolicy.h>
#include <switchboard/subscriber.h>

#include <functional>

namespace sb {

// A handler's verdict: an error means "failed", and the message is retried with backoff until the
// retry policy gives up, then dead-lettered as HANDLER_FAILED.
using MessageHandler = std::function<Status(const Message &)>;

// An in-process subscription: runs a handler in its own (the context's) thread.
class SWITCHBOARD_EXPORT CallbackSubscriber : public Subscriber
{
    Q_OBJECT
public:
    CallbackSubscriber(const QString &id, MessageHandler handler, const RetryPolicy &retry, QObject *parent = nullptr);

    int retriesPending() const { return m_retriesPending; }

protected:
    void drain() override;

private:
    void handle(Delivery delivery);

    MessageHandler m_handler;
    RetryPolicy m_retry;
    DeliveryQueue m_batch;
    int m_retriesPending = 0;
};

} // namespace sb
