// SPDX-License-Identifier: Apache-2.0
// GET /metrics without a socket: an in-process hub with channels, in-process subscribers, fake
// connections, an authenticator, listener counters and HttpMetrics; the rendered text is parsed
// line by line (families, labels unescaped, values) and checked by `promtool check metrics`.
#include "httpmetrics.h"
#include "httpservercounters.h"
#include "prometheusexporter.h"

#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/hub.h>

#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>

#include <deque>

using namespace sb;
using namespace sb::http;

namespace {

class FakeConnection : public Connection
{
public:
    FakeConnection(const QString &id, const QString &protocol) : Connection(id, protocol, QStringLiteral("peer")) {}
    void close(const Error &) override {}

protected:
    void drain() override
    {
        DeliveryQueue out;
        takePending(out, 1 << 30);
    }
};

class FakeAuthenticator : public Authenticator
{
public:
    Result<Identity> authenticate(const AuthRequest &) const override { return Identity(); }
    QVariantMap stats() const override
    {
        return {{QStringLiteral("succeeded"), 3},
                {QStringLiteral("failed"), quint64(1)},
                {QStringLiteral("providers"), QStringList{QStringLiteral("token")}},
                {QStringLiteral("byProvider"),
                 QVariantMap{{QStringLiteral("token"), QVariantMap{{QStringLiteral("succeeded"), 3}}}}}};
    }
};

using LabelMap = QMap<QString, QString>;

struct Sample {
    QByteArray name;
    LabelMap labels;
    double value = 0;
};

// The exposition text as Prometheus reads it, with what breaks format 0.0.4 in problems.
struct Exposition {
    QHash<QByteArray, QByteArray> types; // family -> counter | gauge | histogram
    QList<Sample> samples;
    QStringList problems;

    QList<Sample> all(const QByteArray &name) const
    {
        QList<Sample> found;
        for (const Sample &s : samples) {
            if (s.name == name)
                found.append(s);
        }
        return found;
    }
    // NaN when there is no such sample (QCOMPARE then shows "nan").
    double value(const QByteArray &name, const LabelMap &labels = {}) const
    {
        for (const Sample &s : samples) {
            if (s.name == name && s.labels == labels)
                return s.value;
        }
        return qQNaN();
    }
};

// Parses {a="x",b="y\"z"} from \a at (just after '{'); returns the index after '}' or -1.
qsizetype parseLabels(const QByteArray &line, qsizetype at, LabelMap *labels)
{
    while (at < line.size() && line[at] != '}') {
        const qsizetype eq = line.indexOf("=\"", at);
        if (eq < 0)
            return -1;
        const QString name = QString::fromUtf8(line.mid(at, eq - at));
        QByteArray value;
        qsizetype i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) {
                ++i;
                value += line[i] == 'n' ? '\n' : line[i];
                if (line[i] != 'n' && line[i] != '\\' && line[i] != '"')
                    return -1;
            } else {
                value += line[i];
            }
        }
        if (i >= line.size() || labels->contains(name))
            return -1;
        labels->insert(name, QString::fromUtf8(value));
        at = i + 1;
        if (at < line.size() && line[at] == ',')
            ++at;
    }
    return at < line.size() ? at + 1 : -1;
}

QByteArray familyOf(const QByteArray &name, const QHash<QByteArray, QByteArray> &types)
{
    if (types.contains(name))
        return name;
    for (const char *suffix : {"_bucket", "_sum", "_count"}) {
        if (name.endsWith(suffix)) {
            const QByteArray base = name.chopped(qsizetype(qstrlen(suffix)));
            if (types.value(base) == "histogram")
                return base;
        }
    }
    return {};
}

void parseComment(const QByteArray &line, Exposition &e, QSet<QByteArray> &helps, const QSet<QByteArray> &done)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() < 4)
        return e.problems.append(QStringLiteral("short comment: ") + QString::fromUtf8(line));
    const QByteArray &family = parts[2];
    if (done.contains(family))
        e.problems.append(QStringLiteral("family declared after its samples: ") + QString::fromUtf8(family));
    if (parts[1] == "HELP") {
        if (helps.contains(family))
            e.problems.append(QStringLiteral("second HELP: ") + QString::fromUtf8(family));
        helps.insert(family);
        return;
    }
    if (parts[1] == "TYPE") {
        if (e.types.contains(family))
            e.problems.append(QStringLiteral("second TYPE: ") + QString::fromUtf8(family));
        if (!helps.contains(family))
            e.problems.append(QStringLiteral("TYPE without HELP before it: ") + QString::fromUtf8(family));
        e.types.insert(family, parts[3]);
        const bool total = family.endsWith("_total");
        if (total != (parts[3] == "counter"))
            e.problems.append(QStringLiteral("_total on a non-counter or a counter without it: ") + QString::fromUtf8(family));
    }
}

Exposition parse(const QByteArray &text)
{
    Exposition e;
    if (!text.endsWith('\n'))
        e.problems.append(QStringLiteral("no final newline"));
    QSet<QByteArray> helps, done;
    QByteArray current;
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        if (line.startsWith('#')) {
            parseComment(line, e, helps, done);
            continue;
        }
        Sample s;
        qsizetype end = line.indexOf('{');
        const qsizetype space = line.indexOf(' ');
        if (end < 0 || end > space) {
            s.name = line.left(space);
            end = space + 1;
        } else {
            s.name = line.left(end);
            end = parseLabels(line, end + 1, &s.labels);
            if (end < 0 || end >= line.size() || line[end] != ' ')
                e.problems.append(QStringLiteral("bad labels: ") + QString::fromUtf8(line));
            ++end;
        }
        bool ok = false;
        const QByteArray value = line.mid(end);
        s.value = value == "+Inf" ? qInf() : value.toDouble(&ok);
        if (!ok && value != "+Inf")
            e.problems.append(QStringLiteral("bad value: ") + QString::fromUtf8(line));
        const QByteArray family = familyOf(s.name, e.types);
        if (family.isEmpty())
            e.problems.append(QStringLiteral("sample without TYPE: ") + QString::fromUtf8(line));
        if (family != current) {
            if (done.contains(family))
                e.problems.append(QStringLiteral("family not contiguous: ") + QString::fromUtf8(family));
            done.insert(current);
            current = family;
        }
        e.samples.append(s);
    }
    return e;
}

// A hub with a bit of everything, and what the HTTP side adds to it.
struct Scene {
    Hub hub;
    FakeAuthenticator auth;
    HttpMetrics http;
    HttpServerCounters plain, odd;
    std::unique_ptr<FakeConnection> tcp, local, mqtt;
    QList<Message> inChannel, inDefault, advisories;
    QList<std::pair<QString, const HttpServerCounters *>> listeners() const
    {
        return {{QStringLiteral("127.0.0.1:8080"), &plain}, {QStringLiteral("we\"ird\\path\nx"), &odd}};
    }
    QByteArray render() const { return PrometheusExporter::render(hub, &http, listeners()); }
};

Message eventOn(const QString &channel, const QString &topic, const QByteArray &payload)
{
    Message m(MessageType::Event, topic, payload);
    m.setChannel(channel);
    return m;
}

} // namespace

class tst_PrometheusExporter : public QObject
{
    Q_OBJECT

private:
    void populate(Scene &s);

private Q_SLOTS:
    void escapeLabelValue_data();
    void escapeLabelValue();
    void hubAndChannels();
    void protocolsAuthMemory();
    void listeners();
    void httpRoutes();
    void routeCardinalityCap();
    void promtoolAccepts();
};


void tst_PrometheusExporter::populate(Scene &s)
{
    Bus &bus = *s.hub.bus();
    const Principal me = Principal::inProcess(QStringLiteral("t"));
    ChannelConfig orders;
    orders.name = QStringLiteral("orders");
    QVERIFY(bus.createChannel(orders, me));
    ChannelConfig direct;
    direct.name = QStringLiteral("direct");
    direct.type = ChannelType::PointToPoint;
    QVERIFY(bus.createChannel(direct, me));
    auto into = [](QList<Message> *list) {
        return [list](const Message &m) {
            list->append(m);
            return Status();
        };
    };
    QVERIFY(bus.subscribe({QStringLiteral(">"), QStringLiteral("orders")}, me, this, into(&s.inChannel)));
    QVERIFY(bus.subscribe({QStringLiteral("sensors.>")}, me, this, into(&s.inDefault)));
    QVERIFY(bus.subscribe({QStringLiteral("$sb.deadletter.>")}, me, this, into(&s.advisories)));
    for (int size : {10, 20, 30})
        QVERIFY(bus.publish(eventOn(QStringLiteral("orders"), QStringLiteral("orders.created"), QByteArray(size, 'o')), me));
    for (int i = 0; i < 2; ++i)
        QVERIFY(bus.publish(eventOn({}, QStringLiteral("sensors.t%1").arg(i), QByteArray(5, 'd')), me));
    s.tcp = std::make_unique<FakeConnection>(QStringLiteral("native-1"), QStringLiteral("native+tcp"));
    s.local = std::make_unique<FakeConnection>(QStringLiteral("native-2"), QStringLiteral("native+local"));
    s.mqtt = std::make_unique<FakeConnection>(QStringLiteral("mqtt-3"), QStringLiteral("mqtt"));
    for (FakeConnection *c : {s.tcp.get(), s.local.get(), s.mqtt.get()})
        s.hub.registerConnection(c);
    QVERIFY(bus.publish(eventOn({}, QStringLiteral("sensors.c"), QByteArray(7, 'c')), s.tcp.get()));
    QVERIFY(bus.publish(eventOn({}, QStringLiteral("sensors.m"), QByteArray(2, 'm')), s.mqtt.get()));
    s.hub.unregisterConnection(s.mqtt.get()); // its protocol's counters stay; no open connection
    // Nobody at the address: NO_ROUTE and a dead letter. A reserved topic: FORBIDDEN, a refusal.
    QVERIFY(!bus.publish(eventOn(QStringLiteral("direct"), QStringLiteral("desk-9"), "lost"), me));
    QVERIFY(!bus.publish(eventOn({}, QStringLiteral("$sb.fake"), "x"), Principal::anonymous(QStringLiteral("http"))));
    QTRY_COMPARE(s.inChannel.size(), 3);
    QTRY_COMPARE(s.inDefault.size(), 4);
    QTRY_COMPARE(s.advisories.size(), 1); // the dead letter's advisory, published in a queued call
    QCOMPARE(bus.stats()->global().total.deadLettered, quint64(1));
    s.hub.setAuthenticator(&s.auth);
    s.hub.memoryBudget().setLimit(1000);
    qint64 accounted = 0;
    QVERIFY(s.hub.memoryBudget().update(accounted, 300, 1));
}

void tst_PrometheusExporter::escapeLabelValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("escaped");
    QTest::addRow("plain") << QStringLiteral("orders.eu-1") << QByteArray("orders.eu-1");
    QTest::addRow("quote") << QStringLiteral("a\"b") << QByteArray("a\\\"b");
    QTest::addRow("backslash") << QStringLiteral("a\\b") << QByteArray("a\\\\b");
    QTest::addRow("newline") << QStringLiteral("a\nb") << QByteArray("a\\nb");
    QTest::addRow("all") << QStringLiteral("\\\"\n\\n") << QByteArray("\\\\\\\"\\n\\\\n");
    QTest::addRow("utf8") << QString::fromUtf8("k\xC3\xBChl") << QByteArray("k\xC3\xBChl");
    QTest::addRow("empty") << QString() << QByteArray();
}

void tst_PrometheusExporter::escapeLabelValue()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, escaped);
    QCOMPARE(PrometheusExporter::escapeLabelValue(value), escaped);
    // And back, as Prometheus reads it.
    LabelMap labels;
    const QByteArray line = "l=\"" + escaped + "\"}";
    QCOMPARE(parseLabels(line, 0, &labels), line.size());
    QCOMPARE(labels.value(QStringLiteral("l")), value);
}

void tst_PrometheusExporter::hubAndChannels()
{
    Scene s;
    populate(s);
    if (QTest::currentTestFailed())
        return;
    const QByteArray text = s.render();
    const Exposition e = parse(text);
    QVERIFY2(e.problems.isEmpty(), qPrintable(e.problems.join(QLatin1Char('\n'))));
    // Accepted: 3 on orders, 2 + 1 (native) + 1 (mqtt) in the default space, 1 on direct (routed,
    // then dead-lettered), and the hub's advisory of that dead letter; the refused $sb. publish is
    // not. Delivered: 3 + 4 + the advisory.
    const double advisory = s.advisories.first().payloadSize();
    QVERIFY(advisory > 0);
    QCOMPARE(e.value("switchboard_messages_in_total"), 9.0);
    QCOMPARE(e.value("switchboard_message_in_bytes_total"), 60.0 + 10 + 7 + 2 + 4 + advisory);
    QCOMPARE(e.value("switchboard_messages_out_total"), 8.0);
    QCOMPARE(e.value("switchboard_message_out_bytes_total"), 60.0 + 10 + 7 + 2 + advisory);
    QCOMPARE(e.value("switchboard_messages_dead_lettered_total"), 1.0);
    QCOMPARE(e.value("switchboard_messages_dropped_total"), 0.0);
    QCOMPARE(e.value("switchboard_errors_total"), 2.0);
    const LabelMap orders{{QStringLiteral("channel"), QStringLiteral("orders")}};
    QCOMPARE(e.value("switchboard_channel_messages_in_total", orders), 3.0);
    QCOMPARE(e.value("switchboard_channel_message_in_bytes_total", orders), 60.0);
    QCOMPARE(e.value("switchboard_channel_messages_out_total", orders), 3.0);
    QCOMPARE(e.value("switchboard_channel_messages_in_total", {{QStringLiteral("channel"), QStringLiteral("direct")}}),
             1.0);
    QCOMPARE(e.all("switchboard_channel_messages_in_total").size(), 2); // the default space is no channel
    QCOMPARE(e.value("switchboard_dead_letters"), 1.0);
    QVERIFY(e.value("switchboard_dead_letter_bytes") > 0);
    QCOMPARE(e.value("switchboard_dead_letters_evicted_total"), 0.0);
    QCOMPARE(e.value("switchboard_bus_refusals_total", {{QStringLiteral("cause"), QStringLiteral("forbidden")}}), 1.0);
    QCOMPARE(e.value("switchboard_bus_refusals_total", {{QStringLiteral("cause"), QStringLiteral("limit")}}), 0.0);
    QCOMPARE(e.all("switchboard_bus_refusals_total").size(), 7);
    QCOMPARE(e.value("switchboard_subscriptions"), 3.0);
    QCOMPARE(e.value("switchboard_pending_requests"), 0.0);
    // Topics are a count, never a label.
    QCOMPARE(e.value("switchboard_topics"), double(s.hub.bus()->stats()->entryCount(Stats::Topic)));
    QVERIFY(e.value("switchboard_topics") >= 5);
    for (const Sample &sample : e.samples)
        QVERIFY2(!sample.labels.contains(QStringLiteral("topic")), sample.name.constData());
    QVERIFY(!text.contains("sensors.t0"));
}

void tst_PrometheusExporter::protocolsAuthMemory()
{
    Scene s;
    populate(s);
    if (QTest::currentTestFailed())
        return;
    const Exposition e = parse(s.render());
    QVERIFY2(e.problems.isEmpty(), qPrintable(e.problems.join(QLatin1Char('\n'))));
    // "native+tcp" and "native+local" are "native"; mqtt's counters outlive its connection.
    const LabelMap native{{QStringLiteral("protocol"), QStringLiteral("native")}};
    const LabelMap mqtt{{QStringLiteral("protocol"), QStringLiteral("mqtt")}};
    QCOMPARE(e.value("switchboard_protocol_messages_in_total", native), 1.0);
    QCOMPARE(e.value("switchboard_protocol_message_in_bytes_total", native), 7.0);
    QCOMPARE(e.value("switchboard_protocol_messages_in_total", mqtt), 1.0);
    QCOMPARE(e.value("switchboard_protocol_message_in_bytes_total", mqtt), 2.0);
    QCOMPARE(e.all("switchboard_protocol_messages_in_total").size(), 2);
    QCOMPARE(e.value("switchboard_connections", native), 2.0);
    QCOMPARE(e.value("switchboard_connections", mqtt), 0.0);
    QCOMPARE(e.all("switchboard_connections").size(), 2);
    // The authenticator's numbers, flattened; its list of provider names is not a number.
    auto stat = [&](const char *key) {
        return e.value("switchboard_auth_stat", {{QStringLiteral("stat"), QString::fromLatin1(key)}});
    };
    QCOMPARE(stat("succeeded"), 3.0);
    QCOMPARE(stat("failed"), 1.0);
    QCOMPARE(stat("byProvider.token.succeeded"), 3.0);
    QCOMPARE(e.all("switchboard_auth_stat").size(), 3);
    QCOMPARE(e.value("switchboard_buffered_bytes"), 300.0);
    QCOMPARE(e.value("switchboard_buffered_limit_bytes"), 1000.0);
    QCOMPARE(e.value("switchboard_buffer_overflows_total"), 0.0);
    // Without an authenticator the family is left out.
    s.hub.setAuthenticator(nullptr);
    QVERIFY(parse(s.render()).all("switchboard_auth_stat").isEmpty());
}

void tst_PrometheusExporter::listeners()
{
    Scene s;
    s.plain.connectionsOpen = 2;
    s.plain.connectionsAccepted = 7;
    s.plain.connectionsRefused = 1;
    s.plain.requests = 5;
    s.plain.responses = 6;
    s.plain.bytesIn = 1000;
    s.plain.bytesOut = 2000;
    s.plain.headTimeouts = 1;
    s.plain.writeStalls = 2;
    s.plain.outboundBytes = 64;
    s.plain.peakConnectionOutbound = 4096;
    s.plain.addError(404);
    s.plain.addError(404);
    s.plain.addError(503);
    s.odd.requests = 9;
    QList<std::pair<QString, const HttpServerCounters *>> listeners = s.listeners();
    listeners.append({QStringLiteral("gone"), nullptr});
    const Exposition e = parse(PrometheusExporter::render(s.hub, nullptr, listeners));
    QVERIFY2(e.problems.isEmpty(), qPrintable(e.problems.join(QLatin1Char('\n'))));
    const QString plain = QStringLiteral("127.0.0.1:8080");
    const LabelMap l{{QStringLiteral("listener"), plain}};
    QCOMPARE(e.value("switchboard_http_listener_connections", l), 2.0);
    QCOMPARE(e.value("switchboard_http_listener_connections_accepted_total", l), 7.0);
    QCOMPARE(e.value("switchboard_http_listener_connections_refused_total", l), 1.0);
    QCOMPARE(e.value("switchboard_http_listener_requests_total", l), 5.0);
    QCOMPARE(e.value("switchboard_http_listener_responses_total", l), 6.0);
    QCOMPARE(e.value("switchboard_http_listener_received_bytes_total", l), 1000.0);
    QCOMPARE(e.value("switchboard_http_listener_sent_bytes_total", l), 2000.0);
    QCOMPARE(e.value("switchboard_http_listener_outbound_bytes", l), 64.0);
    QCOMPARE(e.value("switchboard_http_listener_peak_connection_outbound_bytes", l), 4096.0);
    auto errors = [&](const char *status) {
        return e.value("switchboard_http_listener_error_responses_total",
                       {{QStringLiteral("listener"), plain}, {QStringLiteral("status"), QString::fromLatin1(status)}});
    };
    QCOMPARE(errors("404"), 2.0);
    QCOMPARE(errors("503"), 1.0);
    QCOMPARE(e.all("switchboard_http_listener_error_responses_total").size(), 2);
    auto timeouts = [&](const char *kind) {
        return e.value("switchboard_http_listener_timeouts_total",
                       {{QStringLiteral("listener"), plain}, {QStringLiteral("kind"), QString::fromLatin1(kind)}});
    };
    QCOMPARE(timeouts("head"), 1.0);
    QCOMPARE(timeouts("body"), 0.0);
    QCOMPARE(timeouts("idle"), 0.0);
    QCOMPARE(timeouts("write_stall"), 2.0);
    // An address with ", \ and a newline comes back as it was; a null listener is left out.
    QCOMPARE(e.value("switchboard_http_listener_requests_total",
                     {{QStringLiteral("listener"), QStringLiteral("we\"ird\\path\nx")}}),
             9.0);
    QCOMPARE(e.all("switchboard_http_listener_requests_total").size(), 2);
    // Without HttpMetrics the route families are left out.
    QVERIFY(!e.types.contains("switchboard_http_requests_total"));
    QVERIFY(!e.types.contains("switchboard_http_request_duration_seconds"));
}

void tst_PrometheusExporter::httpRoutes()
{
    Scene s;
    const QString channel = QStringLiteral("/api/v1/channels/{name}");
    const QString events = QStringLiteral("/api/v1/events");
    const QString odd = QStringLiteral("/odd/\"q\"\\{x}\n");
    s.http.record(channel, "GET", 200, 300);
    s.http.record(channel, "GET", 404, 3000);
    s.http.record(events, "POST", 202, 12'000'000); // over 10 s: only +Inf
    s.http.record(HttpMetrics::unmatchedRoute(), "GET", 404, 1000); // on a bound: le is "<="
    s.http.record(odd, "DELETE", 999, -5);
    const Exposition e = parse(s.render());
    QVERIFY2(e.problems.isEmpty(), qPrintable(e.problems.join(QLatin1Char('\n'))));
    auto requests = [&](const QString &route, const char *method, const char *cls) {
        return e.value("switchboard_http_requests_total", {{QStringLiteral("route"), route},
                                                           {QStringLiteral("method"), QString::fromLatin1(method)},
                                                           {QStringLiteral("status_class"), QString::fromLatin1(cls)}});
    };
    QCOMPARE(requests(channel, "GET", "2xx"), 1.0);
    QCOMPARE(requests(channel, "GET", "4xx"), 1.0);
    QCOMPARE(requests(events, "POST", "2xx"), 1.0);
    QCOMPARE(requests(HttpMetrics::unmatchedRoute(), "GET", "4xx"), 1.0);
    QCOMPARE(requests(odd, "DELETE", "other"), 1.0);
    QCOMPARE(e.all("switchboard_http_requests_total").size(), 5); // classes never seen are left out
    QCOMPARE(e.value("switchboard_http_requests_folded_total"), 0.0);
    auto bucket = [&](const QString &route, const char *method, const char *le) {
        return e.value("switchboard_http_request_duration_seconds_bucket",
                       {{QStringLiteral("route"), route}, {QStringLiteral("method"), QString::fromLatin1(method)},
                        {QStringLiteral("le"), QString::fromLatin1(le)}});
    };
    const LabelMap getChannel{{QStringLiteral("route"), channel}, {QStringLiteral("method"), QStringLiteral("GET")}};
    QCOMPARE(bucket(channel, "GET", "0.0005"), 1.0);
    QCOMPARE(bucket(channel, "GET", "0.0025"), 1.0);
    QCOMPARE(bucket(channel, "GET", "0.005"), 2.0);
    QCOMPARE(bucket(channel, "GET", "+Inf"), 2.0);
    QCOMPARE(e.value("switchboard_http_request_duration_seconds_sum", getChannel), 0.0033);
    QCOMPARE(e.value("switchboard_http_request_duration_seconds_count", getChannel), 2.0);
    QCOMPARE(bucket(events, "POST", "10"), 0.0);
    QCOMPARE(bucket(events, "POST", "+Inf"), 1.0);
    QCOMPARE(e.value("switchboard_http_request_duration_seconds_sum",
                     {{QStringLiteral("route"), events}, {QStringLiteral("method"), QStringLiteral("POST")}}),
             12.0);
    QCOMPARE(bucket(HttpMetrics::unmatchedRoute(), "GET", "0.0005"), 0.0);
    QCOMPARE(bucket(HttpMetrics::unmatchedRoute(), "GET", "0.001"), 1.0);
    QCOMPARE(bucket(odd, "DELETE", "0.0005"), 1.0); // a negative duration counts as 0
    // Every histogram: the fixed buckets in order, cumulative, +Inf equal to _count.
    const QStringList les{QStringLiteral("0.0005"), QStringLiteral("0.001"), QStringLiteral("0.0025"),
                          QStringLiteral("0.005"),  QStringLiteral("0.01"),  QStringLiteral("0.025"),
                          QStringLiteral("0.05"),   QStringLiteral("0.1"),   QStringLiteral("0.25"),
                          QStringLiteral("0.5"),    QStringLiteral("1"),     QStringLiteral("2.5"),
                          QStringLiteral("5"),      QStringLiteral("10"),    QStringLiteral("+Inf")};
    const QList<Sample> counts = e.all("switchboard_http_request_duration_seconds_count");
    QCOMPARE(counts.size(), 4);
    const QList<Sample> buckets = e.all("switchboard_http_request_duration_seconds_bucket");
    QCOMPARE(buckets.size(), counts.size() * les.size());
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        QCOMPARE(buckets[i].labels.value(QStringLiteral("le")), les[i % les.size()]);
        if (i % les.size() > 0)
            QVERIFY(buckets[i].value >= buckets[i - 1].value);
        else
            QCOMPARE(buckets[i].labels.size(), 3);
    }
    for (qsizetype n = 0; n < counts.size(); ++n)
        QCOMPARE(buckets[(n + 1) * les.size() - 1].value, counts[n].value);
}

void tst_PrometheusExporter::routeCardinalityCap()
{
    Scene s;
    QCOMPARE(s.http.maxSeries(), HttpMetrics::DefaultMaxSeries);
    s.http.record(QStringLiteral("/api/v1/events"), "POST", 202, 100);
    s.http.record(QStringLiteral("/api/v1/events"), "GET", 405, 100);
    s.http.record(HttpMetrics::unmatchedRoute(), "GET", 404, 100);
    const HttpMetrics::Series *storage = s.http.series().data();
    // 250 distinct routes: 197 get a series (200 in all), the other 53 are folded into one.
    for (int i = 0; i < 250; ++i)
        s.http.record(QStringLiteral("/r/%1").arg(i), "GET", 200, 2000);
    s.http.record(QStringLiteral("/r/3"), "GET", 500, 2000); // known after the cap: its own series
    s.http.record(QStringLiteral("/r/249"), "GET", 200, 2000); // folded again
    QCOMPARE(s.http.series().size(), size_t(201));
    QCOMPARE(s.http.series().data(), storage); // reserved up front: series never move
    QCOMPARE(s.http.folded(), quint64(54));
    const Exposition e = parse(s.render());
    QVERIFY2(e.problems.isEmpty(), qPrintable(e.problems.join(QLatin1Char('\n'))));
    QCOMPARE(e.value("switchboard_http_requests_folded_total"), 54.0);
    QSet<std::pair<QString, QString>> series;
    for (const Sample &c : e.all("switchboard_http_request_duration_seconds_count"))
        series.insert({c.labels.value(QStringLiteral("route")), c.labels.value(QStringLiteral("method"))});
    QCOMPARE(series.size(), 201);
    const LabelMap other{{QStringLiteral("route"), QStringLiteral("(other)")}, {QStringLiteral("method"), QStringLiteral("(other)")}};
    QCOMPARE(e.value("switchboard_http_request_duration_seconds_count", other), 54.0);
    const LabelMap last{{QStringLiteral("route"), QStringLiteral("/r/196")}, {QStringLiteral("method"), QStringLiteral("GET")}};
    QCOMPARE(e.value("switchboard_http_request_duration_seconds_count", last), 1.0);
    QVERIFY(!series.contains({QStringLiteral("/r/197"), QStringLiteral("GET")}));
    QCOMPARE(e.value("switchboard_http_requests_total", {{QStringLiteral("route"), QStringLiteral("/r/3")},
                                                         {QStringLiteral("method"), QStringLiteral("GET")},
                                                         {QStringLiteral("status_class"), QStringLiteral("5xx")}}),
             1.0);
    // A caller's own "(other)" series is the one folding continues in: one series per label set.
    HttpMetrics small(1);
    small.record(HttpMetrics::otherRoute(), HttpMetrics::otherMethod(), 200, 1);
    small.record(QStringLiteral("/x"), "GET", 200, 1);
    QCOMPARE(small.series().size(), size_t(1));
    QCOMPARE(small.series().front().count, quint64(2));
}

void tst_PrometheusExporter::promtoolAccepts()
{
    // dev.sh installs the Debian package "prometheus" for promtool: missing, this test fails.
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    QVERIFY2(!promtool.isEmpty(), "promtool not found: install the Debian package prometheus (./dev.sh test does)");
    Scene s;
    populate(s);
    if (QTest::currentTestFailed())
        return;
    s.plain.addError(404);
    s.plain.addError(404);
    s.http.record(QStringLiteral("/api/v1/channels/{name}"), "GET", 200, 300);
    s.http.record(QStringLiteral("/api/v1/events"), "POST", 202, 12'000'000);
    s.http.record(QStringLiteral("/odd/\"q\"\\{x}\n"), "GET", 404, 1000);
    for (int i = 0; i < 250; ++i)
        s.http.record(QStringLiteral("/r/%1").arg(i), "GET", 200, 2000);
    const QByteArray text = s.render();
    QTemporaryFile file;
    QVERIFY(file.open());
    QCOMPARE(file.write(text), text.size());
    QVERIFY(file.flush());
    QProcess process;
    process.setStandardInputFile(file.fileName());
    process.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY2(process.waitForFinished(60000), qPrintable(process.errorString()));
    const QByteArray said = process.readAllStandardOutput() + process.readAllStandardError();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             qPrintable(QStringLiteral("promtool exited %1: %2").arg(process.exitCode()).arg(QString::fromUtf8(said))));
    QVERIFY2(said.trimmed().isEmpty(), said.constData()); // no lint warnings either
}

QTEST_GUILESS_MAIN(tst_PrometheusExporter)
#include "tst_prometheusexporter.moc"
