// SPDX-License-Identifier: Apache-2.0
#include "redistarget.h"

#include <QSemaphore>
#include <QThread>

#include <hiredis/hiredis.h>
#include <sys/socket.h>

namespace bench {

namespace {

redisContext *connectRedis(quint16 port)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    if (!c || c->err)
        qFatal("sb-bench: cannot connect to redis-server: %s", c ? c->errstr : "no memory");
    return c;
}

class RedisSubscriber : public Subscriber
{
public:
    RedisSubscriber(quint16 port, const QByteArray &pattern, Sink *sink) : m_c(connectRedis(port))
    {
        QByteArray glob = pattern;
        const bool isPattern = glob.contains('*') || glob.endsWith('>');
        if (glob.endsWith('>'))
            glob.chop(1), glob.append('*');
        QSemaphore ready;
        redisContext *c = m_c;
        m_thread.reset(QThread::create([c, glob, isPattern, sink, &ready] {
            redisReply *r = static_cast<redisReply *>(
                redisCommand(c, isPattern ? "PSUBSCRIBE %b" : "SUBSCRIBE %b", glob.constData(), size_t(glob.size())));
            if (r)
                freeReplyObject(r);
            ready.release();
            void *reply = nullptr;
            while (redisGetReply(c, &reply) == REDIS_OK) {
                auto *m = static_cast<redisReply *>(reply);
                if (m->type == REDIS_REPLY_ARRAY && m->elements >= 3) {
                    const redisReply *payload = m->element[m->elements - 1];
                    sink->onMessage(payload->str, payload->len);
                }
                freeReplyObject(m);
            }
        }));
        m_thread->start();
        ready.acquire();
    }
    ~RedisSubscriber() override
    {
        ::shutdown(m_c->fd, SHUT_RDWR); // ends the blocking read
        m_thread->wait();
        redisFree(m_c);
    }

private:
    redisContext *m_c;
    std::unique_ptr<QThread> m_thread;
};

class RedisPublisher : public Publisher
{
public:
    RedisPublisher(quint16 port, bool lowLatency) : m_c(connectRedis(port)), m_lowLatency(lowLatency) {}
    ~RedisPublisher() override { redisFree(m_c); }
    void publish(const QByteArray &subject, const char *data, int len) override
    {
        redisAppendCommand(m_c, "PUBLISH %b %b", subject.constData(), size_t(subject.size()), data, size_t(len));
        if (m_lowLatency) {
            int done = 0;
            while (!done && redisBufferWrite(m_c, &done) == REDIS_OK) {
            }
        }
        if (++m_pending >= 256)
            drain();
    }
    void flush() override { drain(); }

private:
    void drain()
    {
        for (; m_pending > 0; --m_pending) {
            void *reply = nullptr;
            if (redisGetReply(m_c, &reply) != REDIS_OK)
                qFatal("sb-bench: redis publish failed: %s", m_c->errstr);
            freeReplyObject(reply);
        }
    }
    redisContext *m_c;
    int m_pending = 0;
    bool m_lowLatency;
};

} // namespace

std::unique_ptr<Subscriber> RedisTarget::subscribe(const QByteArray &pattern, Sink *sink)
{
    return std::make_unique<RedisSubscriber>(m_port, pattern, sink);
}

std::unique_ptr<Publisher> RedisTarget::publisher(bool lowLatency)
{
    return std::make_unique<RedisPublisher>(m_port, lowLatency);
}

} // namespace bench
