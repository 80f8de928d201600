// SPDX-License-Identifier: Apache-2.0
// Server-Sent Events against the real switchboardd (issue #14): curl -N as the third-party
// client; the security matrix (no, wrong, forged, expired credentials, a token in the query, an
// ACL refusal: refused before any stream, nothing delivered); filters and event types; resume with
// Last-Event-ID and the gap notice; heartbeats; the stream limits; a peer that never reads (closed,
// the daemon's memory bounded) and one that leaves.
#include "daemonprocess.h"
#include "jwttestsigner.h"
#include "streamfixture.h"
#include "sseclient.h"
#include "testcert.h"

#include <switchboardclient.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace sb;
using sbtest::SseClient;

using sbtest::bearer;
using sbtest::rssKb;
const QByteArray &kOps = sbtest::kOpsToken;
const QByteArray &kReader = sbtest::kReaderToken;
const QByteArray &kRobot = sbtest::kRobotToken;

class tst_Sse : public QObject
{
    Q_OBJECT

private:
    DaemonProcess m_daemon;
    SwitchboardClient m_pub; // admin, native
    sbtest::JwtTestSigner m_hmac = sbtest::JwtTestSigner::hmac(QByteArray(32, 'k'));
    sbtest::JwtTestSigner m_forger = sbtest::JwtTestSigner::hmac(QByteArray(32, 'f'));

    QByteArray jwt(qint64 expOffsetS, const sbtest::JwtTestSigner &signer) const { return sbtest::readerJwt(expOffsetS, signer); }

    void publish(const QString &topic, const QByteArray &payload, const QString &event = {})
    {
        Message m(MessageType::Event, topic, payload);
        m.setContentType(QStringLiteral("application/json"));
        if (!event.isEmpty())
            m.setAction(event);
        std::optional<Status> ack;
        QVERIFY(m_pub.publish(m, [&ack](const Status &s) { ack = s; }));
        QTRY_VERIFY(ack.has_value());
        QVERIFY2(bool(*ack), qPrintable(ack->error().message));
    }

    // GET /api/v1/connections as ops: the open SSE streams.
    int sseConnections() { return sbtest::connectionsOf(m_daemon.httpAddress(), QStringLiteral("sse")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(sbtest::writeJwtSecret(m_daemon.filePath(QStringLiteral("hmac.secret"))));
        DaemonProcess::Options o;
        o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n"
                                       "    io-threads: 1\n"
                                       "    sse: {heartbeat: 300ms, max-streams-per-address: 8, high-water-bytes: 16KiB,\n"
                                       "          max-outbound-bytes: 64KiB, stall-timeout: 1s, resume-buffer: {max-messages: 50}}\n");
        o.topLevelExtra = sbtest::streamAuthYaml(m_daemon.filePath(QStringLiteral("hmac.secret")), QStringLiteral("subscribe"))
                          + QStringLiteral("limits: {subscriber-queue: {max-messages: 200, max-bytes: 1MiB, overflow: drop-oldest}}\n");
        QVERIFY2(m_daemon.start(o), qPrintable(m_daemon.errorString()));
        QVERIFY(sbtest::connectAdmin(m_pub, m_daemon.url(QStringLiteral("tcp"))));
    }

    void cleanupTestCase() { QCOMPARE(m_daemon.stop(), 0); }

    // curl -N, a real client: the head, then the filtered events as they come.
    void curlReceivesFilteredEvents()
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sN"), QStringLiteral("-i"), QStringLiteral("--max-time"), QStringLiteral("15"),
                    QStringLiteral("-H"), QString::fromLatin1(bearer(kReader)),
                    QStringLiteral("http://%1/api/v1/stream?topic=sensors.*.temp&filter=data.t%20%3E%2030&event_types=reading")
                        .arg(m_daemon.httpAddress())});
        QVERIFY(curl.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(sseConnections(), 1, 10000);
        publish(QStringLiteral("sensors.b1.temp"), R"({"t":25})", QStringLiteral("reading"));
        publish(QStringLiteral("sensors.b1.temp"), R"({"t":35})", QStringLiteral("reading"));
        publish(QStringLiteral("sensors.b1.temp"), R"({"t":45})", QStringLiteral("calibration"));
        publish(QStringLiteral("sensors.b2.hum"), R"({"t":99})", QStringLiteral("reading"));
        publish(QStringLiteral("sensors.b2.temp"), R"({"t":31})", QStringLiteral("reading"));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += curl.readAllStandardOutput()).count("\nid: ") >= 2, 10000);
        curl.kill();
        curl.waitForFinished();
        QVERIFY2(out.startsWith("HTTP/1.1 200 OK"), out.constData());
        QVERIFY(out.toLower().contains("content-type: text/event-stream"));
        QVERIFY(out.contains("retry: "));
        QCOMPARE(out.count("\nid: "), 2);
        QVERIFY2(out.contains("\"data\":{\"t\":35}"), out.constData());
        QVERIFY(out.contains("\"data\":{\"t\":31}"));
        QVERIFY(out.contains("event: reading"));
        QVERIFY(!out.contains("\"t\":25") && !out.contains("\"t\":45") && !out.contains("\"t\":99"));
        QTRY_COMPARE_WITH_TIMEOUT(sseConnections(), 0, 10000); // curl left: the stream is gone
    }

    void securityMatrix_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray sensors = "/api/v1/stream?topic=sensors.>";
        QTest::newRow("no credentials") << sensors << QByteArray() << 401 << QStringLiteral("UNAUTHENTICATED");
        QTest::newRow("wrong token") << sensors << bearer("not-a-token-0123456") << 401 << QStringLiteral("UNAUTHENTICATED");
        QTest::newRow("forged jwt") << sensors << bearer(jwt(600, m_forger)) << 401 << QStringLiteral("UNAUTHENTICATED");
        QTest::newRow("expired jwt") << sensors << bearer(jwt(-600, m_hmac)) << 401 << QStringLiteral("UNAUTHENTICATED");
        QTest::newRow("wrong token in query") << sensors + "&access_token=nope-0123456789" << QByteArray() << 401
                                               << QStringLiteral("UNAUTHENTICATED");
        QTest::newRow("acl refusal") << sensors << bearer(kRobot) << 403 << QStringLiteral("FORBIDDEN");
        QTest::newRow("acl refusal, one topic of two") << QByteArray("/api/v1/stream?topic=robots.>&topic=sensors.>")
                                                        << bearer(kRobot) << 403 << QStringLiteral("FORBIDDEN");
        QTest::newRow("bad filter") << sensors + "&filter=data.t%20%3D%201" << bearer(kReader) << 400 << QStringLiteral("BAD_MESSAGE");
        QTest::newRow("bad topic") << QByteArray("/api/v1/stream?topic=sensors..b") << bearer(kReader) << 400
                                   << QStringLiteral("INVALID_TOPIC");
        QTest::newRow("no topic") << QByteArray("/api/v1/stream") << bearer(kReader) << 400 << QStringLiteral("BAD_MESSAGE");
        QTest::newRow("valid jwt") << sensors << bearer(jwt(600, m_hmac)) << 200 << QString();
        QTest::newRow("token in query") << sensors + "&access_token=" + kReader << QByteArray() << 200 << QString();
    }
    void securityMatrix()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, header);
        QFETCH(int, status);
        QFETCH(QString, code);
        SseClient c;
        QVERIFY(c.open(m_daemon.httpAddress(), target, header.isEmpty() ? QList<QByteArray>() : QList<QByteArray>{header}));
        QCOMPARE(c.status, status);
        publish(QStringLiteral("sensors.matrix"), "{\"n\":1}");
        if (status != 200) {
            const QJsonObject error = QJsonDocument::fromJson(c.errorBody()).object().value(QStringLiteral("error")).toObject();
            QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
            QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
            QVERIFY(!c.waitEvents(1, 300)); // nothing delivered, ever
            return;
        }
        QVERIFY(c.waitEvents(1)); // subscribed before the publish: the matrix message arrives
        QCOMPARE(c.namedEvents().first().event, QByteArray("message"));
    }

    void resumeWithLastEventId()
    {
        const QByteArray target = "/api/v1/stream?topic=sensors.resume";
        QByteArray lastSeen;
        {
            SseClient c;
            QVERIFY(c.open(m_daemon.httpAddress(), target, {bearer(kReader)}));
            QCOMPARE(c.status, 200);
            publish(QStringLiteral("sensors.resume"), "{\"n\":1}");
            publish(QStringLiteral("sensors.resume"), "{\"n\":2}");
            QVERIFY(c.waitEvents(2));
            lastSeen = c.namedEvents().at(1).id;
            QVERIFY(!lastSeen.isEmpty());
        } // the client leaves
        publish(QStringLiteral("sensors.resume"), "{\"n\":3}");
        publish(QStringLiteral("sensors.other"), "{\"n\":99}"); // not this stream's topic
        publish(QStringLiteral("sensors.resume"), "{\"n\":4}");
        SseClient again;
        QVERIFY(again.open(m_daemon.httpAddress(), target, {bearer(kReader), "Last-Event-ID: " + lastSeen}));
        QCOMPARE(again.status, 200);
        QVERIFY(again.waitEvents(2));
        publish(QStringLiteral("sensors.resume"), "{\"n\":5}");
        QVERIFY(again.waitEvents(3));
        QVERIFY(!again.waitEvents(4, 300)); // nothing twice
        const QList<sbtest::SseEventSeen> got = again.namedEvents();
        QVERIFY2(got.at(0).data.contains("\"data\":{\"n\":3}"), got.at(0).data.constData());
        QVERIFY(got.at(1).data.contains("\"data\":{\"n\":4}"));
        QVERIFY(got.at(2).data.contains("\"data\":{\"n\":5}"));

        // An id the ring does not hold: an sb.gap event, then live events.
        SseClient lost;
        QVERIFY(lost.open(m_daemon.httpAddress(), target, {bearer(kReader), "Last-Event-ID: no-such-id"}));
        QVERIFY(lost.waitEvents(1));
        QCOMPARE(lost.namedEvents().first().event, QByteArray("sb.gap"));
        QVERIFY(lost.namedEvents().first().data.contains("no-such-id"));

        // A resume never replays what the principal may not read: the robot asks for sensors.
        SseClient robot;
        QVERIFY(robot.open(m_daemon.httpAddress(), target, {bearer(kRobot), "Last-Event-ID: " + lastSeen}));
        QCOMPARE(robot.status, 403);
    }

    void heartbeatsKeepIdleStreamsAlive()
    {
        SseClient c;
        QVERIFY(c.open(m_daemon.httpAddress(), "/api/v1/stream?topic=sensors.quiet", {bearer(kReader)}));
        QCOMPARE(c.status, 200);
        QVERIFY(c.waitEvents(2, 3000, true));
        QCOMPARE(c.events.at(0).comment, QByteArray("heartbeat"));
        QCOMPARE(c.events.at(1).comment, QByteArray("heartbeat"));
    }

    void streamsPerAddressLimited()
    {
        std::vector<std::unique_ptr<SseClient>> open;
        for (int i = 0; i < 8; ++i) {
            open.push_back(std::make_unique<SseClient>());
            QVERIFY(open.back()->open(m_daemon.httpAddress(), "/api/v1/stream?topic=sensors.x", {bearer(kReader)}));
            QCOMPARE(open.back()->status, 200);
        }
        SseClient over;
        QVERIFY(over.open(m_daemon.httpAddress(), "/api/v1/stream?topic=sensors.x", {bearer(kReader)}));
        QCOMPARE(over.status, 429);
        QVERIFY(over.errorBody().contains("max-streams-per-address"));
        open.clear();
        QTRY_COMPARE_WITH_TIMEOUT(sseConnections(), 0, 10000);
    }

    // A reader that never reads: its stream is closed (OVERFLOW) once the unsent bytes pass
    // max-outbound-bytes or it takes none of them for stall-timeout (deliveries above high-water
    // wait in the subscriber queue, whose drop-oldest never closes a stream), the daemon's memory
    // stays bounded, and others are served.
    void peerThatNeverReads()
    {
        SseClient stuck;
        QVERIFY(stuck.open(m_daemon.httpAddress(), "/api/v1/stream?topic=sensors.flood", {bearer(kReader)}));
        QCOMPARE(stuck.status, 200);
        stuck.socket.setReadBufferSize(1); // stop reading: the kernel buffers fill, then ours
        const qint64 before = rssKb(m_daemon.pid());
        const QByteArray payload = "{\"blob\": \"" + QByteArray(4000, 'x') + "\"}";
        // 20 MB, pipelined (the client's own buffer bounds what is in flight).
        for (int i = 0; i < 5000;) {
            Message m(MessageType::Event, QStringLiteral("sensors.flood"), payload);
            const Status st = m_pub.publish(m);
            if (st) {
                ++i;
                continue;
            }
            QCOMPARE(st.error().code, ErrorCode::QueueFull);
            QTest::qWait(5);
        }
        publish(QStringLiteral("sensors.flood"), payload); // acknowledged: all before it were read
        QVERIFY2(m_pub.state() == SwitchboardClient::State::Connected, qPrintable(m_daemon.stderrText().right(3000)));
        QTRY_COMPARE_WITH_TIMEOUT(sseConnections(), 0, 20000);
        const qint64 after = rssKb(m_daemon.pid());
#if !defined(__SANITIZE_ADDRESS__)
        // (Under ASan the daemon's RSS holds its quarantine of freed memory: the stream being closed is
        // what holds there.)
        QVERIFY2(after - before < 60 * 1024, qPrintable(QStringLiteral("RSS grew from %1 to %2 kB").arg(before).arg(after)));
#else
        Q_UNUSED(before)
        Q_UNUSED(after)
#endif
        SseClient fine;
        QVERIFY(fine.open(m_daemon.httpAddress(), "/api/v1/stream?topic=sensors.flood", {bearer(kReader)}));
        QCOMPARE(fine.status, 200);
        publish(QStringLiteral("sensors.flood"), "{\"small\": 1}");
        QVERIFY(fine.waitEvents(1));
    }

    // Over TLS with two I/O threads: the TLS socket is handed to the bus thread after the
    // handshake and the 200 head, and the stream goes on there (curl, a real TLS client).
    void overTlsWithIoThreads()
    {
        DaemonProcess tls;
        const QString cert = tls.filePath(QStringLiteral("cert.pem")), key = tls.filePath(QStringLiteral("key.pem"));
        const QString made = makeLoopbackCertificate(cert, key);
        QVERIFY2(made.isEmpty(), qPrintable(made));
        DaemonProcess::Options o;
        o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\", tls: {cert: \"%1\", key: \"%2\"}}]\n"
                                       "    io-threads: 2\n")
                            .arg(cert, key);
        QVERIFY2(tls.start(o), qPrintable(tls.errorString()));
        QProcess curl;
        curl.start(QStringLiteral("curl"), {QStringLiteral("-sN"), QStringLiteral("--cacert"), cert, QStringLiteral("--max-time"),
                                            QStringLiteral("15"),
                                            QStringLiteral("https://%1/api/v1/stream?topic=tls.*").arg(tls.httpAddress())});
        QVERIFY(curl.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += curl.readAllStandardOutput()).contains("retry: "), 10000);
        SwitchboardClient pub;
        QSignalSpy connected(&pub, &SwitchboardClient::connected);
        QVERIFY(pub.connectToHub(tls.url(QStringLiteral("tcp"))));
        QVERIFY(connected.wait(10000));
        for (int i = 0; i < 3; ++i)
            QVERIFY(pub.publish(QStringLiteral("tls.t"), "{\"i\":" + QByteArray::number(i) + '}'));
        QTRY_VERIFY_WITH_TIMEOUT((out += curl.readAllStandardOutput()).count("\nid: ") + out.startsWith("id: ") >= 3, 10000);
        QCOMPARE(out.count("event: message"), 3); // the payloads without a content type are strings in the envelope
        curl.kill();
        curl.waitForFinished();
        QVERIFY(!tls.stderrText().contains(QLatin1String("another thread")));
        QCOMPARE(tls.stop(), 0);
    }

    // A client that leaves in the middle of an event: the stream ends, nothing is left behind.
    void peerLeavesMidStream()
    {
        {
            SseClient c;
            QVERIFY(c.open(m_daemon.httpAddress(), "/api/v1/stream?topic=sensors.leave", {bearer(kReader)}));
            QTRY_COMPARE_WITH_TIMEOUT(sseConnections(), 1, 10000);
            publish(QStringLiteral("sensors.leave"), "{\"blob\": \"" + QByteArray(60000, 'y') + "\"}");
            c.socket.waitForReadyRead(2000); // part of the event, then gone
            c.socket.abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(sseConnections(), 0, 10000);
        publish(QStringLiteral("sensors.leave"), "{\"after\": 1}");
    }
};

QTEST_GUILESS_MAIN(tst_Sse)
#include "tst_sse.moc"
