// SPDX-License-Identifier: Apache-2.0
#include "switchboardtarget.h"

#include "protocol/nativeprotocol.h"

#include <switchboardclient.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QSemaphore>
#include <QThread>

#include <string_view>
#include <unordered_map>

namespace bench {

namespace {

class SbSubscriber : public Subscriber
{
public:
    SbSubscriber(const QString &url, const QByteArray &pattern, Sink *sink)
    {
        QSemaphore ready;
        m_thread.reset(QThread::create([url, pattern, sink, &ready] {
            sb::SwitchboardClient client;
            // Like the peers' subscribers (NATS core, Redis pub/sub): no acknowledgements, so the
            // hub keeps no NACK window for them.
            sb::SwitchboardClient::Options options = client.options();
            options.nack = false;
            client.setOptions(options);
            QObject::connect(&client, &sb::SwitchboardClient::subscribed, &client, [&ready] { ready.release(); });
            client.connectToHub(url);
            client.subscribe(QString::fromLatin1(pattern), [sink](const sb::Message &m) {
                const QByteArray p = m.payload();
                sink->onMessage(p.constData(), size_t(p.size()));
            });
            QEventLoop loop;
            loop.exec();
        }));
        m_thread->start();
        if (!ready.tryAcquire(1, 10000))
            qFatal("sb-bench: switchboard subscriber could not subscribe at %s", qPrintable(url));
    }
    ~SbSubscriber() override
    {
        m_thread->quit();
        m_thread->wait();
    }

private:
    std::unique_ptr<QThread> m_thread;
};

class SbPublisher : public Publisher
{
public:
    SbPublisher(const QString &url, bool lowLatency) : m_batch(lowLatency ? 1 : 256)
    {
        m_client.connectToHub(url);
        while (!m_client.isConnected())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    void publish(const QByteArray &subject, const char *data, int len) override
    {
        auto it = m_topics.find(subject);
        if (it == m_topics.end())
            it = m_topics.emplace(subject, QString::fromLatin1(subject)).first;
        m_client.publish(sb::Message(sb::MessageType::Event, it->second, QByteArray(data, len)));
        if (++m_sinceFlush >= m_batch)
            send();
    }
    void send()
    {
        m_sinceFlush = 0;
        m_client.flush();
        QCoreApplication::processEvents();
        while (m_client.bytesToWrite() > 4 * 1024 * 1024)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    void flush() override
    {
        bool acked = false;
        m_client.publish(QStringLiteral("bench.flush"), QByteArray(), [&acked](const sb::Status &) { acked = true; });
        while (!acked)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }

private:
    sb::SwitchboardClient m_client;
    // The subject's QString, made once. Not a QHash: Debian's Qt 6.4 seeds qHash, which costs
    // this publisher thread ~8 % of a core here, a cost the peers' publishers do not pay.
    struct Hash {
        size_t operator()(const QByteArray &s) const
        {
            return std::hash<std::string_view>()(std::string_view(s.constData(), size_t(s.size())));
        }
    };
    std::unordered_map<QByteArray, QString, Hash> m_topics;
    int m_sinceFlush = 0;
    const int m_batch;
};

} // namespace

std::unique_ptr<Subscriber> SwitchboardTarget::subscribe(const QByteArray &pattern, Sink *sink)
{
    return std::make_unique<SbSubscriber>(m_url, pattern, sink);
}

std::unique_ptr<Publisher> SwitchboardTarget::publisher(bool lowLatency)
{
    return std::make_unique<SbPublisher>(m_url, lowLatency);
}

QByteArray SwitchboardTarget::idleHello() const
{
    QByteArray out;
    sb::native::appendControl(out, sb::native::FrameType::Connect, 1, {{QStringLiteral("name"), QStringLiteral("idle")}});
    return out;
}

} // namespace bench
