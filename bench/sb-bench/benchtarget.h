// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

// What a workload needs from a broker: subscribers that count (and time) what they receive in
// their own threads, and a publisher driven from the workload's thread.
namespace bench {

inline qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Shared by a subscriber's thread (writer) and the workload (reader).
struct Sink
{
    std::atomic<quint64> received{0};
    std::atomic<qint64> lastNs{0};
    quint64 expected = 0;
    // Latency mode: the payload starts with the publisher's nowNs(); samples in microseconds.
    bool latency = false;
    std::vector<double> samples;

    void onMessage(const char *data, size_t len)
    {
        const qint64 t = nowNs();
        if (latency && len >= sizeof(qint64)) {
            qint64 sent;
            memcpy(&sent, data, sizeof sent);
            samples.push_back(double(t - sent) / 1000.0);
        }
        received.fetch_add(1, std::memory_order_relaxed);
        lastNs.store(t, std::memory_order_relaxed);
    }
};

class Subscriber
{
public:
    virtual ~Subscriber() = default;
};

class Publisher
{
public:
    virtual ~Publisher() = default;
    virtual void publish(const QByteArray &subject, const char *data, int len) = 0;
    // Everything published so far has reached the server.
    virtual void flush() = 0;
};

class Target
{
public:
    virtual ~Target() = default;
    virtual QString name() const = 0;
    // Returns once the subscription is active on the server. \a pattern uses Switchboard/NATS
    // syntax ("*" one segment, ">" the rest); targets translate it.
    virtual std::unique_ptr<Subscriber> subscribe(const QByteArray &pattern, Sink *sink) = 0;
    // Created and used in the calling thread. \a lowLatency: every publish leaves for the socket at
    // once (latency runs); otherwise the client batches as it does best (throughput runs).
    virtual std::unique_ptr<Publisher> publisher(bool lowLatency = false) = 0;
    // Bytes an idle client sends after connecting (its handshake).
    virtual QByteArray idleHello() const = 0;
    virtual quint16 port() const = 0;
};

} // namespace bench
