// SPDX-License-Identifier: Apache-2.0
#include "workloads.h"

#include <switchboard/bus.h>

#include <QCoreApplication>
#include <QThread>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace bench {

namespace {

// Waits until every sink has its expected count, or nothing arrived for \a quietMs.
void waitForSinks(std::vector<Sink> &sinks, int quietMs = 3000)
{
    quint64 last = 0;
    qint64 lastChange = nowNs();
    while (true) {
        quint64 total = 0, expected = 0;
        for (const Sink &s : sinks) {
            total += s.received.load();
            expected += s.expected;
        }
        if (total >= expected)
            return;
        if (total != last) {
            last = total;
            lastChange = nowNs();
        } else if (nowNs() - lastChange > qint64(quietMs) * 1000000) {
            return;
        }
        QCoreApplication::processEvents();
        QThread::usleep(200);
    }
}

Throughput summarize(std::vector<Sink> &sinks, qint64 startNs)
{
    Throughput t;
    quint64 total = 0;
    qint64 end = startNs;
    for (const Sink &s : sinks) {
        total += s.received.load();
        end = std::max(end, s.lastNs.load());
        t.lost += s.expected > s.received.load() ? s.expected - s.received.load() : 0;
    }
    t.msgPerSec = end > startNs ? double(total) * 1e9 / double(end - startNs) : 0;
    return t;
}

QByteArray payload(int size)
{
    return QByteArray(std::max(size, 8), 'x');
}

} // namespace

Throughput fanOut(Target &target, int subscribers, int count, int size)
{
    std::vector<Sink> sinks(static_cast<size_t>(subscribers));
    std::vector<std::unique_ptr<Subscriber>> subs;
    for (Sink &s : sinks) {
        s.expected = quint64(count);
        subs.push_back(target.subscribe("bench.fanout", &s));
    }
    auto pub = target.publisher();
    const QByteArray data = payload(size);
    const qint64 start = nowNs();
    for (int i = 0; i < count; ++i)
        pub->publish("bench.fanout", data.constData(), data.size());
    pub->flush();
    waitForSinks(sinks);
    return summarize(sinks, start);
}

Latency latency(Target &target, int rate, double seconds, int size)
{
    const int count = std::max(100, int(rate * seconds));
    std::vector<Sink> sinks(1);
    sinks[0].expected = quint64(count);
    sinks[0].latency = true;
    sinks[0].samples.reserve(size_t(count));
    auto sub = target.subscribe("bench.latency", &sinks[0]);
    auto pub = target.publisher(true);
    QByteArray data = payload(size);
    const qint64 interval = qint64(1e9 / rate);
    const qint64 start = nowNs();
    for (int i = 0; i < count; ++i) {
        const qint64 due = start + i * interval;
        while (nowNs() < due) {
            if (due - nowNs() > 200000)
                QThread::usleep(50);
        }
        const qint64 t = nowNs();
        memcpy(data.data(), &t, sizeof t);
        pub->publish("bench.latency", data.constData(), data.size());
    }
    pub->flush();
    waitForSinks(sinks);
    sub.reset(); // the subscriber's thread is done with the samples
    Latency l;
    std::vector<double> s = sinks[0].samples;
    l.lost = quint64(count) - std::min(quint64(count), sinks[0].received.load());
    const size_t warmup = s.size() / 100;
    s.erase(s.begin(), s.begin() + qsizetype(warmup));
    if (s.empty())
        return l;
    std::sort(s.begin(), s.end());
    auto pct = [&](double p) { return s[std::min(s.size() - 1, size_t(p * double(s.size())))]; };
    l.p50 = pct(0.50);
    l.p99 = pct(0.99);
    l.p999 = pct(0.999);
    l.max = s.back();
    return l;
}

Throughput fanIn(Target &target, int publishers, int count, int size)
{
    std::vector<Sink> sinks(1);
    sinks[0].expected = quint64(count / publishers * publishers);
    auto sub = target.subscribe("bench.fanin", &sinks[0]);
    const QByteArray data = payload(size);
    std::vector<std::unique_ptr<QThread>> threads;
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    for (int p = 0; p < publishers; ++p) {
        threads.emplace_back(QThread::create([&] {
            auto pub = target.publisher();
            ++ready;
            while (!go.load())
                QThread::yieldCurrentThread();
            for (int i = 0; i < count / publishers; ++i)
                pub->publish("bench.fanin", data.constData(), data.size());
            pub->flush();
        }));
        threads.back()->start();
    }
    while (ready.load() < publishers)
        QThread::msleep(1);
    const qint64 start = nowNs();
    go = true;
    for (auto &t : threads)
        t->wait();
    waitForSinks(sinks);
    return summarize(sinks, start);
}

Throughput wildcards(Target &target, int topics, int count, int size)
{
    std::vector<Sink> sinks(2);
    sinks[0].expected = sinks[1].expected = quint64(count);
    auto a = target.subscribe("sensor.*.temp", &sinks[0]);
    auto b = target.subscribe("sensor.>", &sinks[1]);
    std::vector<QByteArray> subjects;
    for (int i = 0; i < topics; ++i)
        subjects.push_back("sensor." + QByteArray::number(i) + ".temp");
    auto pub = target.publisher();
    const QByteArray data = payload(size);
    const qint64 start = nowNs();
    for (int i = 0; i < count; ++i)
        pub->publish(subjects[size_t(i % topics)], data.constData(), data.size());
    pub->flush();
    waitForSinks(sinks);
    return summarize(sinks, start);
}

double inProcess(int subscribers, int count, int size, bool acrossThreads)
{
    sb::Bus bus;
    sb::BusLimits limits;
    limits.subscriberQueue.maxMessages = count + 1;
    limits.subscriberQueue.maxBytes = qint64(count + 1) * (size + 256);
    bus.setLimits(limits);
    std::vector<std::unique_ptr<QThread>> threads;
    std::vector<std::unique_ptr<QObject>> contexts;
    std::atomic<quint64> delivered{0};
    const sb::Principal bench = sb::Principal::inProcess(QStringLiteral("sb-bench"));
    for (int i = 0; i < subscribers; ++i) {
        contexts.push_back(std::make_unique<QObject>());
        if (acrossThreads) {
            threads.push_back(std::make_unique<QThread>());
            threads.back()->start();
            contexts.back()->moveToThread(threads.back().get());
        }
        bus.subscribe({QStringLiteral("bench.inproc")}, bench, contexts.back().get(), [&delivered](const sb::Message &) {
            delivered.fetch_add(1, std::memory_order_relaxed);
            return sb::Status();
        });
    }
    const sb::Message m(sb::MessageType::Event, QStringLiteral("bench.inproc"), payload(size));
    const quint64 expected = quint64(count) * quint64(subscribers);
    const qint64 start = nowNs();
    for (int i = 0; i < count; ++i) {
        bus.publish(m, bench);
        if (!acrossThreads && i % 1024 == 1023)
            QCoreApplication::processEvents();
    }
    while (delivered.load() < expected)
        QCoreApplication::processEvents();
    const double rate = double(expected) * 1e9 / double(nowNs() - start);
    for (auto &t : threads) {
        t->quit();
        t->wait();
    }
    return rate;
}

std::vector<int> openIdleConnections(quint16 port, const QByteArray &hello, int count)
{
    std::vector<int> fds;
    fds.reserve(size_t(count));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            break;
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            ::close(fd);
            break;
        }
        if (!hello.isEmpty() && ::send(fd, hello.constData(), size_t(hello.size()), MSG_NOSIGNAL) < 0) {
            ::close(fd);
            break;
        }
        fds.push_back(fd);
    }
    return fds;
}

void closeConnections(std::vector<int> &fds)
{
    // Reset instead of a graceful close: 10,000 sockets in TIME_WAIT per server and run would
    // exhaust the ephemeral ports of the next run.
    const linger reset{1, 0};
    for (int fd : fds) {
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        ::close(fd);
    }
    fds.clear();
}

} // namespace bench
