// SPDX-License-Identifier: Apache-2.0
// JsonSchema (plugins/http/api): valijson over nlohmann with exact big integers, the failing JSON
// pointer, draft selection, refused remote $ref, and the bounds that keep std::regex and the
// validator's recursion off the end of the stack. SchemaCache: compile once per document.
#include "jsonschema.h"
#include "schemacache.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sb;
using namespace sb::http;

namespace {

// JSON written with single quotes (no raw strings: moc reads this file).
QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QVariantMap doc(const char *text)
{
    QJsonParseError pe;
    const QJsonDocument d = QJsonDocument::fromJson(json(text), &pe);
    if (pe.error != QJsonParseError::NoError)
        qFatal("bad test schema %s: %s", text, qPrintable(pe.errorString()));
    return d.object().toVariantMap();
}

JsonSchema compiled(const char *text)
{
    const Result<JsonSchema> s = JsonSchema::compile(doc(text));
    if (!s)
        qFatal("schema %s does not compile: %s", text, qPrintable(s.errorString()));
    return s.value();
}

} // namespace

class tst_JsonSchema : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validate_data();
    void validate();
    void failingPath();
    void errorsListed();
    void notJson();
    void invalidSchema_data();
    void invalidSchema();
    void drafts();
    void bounds();
    void sharedCopies();
    void cache();
};

void tst_JsonSchema::validate_data()
{
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("failPath"); // "" is the root
    const auto row = [](const char *name, const char *schema, const char *payload, const char *failPath) {
        QTest::addRow("%s", name) << QByteArray(schema) << QByteArray(payload) << !failPath
                                  << QString::fromLatin1(failPath ? failPath : "");
    };
    const char *order = "{'type':'object','required':['id','items'],'properties':{'id':{'type':'string'},"
                        "'items':{'type':'array','items':{'type':'object','required':['price'],"
                        "'properties':{'price':{'type':'number','minimum':0}}}}}}";
    row("required present", order, "{'id':'a','items':[]}", nullptr);
    row("required missing", order, "{'items':[]}", "");
    row("type wrong", order, "{'id':7,'items':[]}", "/id");
    row("nested array item", order, "{'id':'a','items':[{'price':1},{'price':2.5},{'price':'x'}]}", "/items/2/price");
    row("nested minimum", order, "{'id':'a','items':[{'price':-1}]}", "/items/0/price");
    row("nested required", order, "{'id':'a','items':[{'price':1},{}]}", "/items/1");
    row("escaped pointer", "{'properties':{'a/b~c':{'type':'string'}}}", "{'a/b~c':1}", "/a~1b~0c");
    // Integers beyond 2^53 and 2^63 keep their value (nlohmann uint64 + our adapter).
    row("2^64-ish is an integer", "{'type':'integer'}", "12345678901234567890", nullptr);
    row("2^64-ish over maximum", "{'type':'integer','maximum':100}", "12345678901234567890", "");
    row("2^64-ish under a big maximum", "{'type':'integer','maximum':1e20}", "12345678901234567890", nullptr);
    row("2^64-ish over a big minimum", "{'minimum':10000000000000000000}", "12345678901234567890", nullptr);
    row("2^64-ish under a bigger minimum", "{'minimum':13000000000000000000}", "12345678901234567890", "");
    row("2^63 exclusiveMaximum", "{'exclusiveMaximum':9223372036854775807}", "18446744073709551615", "");
    row("negative big", "{'type':'integer','minimum':0}", "-9223372036854775808", "");
    row("2^53+1 integer", "{'type':'integer','minimum':9007199254740993}", "9007199254740993", nullptr);
    row("integral float is a number", "{'type':'number'}", "1.5", nullptr);
    row("string not integer", "{'type':'integer'}", "'12'", "");
    row("null payload", "{'type':'object'}", "null", "");
    row("top-level array", "{'type':'array','items':{'type':'integer'}}", "[1,2,'3']", "/2");
    row("additionalProperties", "{'type':'object','additionalProperties':false,'properties':{'a':{}}}", "{'a':1,'b':2}", "");
    row("local $ref", "{'definitions':{'p':{'type':'number'}},'properties':{'x':{'$ref':'#/definitions/p'}}}",
        "{'x':'no'}", "/x");
    row("pattern", "{'type':'string','pattern':'^[A-Z]{3}$'}", "'EUR'", nullptr);
    row("pattern fails", "{'type':'string','pattern':'^[A-Z]{3}$'}", "'euro'", "");
    row("format date-time", "{'format':'date-time'}", "'2026-11-29T10:00:00Z'", nullptr);
    row("format date-time fails", "{'format':'date-time'}", "'yesterday'", "");
}

void tst_JsonSchema::validate()
{
    QFETCH(QByteArray, schema);
    QFETCH(QByteArray, payload);
    QFETCH(bool, valid);
    QFETCH(QString, failPath);
    const JsonSchema s = compiled(schema.constData());
    const Status st = s.validate(json(payload.constData()));
    if (valid) {
        QVERIFY2(st, qPrintable(st.errorString()));
        return;
    }
    QVERIFY(!st);
    QCOMPARE(st.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(st.error().details.value(QStringLiteral("path")).toString(), failPath);
    QVERIFY(!st.error().details.value(QStringLiteral("reason")).toString().isEmpty());
    QVERIFY2(st.error().message.contains(QLatin1Char('"') + failPath + QLatin1Char('"')), qPrintable(st.error().message));
}

void tst_JsonSchema::failingPath()
{
    const JsonSchema s = compiled("{'properties':{'items':{'items':{'properties':{'price':{'type':'number'}}}}}}");
    const Status st = s.validate(json("{'items':[{'price':1},{'price':2},{'price':'x'}]}"));
    QVERIFY(!st);
    const QVariantMap d = st.error().details;
    QCOMPARE(d.value(QStringLiteral("path")).toString(), QStringLiteral("/items/2/price"));
    QCOMPARE(d.value(QStringLiteral("reason")).toString(), QStringLiteral("Value type not permitted by 'type' constraint."));
    // valijson's echoes one level up ("Failed to validate item #2") are left out of the list.
    const QVariantList errors = d.value(QStringLiteral("errors")).toList();
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().toMap().value(QStringLiteral("path")).toString(), QStringLiteral("/items/2/price"));
    // The error travels as JSON the way the REST API writes it.
    const QJsonObject o = QJsonObject::fromVariantMap(d);
    QCOMPARE(o.value(QStringLiteral("path")).toString(), QStringLiteral("/items/2/price"));
}

void tst_JsonSchema::errorsListed()
{
    const JsonSchema s = compiled("{'type':'array','items':{'type':'string'}}");
    const Status few = s.validate("[1,\"a\",2]");
    QVERIFY(!few);
    const QVariantList errors = few.error().details.value(QStringLiteral("errors")).toList();
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(0).toMap().value(QStringLiteral("path")).toString(), QStringLiteral("/0"));
    QCOMPARE(errors.at(1).toMap().value(QStringLiteral("path")).toString(), QStringLiteral("/2"));
    QByteArray many = "[";
    for (int i = 0; i < 50; ++i)
        many += (i ? "," : "") + QByteArray::number(i);
    const Status capped = s.validate(QByteArray(many + ']'));
    QVERIFY(!capped);
    QCOMPARE(capped.error().details.value(QStringLiteral("errors")).toList().size(), JsonSchema::MaxReportedErrors);
}

void tst_JsonSchema::notJson()
{
    const JsonSchema s = compiled("{'type':'object'}");
    for (const QByteArray &bytes : {QByteArray("{\"a\":"), QByteArray("hello"), QByteArray(), QByteArray("{} {}"),
                                    QByteArray("\xff\xfe"), QByteArray("{\"a\":1,}")}) {
        const Status st = s.validate(bytes);
        QVERIFY2(!st, bytes.constData());
        QCOMPARE(st.error().code, ErrorCode::BadMessage);
    }
    // A null schema accepts anything, without looking.
    QVERIFY(JsonSchema().isNull());
    QVERIFY(JsonSchema().validate("not json"));
}

void tst_JsonSchema::invalidSchema_data()
{
    QTest::addColumn<QByteArray>("schema");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("type not a type") << json("{'type':'colour'}") << QString();
    QTest::addRow("required not a list") << json("{'required':'a'}") << QString();
    QTest::addRow("minLength not a number") << json("{'minLength':'x'}") << QString();
    QTest::addRow("dangling local $ref") << json("{'$ref':'#/definitions/none'}") << QString();
    QTest::addRow("remote $ref") << json("{'$ref':'http://example.com/schemas/order.json'}")
                                 << QStringLiteral("not allowed");
    QTest::addRow("remote $ref inside") << json("{'properties':{'a':{'$ref':'https://example.com/a.json#/x'}}}")
                                        << QStringLiteral("not allowed");
    QTest::addRow("relative file $ref") << json("{'$ref':'other.json'}") << QStringLiteral("not allowed");
    QTest::addRow("self $ref") << json("{'$ref':'#'}") << QStringLiteral("refers back to itself");
    QTest::addRow("$ref cycle") << json("{'definitions':{'a':{'$ref':'#/definitions/b'},'b':{'$ref':'#/definitions/a'}},"
                                        "'properties':{'x':{'$ref':'#/definitions/a'}}}")
                                << QStringLiteral("refers back to itself");
    QTest::addRow("named anchor $ref") << json("{'$ref':'#price'}") << QStringLiteral("not allowed");
    QTest::addRow("bad pattern") << json("{'pattern':'(unclosed'}") << QStringLiteral("not a regular expression");
    QTest::addRow("bad patternProperties") << json("{'patternProperties':{'[':{}}}")
                                           << QStringLiteral("not a regular expression");
    QTest::addRow("unknown $schema") << json("{'$schema':'https://json-schema.org/draft/2020-12/schema'}")
                                     << QStringLiteral("not supported");
}

void tst_JsonSchema::invalidSchema()
{
    QFETCH(QByteArray, schema);
    QFETCH(QString, mentions);
    const Result<JsonSchema> s = JsonSchema::compile(QJsonDocument::fromJson(schema).object().toVariantMap());
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::InvalidConfig);
    QCOMPARE(s.error().details.value(QStringLiteral("key")).toString(), QStringLiteral("schema"));
    QVERIFY(s.error().message.startsWith(QLatin1String("schema: ")));
    QVERIFY2(s.error().message.size() > 10 && s.error().message.contains(mentions), qPrintable(s.error().message));
}

void tst_JsonSchema::drafts()
{
    // Draft 4: exclusiveMaximum is a flag on maximum; draft 7: a number of its own.
    const char *d4 = "{'$schema':'http://json-schema.org/draft-04/schema#','maximum':10,'exclusiveMaximum':true}";
    const JsonSchema four = compiled(d4);
    QCOMPARE(four.draft(), JsonSchema::Draft::Draft4);
    QVERIFY(four.validate("9"));
    QCOMPARE(four.validate("10").error().code, ErrorCode::ValidationFailed);
    const JsonSchema seven = compiled("{'exclusiveMaximum':10}");
    QCOMPARE(seven.draft(), JsonSchema::Draft::Draft7);
    QVERIFY(seven.validate("9"));
    QVERIFY(!seven.validate("10"));
    QCOMPARE(compiled("{'$schema':'http://json-schema.org/draft-07/schema#'}").draft(), JsonSchema::Draft::Draft7);
    QCOMPARE(compiled("{'$schema':'https://json-schema.org/draft-04/schema'}").draft(), JsonSchema::Draft::Draft4);
    // The draft-7 form under draft 4 and the draft-4 form under draft 7 are refused.
    QVERIFY(!JsonSchema::compile(doc("{'$schema':'http://json-schema.org/draft-04/schema#','exclusiveMaximum':10}")));
    QVERIFY(!JsonSchema::compile(doc("{'maximum':10,'exclusiveMaximum':true}")));
    // const (draft 6+) compares big integers exactly, not as doubles (a map of our own: the REST
    // body's QJsonDocument would have made the constant a double).
    const JsonSchema exact = JsonSchema::compile({{QStringLiteral("const"), qulonglong(12345678901234567890ULL)}}).value();
    QVERIFY(exact.validate("12345678901234567890"));
    QVERIFY(!exact.validate("12345678901234567891"));
    QVERIFY(!exact.validate("-6101065172474983726")); // the value a wrapped int64 cast would give
}

void tst_JsonSchema::bounds()
{
    // Nesting deeper than MaxDepth is not handed to the recursive validator.
    const JsonSchema any = compiled("{'items':{'$ref':'#'}}");
    const QByteArray ok = QByteArray(JsonSchema::MaxDepth, '[') + QByteArray(JsonSchema::MaxDepth, ']');
    QVERIFY(any.validate(ok));
    const QByteArray deep = QByteArray(JsonSchema::MaxDepth + 1, '[') + QByteArray(JsonSchema::MaxDepth + 1, ']');
    QCOMPARE(any.validate(deep).error().code, ErrorCode::ValidationFailed);
    // A schema with a pattern refuses strings longer than its regex budget (std::regex recursion:
    // 100,000 characters against "^(a|b)*$" overflow an 8 MiB stack). Without one, no limit.
    const JsonSchema pattern = compiled("{'properties':{'code':{'pattern':'^(a|b)*$'}}}");
    QVERIFY(pattern.regexInputLimit() > 1000);
    QVERIFY(pattern.regexInputLimit() < 8192);
    const QByteArray fits = "{\"code\":\"" + QByteArray(pattern.regexInputLimit(), 'a') + "\"}";
    QVERIFY(pattern.validate(fits));
    const QByteArray huge = "{\"code\":\"" + QByteArray(100000, 'a') + "\"}";
    const Status refused = pattern.validate(huge);
    QCOMPARE(refused.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(refused.error().details.value(QStringLiteral("path")).toString(), QStringLiteral("/code"));
    const JsonSchema heavier = compiled("{'pattern':'^((((((((((a|b))))))))))*$'}");
    QVERIFY(heavier.regexInputLimit() < pattern.regexInputLimit());
    QCOMPARE(heavier.validate(QByteArray("\"" + QByteArray(5000, 'a') + "\"")).error().code, ErrorCode::ValidationFailed);
    const QByteArray longTime = "\"2026-11-29T10:00:00." + QByteArray(100000, '1') + "Z\"";
    QCOMPARE(compiled("{'format':'date-time'}").validate(longTime).error().code, ErrorCode::ValidationFailed);
    const JsonSchema plain = compiled("{'type':'string'}");
    QCOMPARE(plain.regexInputLimit(), 0);
    QVERIFY(plain.validate(QByteArray("\"" + QByteArray(100000, 'a') + "\"")));
}

void tst_JsonSchema::sharedCopies()
{
    const JsonSchema a = compiled("{'type':'integer'}");
    const JsonSchema b = a; // shares the compiled form
    QVERIFY(!b.isNull());
    QCOMPARE(b.document(), a.document());
    QVERIFY(b.validate("1"));
    QVERIFY(!b.validate("\"1\""));
}

void tst_JsonSchema::cache()
{
    SchemaCache cache(2);
    ChannelConfig orders;
    orders.name = QStringLiteral("orders");
    QVERIFY(cache.schemaFor(orders).value().isNull()); // no schema: nothing compiled
    QCOMPARE(cache.compilations(), 0);
    orders.schema = doc("{'type':'object'}");
    QVERIFY(!cache.schemaFor(orders).value().isNull());
    ChannelConfig copy = orders; // the bus hands out copies
    QVERIFY(cache.schemaFor(copy));
    copy.schema = doc("{'type':'object'}"); // equal, not shared
    QVERIFY(cache.schemaFor(copy));
    QCOMPARE(cache.compilations(), 1);
    copy.schema = doc("{'type':'array'}"); // changed: compiled again
    QVERIFY(cache.schemaFor(copy).value().validate("[]"));
    QCOMPARE(cache.compilations(), 2);
    // A document that does not compile: INVALID_CONFIG naming the channel, remembered.
    ChannelConfig broken;
    broken.name = QStringLiteral("broken");
    broken.schema = doc("{'type':'colour'}");
    QCOMPARE(cache.schemaFor(broken).error().code, ErrorCode::InvalidConfig);
    QVERIFY(cache.schemaFor(broken).error().message.contains(QLatin1String("channel \"broken\"")));
    QCOMPARE(cache.compilations(), 3);
    // Bounded: a third channel evicts the least recently used ("orders").
    ChannelConfig third = orders;
    third.name = QStringLiteral("third");
    QVERIFY(cache.schemaFor(third));
    QCOMPARE(cache.size(), 2);
    QVERIFY(cache.schemaFor(broken).error().isError());
    QCOMPARE(cache.compilations(), 4);
    QVERIFY(cache.schemaFor(copy));
    QCOMPARE(cache.compilations(), 5);
    QCOMPARE(cache.size(), 2);
}

QTEST_GUILESS_MAIN(tst_JsonSchema)
#include "tst_jsonschema.moc"
