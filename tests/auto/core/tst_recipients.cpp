// SPDX-License-Identifier: Apache-2.0
// Targeted sends in core (Recipients, the x-sb-to selector): what parses and where it fails, what
// matches, the JSON "to" of the envelopes, connection metadata bounds, and the bus delivering a
// targeted message only to the subscriptions it addresses (every protocol goes through it).
#include <switchboard/bus.h>
#include <switchboard/recipients.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sb;

namespace {

QJsonObject obj(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class tst_Recipients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseRefuses_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<int>("position");
        QTest::newRow("empty") << QString() << 1;
        QTest::newRow("no value") << QStringLiteral("identity") << 1;
        QTest::newRow("unknown key") << QStringLiteral("identity=a&room=b") << 12;
        QTest::newRow("empty value") << QStringLiteral("connection=a,,b") << 14;
        QTest::newRow("bad escape") << QStringLiteral("identity=%zz") << 10;
        QTest::newRow("not utf-8") << QStringLiteral("identity=%ff") << 10;
        QTest::newRow("bad meta name") << QStringLiteral("meta.r m=a") << 1;
        QTest::newRow("nine clauses") << QStringLiteral("identity=a&identity=a&identity=a&identity=a&identity=a&identity=a&"
                                                        "identity=a&identity=a&identity=a") << 89;
    }

    void parseRefuses()
    {
        QFETCH(QString, selector);
        QFETCH(int, position);
        Result<Recipients> r = Recipients::parse(selector);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::BadMessage);
        QCOMPARE(r.error().details.value(QStringLiteral("field")).toString(), QStringLiteral("x-sb-to"));
        QCOMPARE(r.error().details.value(QStringLiteral("position")).toInt(), position);
    }

    void matches()
    {
        const ConnectionMetadata roomA{{QStringLiteral("room"), QStringLiteral("a")}, {QStringLiteral("site"), QStringLiteral("b1")}};
        const ConnectionMetadata roomB{{QStringLiteral("room"), QStringLiteral("b")}};
        auto check = [&](const char *selector, const QString &conn, const QString &who, const ConnectionMetadata *meta) {
            Result<Recipients> r = Recipients::parse(QString::fromUtf8(selector));
            return r && r.value().matches(conn, who, meta);
        };
        QVERIFY(check("meta.room=a", QStringLiteral("ws-1"), QStringLiteral("x"), &roomA));
        QVERIFY(!check("meta.room=a", QStringLiteral("ws-1"), QStringLiteral("x"), &roomB));
        QVERIFY(check("meta.room=b,a", QStringLiteral("ws-1"), QStringLiteral("x"), &roomB));
        QVERIFY(!check("meta.room=a", QString(), QStringLiteral("x"), nullptr)); // in-process: no metadata
        QVERIFY(check("identity=alice", QString(), QStringLiteral("alice"), nullptr));
        QVERIFY(!check("connection=ws-1", QString(), QStringLiteral("alice"), nullptr));
        QVERIFY(check("connection=ws-2,ws-1", QStringLiteral("ws-1"), QStringLiteral("x"), &roomA));
        QVERIFY(check("identity=x&meta.site=b1&meta.room=a", QStringLiteral("ws-1"), QStringLiteral("x"), &roomA));
        QVERIFY(!check("identity=y&meta.room=a", QStringLiteral("ws-1"), QStringLiteral("x"), &roomA));
        QVERIFY(check("identity=a%2Cb%26c", QString(), QStringLiteral("a,b&c"), nullptr));
    }

    void fromJson()
    {
        Result<QString> s = Recipients::selectorFromJson(obj(R"({"identity":["a,b","c"],"meta":{"room":"général"}})"));
        QVERIFY(s);
        Result<Recipients> r = Recipients::parse(s.value());
        QVERIFY(r);
        const ConnectionMetadata meta{{QStringLiteral("room"), QStringLiteral("général")}};
        QVERIFY(r.value().matches(QStringLiteral("ws-1"), QStringLiteral("a,b"), &meta));
        QVERIFY(!r.value().matches(QStringLiteral("ws-1"), QStringLiteral("a"), &meta));
        for (const char *bad : {R"({})", R"({"room":"a"})", R"({"identity":3})", R"({"identity":[]})", R"({"meta":{"a b":"x"}})",
                                R"({"meta":"room"})", R"({"connection":""})"}) {
            Result<QString> refused = Recipients::selectorFromJson(obj(bad));
            QVERIFY2(!refused, bad);
            QCOMPARE(refused.error().details.value(QStringLiteral("field")).toString(), QStringLiteral("to"));
        }
        QVERIFY(!Recipients::selectorFromJson(QJsonValue(QStringLiteral("identity=a"))));
    }

    void metadataBounds()
    {
        MetadataLimits limits;
        limits.maxEntries = 2;
        limits.maxBytes = 16;
        QVERIFY(Recipients::checkMetadata({{QStringLiteral("room"), QStringLiteral("a")}}, limits));
        Status many = Recipients::checkMetadata({{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("b"), QStringLiteral("1")},
                                                 {QStringLiteral("c"), QStringLiteral("1")}}, limits);
        QCOMPARE(many.error().code, ErrorCode::LimitExceeded);
        QCOMPARE(many.error().details.value(QStringLiteral("limit")).toInt(), 2);
        QCOMPARE(Recipients::checkMetadata({{QStringLiteral("room"), QString(20, QLatin1Char('x'))}}, limits).error().code,
                 ErrorCode::LimitExceeded);
        QCOMPARE(Recipients::checkMetadata({{QStringLiteral("r m"), QStringLiteral("a")}}, limits).error().code, ErrorCode::BadMessage);
    }

    // The bus: only the addressed subscriptions get the message; a selector that does not parse is
    // refused at publish (nothing delivered); an untargeted message reaches everybody.
    void busDeliversToRecipientsOnly()
    {
        Bus bus;
        QStringList alice, bob;
        SubscriptionOptions o;
        o.pattern = QStringLiteral("chat.>");
        QVERIFY(bus.subscribe(o, Principal::inProcess(QStringLiteral("alice")), this, [&](const Message &m) {
            alice.append(m.topic());
            return Status();
        }));
        QVERIFY(bus.subscribe(o, Principal::inProcess(QStringLiteral("bob")), this, [&](const Message &m) {
            bob.append(m.topic());
            return Status();
        }));
        const Principal sender = Principal::inProcess(QStringLiteral("sender"));
        Message toAlice(MessageType::Event, QStringLiteral("chat.one"), "1");
        toAlice.setHeader(Recipients::headerName(), QStringLiteral("identity=alice"));
        Result<int> n = bus.publish(toAlice, sender);
        QVERIFY(n);
        QCOMPARE(n.value(), 1);
        Message broken(MessageType::Event, QStringLiteral("chat.broken"), "1");
        broken.setHeader(Recipients::headerName(), QStringLiteral("who=alice"));
        Result<int> refused = bus.publish(broken, sender);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::BadMessage);
        QCOMPARE(bus.publish(Message(MessageType::Event, QStringLiteral("chat.all"), "1"), sender).value(), 2);
        QTRY_COMPARE(alice, QStringList({QStringLiteral("chat.one"), QStringLiteral("chat.all")}));
        QTRY_COMPARE(bob, QStringList({QStringLiteral("chat.all")}));
    }
};

QTEST_MAIN(tst_Recipients)
#include "tst_recipients.moc"
