// SPDX-License-Identifier: Apache-2.0
// Webhooks against the real switchboardd (issue #14): subscriptions made with POST
// /api/v1/subscribe (curl), delivered to a receiver in this test that checks the HMAC-SHA256
// signature; filters; retries with backoff and HANDLER_FAILED dead letters with the last status;
// a receiver that never answers (timeout, concurrency per target, the bounded queue) and one that
// leaves mid-answer; the security matrix (no / wrong / forged / expired credentials, the ACL, the
// target policy); list and delete by owner only; kept across a restart with their secrets.
#include "curlrun.h"
#include "daemonprocess.h"
#include "jwttestsigner.h"
#include "streamfixture.h"
#include "webhookreceiver.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <csignal>

using namespace sbtest;

namespace {

QByteArray secretBytes(const QString &secret)
{
    return QByteArray::fromBase64(secret.mid(6).toLatin1(), QByteArray::Base64UrlEncoding);
}

bool signatureValid(const ReceivedHook &h, const QString &secret)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secretBytes(secret));
    mac.addData(h.headers.value("x-switchboard-timestamp") + "." + h.body);
    return h.headers.value("x-switchboard-signature") == "v1=" + mac.result().toHex();
}

} // namespace

class tst_Webhooks : public QObject
{
    Q_OBJECT

private:
    DaemonProcess m_daemon;
    WebhookReceiver m_receiver;
    QTemporaryDir m_state;
    JwtTestSigner m_hmac = JwtTestSigner::hmac(QByteArray(32, 'k'));
    JwtTestSigner m_forger = JwtTestSigner::hmac(QByteArray(32, 'f'));

    QString api(const QString &path) const { return QStringLiteral("http://%1/api/v1%2").arg(m_daemon.httpAddress(), path); }
    static QStringList auth(const QByteArray &token) { return {QStringLiteral("-H"), QString::fromLatin1(bearer(token))}; }

    DaemonProcess::Options options(const QString &webhooks) const
    {
        DaemonProcess::Options o;
        o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n    webhooks: %1\n").arg(webhooks);
        o.topLevelExtra = streamAuthYaml(m_daemon.filePath(QStringLiteral("hmac.secret")), QStringLiteral("subscribe, publish"));
        return o;
    }
    QString webhooksYaml() const
    {
        return QStringLiteral("{allow-http: true, allow-networks: [\"127.0.0.1\"], file: \"%1\", timeout: 1s,\n"
                              "               concurrency-per-target: 2, retry: {max-attempts: 3, initial-backoff-ms: 100,\n"
                              "               max-backoff-ms: 200}, queue: {max-messages: 20}}")
            .arg(m_state.filePath(QStringLiteral("webhooks.json")));
    }

    // A webhook subscription made by \a token; the answer.
    CurlResult subscribe(const QByteArray &token, const QByteArray &topic, const QString &webhook, const QByteArray &filter = {})
    {
        QJsonObject body{{QStringLiteral("topic"), QString::fromUtf8(topic)}, {QStringLiteral("webhook"), webhook}};
        if (!filter.isEmpty())
            body.insert(QStringLiteral("filter"), QString::fromUtf8(filter));
        return postJson(api(QStringLiteral("/subscribe")), QJsonDocument(body).toJson(QJsonDocument::Compact), auth(token));
    }
    int publish(const QByteArray &topic, const QByteArray &payload, const QString &httpAddress = {})
    {
        const QString base = httpAddress.isEmpty() ? m_daemon.httpAddress() : httpAddress;
        const CurlResult r = postJson(QStringLiteral("http://%1/api/v1/events").arg(base),
                                      "{\"topic\":\"" + topic + "\",\"payload\":" + payload + "}", auth(kOpsToken));
        return r.status == 202 ? r.data().toObject().value(QStringLiteral("deliveries")).toInt() : -1;
    }
    QJsonObject status(const QString &id)
    {
        return curl(api(QStringLiteral("/subscriptions/") + id), auth(kOpsToken)).data().toObject().value(QStringLiteral("status")).toObject();
    }
    QJsonArray deadLetters()
    {
        return curl(api(QStringLiteral("/deadletters?limit=1000")), auth(kOpsToken)).data().toArray();
    }
    // Dead letters of reason \a reason whose detail names \a id.
    QList<QJsonObject> lettersOf(const QString &id, const QString &reason)
    {
        QList<QJsonObject> out;
        for (const QJsonValue &v : deadLetters()) {
            const QJsonObject l = v.toObject();
            if (l.value(QStringLiteral("reason")).toString() == reason && l.value(QStringLiteral("detail")).toString().contains(id))
                out.append(l);
        }
        return out;
    }
    // One of the webhook counters /metrics exports (switchboard_http_webhook_stat); -1 if absent.
    int webhookStat(const char *stat)
    {
        const QByteArray prefix = QByteArray("switchboard_http_webhook_stat{stat=\"") + stat + "\"} ";
        for (const QByteArray &line : curl(QStringLiteral("http://%1/metrics").arg(m_daemon.httpAddress()), auth(kOpsToken)).body.split('\n')) {
            if (line.startsWith(prefix))
                return line.mid(prefix.size()).toInt();
        }
        return -1;
    }
    // OVERFLOW dead letters of messages on \a topic.
    int overflowed(const QString &topic)
    {
        int n = 0;
        for (const QJsonValue &v : deadLetters()) {
            const QJsonObject l = v.toObject();
            n += l.value(QStringLiteral("reason")).toString() == QLatin1String("OVERFLOW")
                 && l.value(QStringLiteral("message")).toObject().value(QStringLiteral("topic")).toString() == topic;
        }
        return n;
    }
    bool remove(const QByteArray &token, const QString &id)
    {
        return curl(api(QStringLiteral("/subscriptions/") + id), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + auth(token))
                   .status == 204;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(writeJwtSecret(m_daemon.filePath(QStringLiteral("hmac.secret"))));
        QVERIFY2(m_daemon.start(options(webhooksYaml())), qPrintable(m_daemon.errorString()));
    }

    void cleanupTestCase() { QCOMPARE(m_daemon.stop(), 0); }

    // Made by robot (ACL: robots.>), with a filter; deliveries signed; filtered ones never sent.
    void deliveredSignedAndFiltered()
    {
        const CurlResult made = subscribe(kRobotToken, "robots.>", m_receiver.url("/ok"), "data.t > 30");
        QCOMPARE(made.status, 201);
        const QJsonObject sub = made.data().toObject();
        const QString id = sub.value(QStringLiteral("id")).toString(), secret = sub.value(QStringLiteral("secret")).toString();
        QVERIFY(id.startsWith(QLatin1String("wh-")));
        QVERIFY(secret.startsWith(QLatin1String("whsec_")));
        QCOMPARE(sub.value(QStringLiteral("owner")).toString(), QStringLiteral("robot"));

        QCOMPARE(publish("robots.a", "{\"t\":35}"), 1);
        QCOMPARE(publish("robots.a", "{\"t\":10}"), 0); // withheld by the filter
        QCOMPARE(publish("robots.b", "{\"t\":40}"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_receiver.byPath("/ok").size(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(status(id).value(QStringLiteral("delivered")).toInt(), 2, 10000);
        QCOMPARE(status(id).value(QStringLiteral("pending")).toInt(), 0);
        QSet<int> seen;
        QSet<QByteArray> deliveryIds;
        for (const ReceivedHook &h : m_receiver.byPath("/ok")) {
            QVERIFY2(signatureValid(h, secret), h.headers.value("x-switchboard-signature").constData());
            QVERIFY(!signatureValid(h, QStringLiteral("whsec_") + QString(43, QLatin1Char('A'))));
            QCOMPARE(h.headers.value("x-switchboard-webhook"), id.toLatin1());
            QCOMPARE(h.headers.value("x-switchboard-attempt"), QByteArray("1"));
            QCOMPARE(h.headers.value("content-type"), QByteArray("application/json"));
            deliveryIds.insert(h.headers.value("x-switchboard-delivery"));
            const QJsonObject envelope = QJsonDocument::fromJson(h.body).object();
            QVERIFY(envelope.value(QStringLiteral("topic")).toString().startsWith(QLatin1String("robots.")));
            seen.insert(envelope.value(QStringLiteral("data")).toObject().value(QStringLiteral("t")).toInt());
        }
        QCOMPARE(seen, QSet<int>({35, 40}));
        QCOMPARE(deliveryIds.size(), 2);
        QCOMPARE(connectionsOf(m_daemon.httpAddress(), QStringLiteral("webhook")), 1);
        QVERIFY(remove(kRobotToken, id));
    }

    // Owners see and delete their own; others get 404 (an operator may list everybody's).
    void listAndDeleteByOwner()
    {
        const QString id = subscribe(kRobotToken, "robots.x", m_receiver.url("/ok"))
                               .data().toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        auto ids = [&](const QByteArray &token, const QString &query) {
            QStringList out;
            const CurlResult r = curl(api(QStringLiteral("/subscriptions") + query), auth(token));
            for (const QJsonValue &v : r.data().toArray()) {
                out.append(v.toObject().value(QStringLiteral("id")).toString());
                if (v.toObject().contains(QStringLiteral("secret")))
                    out.append(QStringLiteral("SECRET SHOWN"));
            }
            return out;
        };
        QCOMPARE(ids(kRobotToken, {}), QStringList{id});
        QCOMPARE(ids(kReaderToken, {}), QStringList());
        QCOMPARE(curl(api(QStringLiteral("/subscriptions?all=true")), auth(kReaderToken)).status, 403);
        QCOMPARE(ids(kOpsToken, QStringLiteral("?all=true")), QStringList{id});
        QCOMPARE(curl(api(QStringLiteral("/subscriptions/") + id), auth(kReaderToken)).status, 404);
        QCOMPARE(curl(api(QStringLiteral("/subscriptions/") + id), QStringList{QStringLiteral("-X"), QStringLiteral("DELETE")} + auth(kReaderToken)).status, 404);
        QVERIFY(remove(kRobotToken, id));
        QCOMPARE(ids(kOpsToken, QStringLiteral("?all=true")), QStringList());
        QCOMPARE(publish("robots.x", "1"), 0); // nothing delivered
        QCOMPARE(connectionsOf(m_daemon.httpAddress(), QStringLiteral("webhook")), 0);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        const QByteArray ok = "{\"topic\":\"sensors.>\",\"webhook\":\"" + m_receiver.url("/ok").toLatin1() + "\"}";
        QTest::newRow("no credentials") << QByteArray() << ok << 401 << "UNAUTHENTICATED";
        QTest::newRow("wrong token") << QByteArray("nope-0123456789") << ok << 401 << "UNAUTHENTICATED";
        QTest::newRow("forged JWT") << readerJwt(600, m_forger) << ok << 401 << "UNAUTHENTICATED";
        QTest::newRow("expired JWT") << readerJwt(-600, m_hmac) << ok << 401 << "UNAUTHENTICATED";
        QTest::newRow("ACL: robots.> for a reader") << kReaderToken
                                                     << QByteArray("{\"topic\":\"robots.>\",\"webhook\":\"" + m_receiver.url("/ok").toLatin1() + "\"}")
                                                     << 403 << "FORBIDDEN";
        QTest::newRow("metadata address") << kReaderToken << QByteArray("{\"topic\":\"sensors.>\",\"webhook\":\"http://169.254.169.254/latest\"}")
                                          << 403 << "FORBIDDEN";
        QTest::newRow("loopback not allowed") << kReaderToken << QByteArray("{\"topic\":\"sensors.>\",\"webhook\":\"http://127.0.0.2:9/x\"}")
                                              << 403 << "FORBIDDEN";
        QTest::newRow("not a URL") << kReaderToken << QByteArray("{\"topic\":\"sensors.>\",\"webhook\":\"ftp://example.org/x\"}") << 400
                                   << "BAD_MESSAGE";
        QTest::newRow("no topic") << kReaderToken << QByteArray("{\"webhook\":\"" + m_receiver.url("/ok").toLatin1() + "\"}") << 400
                                  << "BAD_MESSAGE";
        QTest::newRow("bad filter") << kReaderToken
                                    << QByteArray("{\"topic\":\"sensors.>\",\"filter\":\"data.t >\",\"webhook\":\"" + m_receiver.url("/ok").toLatin1() + "\"}")
                                    << 400 << "BAD_MESSAGE";
    }

    // The security matrix and bad input: refused with the code, nothing made, nothing delivered.
    void refused()
    {
        QFETCH(QByteArray, token);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const int before = m_receiver.received.size();
        const CurlResult r = postJson(api(QStringLiteral("/subscribe")), body, token.isEmpty() ? QStringList() : auth(token));
        QCOMPARE(r.status, status);
        QCOMPARE(r.code(), code);
        QVERIFY(!r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(curl(api(QStringLiteral("/subscriptions?all=true")), auth(kOpsToken)).data().toArray().size(), 0);
        QCOMPARE(publish("sensors.t", "1"), 0);
        QCOMPARE(publish("robots.t", "1"), 0);
        QCOMPARE(m_receiver.received.size(), before);
    }

    // 500 on every attempt: retried with backoff, then HANDLER_FAILED with the last status; 503
    // once: delivered on the second attempt; 400: dead-lettered at once; a receiver that cuts the
    // connection after the request head: retried, then dead-lettered.
    void retriesAndDeadLetters()
    {
        QStringList ids;
        for (const char *path : {"/fail", "/flaky", "/bad", "/cut"}) {
            ids.append(subscribe(kRobotToken, "robots.retry" + QByteArray(path + 1), m_receiver.url(path))
                           .data().toObject().value(QStringLiteral("id")).toString());
            QVERIFY(!ids.last().isEmpty());
            QCOMPARE(publish("robots.retry" + QByteArray(path + 1), "{\"n\":1}"), 1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(lettersOf(ids[0], QStringLiteral("HANDLER_FAILED")).size(), 1, 15000);
        const QJsonObject failed = lettersOf(ids[0], QStringLiteral("HANDLER_FAILED")).first();
        QCOMPARE(failed.value(QStringLiteral("attempts")).toInt(), 3);
        QCOMPARE(failed.value(QStringLiteral("message")).toObject().value(QStringLiteral("headers")).toObject()
                     .value(QStringLiteral("x-sb-webhook-status")).toString(), QStringLiteral("500"));
        const QList<ReceivedHook> fails = m_receiver.byPath("/fail");
        QCOMPARE(fails.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(fails[i].headers.value("x-switchboard-attempt"), QByteArray::number(i + 1));
            QCOMPARE(fails[i].headers.value("x-switchboard-delivery"), fails[0].headers.value("x-switchboard-delivery"));
        }

        QTRY_COMPARE_WITH_TIMEOUT(status(ids[1]).value(QStringLiteral("delivered")).toInt(), 1, 15000);
        QCOMPARE(m_receiver.byPath("/flaky").size(), 2);
        QCOMPARE(lettersOf(ids[1], QStringLiteral("HANDLER_FAILED")).size(), 0);

        QTRY_COMPARE_WITH_TIMEOUT(lettersOf(ids[2], QStringLiteral("HANDLER_FAILED")).size(), 1, 15000);
        QCOMPARE(lettersOf(ids[2], QStringLiteral("HANDLER_FAILED")).first().value(QStringLiteral("attempts")).toInt(), 1);
        QCOMPARE(m_receiver.byPath("/bad").size(), 1);

        QTRY_COMPARE_WITH_TIMEOUT(lettersOf(ids[3], QStringLiteral("HANDLER_FAILED")).size(), 1, 15000);
        QCOMPARE(m_receiver.byPath("/cut").size(), 3);
        QVERIFY(status(ids[3]).value(QStringLiteral("lastFailure")).toString().size() > 0);
        for (const QString &id : ids)
            QVERIFY(remove(kRobotToken, id));
    }

    // 429 with Retry-After: the retry waits at least what the receiver asked, capped by the
    // policy's max-backoff (200 ms here; without Retry-After the wait would be 100 ms +-20 %).
    void retryAfterHonoured()
    {
        const QString id = subscribe(kRobotToken, "robots.limited", m_receiver.url("/limited")).data().toObject()
                               .value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(publish("robots.limited", "1"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(status(id).value(QStringLiteral("delivered")).toInt(), 1, 10000);
        const QList<ReceivedHook> hooks = m_receiver.byPath("/limited");
        QCOMPARE(hooks.size(), 2);
        QVERIFY2(hooks[1].atMs - hooks[0].atMs >= 190, qPrintable(QString::number(hooks[1].atMs - hooks[0].atMs)));
        QVERIFY(remove(kRobotToken, id));
    }

    // A receiver that never answers, with two subscriptions to it: at most concurrency-per-target
    // (2) POSTs in flight to the target together, the second subscription waits for a slot, each
    // POST ends with the timeout; past a subscription's queue (20) deliveries are dead-lettered
    // OVERFLOW; what waits when a subscription is deleted is dead-lettered SUBSCRIBER_GONE.
    void receiverThatNeverAnswers()
    {
        QStringList ids;
        for (const QByteArray &topic : {QByteArray("robots.slow"), QByteArray("robots.slow2")}) {
            ids.append(subscribe(kRobotToken, topic, m_receiver.url("/slow")).data().toObject().value(QStringLiteral("id")).toString());
            QVERIFY(!ids.last().isEmpty());
        }
        for (int i = 0; i < 30; ++i) {
            QCOMPARE(publish("robots.slow", QByteArray::number(i)), 1);
            QCOMPARE(publish("robots.slow2", QByteArray::number(i)), 1);
            const int inFlight = webhookStat("inFlight");
            QVERIFY2(inFlight >= 0 && inFlight <= 2, qPrintable(QString::number(inFlight)));
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_receiver.byPath("/slow").size() >= 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(webhookStat("targetWaits") > 0, 10000);
        // The slots are taken: both hang until their timeout (1 s), when the next waiting POST takes
        // the slot. inFlight dips for that moment, and the QTRY macros evaluate their expression again
        // after it held, so what was seen is latched.
        bool slotsTaken = false;
        QTRY_VERIFY_WITH_TIMEOUT(slotsTaken || (slotsTaken = webhookStat("inFlight") == 2), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(overflowed(QStringLiteral("robots.slow")) > 0, 10000);
        for (const QString &id : ids)
            QVERIFY(status(id).value(QStringLiteral("pending")).toInt() <= 22);
        QTRY_VERIFY_WITH_TIMEOUT(status(ids[0]).value(QStringLiteral("failedAttempts")).toInt() >= 1, 10000); // timeouts
        QVERIFY(status(ids[0]).value(QStringLiteral("lastFailure")).toString().contains(QLatin1String("time"), Qt::CaseInsensitive));
        for (const QString &id : ids) {
            QVERIFY(remove(kRobotToken, id));
            QVERIFY(lettersOf(id, QStringLiteral("SUBSCRIBER_GONE")).size() > 0); // what was waiting is not lost silently
        }
        QTRY_COMPARE_WITH_TIMEOUT(webhookStat("inFlight"), 0, 5000);
    }

    // Kept across a restart, with its secret: the store file is 0600, and the restarted hub
    // delivers with the same signature key.
    void keptAcrossRestarts()
    {
        const QJsonObject sub = subscribe(kRobotToken, "robots.kept", m_receiver.url("/ok")).data().toObject();
        const QString id = sub.value(QStringLiteral("id")).toString(), secret = sub.value(QStringLiteral("secret")).toString();
        QVERIFY(!id.isEmpty());
        const QString file = m_state.filePath(QStringLiteral("webhooks.json"));
        QCOMPARE(QFileInfo(file).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                                  | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QCOMPARE(m_daemon.stop(), 0);
        QVERIFY2(m_daemon.start(options(webhooksYaml())), qPrintable(m_daemon.errorString()));
        QCOMPARE(curl(api(QStringLiteral("/subscriptions")), auth(kRobotToken)).data().toArray().first().toObject()
                     .value(QStringLiteral("id")).toString(), id);
        const int before = m_receiver.byPath("/ok").size();
        QCOMPARE(publish("robots.kept", "{\"k\":1}"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_receiver.byPath("/ok").size(), before + 1, 10000);
        QVERIFY(signatureValid(m_receiver.byPath("/ok").last(), secret));
        QVERIFY(remove(kRobotToken, id));
    }

    // The ACL stops a webhook (SIGHUP with robots no longer allowed robots.>): it is kept,
    // inactive, and nothing is delivered; once a reload allows it again it delivers, unasked.
    void inactiveUntilTheAclAllowsAgain()
    {
        const QJsonObject sub = subscribe(kRobotToken, "robots.acl", m_receiver.url("/acl")).data().toObject();
        const QString id = sub.value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(status(id).value(QStringLiteral("state")).toString(), QStringLiteral("active"));

        QFile config(m_daemon.configPath());
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QByteArray allowing = config.readAll();
        config.close();
        const QByteArray robotsRule = "robots: [{allow: [subscribe, publish], topics: [\"robots.>\"]}]";
        QVERIFY2(allowing.contains(robotsRule), allowing.constData());
        QByteArray denying = allowing;
        denying.replace(robotsRule, "robots: [{allow: [subscribe, publish], topics: [\"elsewhere.>\"]}]");
        const auto reload = [&](const QByteArray &text) {
            QFile f(m_daemon.configPath());
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QCOMPARE(f.write(text), text.size());
            f.close();
            QCOMPARE(::kill(pid_t(m_daemon.pid()), SIGHUP), 0);
        };

        reload(denying);
        QTRY_COMPARE_WITH_TIMEOUT(status(id).value(QStringLiteral("state")).toString(), QStringLiteral("inactive"), 10000);
        QCOMPARE(publish("robots.acl", "{\"n\":1}"), 0); // nothing subscribed any more
        QTest::qWait(300);
        QCOMPARE(m_receiver.byPath("/acl").size(), 0);

        reload(allowing);
        QTRY_COMPARE_WITH_TIMEOUT(status(id).value(QStringLiteral("state")).toString(), QStringLiteral("active"), 10000);
        QCOMPARE(publish("robots.acl", "{\"n\":2}"), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_receiver.byPath("/acl").size(), 1, 10000);
        QCOMPARE(QJsonDocument::fromJson(m_receiver.byPath("/acl").first().body).object().value(QStringLiteral("data"))
                     .toObject().value(QStringLiteral("n")).toInt(), 2);
        QVERIFY(remove(kRobotToken, id));
    }

    // Default policy: https only, no loopback: http://127.0.0.1 is refused at creation.
    void defaultPolicy()
    {
        DaemonProcess strict;
        QVERIFY(writeJwtSecret(strict.filePath(QStringLiteral("hmac.secret"))));
        DaemonProcess::Options o = options(QStringLiteral("{}"));
        o.topLevelExtra = streamAuthYaml(strict.filePath(QStringLiteral("hmac.secret")), QStringLiteral("subscribe"));
        QVERIFY2(strict.start(o), qPrintable(strict.errorString()));
        const QString base = QStringLiteral("http://%1/api/v1/subscribe").arg(strict.httpAddress());
        CurlResult r = postJson(base, "{\"topic\":\"robots.a\",\"webhook\":\"" + m_receiver.url("/ok").toLatin1() + "\"}", auth(kRobotToken));
        QCOMPARE(r.status, 400);
        QVERIFY(r.body.contains("http"));
        r = postJson(base, "{\"topic\":\"robots.a\",\"webhook\":\"https://127.0.0.1:1/x\"}", auth(kRobotToken));
        QCOMPARE(r.status, 403);
        r = postJson(base, "{\"topic\":\"robots.a\",\"webhook\":\"https://[::1]:1/x\"}", auth(kRobotToken));
        QCOMPARE(r.status, 403);
        QCOMPARE(strict.stop(), 0);
    }
};

QTEST_MAIN(tst_Webhooks)
#include "tst_webhooks.moc"
