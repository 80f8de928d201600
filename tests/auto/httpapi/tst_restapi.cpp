// SPDX-License-Identifier: Apache-2.0
// The REST API (plugins/http/api) straight into an in-process hub: every route, its errors, the
// request-scoped principal against the ACL (refused -> nothing delivered), pagination, trace
// context. The HTTP transport under it has its own tests.
#include "tst_restapi.h"
#include "tracecontext.h"

#include <switchboard/accesscontrol.h>
#include <switchboard/bus.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/hub.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>




void tst_RestApi::publishEvent()
{
    Hub hub;
    RestApi api(&hub, {});
    Inbox inbox;
    QVERIFY(hub.bus()->subscribe({QStringLiteral("orders.>")}, Principal::inProcess(QStringLiteral("t")), this,
                                 inbox.handler()));
    // The payload's bytes arrive exactly as sent: a big integer and "1.0" survive.
    const QByteArray body = R"({"topic":"orders.created","event":"created","payload":{"id":12345678901234567890,"v":1.0},)"
                            R"("headers":{"x-shop":"berlin"}})";
    const Answer a = call(api, "POST", "/api/v1/events", body);
    QCOMPARE(a.status, 202);
    const QString id = a.data().toObject().value(QStringLiteral("id")).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(a.data().toObject().value(QStringLiteral("deliveries")).toInt(), 1);
    QVERIFY(a.json().value(QStringLiteral("meta")).toObject().contains(QStringLiteral("timestamp")));
    QCOMPARE(a.json().value(QStringLiteral("meta")).toObject().value(QStringLiteral("version")).toString(),
             QStringLiteral("v1"));
    QTRY_COMPARE(inbox.messages.size(), 1);
    const Message &m = inbox.messages.first();
    QCOMPARE(m.id(), id);
    QCOMPARE(m.topic(), QStringLiteral("orders.created"));
    QCOMPARE(m.action(), QStringLiteral("created"));
    QCOMPARE(m.payload(), QByteArray(R"({"id":12345678901234567890,"v":1.0})"));
    QCOMPARE(m.contentType(), QStringLiteral("application/json"));
    QCOMPARE(m.header(QStringLiteral("x-shop")), QStringLiteral("berlin"));
    QVERIFY(TraceContext::isValid(m.header(QStringLiteral("traceparent")).toLatin1()));
    QCOMPARE(m.source(), QStringLiteral("anonymous")); // the hub's stamp of the request's principal
    // A string payload is its text.
    QCOMPARE(call(api, "POST", "/api/v1/events", R"({"topic":"orders.note","payload":"hello"})").status, 202);
    QTRY_COMPARE(inbox.messages.size(), 2);
    QCOMPARE(inbox.messages.last().payload(), QByteArray("hello"));
}

void tst_RestApi::publishErrors()
{
    Hub hub;
    RestApi api(&hub, {});
    Inbox inbox;
    QVERIFY(hub.bus()->subscribe({QStringLiteral(">")}, Principal::inProcess(QStringLiteral("t")), this, inbox.handler()));
    struct Case {
        QByteArray body, type;
        int status;
        const char *code;
    };
    const QList<Case> cases{
        {R"({"topic":"a.b"})", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"},
        {R"({"topic":"a.b"})", "", 415, "UNSUPPORTED_MEDIA_TYPE"},
        {R"({"topic":"a.b",)", "application/json", 400, "BAD_MESSAGE"},
        {R"(["a.b"])", "application/json", 400, "BAD_MESSAGE"},
        {R"({"event":"x"})", "application/json", 400, "BAD_MESSAGE"},
        {R"({"topic":7})", "application/json", 400, "BAD_MESSAGE"},
        {R"({"topic":"a..b"})", "application/json", 400, "INVALID_TOPIC"},
        {R"({"topic":"a.*"})", "application/json", 400, "INVALID_TOPIC"},
        {R"({"topic":"a.b","headers":{"k":1}})", "application/json", 400, "BAD_MESSAGE"},
        {R"({"topic":"a.b","channel":"nope"})", "application/json", 404, "CHANNEL_NOT_FOUND"},
        {R"({"topic":"$sb.fake"})", "application/json", 403, "FORBIDDEN"},
        {R"({"topic":"a.b"})", "application/problem+json", 202, ""},
    };
    for (const Case &c : cases) {
        const Answer a = call(api, "POST", "/api/v1/events", c.body, anon(), c.type);
        QVERIFY2(a.status == c.status, qPrintable(QString::fromUtf8(c.body + " -> " + a.body)));
        if (c.status >= 400) {
            QCOMPARE(a.code(), QString::fromLatin1(c.code));
            QVERIFY(!a.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
        }
    }
    QTest::qWait(20);
    QCOMPARE(inbox.messages.size(), 1); // only the last case was accepted
    // The JSON error names where the body broke.
    const Answer bad = call(api, "POST", "/api/v1/events", "{\"topic\": ]");
    QCOMPARE(bad.json()[QLatin1String("error")][QLatin1String("details")][QLatin1String("offset")].toInt(), 11);
}

void tst_RestApi::aclRefusalDeliversNothing()
{
    Hub hub;
    Result<AccessControl> acl = AccessControl::fromVariantMap(QVariantMap{
        {QStringLiteral("roles"),
         QVariantMap{{QStringLiteral("sensors"),
                      QVariantList{QVariantMap{{QStringLiteral("allow"), QStringList{QStringLiteral("publish")}},
                                               {QStringLiteral("topics"), QStringList{QStringLiteral("sensors.>")}}}}}}}});
    QVERIFY2(acl, qPrintable(acl.error().toString()));
    hub.bus()->setAccessControl(acl.value(), true);
    RestApi api(&hub, {});
    Inbox inbox;
    QVERIFY(hub.bus()->subscribe({QStringLiteral(">")}, Principal::inProcess(QStringLiteral("t")), this, inbox.handler()));
    const Principal sensor = user(QStringLiteral("probe"), {QStringLiteral("sensors")});
    // Anonymous while auth is required holds no role: the bus refuses it (403; the HTTP endpoint
    // answers 401 before the API when no credential came). Outside its topics: 403. Inside: 202.
    QCOMPARE(call(api, "POST", "/api/v1/events", R"({"topic":"sensors.t"})", anon()).status, 403);
    const Answer refused = call(api, "POST", "/api/v1/events", R"({"topic":"billing.x"})", sensor);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.code(), QStringLiteral("FORBIDDEN"));
    QCOMPARE(call(api, "POST", "/api/v1/requests/billing.x", "{}", sensor).status, 403);
    QTest::qWait(20);
    QVERIFY(inbox.messages.isEmpty());
    QCOMPARE(call(api, "POST", "/api/v1/events", R"({"topic":"sensors.t"})", sensor).status, 202);
    QTRY_COMPARE(inbox.messages.size(), 1);
    QCOMPARE(inbox.messages.first().source(), QStringLiteral("probe"));
}

void tst_RestApi::routingErrors()
{
    Hub hub;
    RestApi api(&hub, {});
    const Answer unknown = call(api, "GET", "/api/v1/nothing");
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.code(), QStringLiteral("NOT_FOUND"));
    QCOMPARE(call(api, "POST", "/api/v2/events", R"({"topic":"a"})").status, 404); // unknown version
    const Answer method = call(api, "GET", "/api/v1/events");
    QCOMPARE(method.status, 405);
    QCOMPARE(method.code(), QStringLiteral("METHOD_NOT_ALLOWED"));
    QCOMPARE(method.header("allow"), QByteArray("POST"));
    const Answer channel = call(api, "PATCH", "/api/v1/channels/x", "{}", admin());
    QCOMPARE(channel.status, 405);
    QCOMPARE(channel.header("allow"), QByteArray("GET, PUT, DELETE"));
    QCOMPARE(call(api, "GET", "/api/v1/channels/%zz", {}, admin()).status, 400);
}

void tst_RestApi::channels()
{
    Hub hub;
    RestApi api(&hub, {});
    const Answer created = call(api, "POST", "/api/v1/channels",
                                R"({"name":"orders","type":"queue","protocols":["http","native"]})", admin());
    QCOMPARE(created.status, 201);
    QCOMPARE(created.header("location"), QByteArray("/api/v1/channels/orders"));
    QCOMPARE(hub.bus()->channel(QStringLiteral("orders"))->type, ChannelType::Queue);
    QCOMPARE(call(api, "POST", "/api/v1/channels", R"({"name":"orders","type":"queue"})", admin()).code(),
             QStringLiteral("CHANNEL_EXISTS"));
    QCOMPARE(call(api, "POST", "/api/v1/channels", R"({"name":"x","type":"fanout"})", admin()).status, 400);
    const Answer one = call(api, "GET", "/api/v1/channels/orders", {}, admin());
    QCOMPARE(one.status, 200);
    QCOMPARE(one.data()[QLatin1String("type")].toString(), QStringLiteral("queue"));
    QCOMPARE(one.data()[QLatin1String("protocols")].toArray().size(), 2);
    // Replace: the path names the channel; a body naming another is refused.
    QCOMPARE(call(api, "PUT", "/api/v1/channels/orders", R"({"name":"other","type":"queue"})", admin()).status, 400);
    QCOMPARE(call(api, "PUT", "/api/v1/channels/orders", R"({"type":"queue","description":"d"})", admin()).status, 200);
    QCOMPARE(hub.bus()->channel(QStringLiteral("orders"))->description, QStringLiteral("d"));
    QCOMPARE(call(api, "PUT", "/api/v1/channels/none", R"({"type":"queue"})", admin()).code(),
             QStringLiteral("CHANNEL_NOT_FOUND"));
    // A name with "/" travels as %2F and stays one path segment.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(call(api, "POST", "/api/v1/channels", QStringLiteral(R"({"name":"c%1"})").arg(i).toUtf8(), admin()).status,
                 201);
    const Answer page1 = call(api, "GET", "/api/v1/channels?limit=2", {}, admin());
    QCOMPARE(page1.data().toArray().size(), 2);
    QCOMPARE(page1.json()[QLatin1String("meta")][QLatin1String("total")].toInt(), 5);
    const QString cursor = page1.json()[QLatin1String("meta")][QLatin1String("nextCursor")].toString();
    QVERIFY(!cursor.isEmpty());
    QStringList names;
    QString next = cursor;
    for (const QJsonValue &v : page1.data().toArray())
        names << v[QLatin1String("name")].toString();
    while (!next.isEmpty()) {
        const Answer p = call(api, "GET", "/api/v1/channels?limit=2&cursor=" + next.toLatin1(), {}, admin());
        for (const QJsonValue &v : p.data().toArray())
            names << v[QLatin1String("name")].toString();
        next = p.json()[QLatin1String("meta")][QLatin1String("nextCursor")].toString();
    }
    QCOMPARE(names, QStringList({QStringLiteral("c0"), QStringLiteral("c1"), QStringLiteral("c2"),
                                 QStringLiteral("c3"), QStringLiteral("orders")}));
    QCOMPARE(call(api, "GET", "/api/v1/channels?limit=0", {}, admin()).status, 400);
    QCOMPARE(call(api, "GET", "/api/v1/channels?cursor=!!", {}, admin()).status, 400);
    QCOMPARE(call(api, "DELETE", "/api/v1/channels/orders", {}, admin()).status, 204);
    QCOMPARE(call(api, "GET", "/api/v1/channels/orders", {}, admin()).status, 404);
}

void tst_RestApi::channelsNeedAdminister()
{
    Hub hub;
    RestApi api(&hub, {});
    ChannelConfig keep;
    keep.name = QStringLiteral("keep");
    QVERIFY(hub.bus()->createChannel(keep, Principal::inProcess(QStringLiteral("t"))));
    // With the defaults, anonymous loopback clients may publish, never administer.
    for (const auto &[method, target] : QList<std::pair<QByteArray, QByteArray>>{
             {"GET", "/api/v1/channels"},
             {"GET", "/api/v1/channels/keep"},
             {"DELETE", "/api/v1/channels/keep"},
             {"GET", "/api/v1/topics"},
             {"GET", "/api/v1/connections"},
             {"GET", "/api/v1/deadletters"},
             {"DELETE", "/api/v1/deadletters"},
             {"POST", "/api/v1/deadletters/1/requeue"}}) {
        const Answer a = call(api, method, target, {}, anon());
        QVERIFY2(a.status == 403, qPrintable(QString::fromLatin1(method + ' ' + target + " -> " + a.body)));
    }
    QCOMPARE(call(api, "POST", "/api/v1/channels", R"({"name":"new"})", anon()).status, 403);
    QVERIFY(!hub.bus()->channel(QStringLiteral("new")));
    QVERIFY(hub.bus()->channel(QStringLiteral("keep")));
}

void tst_RestApi::requestReply()
{
    Hub hub;
    RestApiOptions options;
    options.maxRequestTimeoutMs = 2000;
    RestApi api(&hub, options);
    Bus *bus = hub.bus();
    const Principal responder = Principal::inProcess(QStringLiteral("doubler"));
    QVERIFY(bus->subscribe({QStringLiteral("math.double")}, responder, this, [bus, responder](const Message &rq) {
        const int n = QJsonDocument::fromJson(rq.payload()).object().value(QStringLiteral("n")).toInt();
        Message r(MessageType::Response, rq.topic(), QJsonDocument(QJsonObject{{QStringLiteral("n"), n * 2}}).toJson(QJsonDocument::Compact));
        r.setContentType(QStringLiteral("application/json"));
        r.setCorrelationId(rq.correlationId());
        return bus->reply(r, responder);
    }));
    QVERIFY(bus->subscribe({QStringLiteral("math.silent")}, responder, this, [](const Message &) { return Status(); }));
    // A configured role that may request, on math.> only.
    Result<AccessControl> acl = AccessControl::fromVariantMap(QVariantMap{
        {QStringLiteral("roles"),
         QVariantMap{{QStringLiteral("callers"),
                      QVariantList{QVariantMap{{QStringLiteral("allow"), QStringList{QStringLiteral("request")}},
                                               {QStringLiteral("topics"), QStringList{QStringLiteral("math.>")}}}}}}}});
    QVERIFY(acl);
    bus->setAccessControl(acl.value());
    const Principal caller = user(QStringLiteral("calc"), {QStringLiteral("callers")});
    // The built-in anonymous role may send requests too (never reply or administer).
    QCOMPARE(call(api, "POST", "/api/v1/requests/math.double", R"({"n":21})").status, 200);
    const Answer ok = call(api, "POST", "/api/v1/requests/math.double", R"({"n":21})", caller);
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.data()[QLatin1String("data")][QLatin1String("n")].toInt(), 42);
    const Answer none = call(api, "POST", "/api/v1/requests/math.nobody", "{}", caller);
    QCOMPARE(none.status, 503);
    QCOMPARE(none.code(), QStringLiteral("NO_RESPONDERS"));
    const Answer late = call(api, "POST", "/api/v1/requests/math.silent?timeout=50ms", "{}", caller);
    QCOMPARE(late.status, 504);
    QCOMPARE(late.code(), QStringLiteral("TIMEOUT"));
    QCOMPARE(call(api, "POST", "/api/v1/requests/math.double?timeout=1h", "{}", caller).status, 400);
    QCOMPARE(call(api, "POST", "/api/v1/requests/math.double", "{nope", caller).status, 400);
}

void tst_RestApi::pointToPointAndDeadLetters()
{
    Hub hub;
    RestApi api(&hub, {});
    ChannelConfig direct;
    direct.name = QStringLiteral("direct");
    direct.type = ChannelType::PointToPoint;
    QVERIFY(hub.bus()->createChannel(direct, admin()));
    Inbox desk;
    QVERIFY(hub.bus()->subscribe({QStringLiteral("desk-1"), QStringLiteral("direct")}, admin(), this, desk.handler()));
    QCOMPARE(call(api, "POST", "/api/v1/messages", R"({"destination":"desk-1","channel":"direct","message":{"hi":1}})").status,
             202);
    QTRY_COMPARE(desk.messages.size(), 1);
    QCOMPARE(desk.messages.first().payload(), QByteArray(R"({"hi":1})"));
    // Nobody at the address: 404 NO_ROUTE and a dead letter an operator can list and delete.
    const Answer lost = call(api, "POST", "/api/v1/messages", R"({"destination":"desk-9","channel":"direct","message":"x"})");
    QCOMPARE(lost.status, 404);
    QCOMPARE(lost.code(), QStringLiteral("NO_ROUTE"));
    const Answer letters = call(api, "GET", "/api/v1/deadletters", {}, admin());
    QCOMPARE(letters.status, 200);
    QCOMPARE(letters.data().toArray().size(), 1);
    const QJsonObject letter = letters.data().toArray().first().toObject();
    QCOMPARE(letter[QLatin1String("reason")].toString(), QStringLiteral("NO_ROUTE"));
    const QString id = QString::number(letter[QLatin1String("id")].toVariant().toULongLong());
    QCOMPARE(call(api, "POST", "/api/v1/deadletters/" + id.toLatin1() + "/requeue", {}, anon()).status, 403);
    QCOMPARE(call(api, "POST", "/api/v1/deadletters/abc/requeue", {}, admin()).status, 400);
    QCOMPARE(call(api, "DELETE", "/api/v1/deadletters/" + id.toLatin1(), {}, admin()).status, 204);
    QCOMPARE(call(api, "DELETE", "/api/v1/deadletters/" + id.toLatin1(), {}, admin()).status, 404);
    QCOMPARE(hub.bus()->deadLetters()->count(), 0);
    // Requeue: a letter whose address now has a subscriber goes out again.
    QCOMPARE(call(api, "POST", "/api/v1/messages", R"({"destination":"desk-2","channel":"direct","message":"y"})").status,
             404);
    const QString id2 = QString::number(
        call(api, "GET", "/api/v1/deadletters", {}, admin()).data().toArray().first()[QLatin1String("id")].toVariant().toULongLong());
    Inbox desk2;
    QVERIFY(hub.bus()->subscribe({QStringLiteral("desk-2"), QStringLiteral("direct")}, admin(), this, desk2.handler()));
    const Answer requeued = call(api, "POST", "/api/v1/deadletters/" + id2.toLatin1() + "/requeue", {}, admin());
    QCOMPARE(requeued.status, 200);
    QTRY_COMPARE(desk2.messages.size(), 1);
    QCOMPARE(desk2.messages.first().payload(), QByteArray("y"));
    QCOMPARE(call(api, "DELETE", "/api/v1/deadletters", {}, admin()).data()[QLatin1String("deleted")].toInt(), 0);
}

void tst_RestApi::topicsPaginate()
{
    Hub hub;
    RestApi api(&hub, {});
    for (int i = 0; i < 250; ++i)
        QVERIFY(hub.bus()->publish(Message(MessageType::Event, QStringLiteral("t.%1").arg(i, 3, 10, QLatin1Char('0'))),
                                   Principal::inProcess(QStringLiteral("t"))));
    QSet<QString> seen;
    QString cursor;
    int pages = 0;
    do {
        const Answer a = call(api, "GET", "/api/v1/topics?limit=100" + (cursor.isEmpty() ? QByteArray() : "&cursor=" + cursor.toLatin1()),
                              {}, admin());
        QCOMPARE(a.status, 200);
        for (const QJsonValue &v : a.data().toArray()) {
            QVERIFY(!seen.contains(v[QLatin1String("topic")].toString()));
            seen.insert(v[QLatin1String("topic")].toString());
        }
        cursor = a.json()[QLatin1String("meta")][QLatin1String("nextCursor")].toString();
        ++pages;
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    QCOMPARE(seen.size(), 250);
    QCOMPARE(call(api, "GET", "/api/v1/topics?limit=5000", {}, admin()).status, 400);
}

void tst_RestApi::connections()
{
    Hub hub;
    RestApi api(&hub, {});
    const Answer list = call(api, "GET", "/api/v1/connections", {}, admin());
    QCOMPARE(list.status, 200);
    QCOMPARE(list.data().toArray().size(), 0);
    QCOMPARE(call(api, "DELETE", "/api/v1/connections/native-9", {}, admin()).status, 404);
    QCOMPARE(call(api, "DELETE", "/api/v1/connections/native-9", {}, anon()).status, 403);
}

void tst_RestApi::traceContext()
{
    Hub hub;
    RestApi api(&hub, {});
    Inbox inbox;
    QVERIFY(hub.bus()->subscribe({QStringLiteral("t.>")}, Principal::inProcess(QStringLiteral("t")), this, inbox.handler()));
    const QByteArray given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const Answer a = call(api, "POST", "/api/v1/events", R"({"topic":"t.a"})", anon(), "application/json",
                          {{"traceparent", given}});
    QCOMPARE(a.header("traceparent"), given);
    QTRY_COMPARE(inbox.messages.size(), 1);
    QCOMPARE(inbox.messages.first().header(QStringLiteral("traceparent")).toLatin1(), given);
    // A malformed one is replaced, not carried.
    const Answer b = call(api, "POST", "/api/v1/events", R"({"topic":"t.b"})", anon(), "application/json",
                          {{"traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}});
    QVERIFY(TraceContext::isValid(b.header("traceparent")));
    QVERIFY(!b.header("traceparent").contains("-00000000000000000000000000000000-"));
    QVERIFY(!TraceContext::isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
    QVERIFY(!TraceContext::isValid("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    QVERIFY(!TraceContext::isValid("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"));
}

void tst_RestApi::errorMapping()
{
    const ApiReply limited = ApiJson::error(Error(ErrorCode::RateLimited, QStringLiteral("slow down"),
                                                  {{QStringLiteral("retryAfterMs"), 1500}}));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.headers.value(0).second, QByteArray("2"));
    QCOMPARE(ApiJson::error(Error(ErrorCode::RateLimited, QStringLiteral("x"))).headers.value(0).second, QByteArray("1"));
    QCOMPARE(ApiJson::httpStatus(ErrorCode::Unauthenticated), 401);
    QCOMPARE(ApiJson::httpStatus(ErrorCode::ValidationFailed), 422);
    QCOMPARE(ApiJson::httpStatus(ErrorCode::UnsupportedMediaType), 415);
    QCOMPARE(ApiJson::httpStatus(ErrorCode::ChannelExists), 409);
    QCOMPARE(ApiJson::httpStatus(ErrorCode::TooLarge), 413);
    QCOMPARE(ApiJson::httpStatus(ErrorCode::Timeout), 504);
    QCOMPARE(ApiJson::httpStatus(ErrorCode::NoResponders), 503);
    // The hand-written 202 body is the JSON the generic envelope would be.
    for (const QString &id : {QStringLiteral("abc-1"), QStringLiteral("q\"u\\o\nte"), QStringLiteral("gr\u00fc\u00df-\U0001F600")}) {
        const ApiReply a = ApiJson::accepted(id, 3);
        QCOMPARE(a.status, 202);
        const QJsonObject o = QJsonDocument::fromJson(a.body).object();
        QCOMPARE(o[QLatin1String("data")][QLatin1String("id")].toString(), id);
        QCOMPARE(o[QLatin1String("data")][QLatin1String("deliveries")].toInt(), 3);
        QCOMPARE(o[QLatin1String("meta")][QLatin1String("version")].toString(), QStringLiteral("v1"));
        QVERIFY(!o[QLatin1String("meta")][QLatin1String("timestamp")].toString().isEmpty());
    }
    // Every code has a status and a name that round-trips.
    for (int c = 0; c <= int(LastErrorCode); ++c) {
        QVERIFY(ApiJson::httpStatus(ErrorCode(c)) >= 200);
        QCOMPARE(errorCodeFromName(errorCodeName(ErrorCode(c))), ErrorCode(c));
    }
}

void tst_RestApi::rawMember()
{
    QCOMPARE(ApiJson::rawMember(R"({"a":1,"payload": {"s":"}{\"","n":[1,{"x":2}]} ,"z":0})", "payload"),
             QByteArray(R"({"s":"}{\"","n":[1,{"x":2}]})"));
    QCOMPARE(ApiJson::rawMember(R"( { "payload" : 1e2 } )", "payload"), QByteArray("1e2"));
    QCOMPARE(ApiJson::rawMember(R"({"payload":"x","payload":[true]})", "payload"), QByteArray("[true]"));
    QCOMPARE(ApiJson::rawMember(R"({"nested":{"payload":1}})", "payload"), QByteArray());
    QCOMPARE(ApiJson::rawMember(R"({"payload":)", "payload"), QByteArray());
    QCOMPARE(ApiJson::rawMember("[]", "payload"), QByteArray());
    // QJsonDocument keeps the last of duplicate keys too, so the raw bytes and the parsed value agree.
    QCOMPARE(QJsonDocument::fromJson(R"({"payload":"x","payload":[true]})").object().value(QStringLiteral("payload")).isArray(),
             true);
}

QTEST_GUILESS_MAIN(tst_RestApi)

void tst_RestApi::schemaValidation()
{
    Hub hub;
    RestApi api(&hub, {});
    const QByteArray channel = R"({"name":"orders","type":"topic","schema":{"type":"object","required":["id","items"],)"
                               R"("properties":{"id":{"type":"integer","minimum":1},"items":{"type":"array",)"
                               R"("items":{"type":"object","required":["price"],"properties":{"price":{"type":"number"}}}}}}})";
    QCOMPARE(call(api, "POST", "/api/v1/channels", channel, admin()).status, 201);
    QCOMPARE(hub.bus()->channel(QStringLiteral("orders"))->schema.value(QStringLiteral("type")).toString(),
             QStringLiteral("object"));
    Inbox inbox;
    QVERIFY(hub.bus()->subscribe({QStringLiteral("orders.>"), QStringLiteral("orders")},
                                 Principal::inProcess(QStringLiteral("t")), this, inbox.handler()));
    // Valid: 202, delivered, the bytes as sent (the id above 2^63 is an integer and stays exact).
    const QByteArray good = R"({"topic":"orders.created","channel":"orders",)"
                            R"("payload":{"id":12345678901234567890,"items":[{"price":1.0}]}})";
    const Answer ok = call(api, "POST", "/api/v1/events", good);
    QCOMPARE(ok.status, 202);
    QTRY_COMPARE(inbox.messages.size(), 1);
    QCOMPARE(inbox.messages.first().payload(), QByteArray(R"({"id":12345678901234567890,"items":[{"price":1.0}]})"));
    // Invalid: 422 with the failing pointer, nothing published.
    const QByteArray bad = R"({"topic":"orders.created","channel":"orders",)"
                           R"("payload":{"id":7,"items":[{"price":1},{"price":"free"}]}})";
    const Answer refused = call(api, "POST", "/api/v1/events", bad);
    QCOMPARE(refused.status, 422);
    QCOMPARE(refused.code(), QStringLiteral("VALIDATION_FAILED"));
    const QJsonObject details = refused.json()[QLatin1String("error")][QLatin1String("details")].toObject();
    QCOMPARE(details.value(QStringLiteral("path")).toString(), QStringLiteral("/items/1/price"));
    QVERIFY(!details.value(QStringLiteral("reason")).toString().isEmpty());
    QCOMPARE(details.value(QStringLiteral("channel")).toString(), QStringLiteral("orders"));
    QVERIFY(!details.value(QStringLiteral("errors")).toArray().isEmpty());
    QVERIFY(refused.json()[QLatin1String("error")][QLatin1String("message")].toString().contains(QLatin1String("/items/1/price")));
    // Missing payload (null), a string payload, and /messages too.
    QCOMPARE(call(api, "POST", "/api/v1/events", R"({"topic":"orders.x","channel":"orders"})").status, 422);
    QCOMPARE(call(api, "POST", "/api/v1/events", R"({"topic":"orders.x","channel":"orders","payload":"{}"})").status, 422);
    const Answer message = call(api, "POST", "/api/v1/messages",
                                R"({"destination":"orders.one","channel":"orders","message":{"id":0,"items":[]}})");
    QCOMPARE(message.status, 422);
    QCOMPARE(message.json()[QLatin1String("error")][QLatin1String("details")][QLatin1String("path")].toString(),
             QStringLiteral("/id"));
    // Nothing refused reached the subscriber: the next valid event is the second delivery.
    QCOMPARE(call(api, "POST", "/api/v1/events", good).status, 202);
    QTRY_COMPARE(inbox.messages.size(), 2);
    QCOMPARE(inbox.messages.last().payload(), inbox.messages.first().payload());
    // The channel's schema is part of its definition; replacing it takes effect at once.
    const Answer one = call(api, "GET", "/api/v1/channels/orders", {}, admin());
    QCOMPARE(one.data()[QLatin1String("schema")][QLatin1String("required")].toArray().size(), 2);
    QCOMPARE(call(api, "PUT", "/api/v1/channels/orders", R"({"type":"topic","schema":{"type":"string"}})", admin()).status,
             200);
    QCOMPARE(call(api, "POST", "/api/v1/events", good).status, 422);
    QCOMPARE(call(api, "POST", "/api/v1/events", R"({"topic":"orders.x","channel":"orders","payload":"text"})").status, 202);
    // Without a schema the channel takes the payload the schema refused.
    QCOMPARE(call(api, "PUT", "/api/v1/channels/orders", R"({"type":"topic"})", admin()).status, 200);
    QCOMPARE(call(api, "POST", "/api/v1/events", bad).status, 202);
    QTRY_COMPARE(inbox.messages.size(), 4);
    // A schema that does not compile is refused when the channel is defined, not at each publish.
    const Answer broken = call(api, "PUT", "/api/v1/channels/orders", R"({"type":"topic","schema":{"$ref":"#"}})", admin());
    QCOMPARE(broken.status, 400);
    QCOMPARE(broken.code(), QStringLiteral("INVALID_CONFIG"));
    QCOMPARE(call(api, "POST", "/api/v1/channels", R"({"name":"c2","schema":{"type":"nonsense"}})", admin()).status, 400);
    QVERIFY(!hub.bus()->channel(QStringLiteral("c2")));
    // A caller who may not publish on the channel is refused (403) before the schema says anything.
    QCOMPARE(call(api, "PUT", "/api/v1/channels/orders", R"({"type":"topic","require-auth":true,"schema":{"type":"string"}})",
                  admin())
                 .status,
             200);
    const Answer hidden = call(api, "POST", "/api/v1/events", good);
    QVERIFY2(hidden.status == 401 || hidden.status == 403, hidden.body.constData());
    QVERIFY(!hidden.json()[QLatin1String("error")][QLatin1String("details")].toObject().contains(QStringLiteral("path")));
}
