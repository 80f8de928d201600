// SPDX-License-Identifier: Apache-2.0
// The REST API end to end: the real switchboardd with its http protocol, driven by curl, with
// native clients (SwitchboardClient) as subscribers and responders on the other side. Every route,
// its answers and its errors; /health, /metrics (checked by promtool) and the OpenAPI document.
#include "tst_httpdaemon.h"
#include "curlrun.h"

#include <switchboardclient.h>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace sb;
using sbtest::curl;
using sbtest::postJson;

namespace {

const QByteArray kOpsToken = "ops-token-0123456789";

QString sha256Hex(const QByteArray &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex());
}

QStringList bearer(const QByteArray &token)
{
    return {QStringLiteral("-H"), QStringLiteral("Authorization: Bearer ") + QString::fromLatin1(token)};
}

} // namespace


bool tst_HttpDaemon::connectOps(SwitchboardClient &client)
{
    SwitchboardClient::Options o = client.options();
    o.token = QString::fromLatin1(kOpsToken);
    o.autoReconnect = false;
    client.setOptions(o);
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    if (!client.connectToHub(m_daemon.url(QStringLiteral("tcp"))))
        return false;
    return connected.wait(10000);
}

void tst_HttpDaemon::initTestCase()
{
    DaemonProcess::Options o;
    o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n"
                                   "    max-body-bytes: 64KiB\n"
                                   "    max-request-timeout: 5s\n"
                                   "    io-threads: 0\n"); // the bus thread (tst_httpsecurity: I/O threads)
    o.topLevelExtra = QStringLiteral("auth:\n"
                                     "  tokens:\n"
                                     "    - {name: ops, token-sha256: \"%1\", roles: [admin]}\n")
                          .arg(sha256Hex(kOpsToken));
    QVERIFY2(m_daemon.start(o), qPrintable(m_daemon.errorString()));
    QVERIFY(!m_daemon.httpAddress().isEmpty());
    QVERIFY(connectOps(m_watch));
    QSignalSpy subscribed(&m_watch, &SwitchboardClient::subscribed);
    m_watch.subscribe(QStringLiteral(">"), [this](const Message &m) { m_seen.append(m); });
    QVERIFY(subscribed.wait(5000));
}

void tst_HttpDaemon::cleanupTestCase()
{
    m_watch.disconnectFromHub();
    const int code = m_daemon.stop();
    QVERIFY2(code == 0, qPrintable(QStringLiteral("switchboardd exited with %1 (%2): ").arg(code).arg(m_daemon.errorString()) + m_daemon.stderrText().right(6000)));
}

void tst_HttpDaemon::events()
{
    m_seen.clear();
    const QByteArray trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const auto r = postJson(url(QStringLiteral("/api/v1/events")),
                            R"({"topic":"orders.created","event":"created","payload":{"id":12345678901234567890},)"
                            R"("headers":{"x-shop":"berlin"}})",
                            {QStringLiteral("-H"), QStringLiteral("traceparent: ") + QString::fromLatin1(trace)});
    QCOMPARE(r.status, 202);
    QCOMPARE(r.header("traceparent"), trace);
    const QString id = r.data()[QLatin1String("id")].toString();
    QTRY_COMPARE(m_seen.size(), 1);
    const Message &m = m_seen.first();
    QCOMPARE(m.id(), id);
    QCOMPARE(m.topic(), QStringLiteral("orders.created"));
    QCOMPARE(m.action(), QStringLiteral("created"));
    QCOMPARE(m.payload(), QByteArray(R"({"id":12345678901234567890})"));
    QCOMPARE(m.header(QStringLiteral("x-shop")), QStringLiteral("berlin"));
    QCOMPARE(m.header(QStringLiteral("traceparent")).toLatin1(), trace);
    QCOMPARE(m.source(), QStringLiteral("anonymous")); // a request-scoped principal: no connection
}

void tst_HttpDaemon::pointToPointAndDeadLetters()
{
    QCOMPARE(postJson(url(QStringLiteral("/api/v1/channels")), R"({"name":"desk","type":"point-to-point"})",
                      bearer(kOpsToken))
                 .status,
             201);
    SwitchboardClient desk;
    QVERIFY(connectOps(desk));
    QList<Message> got;
    QSignalSpy subscribed(&desk, &SwitchboardClient::subscribed);
    desk.subscribe({QStringLiteral("desk-1"), QStringLiteral("desk")}, [&got](const Message &m) { got.append(m); });
    QVERIFY(subscribed.wait(5000));
    QCOMPARE(postJson(url(QStringLiteral("/api/v1/messages")), R"({"destination":"desk-1","channel":"desk","message":"hi"})").status,
             202);
    QTRY_COMPARE(got.size(), 1);
    QCOMPARE(got.first().payload(), QByteArray("hi"));
    const auto lost = postJson(url(QStringLiteral("/api/v1/messages")), R"({"destination":"desk-2","channel":"desk","message":"later"})");
    QCOMPARE(lost.status, 404);
    QCOMPARE(lost.code(), QStringLiteral("NO_ROUTE"));
    const auto letters = curl(url(QStringLiteral("/api/v1/deadletters")), bearer(kOpsToken));
    QCOMPARE(letters.status, 200);
    QJsonObject letter;
    for (const QJsonValue &v : letters.data().toArray()) {
        if (v[QLatin1String("destination")].toString() == QLatin1String("desk/desk-2"))
            letter = v.toObject();
    }
    QVERIFY2(!letter.isEmpty(), letters.body.constData());
    const QString id = QString::number(letter[QLatin1String("id")].toVariant().toULongLong());
    QCOMPARE(curl(url(QStringLiteral("/api/v1/deadletters/%1/requeue").arg(id)), {QStringLiteral("-X"), QStringLiteral("POST")}).status,
             403); // anonymous: never administer
    // The address gets a subscriber; the operator requeues the letter and it arrives.
    desk.subscribe({QStringLiteral("desk-2"), QStringLiteral("desk")}, [&got](const Message &m) { got.append(m); });
    QVERIFY(subscribed.wait(5000));
    const auto requeued = curl(url(QStringLiteral("/api/v1/deadletters/%1/requeue").arg(id)),
                               QStringList{QStringLiteral("-X"), QStringLiteral("POST")} + bearer(kOpsToken));
    QCOMPARE(requeued.status, 200);
    QTRY_COMPARE(got.size(), 2);
    QCOMPARE(got.last().payload(), QByteArray("later"));
    QCOMPARE(curl(url(QStringLiteral("/api/v1/deadletters/%1").arg(id)), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + bearer(kOpsToken)).status,
             404); // requeued: it left the store
    const auto purge = curl(url(QStringLiteral("/api/v1/deadletters")), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + bearer(kOpsToken));
    QCOMPARE(purge.status, 200);
    QVERIFY(purge.data()[QLatin1String("deleted")].isDouble());
}

void tst_HttpDaemon::requests()
{
    SwitchboardClient responder;
    QVERIFY(connectOps(responder));
    QSignalSpy subscribed(&responder, &SwitchboardClient::subscribed);
    responder.subscribe(QStringLiteral("math.double"), [&responder](const Message &rq) {
        const int n = QJsonDocument::fromJson(rq.payload()).object().value(QStringLiteral("n")).toInt();
        Message reply(MessageType::Response, rq.topic(), QByteArray("{\"n\":") + QByteArray::number(n * 2) + '}');
        reply.setContentType(QStringLiteral("application/json"));
        responder.reply(rq, reply);
    });
    QVERIFY(subscribed.wait(5000));
    responder.subscribe(QStringLiteral("math.silent"), [](const Message &) {});
    QVERIFY(subscribed.wait(5000));
    const auto ok = postJson(url(QStringLiteral("/api/v1/requests/math.double")), R"({"n":21})", bearer(kOpsToken));
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.data()[QLatin1String("data")][QLatin1String("n")].toInt(), 42);
    // Nobody on the channel "rpc" (the watcher listens on the default space only).
    QCOMPARE(postJson(url(QStringLiteral("/api/v1/channels")), R"({"name":"rpc"})", bearer(kOpsToken)).status, 201);
    const auto none = postJson(url(QStringLiteral("/api/v1/requests/math.nobody?channel=rpc")), "{}", bearer(kOpsToken));
    QCOMPARE(none.status, 503);
    QCOMPARE(none.code(), QStringLiteral("NO_RESPONDERS"));
    const auto late = postJson(url(QStringLiteral("/api/v1/requests/math.silent?timeout=200ms")), "{}", bearer(kOpsToken));
    QCOMPARE(late.status, 504);
    QCOMPARE(late.code(), QStringLiteral("TIMEOUT"));
    QCOMPARE(postJson(url(QStringLiteral("/api/v1/requests/math.double?timeout=1m")), "{}", bearer(kOpsToken)).status, 400);
    // With the defaults, anonymous loopback clients may send requests too.
    const auto anon = postJson(url(QStringLiteral("/api/v1/requests/math.double")), R"({"n":1})");
    QCOMPARE(anon.status, 200);
    QCOMPARE(anon.data()[QLatin1String("data")][QLatin1String("n")].toInt(), 2);
}

void tst_HttpDaemon::channels()
{
    const QString all = url(QStringLiteral("/api/v1/channels"));
    QCOMPARE(postJson(all, R"({"name":"orders","type":"queue","protocols":["http","native"]})", bearer(kOpsToken)).status, 201);
    QCOMPARE(postJson(all, R"({"name":"orders","type":"queue"})", bearer(kOpsToken)).code(), QStringLiteral("CHANNEL_EXISTS"));
    QCOMPARE(postJson(all, R"({"name":"x"})").status, 403);
    const auto one = curl(url(QStringLiteral("/api/v1/channels/orders")), bearer(kOpsToken));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.data()[QLatin1String("type")].toString(), QStringLiteral("queue"));
    const auto put = curl(url(QStringLiteral("/api/v1/channels/orders")),
                          QStringList{QStringLiteral("-X"), QStringLiteral("PUT"), QStringLiteral("-H"),
                                      QStringLiteral("Content-Type: application/json"), QStringLiteral("-d"),
                                      QStringLiteral(R"({"type":"queue","description":"orders in"})")}
                              + bearer(kOpsToken));
    QCOMPARE(put.status, 200);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/channels/orders")), bearer(kOpsToken)).data()[QLatin1String("description")].toString(),
             QStringLiteral("orders in"));
    const auto list = curl(all + QStringLiteral("?limit=1"), bearer(kOpsToken));
    QCOMPARE(list.data().toArray().size(), 1);
    QVERIFY(list.json()[QLatin1String("meta")][QLatin1String("total")].toInt() >= 2);
    QVERIFY(!list.json()[QLatin1String("meta")][QLatin1String("nextCursor")].toString().isEmpty());
    QCOMPARE(curl(url(QStringLiteral("/api/v1/channels/orders")), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + bearer(kOpsToken)).status,
             204);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/channels/orders")), bearer(kOpsToken)).code(), QStringLiteral("CHANNEL_NOT_FOUND"));
}

void tst_HttpDaemon::topicsAndConnections()
{
    for (int i = 0; i < 3; ++i)
        QCOMPARE(postJson(url(QStringLiteral("/api/v1/events")), QStringLiteral(R"({"topic":"pages.t%1"})").arg(i).toUtf8()).status, 202);
    QStringList topics;
    QString cursor;
    for (int page = 0; page < 50; ++page) {
        const auto r = curl(url(QStringLiteral("/api/v1/topics?limit=2") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor)),
                            bearer(kOpsToken));
        QCOMPARE(r.status, 200);
        for (const QJsonValue &v : r.data().toArray())
            topics << v[QLatin1String("topic")].toString();
        cursor = r.json()[QLatin1String("meta")][QLatin1String("nextCursor")].toString();
        if (cursor.isEmpty())
            break;
    }
    QVERIFY(topics.contains(QStringLiteral("pages.t0")) && topics.contains(QStringLiteral("pages.t2")));
    QCOMPARE(topics.removeDuplicates(), 0);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/topics"))).status, 403);
    // A native client shows in /connections; DELETE closes it.
    SwitchboardClient victim;
    QVERIFY(connectOps(victim));
    const auto list = curl(url(QStringLiteral("/api/v1/connections?limit=1000")), bearer(kOpsToken));
    QCOMPARE(list.status, 200);
    QStringList ids;
    for (const QJsonValue &v : list.data().toArray())
        ids << v[QLatin1String("id")].toString();
    QVERIFY2(ids.size() >= 2, list.body.constData());
    QVERIFY2(ids.contains(victim.connectionId()) && ids.contains(m_watch.connectionId()), list.body.constData());
    QSignalSpy gone(&victim, &SwitchboardClient::disconnected);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/connections/") + victim.connectionId()),
                  QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + bearer(kOpsToken))
                 .status,
             204);
    QVERIFY(gone.size() == 1 || gone.wait(5000));
    QVERIFY(m_watch.isConnected());
    QCOMPARE(curl(url(QStringLiteral("/api/v1/connections/native-999999")), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + bearer(kOpsToken)).status,
             404);
}

namespace {
// The connection in GET /api/v1/connections whose peer is \a peer; empty if none.
QJsonObject connectionWithPeer(const QJsonArray &list, const QString &peer)
{
    for (const QJsonValue &v : list) {
        if (v[QLatin1String("peer")].toString() == peer)
            return v.toObject();
    }
    return {};
}

// Reads one answer of a keep-alive exchange (the whole buffer so far once it holds \a marker).
QByteArray readAnswer(QTcpSocket &s, const QByteArray &marker)
{
    QByteArray got;
    QElapsedTimer t;
    t.start();
    while (!got.contains(marker) && t.elapsed() < 5000 && s.state() == QAbstractSocket::ConnectedState) {
        s.waitForReadyRead(200);
        got += s.readAll();
    }
    return got;
}
} // namespace

// A keep-alive HTTP client is a hub connection while its socket is open: listed with protocol
// "http", its peer and the identity of its authenticated requests; DELETE resets its socket.
void tst_HttpDaemon::keepAliveClientsAreConnections()
{
    const QStringList hostPort = m_daemon.httpAddress().split(QLatin1Char(':'));
    QTcpSocket s;
    s.connectToHost(hostPort.value(0), quint16(hostPort.value(1).toUInt()));
    QVERIFY(s.waitForConnected(5000));
    const QString peer = QStringLiteral("127.0.0.1:%1").arg(s.localPort());
    s.write("GET /api/v1/topics?limit=1 HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " + kOpsToken + "\r\n\r\n");
    QVERIFY(readAnswer(s, "\"meta\"").startsWith("HTTP/1.1 200 OK\r\n"));

    const auto list = curl(url(QStringLiteral("/api/v1/connections?limit=1000")), bearer(kOpsToken));
    QCOMPARE(list.status, 200);
    const QJsonObject mine = connectionWithPeer(list.data().toArray(), peer);
    QVERIFY2(!mine.isEmpty(), list.body.constData());
    QCOMPARE(mine[QLatin1String("protocol")].toString(), QStringLiteral("http"));
    QCOMPARE(mine[QLatin1String("identity")].toString(), QStringLiteral("ops"));
    QVERIFY(mine[QLatin1String("authenticated")].toBool());
    const QString id = mine[QLatin1String("id")].toString();
    QVERIFY2(id.startsWith(QLatin1String("http-")), qPrintable(id));

    QCOMPARE(curl(url(QStringLiteral("/api/v1/connections/") + id), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + bearer(kOpsToken))
                 .status,
             204);
    QTRY_COMPARE_WITH_TIMEOUT(s.state(), QAbstractSocket::UnconnectedState, 5000);
    // Gone from the list, and curl's own connections (closed after each run) are not kept either.
    QTRY_VERIFY_WITH_TIMEOUT(
        connectionWithPeer(curl(url(QStringLiteral("/api/v1/connections?limit=1000")), bearer(kOpsToken)).data().toArray(), peer).isEmpty(),
        5000);
    const auto httpClients = [this] {
        int n = 0;
        for (const QJsonValue &v : curl(url(QStringLiteral("/api/v1/connections?limit=1000")), bearer(kOpsToken)).data().toArray())
            n += v[QLatin1String("protocol")].toString() == QLatin1String("http") ? 1 : 0;
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(httpClients(), 1, 5000); // the curl asking
}

void tst_HttpDaemon::healthMetricsOpenApi()
{
    const auto health = curl(url(QStringLiteral("/health")));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json()[QLatin1String("status")].toString(), QStringLiteral("healthy"));
    QStringList names;
    for (const QJsonValue &c : health.json()[QLatin1String("checks")].toArray())
        names << c[QLatin1String("name")].toString();
    QVERIFY(names.contains(QStringLiteral("native")) && names.contains(QStringLiteral("http")));
    QVERIFY(names.contains(QStringLiteral("http ") + m_daemon.httpAddress()));

    const auto metrics = curl(url(QStringLiteral("/metrics")));
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.header("content-type").startsWith("text/plain; version=0.0.4"));
    QVERIFY(metrics.body.contains("switchboard_http_requests_total{route=\"/api/v1/events\",method=\"POST\""));
    QVERIFY(metrics.body.contains("switchboard_http_request_duration_seconds_bucket{"));
    QProcess promtool;
    promtool.start(QStringLiteral("promtool"), {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY2(promtool.waitForStarted(10000), "promtool (Debian package prometheus) is missing: ./dev.sh installs it");
    promtool.write(metrics.body);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30000));
    QVERIFY2(promtool.exitCode() == 0, promtool.readAllStandardError().constData());

    // Every route the tests above used is in the OpenAPI document, with its method.
    const auto doc = curl(url(QStringLiteral("/api/v1/openapi.json")));
    QCOMPARE(doc.status, 200);
    QVERIFY(doc.json()[QLatin1String("openapi")].toString().startsWith(QLatin1String("3.")));
    const QJsonObject paths = doc.json()[QLatin1String("paths")].toObject();
    const QList<std::pair<QString, QString>> routes{
        {QStringLiteral("/api/v1/events"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/messages"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/requests/{topic}"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/channels"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/channels"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/channels/{name}"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/channels/{name}"), QStringLiteral("put")},
        {QStringLiteral("/api/v1/channels/{name}"), QStringLiteral("delete")},
        {QStringLiteral("/api/v1/channels/{name}/messages"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/messages"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/channels/{name}/messages/density"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/messages/density"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/durables"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/durables/{name}"), QStringLiteral("delete")},
        {QStringLiteral("/api/v1/replays"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/replays"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/replays/{id}"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/replays/{id}"), QStringLiteral("delete")},
        {QStringLiteral("/api/v1/replays/{id}/pause"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/replays/{id}/resume"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/replays/{id}/seek"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/topics"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/connections"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/connections/{id}"), QStringLiteral("delete")},
        {QStringLiteral("/api/v1/deadletters"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/deadletters"), QStringLiteral("delete")},
        {QStringLiteral("/api/v1/deadletters/{id}"), QStringLiteral("delete")},
        {QStringLiteral("/api/v1/deadletters/{id}/requeue"), QStringLiteral("post")},
        {QStringLiteral("/health"), QStringLiteral("get")},
        {QStringLiteral("/metrics"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/openapi.json"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/stream"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/ws"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/subscribe"), QStringLiteral("post")},
        {QStringLiteral("/api/v1/subscriptions"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/subscriptions/{id}"), QStringLiteral("get")},
        {QStringLiteral("/api/v1/subscriptions/{id}"), QStringLiteral("delete")}};
    for (const auto &[path, method] : routes)
        QVERIFY2(paths[path].toObject().contains(method), qPrintable(method + QLatin1Char(' ') + path));
    int operations = 0;
    for (const QJsonValue &p : paths)
        operations += int(p.toObject().size());
    QCOMPARE(operations, int(routes.size())); // and nothing that does not exist
}

void tst_HttpDaemon::errors()
{
    const QString events = url(QStringLiteral("/api/v1/events"));
    const auto badJson = postJson(events, R"({"topic": )");
    QCOMPARE(badJson.status, 400);
    QCOMPARE(badJson.code(), QStringLiteral("BAD_MESSAGE"));
    const auto type = curl(events, {QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                                    QStringLiteral("Content-Type: text/plain"), QStringLiteral("-d"), QStringLiteral("x")});
    QCOMPARE(type.status, 415);
    QCOMPARE(type.code(), QStringLiteral("UNSUPPORTED_MEDIA_TYPE"));
    QCOMPARE(postJson(events, R"({"topic":"a.b","channel":"nope"})").code(), QStringLiteral("CHANNEL_NOT_FOUND"));
    const QByteArray big = "{\"topic\":\"a.b\",\"payload\":\"" + QByteArray(70 * 1024, 'x') + "\"}";
    const auto tooBig = postJson(events, big);
    QCOMPARE(tooBig.status, 413);
    QCOMPARE(curl(url(QStringLiteral("/api/v1/nothing"))).status, 404);
    QCOMPARE(curl(url(QStringLiteral("/api/v2/events")), {QStringLiteral("-X"), QStringLiteral("POST")}).status, 404);
    const auto method = curl(events);
    QCOMPARE(method.status, 405);
    QCOMPARE(method.header("allow"), QByteArray("POST"));
    QCOMPARE(postJson(events, R"({"topic":"$sb.fake"})").status, 403);
}

void tst_HttpDaemon::idempotencyKey()
{
    m_seen.clear();
    const QStringList key{QStringLiteral("-H"), QStringLiteral("Idempotency-Key: order-7")};
    const auto first = postJson(url(QStringLiteral("/api/v1/events")), R"({"topic":"pay.charge","payload":7})", key);
    QCOMPARE(first.status, 202);
    const auto again = postJson(url(QStringLiteral("/api/v1/events")), R"({"topic":"pay.charge","payload":7})", key);
    QCOMPARE(again.status, 202);
    QCOMPARE(again.header("idempotent-replayed"), QByteArray("true"));
    QCOMPARE(again.data()[QLatin1String("id")].toString(), first.data()[QLatin1String("id")].toString());
    const auto other = postJson(url(QStringLiteral("/api/v1/events")), R"({"topic":"pay.charge","payload":8})", key);
    QCOMPARE(other.status, 409);
    QCOMPARE(other.code(), QStringLiteral("CONFLICT"));
    QTRY_COMPARE(m_seen.size(), 1);
    QTest::qWait(100);
    QCOMPARE(m_seen.size(), 1); // one charge, not two
}

QTEST_GUILESS_MAIN(tst_HttpDaemon)
