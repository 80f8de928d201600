// SPDX-License-Identifier: Apache-2.0
#include "prometheusexporter.h"

#include "httpmetrics.h"
#include "httpservercounters.h"

#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/hub.h>
#include <switchboard/journal.h>
#include <switchboard/replaymanager.h>

#include <QLocale>

#include <map>

namespace sb::http {

/*!
    \class sb::http::PrometheusExporter
    \brief Renders the hub's counters as Prometheus text (exposition format 0.0.4).

    Metric names and labels are the contract in docs/CONTRACTS.md section 10. Every family is
    written once, with its \c{# HELP} and \c{# TYPE} lines, and all its samples together; counters
    end in \c{_total}; units are in the name (\c{_bytes}, \c{_seconds}). Labels take values from
    bounded sets only: channels, protocols, listeners, route \e patterns (capped by HttpMetrics),
    status classes. Topics are never labels (there may be 100,000): only their count is exported.
*/

namespace {

using Labels = QList<std::pair<const char *, QString>>;

// {name="value",...} with \a extra (already escaped, e.g. le="0.5") last; empty without labels.
QByteArray labelSet(const Labels &labels, const QByteArray &extra = {})
{
    if (labels.isEmpty() && extra.isEmpty())
        return {};
    QByteArray out("{");
    for (const auto &[name, value] : labels) {
        if (out.size() > 1)
            out += ',';
        out += name;
        out += "=\"";
        out += PrometheusExporter::escapeLabelValue(value);
        out += '"';
    }
    if (!extra.isEmpty()) {
        if (out.size() > 1)
            out += ',';
        out += extra;
    }
    out += '}';
    return out;
}

void family(QByteArray &out, const QByteArray &name, const char *type, const QByteArray &help)
{
    out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void sample(QByteArray &out, const QByteArray &name, const QByteArray &labels, const QByteArray &value)
{
    out += name + labels + ' ' + value + '\n';
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

// Exact decimal seconds, the way Prometheus' own clients write bucket bounds: "0.0005", "2.5", "10".
QByteArray seconds(quint64 microseconds)
{
    QByteArray out = QByteArray::number(microseconds / 1000000);
    if (const quint64 fraction = microseconds % 1000000) {
        QByteArray digits = QByteArray::number(fraction).rightJustified(6, '0');
        while (digits.endsWith('0'))
            digits.chop(1);
        out += '.' + digits;
    }
    return out;
}

// One family without labels.
void single(QByteArray &out, const char *name, const char *type, const char *help, const QByteArray &value)
{
    family(out, name, type, help);
    sample(out, name, {}, value);
}

struct CounterField {
    const char *name;
    const char *help;
    quint64 StatCounters::*field;
};

constexpr CounterField counterFields[] = {
    {"messages_in_total", "Messages accepted (publishes, requests, replies)", &StatCounters::in},
    {"messages_out_total", "Deliveries made to subscribers", &StatCounters::out},
    {"message_in_bytes_total", "Payload bytes of the messages accepted", &StatCounters::bytesIn},
    {"message_out_bytes_total", "Payload bytes of the deliveries made", &StatCounters::bytesOut},
    {"messages_dropped_total", "Messages dropped by a full subscriber queue", &StatCounters::dropped},
    {"messages_dead_lettered_total", "Messages dead-lettered", &StatCounters::deadLettered},
    {"messages_filtered_total", "Deliveries a subscription's filter refused", &StatCounters::filtered},
    {"errors_total", "Calls refused or failed", &StatCounters::errors},
};

// The StatCounters families under \a prefix; \a labelName null: one unlabelled sample each.
void writeStatCounters(QByteArray &out, const QByteArray &prefix, const char *scope, const char *labelName,
                       const std::map<QString, StatCounters> &entries)
{
    for (const CounterField &f : counterFields) {
        const QByteArray name = prefix + f.name;
        family(out, name, "counter", f.help + QByteArray(scope));
        for (const auto &[key, counters] : entries)
            sample(out, name, labelName ? labelSet({{labelName, key}}) : QByteArray(), QByteArray::number(counters.*f.field));
    }
}

void writeMessages(QByteArray &out, const Hub &hub, const Stats &stats)
{
    writeStatCounters(out, "switchboard_", ", hub-wide.", nullptr, {{QString(), stats.global().total}});
    std::map<QString, StatCounters> channels;
    stats.forEach(Stats::Channel, [&](const QString &key, const StatsEntry &e) { channels[key] = e.total; });
    writeStatCounters(out, "switchboard_channel_", ", per channel (the default topic space is not a channel).",
                      "channel", channels);
    // The plugin entries already add up every connection of a protocol, closed ones included, so
    // they are monotonic where a sum over the open connections would fall when one closes.
    std::map<QString, StatCounters> protocols;
    stats.forEach(Stats::Plugin, [&](const QString &key, const StatsEntry &e) { protocols[key] = e.total; });
    writeStatCounters(out, "switchboard_protocol_", ", per protocol (its connections, closed ones included).",
                      "protocol", protocols);
    std::map<QString, int> open;
    for (const auto &[key, counters] : protocols)
        open[key] = 0;
    const QList<Connection *> connections = hub.connections();
    for (const Connection *c : connections)
        ++open[c->protocol().section(QLatin1Char('+'), 0, 0)];
    family(out, "switchboard_connections", "gauge", "Open connections, per protocol (without transport).");
    for (const auto &[protocol, count] : open)
        sample(out, "switchboard_connections", labelSet({{"protocol", protocol}}), QByteArray::number(count));
}

void writeBus(QByteArray &out, const Bus &bus, const Stats &stats)
{
    single(out, "switchboard_subscriptions", "gauge", "Live subscriptions, every protocol and in-process.",
           QByteArray::number(bus.subscriptionCount()));
    single(out, "switchboard_pending_requests", "gauge", "Requests waiting for their reply.",
           QByteArray::number(bus.pendingRequests()));
    const DeadLetterStore *letters = bus.deadLetters();
    single(out, "switchboard_dead_letters", "gauge", "Dead letters stored.", QByteArray::number(letters->count()));
    single(out, "switchboard_dead_letter_bytes", "gauge", "Memory the dead-letter store holds (an estimate).",
           QByteArray::number(letters->bytes()));
    single(out, "switchboard_dead_letters_evicted_total", "counter", "Dead letters evicted because the store was full.",
           QByteArray::number(letters->evicted()));
    single(out, "switchboard_topics", "gauge", "Topics with statistics (topics are never labels).",
           QByteArray::number(stats.entryCount(Stats::Topic)));
    single(out, "switchboard_topic_stats_bytes", "gauge", "Memory held by per-topic statistics (an estimate).",
           QByteArray::number(stats.topicBytes()));
    single(out, "switchboard_topics_folded_total", "counter", "New topics counted under \"(other)\" past a topic cap.",
           QByteArray::number(stats.topicsFolded()));
    const BusRefusals &r = bus.refusals();
    const std::pair<const char *, quint64> causes[] = {
        {"unauthenticated", r.unauthenticated}, {"forbidden", r.forbidden},       {"spoofed_reply", r.spoofedReplies},
        {"spoofed_nack", r.spoofedNacks},       {"limit", r.limits},              {"filtered", r.filtered},
        {"error_cap_closed", r.errorCapClosed},
    };
    family(out, "switchboard_bus_refusals_total", "counter", "What the bus refused, by cause.");
    for (const auto &[cause, count] : causes)
        sample(out, "switchboard_bus_refusals_total", labelSet({{"cause", QString::fromLatin1(cause)}}),
               QByteArray::number(count));
}

void writeMemory(QByteArray &out, const MemoryBudget &memory)
{
    single(out, "switchboard_buffered_bytes", "gauge", "What connections buffer together (limits.max-buffered-bytes).",
           QByteArray::number(memory.used()));
    single(out, "switchboard_buffered_limit_bytes", "gauge", "limits.max-buffered-bytes.",
           QByteArray::number(memory.limit()));
    single(out, "switchboard_buffer_overflows_total", "counter", "Connections told to overflow by the memory budget.",
           QByteArray::number(memory.overflows()));
}

// Only while the hub uses a journal (a persistent channel or topic, or journal.path set).
void writeJournal(QByteArray &out, const Journal *journal)
{
    if (!journal)
        return;
    const JournalStatus st = journal->status();
    single(out, "switchboard_journal_failed", "gauge", "1 when the journal could not write or fsync (nothing is acknowledged).",
           st.failed ? "1" : "0");
    single(out, "switchboard_journal_low_space", "gauge", "1 when under a tenth of the budget or of the disk is left.",
           st.lowSpace ? "1" : "0");
    single(out, "switchboard_journal_messages", "gauge", "Messages stored.", QByteArray::number(st.messages));
    single(out, "switchboard_journal_bytes", "gauge", "What the stored messages count against the budget.",
           QByteArray::number(st.bytes));
    single(out, "switchboard_journal_budget_bytes", "gauge", "journal.disk-budget.", QByteArray::number(st.budgetBytes));
    single(out, "switchboard_journal_appended_total", "counter", "Messages stored since start.", QByteArray::number(st.appended));
    single(out, "switchboard_journal_refused_total", "counter", "Appends refused: budget reached (STORAGE_FULL) or writer behind.",
           QByteArray::number(st.refusedFull));
    single(out, "switchboard_journal_failed_appends_total", "counter", "Appends answered STORAGE_FAILED.",
           QByteArray::number(st.failedAppends));
    single(out, "switchboard_journal_expired_total", "counter", "Messages removed by retention.", QByteArray::number(st.expired));
}

void writeReplays(QByteArray &out, const ReplayManager &replays)
{
    single(out, "switchboard_replays_active", "gauge", "Replays running or paused (limits.max-replays).",
           QByteArray::number(replays.activeCount()));
    single(out, "switchboard_replays_started_total", "counter", "Replays started since start.",
           QByteArray::number(replays.startedTotal()));
    single(out, "switchboard_replayed_messages_total", "counter", "Stored messages published again by replays.",
           QByteArray::number(replays.sentTotal()));
}

// A number's text, or empty when \a value is not a number (or a bool, as 0/1).
QByteArray numericText(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? "1" : "0";
    case QMetaType::Int:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
        return QByteArray::number(value.toLongLong());
    case QMetaType::UInt:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::UShort:
        return QByteArray::number(value.toULongLong());
    case QMetaType::Double:
    case QMetaType::Float:
        return number(value.toDouble());
    default:
        return {};
    }
}

// The numbers of \a map and its nested maps, keyed by dotted path ("byProvider.jwt.failed").
void flatten(const QVariantMap &map, const QString &prefix, std::map<QString, QByteArray> *into)
{
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().typeId() == QMetaType::QVariantMap) {
            flatten(it.value().toMap(), key, into);
        } else if (const QByteArray text = numericText(it.value()); !text.isEmpty()) {
            into->emplace(key, text);
        }
    }
}

void writeAuth(QByteArray &out, const Authenticator *authenticator)
{
    if (!authenticator)
        return;
    std::map<QString, QByteArray> values;
    flatten(authenticator->stats(), QString(), &values);
    family(out, "switchboard_auth_stat", "gauge",
           "The authenticator's numeric statistics by dotted key (succeeded, failed, throttled, byProvider.<p>.failed, ...).");
    for (const auto &[key, text] : values)
        sample(out, "switchboard_auth_stat", labelSet({{"stat", key}}), text);
}

struct ListenerCounter {
    const char *name;
    const char *help;
    HttpServerCounters::Counter HttpServerCounters::*field;
};

constexpr ListenerCounter listenerCounters[] = {
    {"switchboard_http_listener_connections_accepted_total", "Connections accepted.",
     &HttpServerCounters::connectionsAccepted},
    {"switchboard_http_listener_connections_refused_total",
     "Connections closed at once: over max-connections or max-connections-per-address.",
     &HttpServerCounters::connectionsRefused},
    {"switchboard_http_listener_requests_total", "Complete requests handed to the handler.",
     &HttpServerCounters::requests},
    {"switchboard_http_listener_responses_total", "Responses queued for writing (the layer's own errors included).",
     &HttpServerCounters::responses},
    {"switchboard_http_listener_received_bytes_total", "Bytes read from peers.", &HttpServerCounters::bytesIn},
    {"switchboard_http_listener_sent_bytes_total", "Response bytes queued for peers.", &HttpServerCounters::bytesOut},
    {"switchboard_http_listener_overflow_closed_total", "Connections reset with unsent answers past max-outbound-bytes.",
     &HttpServerCounters::overflowClosed},
    {"switchboard_http_listener_read_pauses_total", "Times a connection stopped reading because its answers were unread.",
     &HttpServerCounters::readPauses},
    {"switchboard_http_listener_continues_total", "100 Continue answers sent.", &HttpServerCounters::continues},
    {"switchboard_http_listener_tls_handshake_failures_total",
     "TLS handshakes that failed or outlasted request-head-timeout.", &HttpServerCounters::tlsHandshakeFailures},
};

using Listeners = QList<std::pair<QString, const HttpServerCounters *>>;

void writeListenerTimeouts(QByteArray &out, const Listeners &listeners)
{
    const QByteArray name("switchboard_http_listener_timeouts_total");
    family(out, name, "counter",
           "Connections timed out, by kind: head and body (408), idle (closed), write_stall (reset).");
    for (const auto &[address, c] : listeners) {
        const std::pair<const char *, quint64> kinds[] = {
            {"head", c->headTimeouts.load()}, {"body", c->bodyTimeouts.load()}, {"idle", c->idleTimeouts.load()},
            {"write_stall", c->writeStalls.load()}};
        for (const auto &[kind, count] : kinds)
            sample(out, name, labelSet({{"listener", address}, {"kind", QString::fromLatin1(kind)}}),
                   QByteArray::number(count));
    }
}

void writeListeners(QByteArray &out, const Listeners &all)
{
    Listeners listeners;
    for (const auto &l : all) {
        if (l.second)
            listeners.append(l);
    }
    const char *gauge = "switchboard_http_listener_connections";
    family(out, gauge, "gauge", "Open connections.");
    for (const auto &[address, c] : listeners)
        sample(out, gauge, labelSet({{"listener", address}}), QByteArray::number(c->connectionsOpen.load()));
    for (const ListenerCounter &f : listenerCounters) {
        family(out, f.name, "counter", f.help);
        for (const auto &[address, c] : listeners)
            sample(out, f.name, labelSet({{"listener", address}}), QByteArray::number((c->*f.field).load()));
    }
    const QByteArray errors("switchboard_http_listener_error_responses_total");
    family(out, errors, "counter", "Responses with a status of 400 or more, by status.");
    for (const auto &[address, c] : listeners) {
        const QMap<int, quint64> byStatus = c->errorsByStatus();
        for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
            sample(out, errors, labelSet({{"listener", address}, {"status", QString::number(it.key())}}),
                   QByteArray::number(it.value()));
    }
    writeListenerTimeouts(out, listeners);
    const char *outbound = "switchboard_http_listener_outbound_bytes";
    family(out, outbound, "gauge", "Unsent answers of all connections now.");
    for (const auto &[address, c] : listeners)
        sample(out, outbound, labelSet({{"listener", address}}), QByteArray::number(c->outboundBytes.load()));
    const char *peak = "switchboard_http_listener_peak_connection_outbound_bytes";
    family(out, peak, "gauge", "The most one connection ever held unsent.");
    for (const auto &[address, c] : listeners)
        sample(out, peak, labelSet({{"listener", address}}), QByteArray::number(c->peakConnectionOutbound.load()));
}

void writeHttpRequests(QByteArray &out, const HttpMetrics &http)
{
    const QByteArray requests("switchboard_http_requests_total");
    family(out, requests, "counter", "HTTP requests answered, by route pattern, method and status class.");
    for (const HttpMetrics::Series &s : http.series()) {
        for (int cls = 0; cls < HttpMetrics::StatusClassCount; ++cls) {
            if (s.byClass[size_t(cls)] == 0)
                continue;
            const QString statusClass =
                QString::fromLatin1(HttpMetrics::statusClassName(HttpMetrics::StatusClass(cls)));
            sample(out, requests,
                   labelSet({{"route", s.route}, {"method", QString::fromLatin1(s.method)}, {"status_class", statusClass}}),
                   QByteArray::number(s.byClass[size_t(cls)]));
        }
    }
    single(out, "switchboard_http_requests_folded_total", "counter",
           "Requests counted under route \"(other)\" because the route series cap was reached.",
           QByteArray::number(http.folded()));
}

void writeHttpLatency(QByteArray &out, const HttpMetrics &http)
{
    const QByteArray name("switchboard_http_request_duration_seconds");
    const QByteArray bucket = name + "_bucket";
    family(out, name, "histogram", "Time from a complete request to its answer, by route pattern and method.");
    for (const HttpMetrics::Series &s : http.series()) {
        const Labels labels{{"route", s.route}, {"method", QString::fromLatin1(s.method)}};
        quint64 cumulative = 0;
        for (int i = 0; i < HttpMetrics::BucketCount; ++i) {
            cumulative += s.buckets[size_t(i)];
            const QByteArray le = i < int(HttpMetrics::BucketBoundsUs.size())
                ? seconds(quint64(HttpMetrics::BucketBoundsUs[size_t(i)]))
                : QByteArray("+Inf");
            sample(out, bucket, labelSet(labels, "le=\"" + le + '"'), QByteArray::number(cumulative));
        }
        const QByteArray set = labelSet(labels);
        sample(out, name + "_sum", set, seconds(s.sumUs));
        sample(out, name + "_count", set, QByteArray::number(s.count));
    }
}

} // namespace

QByteArray PrometheusExporter::contentType()
{
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

/*!
    Renders the hub's counters, \a http's routes (when not null) and each listener's counters
    (null ones are left out; addresses must differ). Reads only: Bus::stats() and
    Hub::memoryBudget() have no const overloads in core, hence the casts below.
*/
QByteArray PrometheusExporter::render(const Hub &hub, const HttpMetrics *http,
                                      const QList<std::pair<QString, const HttpServerCounters *>> &listeners)
{
    const Bus &bus = *hub.bus();
    const Stats &stats = *const_cast<Bus &>(bus).stats();
    const MemoryBudget &memory = const_cast<Hub &>(hub).memoryBudget();
    QByteArray out;
    out.reserve(64 * 1024);
    writeMessages(out, hub, stats);
    writeBus(out, bus, stats);
    writeMemory(out, memory);
    writeJournal(out, bus.journalInUse());
    writeReplays(out, *const_cast<Hub &>(hub).replays());
    writeAuth(out, hub.authenticator());
    writeListeners(out, listeners);
    if (http) {
        writeHttpRequests(out, *http);
        writeHttpLatency(out, *http);
    }
    return out;
}

QByteArray PrometheusExporter::renderStats(const char *name, const char *help, const QVariantMap &stats)
{
    std::map<QString, QByteArray> values;
    flatten(stats, QString(), &values);
    QByteArray out;
    family(out, name, "gauge", help);
    for (const auto &[key, text] : values)
        sample(out, name, labelSet({{"stat", key}}), text);
    return out;
}

QByteArray PrometheusExporter::escapeLabelValue(QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace sb::http
