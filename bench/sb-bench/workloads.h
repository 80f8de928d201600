// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "benchtarget.h"

namespace bench {

struct Throughput
{
    double msgPerSec = 0;
    quint64 lost = 0;
};

struct Latency
{
    double p50 = 0, p99 = 0, p999 = 0, max = 0; // microseconds
    quint64 lost = 0;
};

// W1: one publisher, \a subscribers subscribers on one subject; delivered msg/s summed over them.
Throughput fanOut(Target &target, int subscribers, int count, int size);
// W2: one publisher at \a rate msg/s for \a seconds to one subscriber; first 1 % dropped as warm-up.
Latency latency(Target &target, int rate, double seconds, int size);
// W3: \a publishers publishers (own threads) to one subscriber, \a count messages in total.
Throughput fanIn(Target &target, int publishers, int count, int size);
// W4: \a topics subjects "sensor.<n>.temp"; subscribers on "sensor.*.temp" and "sensor.>".
Throughput wildcards(Target &target, int topics, int count, int size);
// W5: the core bus without sockets, 1 -> \a subscribers, in one thread or each in its own.
double inProcess(int subscribers, int count, int size, bool acrossThreads);
// Opens \a count idle connections that each send \a hello; returns them (file descriptors).
std::vector<int> openIdleConnections(quint16 port, const QByteArray &hello, int count);
void closeConnections(std::vector<int> &fds);

} // namespace bench
