// SPDX-License-Identifier: Apache-2.0
#include "httpmetrics.h"

#include <algorithm>

namespace sb::http {

/*!
    \class sb::http::HttpMetrics
    \brief Request counts and latency histograms of the HTTP gateway, by route pattern.

    The gateway calls record() once per answered request with the route \e pattern it matched
    ("/api/v1/channels/{name}"), or unmatchedRoute() when none did: never the raw path, so the
    number of series stays bounded however many paths clients try. At most maxSeries() distinct
    (route, method) pairs get their own series; requests of any further pair are counted in one
    series labelled otherRoute() / otherMethod(), and folded() says how many.

    Every series is allocated once, when its pair is first seen (the vector is reserved up front);
    record() on a known pair, or on a pair folded into "(other)", allocates nothing.
*/

HttpMetrics::HttpMetrics(int maxSeries) : m_maxSeries(std::max(maxSeries, 0))
{
    m_series.reserve(size_t(m_maxSeries) + 1);
    m_index.reserve(m_maxSeries + 1);
}

QString HttpMetrics::unmatchedRoute()
{
    return QStringLiteral("(unmatched)");
}

QString HttpMetrics::otherRoute()
{
    return QStringLiteral("(other)");
}

QByteArray HttpMetrics::otherMethod()
{
    return QByteArrayLiteral("(other)");
}

QByteArray HttpMetrics::statusClassName(StatusClass statusClass)
{
    switch (statusClass) {
    case Informational:
        return QByteArrayLiteral("1xx");
    case Success:
        return QByteArrayLiteral("2xx");
    case Redirection:
        return QByteArrayLiteral("3xx");
    case ClientError:
        return QByteArrayLiteral("4xx");
    case ServerError:
        return QByteArrayLiteral("5xx");
    case OtherStatus:
    case StatusClassCount:
        break;
    }
    return QByteArrayLiteral("other");
}

/*!
    Counts one request on \a route with \a method, answered with \a status after \a durationUs
    microseconds (negative durations count as 0).
*/
void HttpMetrics::record(const QString &route, const QByteArray &method, int status, qint64 durationUs)
{
    Series &s = seriesFor(route, method);
    const int cls = status >= 100 && status <= 599 ? status / 100 - 1 : int(OtherStatus);
    ++s.byClass[size_t(cls)];
    const qint64 us = std::max<qint64>(durationUs, 0);
    const auto bound = std::lower_bound(BucketBoundsUs.cbegin(), BucketBoundsUs.cend(), us);
    ++s.buckets[size_t(bound - BucketBoundsUs.cbegin())];
    ++s.count;
    s.sumUs += quint64(us);
}

HttpMetrics::Series &HttpMetrics::seriesFor(const QString &route, const QByteArray &method)
{
    // Copying into the key only takes references to the shared data: no allocation.
    const auto it = m_index.constFind(Key{route, method});
    if (it != m_index.cend())
        return m_series[size_t(*it)];
    if (m_other < 0 && int(m_series.size()) < m_maxSeries) {
        m_index.insert(Key{route, method}, int(m_series.size()));
        m_series.push_back(Series{route, method, {}, {}, 0, 0});
        return m_series.back();
    }
    ++m_folded;
    if (m_other < 0) {
        // A caller may have recorded "(other)" itself: one series per label set, always.
        const Key other{otherRoute(), otherMethod()};
        const auto known = m_index.constFind(other);
        m_other = known != m_index.cend() ? *known : int(m_series.size());
        if (known == m_index.cend()) {
            m_index.insert(other, m_other);
            m_series.push_back(Series{other.route, other.method, {}, {}, 0, 0});
        }
    }
    return m_series[size_t(m_other)];
}

} // namespace sb::http
