// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>
#include <switchboard/jsoncodec.h>

#include <QJsonDocument>
#include <QTest>

#include <limits>

using namespace sb;

class tst_JsonCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contractShape();
    void roundTrip_data();
    void roundTrip();
    void malformed_data();
    void malformed();
    void numbersOutOfRange_data();
    void numbersOutOfRange();
    void numbersInRange();
    void extremeTimestampsEncode_data();
    void extremeTimestampsEncode();
    void acceptsIpcExample();
    void acceptsSurrogatePairs();
    void jsonPayloadSurvivesExactly_data();
    void jsonPayloadSurvivesExactly();
};

static Message sample()
{
    Message m = Message::create(MessageType::Request, QStringLiteral("sensor.1.temp"), "{\"c\":21.5}");
    m.setChannel(QStringLiteral("platform-events"));
    m.setAction(QStringLiteral("read"));
    m.setContentType(QStringLiteral("application/json"));
    m.setCorrelationId(QStringLiteral("corr-1"));
    m.setTimestamp(1764000000123);
    return m;
}

void tst_JsonCodec::contractShape()
{
    // The IPC contract: exactly these names, timestamp in ISO-8601, error as an object or null.
    const QJsonObject o = JsonCodec::toJsonObject(sample());
    for (const char *key : {"messageId", "type", "channel", "action", "data", "timestamp", "correlationId", "error"})
        QVERIFY2(o.contains(QLatin1String(key)), key);
    QCOMPARE(o.value(QStringLiteral("type")).toString(), QStringLiteral("request"));
    QCOMPARE(o.value(QStringLiteral("timestamp")).toString(), QStringLiteral("2025-11-24T16:00:00.123Z"));
    QVERIFY(o.value(QStringLiteral("error")).isNull());
    QCOMPARE(o.value(QStringLiteral("data")).toObject().value(QStringLiteral("c")).toDouble(), 21.5);

    Message failed = sample();
    failed.setError(Error(ErrorCode::Timeout, QStringLiteral("too slow"), {{QStringLiteral("afterMs"), 5000}}));
    const QJsonObject e = JsonCodec::toJsonObject(failed).value(QStringLiteral("error")).toObject();
    QCOMPARE(e.value(QStringLiteral("code")).toString(), QStringLiteral("TIMEOUT"));
    QCOMPARE(e.value(QStringLiteral("message")).toString(), QStringLiteral("too slow"));
    QCOMPARE(e.value(QStringLiteral("details")).toObject().value(QStringLiteral("afterMs")).toInt(), 5000);
}

void tst_JsonCodec::roundTrip_data()
{
    QTest::addColumn<Message>("message");
    QTest::addRow("json payload") << sample();
    Message text = sample();
    text.setContentType(QStringLiteral("text/plain"));
    text.setPayload("hello wörld");
    QTest::addRow("text payload") << text;
    Message binary = sample();
    binary.setContentType(QStringLiteral("application/octet-stream"));
    binary.setPayload(QByteArray("\x00\xff\xfe\x80 binary", 11));
    QTest::addRow("binary payload") << binary;
    Message full = sample();
    full.setType(MessageType::Response);
    full.setHeaders({{QStringLiteral("x-trace"), QStringLiteral("abc")}, {QStringLiteral("k"), QStringLiteral("v")}});
    full.setReplyTo(QStringLiteral("inbox.1"));
    full.setTtl(30000);
    full.setAttempt(3);
    full.setSource(QStringLiteral("native-4"));
    full.setError(Error(ErrorCode::NoResponders, QStringLiteral("nobody"), {{QStringLiteral("topic"), QStringLiteral("a")}}));
    QTest::addRow("every field") << full;
    Message empty = Message::create(MessageType::Event, QStringLiteral("a"));
    empty.setTimestamp(1000);
    QTest::addRow("empty payload") << empty;
    for (MessageType t : {MessageType::Subscribe, MessageType::Unsubscribe}) {
        Message m = empty;
        m.setType(t);
        QTest::addRow("type %s", qPrintable(messageTypeName(t))) << m;
    }
}

void tst_JsonCodec::roundTrip()
{
    QFETCH(Message, message);
    const QByteArray json = JsonCodec::encode(message);
    Result<Message> decoded = JsonCodec::decode(json);
    QVERIFY2(decoded, qPrintable(decoded.errorString()));
    QCOMPARE(JsonCodec::encode(decoded.value()), json);
    QCOMPARE(decoded->payload(), message.payload());
    QCOMPARE(decoded->type(), message.type());
    QCOMPARE(decoded->timestamp(), message.timestamp());
    QCOMPARE(decoded->headers(), message.headers());
    QCOMPARE(decoded->error().code, message.error().code);
}

void tst_JsonCodec::malformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("not json") << QByteArray("{nope") << "BAD_FRAME" << "offset";
    QTest::addRow("array") << QByteArray("[1,2]") << "BAD_MESSAGE" << "JSON object";
    QTest::addRow("no type") << QByteArray("{\"channel\":\"a\"}") << "BAD_MESSAGE" << "\"type\"";
    QTest::addRow("bad type") << QByteArray("{\"type\":\"shout\"}") << "BAD_MESSAGE" << "shout";
    QTest::addRow("channel not string") << QByteArray("{\"type\":\"event\",\"channel\":5}") << "BAD_MESSAGE"
                                        << "\"channel\"";
    QTest::addRow("bad timestamp") << QByteArray("{\"type\":\"event\",\"timestamp\":\"yesterday\"}") << "BAD_MESSAGE"
                                   << "ISO-8601";
    QTest::addRow("numeric timestamp") << QByteArray("{\"type\":\"event\",\"timestamp\":5}") << "BAD_MESSAGE"
                                       << "timestamp";
    QTest::addRow("bad base64") << QByteArray("{\"type\":\"event\",\"data\":\"@@\",\"dataEncoding\":\"base64\"}")
                                << "BAD_MESSAGE" << "base64";
    QTest::addRow("unknown encoding") << QByteArray("{\"type\":\"event\",\"data\":\"x\",\"dataEncoding\":\"rot13\"}")
                                      << "BAD_MESSAGE" << "dataEncoding";
    QTest::addRow("error not object") << QByteArray("{\"type\":\"event\",\"error\":\"bad\"}") << "BAD_MESSAGE"
                                      << "\"error\"";
    QTest::addRow("unknown error code") << QByteArray("{\"type\":\"event\",\"error\":{\"code\":\"OOPS\"}}")
                                        << "BAD_MESSAGE" << "OOPS";
    QTest::addRow("error code OK") << QByteArray("{\"type\":\"event\",\"error\":{\"code\":\"OK\",\"message\":\"x\"}}")
                                   << "BAD_MESSAGE" << "error.code";
    // Unpaired surrogates (\ud800 escapes) cannot be forwarded as UTF-8 unchanged; found by fuzz_json_codec.
    QTest::addRow("lone surrogate in a header") << QByteArray(R"({"type":"event","headers":{"k":"\uda20ac"}})")
                                                << "BAD_MESSAGE" << "headers.k";
    QTest::addRow("lone surrogate in the topic") << QByteArray(R"({"type":"event","topic":"a.\udc00"})")
                                                 << "BAD_MESSAGE" << "\"topic\"";
    QTest::addRow("lone surrogate in a key") << QByteArray(R"({"type":"event","x\ud800":1})") << "BAD_MESSAGE"
                                             << "Unicode";
    QTest::addRow("lone surrogate in data") << QByteArray(R"({"type":"event","data":{"a":["\ud800"]}})")
                                            << "BAD_MESSAGE" << "data.a[0]";
    QTest::addRow("header not string") << QByteArray("{\"type\":\"event\",\"headers\":{\"a\":1}}") << "BAD_MESSAGE"
                                       << "headers.a";
    QTest::addRow("negative ttl") << QByteArray("{\"type\":\"event\",\"ttl\":-1}") << "BAD_MESSAGE" << "ttl";
    QTest::addRow("too large") << QByteArray(2 * 1024 * 1024, ' ') << "TOO_LARGE" << "limit";
}

void tst_JsonCodec::malformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    Result<Message> r = JsonCodec::decode(json);
    QVERIFY(!r);
    QCOMPARE(r.error().codeName(), code);
    QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
}

// Converting a double outside an integer type's range to it is undefined behaviour: every one of
// these must be a BAD_MESSAGE naming the field (and run clean under UBSan).
void tst_JsonCodec::numbersOutOfRange_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    const double inf = std::numeric_limits<double>::infinity();
    for (const QString &field : {QStringLiteral("ttl"), QStringLiteral("attempt")}) {
        QTest::addRow("%s 1e300", qPrintable(field)) << field << QJsonValue(1e300);
        QTest::addRow("%s -1e300", qPrintable(field)) << field << QJsonValue(-1e300);
        QTest::addRow("%s 2^63", qPrintable(field)) << field << QJsonValue(9223372036854775808.0);
        QTest::addRow("%s -1", qPrintable(field)) << field << QJsonValue(-1);
        QTest::addRow("%s fraction", qPrintable(field)) << field << QJsonValue(2.5);
        QTest::addRow("%s infinity", qPrintable(field)) << field << QJsonValue(inf);
        QTest::addRow("%s -infinity", qPrintable(field)) << field << QJsonValue(-inf);
        QTest::addRow("%s NaN", qPrintable(field)) << field << QJsonValue(std::numeric_limits<double>::quiet_NaN());
        QTest::addRow("%s string", qPrintable(field)) << field << QJsonValue(QStringLiteral("5"));
        QTest::addRow("%s int64 max", qPrintable(field)) << field << QJsonValue(std::numeric_limits<qint64>::max());
    }
    QTest::addRow("ttl just over 9e15") << QStringLiteral("ttl") << QJsonValue(9.0e15 + 2);
    QTest::addRow("attempt 1000001") << QStringLiteral("attempt") << QJsonValue(1000001);
}

void tst_JsonCodec::numbersOutOfRange()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    QJsonObject o{{QStringLiteral("type"), QStringLiteral("event")}, {field, value}};
    Result<Message> r = JsonCodec::fromJsonObject(o);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::BadMessage);
    QCOMPARE(r.error().details.value(QStringLiteral("field")).toString(), field);
    // From text too, where the parser can produce them (NaN and infinity have no JSON spelling).
    const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    Result<Message> parsed = JsonCodec::decode(text);
    if (!parsed) // e.g. infinity is written as null, which means "absent"
        QCOMPARE(parsed.error().code, ErrorCode::BadMessage);
}

void tst_JsonCodec::numbersInRange()
{
    Result<Message> r = JsonCodec::decode(R"({"type":"event","ttl":9e15,"attempt":1000000})");
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r.value().ttl(), qint64(9e15));
    QCOMPARE(r.value().attempt(), 1000000);
    r = JsonCodec::decode(R"({"type":"event","ttl":0,"attempt":0})");
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r.value().ttl(), 0);
    QCOMPARE(r.value().attempt(), 0);
    r = JsonCodec::decode(R"({"type":"event","ttl":1500.0})");
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r.value().ttl(), 1500);
}

void tst_JsonCodec::extremeTimestampsEncode_data()
{
    QTest::addColumn<qint64>("timestamp");
    QTest::addRow("int64 max") << std::numeric_limits<qint64>::max();
    QTest::addRow("int64 min") << std::numeric_limits<qint64>::min();
    QTest::addRow("-1") << qint64(-1);
}

void tst_JsonCodec::extremeTimestampsEncode()
{
    // A binary message's timestamp is any i64; its JSON form must not overflow either.
    QFETCH(qint64, timestamp);
    Message m(MessageType::Event, QStringLiteral("t"));
    m.setTimestamp(timestamp);
    m.setTtl(std::numeric_limits<qint64>::max() / 2);
    const QJsonObject o = JsonCodec::toJsonObject(m);
    QVERIFY(o.value(QStringLiteral("timestamp")).isString());
    QVERIFY(o.value(QStringLiteral("ttl")).isDouble());
}

void tst_JsonCodec::acceptsIpcExample()
{
    const QByteArray json = R"({"messageId":"m-1","type":"event","channel":"platform-events","action":"boot",
        "data":{"board":"imx8"},"timestamp":"2026-11-24T08:30:00.000Z","correlationId":"","error":null})";
    Result<Message> r = JsonCodec::decode(json);
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r->id(), QStringLiteral("m-1"));
    QCOMPARE(r->type(), MessageType::Event);
    QCOMPARE(r->channel(), QStringLiteral("platform-events"));
    QCOMPARE(r->contentType(), QStringLiteral("application/json"));
    QCOMPARE(r->payload(), QByteArray("{\"board\":\"imx8\"}"));
    QCOMPARE(JsonCodec::formatTimestamp(r->timestamp()), QStringLiteral("2026-11-24T08:30:00.000Z"));
}

void tst_JsonCodec::acceptsSurrogatePairs()
{
    // A pair spells one character outside the BMP: valid, and it survives the binary codec.
    Result<Message> r = JsonCodec::decode(R"({"type":"event","topic":"a.\ud83d\ude00","headers":{"k":"\ud83d\ude00"}})");
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r.value().topic(), QStringLiteral("a.\U0001F600"));
    Result<Message> binary = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(r.value()));
    QVERIFY(binary);
    QCOMPARE(binary.value(), r.value());
}

// A JSON payload is embedded as JSON only when Qt writes it back byte for byte; otherwise it travels
// as a string, so the bytes a publisher sent are the bytes a subscriber gets (fuzz_json_codec found
// "-0" coming back as "0").
void tst_JsonCodec::jsonPayloadSurvivesExactly_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("embedded");
    QTest::addRow("object") << QByteArray("{\"c\":21.5}") << true;
    QTest::addRow("negative zero") << QByteArray("-0") << false;
    QTest::addRow("1.0") << QByteArray("1.0") << false;
    QTest::addRow("exponent") << QByteArray("1e2") << false;
    QTest::addRow("spaces") << QByteArray("{ \"c\": 1 }") << false;
    QTest::addRow("big integer") << QByteArray("12345678901234567890") << false;
    QTest::addRow("not JSON") << QByteArray("{oops") << false;
}

void tst_JsonCodec::jsonPayloadSurvivesExactly()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, embedded);
    Message m = sample();
    m.setPayload(payload);
    const QJsonObject o = JsonCodec::toJsonObject(m);
    QCOMPARE(!o.value(QStringLiteral("data")).isString(), embedded);
    const Result<Message> back = JsonCodec::decode(JsonCodec::encode(m));
    QVERIFY2(back, qPrintable(back.errorString()));
    QCOMPARE(back->payload(), payload);
    QCOMPARE(back->contentType(), QStringLiteral("application/json"));
}

QTEST_GUILESS_MAIN(tst_JsonCodec)
#include "tst_jsoncodec.moc"
