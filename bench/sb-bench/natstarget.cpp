// SPDX-License-Identifier: Apache-2.0
#include "natstarget.h"

#include <nats/nats.h>

namespace bench {

namespace {

natsConnection *connectNats(quint16 port, bool sendAsap = false)
{
    natsOptions *opts = nullptr;
    natsOptions_Create(&opts);
    const QByteArray url = "nats://127.0.0.1:" + QByteArray::number(port);
    natsOptions_SetURL(opts, url.constData());
    natsOptions_SetIOBufSize(opts, 256 * 1024);
    natsOptions_SetSendAsap(opts, sendAsap);
    natsConnection *nc = nullptr;
    const natsStatus s = natsConnection_Connect(&nc, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK)
        qFatal("sb-bench: cannot connect to nats-server: %s", natsStatus_GetText(s));
    return nc;
}

class NatsSubscriber : public Subscriber
{
public:
    NatsSubscriber(quint16 port, const QByteArray &pattern, Sink *sink) : m_nc(connectNats(port))
    {
        if (natsConnection_Subscribe(&m_sub, m_nc, pattern.constData(), &NatsSubscriber::onMessage, sink) != NATS_OK)
            qFatal("sb-bench: nats subscribe failed");
        natsSubscription_SetPendingLimits(m_sub, -1, -1); // never drop on the client side
        natsConnection_Flush(m_nc);
    }
    ~NatsSubscriber() override
    {
        natsSubscription_Unsubscribe(m_sub);
        natsSubscription_Destroy(m_sub);
        natsConnection_Destroy(m_nc);
    }

private:
    static void onMessage(natsConnection *, natsSubscription *, natsMsg *msg, void *closure)
    {
        static_cast<Sink *>(closure)->onMessage(natsMsg_GetData(msg), size_t(natsMsg_GetDataLength(msg)));
        natsMsg_Destroy(msg);
    }
    natsConnection *m_nc;
    natsSubscription *m_sub = nullptr;
};

class NatsPublisher : public Publisher
{
public:
    NatsPublisher(quint16 port, bool lowLatency) : m_nc(connectNats(port, lowLatency)) {}
    ~NatsPublisher() override { natsConnection_Destroy(m_nc); }
    void publish(const QByteArray &subject, const char *data, int len) override
    {
        natsConnection_Publish(m_nc, subject.constData(), data, len);
    }
    void flush() override { natsConnection_FlushTimeout(m_nc, 120000); }

private:
    natsConnection *m_nc;
};

} // namespace

std::unique_ptr<Subscriber> NatsTarget::subscribe(const QByteArray &pattern, Sink *sink)
{
    return std::make_unique<NatsSubscriber>(m_port, pattern, sink);
}

std::unique_ptr<Publisher> NatsTarget::publisher(bool lowLatency)
{
    return std::make_unique<NatsPublisher>(m_port, lowLatency);
}

} // namespace bench
