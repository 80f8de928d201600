// SPDX-License-Identifier: Apache-2.0
// Subscription filters over the native protocol, against the real switchboardd: SUBSCRIBE's
// "filter" and "event_types" (issue #14), what they let through, a bad filter refused with its
// position, the limits, and the count of what filters withheld in /metrics.
#include "daemonprocess.h"

#include <switchboardclient.h>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace sb;

class tst_NativeFilters : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DaemonProcess> m_daemon;

    std::unique_ptr<SwitchboardClient> client()
    {
        auto c = std::make_unique<SwitchboardClient>();
        QSignalSpy connected(c.get(), &SwitchboardClient::connected);
        if (!c->connectToHub(m_daemon->url(QStringLiteral("tcp"))) || !connected.wait(10000))
            return nullptr;
        return c;
    }

    // Subscribes and waits for the hub's ACK.
    bool subscribed(SwitchboardClient &c, const SwitchboardClient::SubscribeOptions &o, QList<Message> *into)
    {
        QSignalSpy acked(&c, &SwitchboardClient::subscribed);
        const quint32 sid = c.subscribe(o, [into](const Message &m) { into->append(m); });
        return acked.wait(5000) && acked.first().first().toUInt() == sid;
    }

    // One sample of GET /metrics, or -1.
    double metric(QNetworkAccessManager &nam, const QByteArray &name)
    {
        QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(QStringLiteral("http://%1/metrics").arg(m_daemon->httpAddress()))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(5000);
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        for (const QByteArray &line : body.split('\n')) {
            if (line.startsWith(QByteArray(name + ' ')))
                return line.mid(name.size() + 1).toDouble();
        }
        return -1;
    }

private Q_SLOTS:
    void init()
    {
        m_daemon = std::make_unique<DaemonProcess>();
        DaemonProcess::Options o;
        o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n");
        o.topLevelExtra = QStringLiteral("acl:\n  roles:\n    anonymous:\n      - {allow: [publish, subscribe]}\n"
                                         "limits: {max-filter-length: 200, max-filter-depth: 4}\n");
        QVERIFY2(m_daemon->start(o), qPrintable(m_daemon->errorString()));
    }
    void cleanup()
    {
        QCOMPARE(m_daemon->stop(), 0);
        m_daemon.reset();
    }

    void filtersAndEventTypes()
    {
        std::unique_ptr<SwitchboardClient> sub = client(), pub = client();
        QVERIFY(sub && pub);
        QList<Message> hot, created, both, all;
        QVERIFY(subscribed(*sub, {QStringLiteral("sensor.>"), {}, {}, QStringLiteral("data.temperature > 30 && headers.site == \"b1\""), {}}, &hot));
        QVERIFY(subscribed(*sub, {QStringLiteral("sensor.>"), {}, {}, {}, {QStringLiteral("created")}}, &created));
        QVERIFY(subscribed(*sub, {QStringLiteral("sensor.>"), {}, {}, QStringLiteral("data.temperature < 30"), {QStringLiteral("created")}}, &both));
        QVERIFY(subscribed(*sub, {QStringLiteral("sensor.>"), {}, {}, {}, {}}, &all));
        struct Reading
        {
            int temperature;
            const char *site;
            const char *event;
        };
        const Reading readings[] = {{35, "b1", "created"}, {35, "b2", "updated"}, {20, "b1", "created"}, {40, "b1", "updated"}};
        for (const Reading &r : readings) {
            Message m(MessageType::Event, QStringLiteral("sensor.temp"),
                      QByteArray("{\"temperature\": ") + QByteArray::number(r.temperature) + '}');
            m.setHeader(QStringLiteral("site"), QLatin1String(r.site));
            m.setAction(QLatin1String(r.event));
            QVERIFY(pub->publish(m));
        }
        QTRY_COMPARE(all.size(), 4);
        QTRY_COMPARE(hot.size(), 2);
        QTRY_COMPARE(created.size(), 2);
        QTRY_COMPARE(both.size(), 1);
        QCOMPARE(hot.at(0).payload(), QByteArray("{\"temperature\": 35}"));
        QCOMPARE(hot.at(1).payload(), QByteArray("{\"temperature\": 40}"));
        QCOMPARE(both.at(0).payload(), QByteArray("{\"temperature\": 20}"));
        QCOMPARE(created.at(1).action(), QStringLiteral("created"));

        // What the filters withheld, counted: 2 + 2 + 3 deliveries (hot, created, both).
        QNetworkAccessManager nam;
        QTRY_VERIFY_WITH_TIMEOUT(metric(nam, "switchboard_messages_filtered_total") == 7.0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(metric(nam, "switchboard_protocol_messages_filtered_total{protocol=\"native\"}") == 7.0, 5000);
    }

    void badFilterRefusedWithPosition()
    {
        std::unique_ptr<SwitchboardClient> c = client();
        QVERIFY(c);
        QSignalSpy failed(c.get(), &SwitchboardClient::subscribeFailed);
        c->subscribe({QStringLiteral("sensor.>"), {}, {}, QStringLiteral("data.temperature = 30"), {}}, {});
        QVERIFY(failed.wait(5000));
        const Error e = failed.last().at(1).value<Error>();
        QCOMPARE(e.code, ErrorCode::BadMessage);
        QCOMPARE(e.details.value(QStringLiteral("position")).toInt(), 18);
        QVERIFY2(e.message.contains(QLatin1String("==")), qPrintable(e.message));

        // The configured limits apply.
        c->subscribe({QStringLiteral("sensor.>"), {}, {}, QStringLiteral("data.x == \"%1\"").arg(QString(300, QLatin1Char('y'))), {}}, {});
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.last().at(1).value<Error>().message.contains(QLatin1String("max-filter-length")));
        c->subscribe({QStringLiteral("sensor.>"), {}, {}, QStringLiteral("(((((true)))))"), {}}, {});
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.last().at(1).value<Error>().message.contains(QLatin1String("max-filter-depth")));
        c->subscribe({QStringLiteral("sensor.>"), {}, {}, {}, {QString()}}, {});
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.last().at(1).value<Error>().details.value(QStringLiteral("field")).toString(), QStringLiteral("event_types"));
        QCOMPARE(c->state(), SwitchboardClient::State::Connected);

        // A refused subscription delivers nothing.
        QList<Message> got;
        QVERIFY(subscribed(*c, {QStringLiteral("other"), {}, {}, {}, {}}, &got));
        std::unique_ptr<SwitchboardClient> pub = client();
        QVERIFY(pub->publish(QStringLiteral("sensor.temp"), "{\"temperature\": 30}"));
        QVERIFY(pub->publish(QStringLiteral("other"), "marker"));
        QTRY_COMPARE(got.size(), 1);
        QCOMPARE(got.at(0).payload(), QByteArray("marker"));
    }
};

QTEST_GUILESS_MAIN(tst_NativeFilters)
#include "tst_nativefilters.moc"
