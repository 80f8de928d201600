// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>

#include <utility>

namespace sb {
class Hub;
}

namespace sb::http {

class HttpMetrics;
struct HttpServerCounters;

// GET /metrics: the hub's counters in the Prometheus text exposition format 0.0.4.
class PrometheusExporter
{
public:
    static QByteArray contentType();
    // Everything the hub counts, plus \a http (may be null) and each listener's counters, labelled
    // with the listener's address (the first of the pair). Call it in the bus thread.
    static QByteArray render(const Hub &hub, const HttpMetrics *http,
                             const QList<std::pair<QString, const HttpServerCounters *>> &listeners);
    // One gauge family \a name of \a stats' numbers (nested maps flattened to dotted keys), one
    // sample per key labelled stat="<key>": the SSE, WebSocket and webhook counters of health.
    static QByteArray renderStats(const char *name, const char *help, const QVariantMap &stats);
    // \a value as the inside of a quoted label value: UTF-8 with \, " and newline escaped.
    static QByteArray escapeLabelValue(QStringView value);
};

} // namespace sb::http
