// SPDX-License-Identifier: Apache-2.0
// The subscription filter language (MessageFilter): what it accepts, what it refuses and where,
// what it matches, and the bus counting what filters withhold.
#include <switchboard/bus.h>
#include <switchboard/messagefilter.h>

#include <QTest>

using namespace sb;

namespace {

Message sample()
{
    Message m(MessageType::Event, QStringLiteral("sensor.b1.temp"),
              R"({"temperature": 31.5, "count": 9007199254740993, "site": "b1", "tags": ["hot", "roof"],
                  "alarm": null, "ok": true, "nested": {"list": [{"v": 1}, {"v": 2}]}, "weird key": "x"})");
    m.setAction(QStringLiteral("reading"));
    m.setHeader(QStringLiteral("site"), QStringLiteral("b1"));
    m.setHeader(QStringLiteral("x-priority"), QStringLiteral("5"));
    m.setContentType(QStringLiteral("application/json"));
    return m;
}

bool matches(const QString &expression, const Message &m = sample())
{
    Result<MessageFilter> f = MessageFilter::compile({}, expression);
    if (!f) {
        qWarning("%s", qPrintable(f.error().message));
        return false;
    }
    const FilterInput input(m);
    return f.value().matches(input);
}

} // namespace

class tst_MessageFilter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matching_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<bool>("expected");
        QTest::newRow("issue example") << "data.temperature > 30 && headers.site == \"b1\"" << true;
        QTest::newRow("issue example, other site") << "data.temperature > 30 && headers.site == \"b2\"" << false;
        QTest::newRow("<=") << "data.temperature <= 31.5" << true;
        QTest::newRow("<") << "data.temperature < 31.5" << false;
        QTest::newRow(">= int/double") << "data.temperature >= 31" << true;
        QTest::newRow("big integer exact") << "data.count == 9007199254740993" << true;
        QTest::newRow("big integer not rounded") << "data.count == 9007199254740992" << false;
        QTest::newRow("header number coerced") << "headers[\"x-priority\"] > 3" << true;
        QTest::newRow("header dotted dash") << "headers.x-priority == 5" << true;
        QTest::newRow("string order") << "data.site < \"b2\"" << true;
        QTest::newRow("missing ==") << "data.nothing == 1" << false;
        QTest::newRow("missing !=") << "data.nothing != 1" << true;
        QTest::newRow("missing <") << "data.nothing < 1" << false;
        QTest::newRow("missing header") << "headers.absent == \"\"" << false;
        QTest::newRow("null") << "data.alarm == null" << true;
        QTest::newRow("exists null") << "exists(data.alarm)" << true;
        QTest::newRow("exists missing") << "exists(data.nothing)" << false;
        QTest::newRow("bare true") << "data.ok" << true;
        QTest::newRow("bare non-bool") << "data.site" << false;
        QTest::newRow("not") << "!data.ok" << false;
        QTest::newRow("in") << "event in [\"created\", \"reading\"]" << true;
        QTest::newRow("in numbers") << "data.nested.list[1].v in [2, 3]" << true;
        QTest::newRow("not in") << "!(event in [\"created\"])" << true;
        QTest::newRow("array index") << "data.nested.list[0].v == 1" << true;
        QTest::newRow("dotted index") << "data.tags.1 == \"roof\"" << true;
        QTest::newRow("index past end") << "data.tags[5] == \"roof\"" << false;
        QTest::newRow("quoted key") << "data[\"weird key\"] == 'x'" << true;
        QTest::newRow("contains array") << "contains(data.tags, \"roof\")" << true;
        QTest::newRow("contains string") << "contains(topic, \".b1.\")" << true;
        QTest::newRow("startsWith") << "startsWith(topic, \"sensor.\")" << true;
        QTest::newRow("or chain") << "data.site == \"x\" || data.site == \"y\" || data.site == \"b1\"" << true;
        QTest::newRow("precedence") << "false && true || true" << true;
        QTest::newRow("parentheses") << "false && (true || true)" << false;
        QTest::newRow("type mismatch ==") << "data.site == 1" << false;
        QTest::newRow("type mismatch !=") << "data.site != 1" << true;
        QTest::newRow("bool order") << "data.ok > false" << false;
        QTest::newRow("size") << "size > 10" << true;
        QTest::newRow("content type") << "content_type == \"application/json\"" << true;
        QTest::newRow("topic") << "topic == \"sensor.b1.temp\"" << true;
        QTest::newRow("unicode escape") << "data.site == \"\\u0062\\u0031\"" << true;
        QTest::newRow("whole payload object") << "exists(data)" << true;
    }
    void matching()
    {
        QFETCH(QString, expression);
        QFETCH(bool, expected);
        QCOMPARE(matches(expression), expected);
    }

    void scalarAndBadPayloads()
    {
        Message number(MessageType::Event, QStringLiteral("t"), " 42 ");
        QVERIFY(matches(QStringLiteral("data == 42"), number));
        Message text(MessageType::Event, QStringLiteral("t"), "\"on\"");
        QVERIFY(matches(QStringLiteral("data == \"on\""), text));
        Message notJson(MessageType::Event, QStringLiteral("t"), "temperature=31");
        QVERIFY(!matches(QStringLiteral("exists(data)"), notJson));
        QVERIFY(matches(QStringLiteral("data.temperature != 31"), notJson));
        Message empty(MessageType::Event, QStringLiteral("t"));
        QVERIFY(!matches(QStringLiteral("exists(data)"), empty));
        QVERIFY(!matches(QStringLiteral("exists(event)"), empty));
    }

    void eventTypes()
    {
        Result<MessageFilter> f = MessageFilter::compile({QStringLiteral("created"), QStringLiteral("reading")}, QString());
        QVERIFY(f);
        QVERIFY(!f.value().isEmpty());
        const Message m = sample();
        QVERIFY(f.value().matches(FilterInput(m)));
        Message other = sample();
        other.setAction(QStringLiteral("deleted"));
        QVERIFY(!f.value().matches(FilterInput(other)));
        // Both: the event type and the predicate must hold.
        Result<MessageFilter> both = MessageFilter::compile({QStringLiteral("reading")}, QStringLiteral("data.temperature > 40"));
        QVERIFY(both);
        QVERIFY(!both.value().matches(FilterInput(m)));
        QCOMPARE(both.value().toVariantMap().value(QStringLiteral("filter")).toString(), QStringLiteral("data.temperature > 40"));
        // Nothing given: empty, matches all.
        Result<MessageFilter> none = MessageFilter::compile({}, QStringLiteral("   "));
        QVERIFY(none && none.value().isEmpty());
        QVERIFY(none.value().matches(FilterInput(other)));
    }

    void refusedWithPosition_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("reasonPart");
        QTest::newRow("single =") << "data.a = 1" << 8 << "did you mean \"==\"";
        QTest::newRow("unknown field") << "temperature > 3" << 1 << "unknown field";
        QTest::newRow("unclosed string") << "topic == \"abc" << 10 << "not closed";
        QTest::newRow("missing operand") << "data.a > " << 10 << "expected a field";
        QTest::newRow("unbalanced") << "(data.a > 1" << 12 << "expected \")\"";
        QTest::newRow("trailing") << "data.a > 1 data.b" << 12 << "unexpected";
        QTest::newRow("unknown function") << "matches(topic, \"x\")" << 1 << "unknown function";
        QTest::newRow("exists literal") << "exists(1)" << 1 << "takes a field";
        QTest::newRow("list elsewhere") << "data.a == [1]" << 11 << "only follow \"in\"";
        QTest::newRow("empty list") << "data.a in []" << 11 << "empty list";
        QTest::newRow("list of fields") << "data.a in [data.b]" << 12 << "values only";
        QTest::newRow("bad escape") << "topic == \"\\q\"" << 11 << "unknown escape";
        QTest::newRow("headers alone") << "headers == 1" << 9 << "headers needs a name";
        QTest::newRow("negative index") << "data.a[-1] == 1" << 8 << "whole number";
        QTest::newRow("stray character") << "data.a # 1" << 8 << "unexpected character";
        QTest::newRow("single &") << "true & false" << 6 << "\"&&\"";
    }
    void refusedWithPosition()
    {
        QFETCH(QString, expression);
        QFETCH(int, position);
        QFETCH(QString, reasonPart);
        Result<MessageFilter> f = MessageFilter::compile({}, expression);
        QVERIFY(!f);
        QCOMPARE(f.error().code, ErrorCode::BadMessage);
        QCOMPARE(f.error().details.value(QStringLiteral("field")).toString(), QStringLiteral("filter"));
        QVERIFY2(f.error().message.contains(reasonPart), qPrintable(f.error().message));
        QCOMPARE(f.error().details.value(QStringLiteral("position")).toInt(), position);
    }

    void limits()
    {
        FilterLimits l;
        l.maxLength = 20;
        l.maxDepth = 3;
        l.maxEventTypes = 2;
        Result<MessageFilter> tooLong = MessageFilter::compile({}, QStringLiteral("data.temperature > 30000000"), l);
        QVERIFY(!tooLong);
        QVERIFY(tooLong.error().message.contains(QLatin1String("max-filter-length")));
        QVERIFY(MessageFilter::compile({}, QStringLiteral("((true))"), l));
        Result<MessageFilter> deep = MessageFilter::compile({}, QStringLiteral("((((true))))"), l);
        QVERIFY(!deep);
        QVERIFY(deep.error().message.contains(QLatin1String("max-filter-depth")));
        QVERIFY(!MessageFilter::compile({}, QStringLiteral("!!!!true"), l));
        Result<MessageFilter> types = MessageFilter::compile({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, {}, l);
        QVERIFY(!types);
        QCOMPARE(types.error().details.value(QStringLiteral("field")).toString(), QStringLiteral("event_types"));
        QVERIFY(!MessageFilter::compile({QString()}, {}));
        // A long || chain within the length limit is one node: evaluated without deep recursion.
        QStringList terms;
        for (int i = 0; i < 500; ++i)
            terms << QStringLiteral("data.n == %1").arg(i);
        Result<MessageFilter> chain = MessageFilter::compile({}, terms.join(QStringLiteral(" || ")), FilterLimits{100000, 32, 64});
        QVERIFY(chain);
        Message m(MessageType::Event, QStringLiteral("t"), R"({"n": 499})");
        QVERIFY(chain.value().matches(FilterInput(m)));
    }

    // The bus applies a subscription's filter, counts what it withheld, and parses the payload
    // once for all filtered subscribers (FilterInput is per message).
    void busAppliesAndCounts()
    {
        Bus bus;
        QList<Message> hot, all;
        SubscriptionOptions hotOptions;
        hotOptions.pattern = QStringLiteral("sensor.>");
        hotOptions.filter = MessageFilter::compile({}, QStringLiteral("data.temperature > 30")).value();
        QVERIFY(bus.subscribe(hotOptions, Principal::inProcess(QStringLiteral("test")), this, [&hot](const Message &m) {
            hot.append(m);
            return Status();
        }));
        SubscriptionOptions allOptions;
        allOptions.pattern = QStringLiteral("sensor.>");
        QVERIFY(bus.subscribe(allOptions, Principal::inProcess(QStringLiteral("test")), this, [&all](const Message &m) {
            all.append(m);
            return Status();
        }));
        for (int t : {25, 35, 28, 40}) {
            Message m(MessageType::Event, QStringLiteral("sensor.b1.temp"), QByteArray("{\"temperature\": ") + QByteArray::number(t) + '}');
            QVERIFY(bus.publish(m, Principal::inProcess(QStringLiteral("test"))));
        }
        QTRY_COMPARE(all.size(), 4);
        QTRY_COMPARE(hot.size(), 2);
        QCOMPARE(hot.at(0).payload(), QByteArray("{\"temperature\": 35}"));
        QCOMPARE(hot.at(1).payload(), QByteArray("{\"temperature\": 40}"));
        QCOMPARE(bus.stats()->global().total.filtered, 2u);
    }
};

QTEST_GUILESS_MAIN(tst_MessageFilter)
#include "tst_messagefilter.moc"
