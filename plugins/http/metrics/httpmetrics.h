// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <array>
#include <vector>

namespace sb::http {

// What the HTTP gateway records per request, for GET /metrics: counts by route, method and status
// class, and a latency histogram per route and method. Lives in the bus thread (no locks).
class HttpMetrics
{
public:
    static constexpr int DefaultMaxSeries = 200;
    // Upper bounds of the latency buckets in microseconds; a last bucket (+Inf) takes the rest.
    static constexpr std::array<qint64, 14> BucketBoundsUs{500,    1000,   2500,   5000,    10000,   25000,   50000,
                                                           100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
    static constexpr int BucketCount = int(BucketBoundsUs.size()) + 1;
    // 1xx … 5xx, and anything outside 100–599.
    enum StatusClass { Informational, Success, Redirection, ClientError, ServerError, OtherStatus, StatusClassCount };

    struct Series {
        QString route;
        QByteArray method;
        std::array<quint64, StatusClassCount> byClass{};
        std::array<quint64, BucketCount> buckets{}; // not cumulative: each bucket's own count
        quint64 count = 0;
        quint64 sumUs = 0;
    };

    explicit HttpMetrics(int maxSeries = DefaultMaxSeries);

    static QString unmatchedRoute();
    static QString otherRoute();
    static QByteArray otherMethod();
    static QByteArray statusClassName(StatusClass statusClass);

    void record(const QString &route, const QByteArray &method, int status, qint64 durationUs);

    const std::vector<Series> &series() const { return m_series; }
    int maxSeries() const { return m_maxSeries; }
    // Requests counted under the "(other)" series because maxSeries() was reached.
    quint64 folded() const { return m_folded; }

private:
    struct Key {
        QString route;
        QByteArray method;
        bool operator==(const Key &other) const { return route == other.route && method == other.method; }
    };
    friend size_t qHash(const Key &key, size_t seed) noexcept { return qHashMulti(seed, key.route, key.method); }

    Series &seriesFor(const QString &route, const QByteArray &method);

    int m_maxSeries;
    std::vector<Series> m_series;
    QHash<Key, int> m_index;
    int m_other = -1;
    quint64 m_folded = 0;
};

} // namespace sb::http
