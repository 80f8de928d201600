// SPDX-License-Identifier: Apache-2.0
#include <switchboard/channel.h>

#include <QTest>

using namespace sb;

class tst_Channel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromVariantMap_data();
    void fromVariantMap();
    void roundTrip();
    void units();
};

void tst_Channel::fromVariantMap_data()
{
    QTest::addColumn<QVariantMap>("map");
    QTest::addColumn<QString>("errorMentions"); // empty: valid
    auto m = [](std::initializer_list<std::pair<QString, QVariant>> l) { return QVariantMap(l); };
    QTest::addRow("broadcast") << m({{QStringLiteral("name"), QStringLiteral("platform-events")},
                                     {QStringLiteral("type"), QStringLiteral("broadcast")}})
                               << QString();
    QTest::addRow("queue with limits") << m({{QStringLiteral("name"), QStringLiteral("jobs")},
                                             {QStringLiteral("type"), QStringLiteral("queue")},
                                             {QStringLiteral("max-queue-depth"), QStringLiteral("5")},
                                             {QStringLiteral("ttl-ms"), QStringLiteral("1000")},
                                             {QStringLiteral("require-auth"), QStringLiteral("true")}})
                                       << QString();
    QTest::addRow("sizes and durations with units") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                                          {QStringLiteral("max-message-size"), QStringLiteral("64KiB")},
                                                          {QStringLiteral("ttl-ms"), QStringLiteral("5m")}})
                                                    << QString();
    QTest::addRow("numbers from JSON") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                             {QStringLiteral("max-message-size"), 4096.0},
                                             {QStringLiteral("ttl-ms"), 250}})
                                       << QString();
    QTest::addRow("protocols") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                     {QStringLiteral("protocols"), QVariantList{QStringLiteral("native"), QStringLiteral("http")}}})
                               << QString();
    const QVariantMap schema{{QStringLiteral("type"), QStringLiteral("object")},
                             {QStringLiteral("required"), QVariantList{QStringLiteral("id")}}};
    QTest::addRow("schema") << m({{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("schema"), schema}})
                            << QString();
    QTest::addRow("schema empty map") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                            {QStringLiteral("schema"), QVariantMap()}})
                                      << QString();
    // Core only carries the document: what is inside is the HTTP plugin's to judge (valijson).
    QTest::addRow("schema not checked inside") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                                     {QStringLiteral("schema"), QVariantMap{{QStringLiteral("type"), 7}}}})
                                               << QString();
    QTest::addRow("schema a string") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                           {QStringLiteral("schema"), QStringLiteral("{\"type\":\"object\"}")}})
                                     << "channel \"a\": schema: must be a map";
    QTest::addRow("schema a list") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                         {QStringLiteral("schema"), QVariantList{schema}}})
                                   << "schema: must be a map";
    QTest::addRow("schema null") << m({{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("schema"), QVariant()}})
                                 << "schema: must be a map";
    QTest::addRow("no name") << m({{QStringLiteral("type"), QStringLiteral("topic")}}) << "name";
    QTest::addRow("bad name") << m({{QStringLiteral("name"), QStringLiteral("a b")}}) << "invalid";
    QTest::addRow("bad type") << m({{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("type"), QStringLiteral("fanout")}})
                              << "fanout";
    QTest::addRow("negative size") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                         {QStringLiteral("max-message-size"), QStringLiteral("-1")}})
                                   << "max-message-size";
    QTest::addRow("size garbage") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                        {QStringLiteral("max-message-size"), QStringLiteral("10 parsecs")}})
                                  << "channel \"a\": max-message-size: \"10 parsecs\" is not a size";
    QTest::addRow("bad ttl unit") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                        {QStringLiteral("ttl-ms"), QStringLiteral("5 fortnights")}})
                                  << "channel \"a\": ttl-ms: \"5 fortnights\" is not a duration";
    QTest::addRow("negative ttl") << m({{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("ttl-ms"), -1}})
                                  << "ttl-ms";
    QTest::addRow("protocols not a list") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                                {QStringLiteral("protocols"), QStringLiteral("native")}})
                                          << "protocols: must be a list";
    QTest::addRow("protocol upper case") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                               {QStringLiteral("protocols"), QStringList{QStringLiteral("MQTT")}}})
                                         << "\"MQTT\" is not a protocol name";
    QTest::addRow("protocol empty") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                          {QStringLiteral("protocols"), QStringList{QString()}}})
                                    << "is not a protocol name";
    QTest::addRow("protocol twice") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                          {QStringLiteral("protocols"), QStringList{QStringLiteral("native"), QStringLiteral("native")}}})
                                    << "listed twice";
    QTest::addRow("auth not bool") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                         {QStringLiteral("require-auth"), QStringLiteral("yes please")}})
                                   << "require-auth";
    QTest::addRow("unknown key") << m({{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("colour"), 1}})
                                 << "colour";
    QTest::addRow("bad retry") << m({{QStringLiteral("name"), QStringLiteral("a")},
                                     {QStringLiteral("retry"), QVariantMap{{QStringLiteral("max-attempts"), 0}}}})
                               << "max-attempts";
}

void tst_Channel::fromVariantMap()
{
    QFETCH(QVariantMap, map);
    QFETCH(QString, errorMentions);
    auto r = ChannelConfig::fromVariantMap(map);
    if (errorMentions.isEmpty()) {
        QVERIFY2(r, qPrintable(r.errorString()));
    } else {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(r.error().message.contains(errorMentions), qPrintable(r.error().message));
        if (errorMentions.contains(QLatin1String("schema")))
            QCOMPARE(r.error().details.value(QStringLiteral("key")).toString(), QStringLiteral("schema"));
    }
}

void tst_Channel::roundTrip()
{
    ChannelConfig c;
    c.name = QStringLiteral("jobs");
    c.type = ChannelType::Queue;
    c.maxQueueDepth = 7;
    c.ttlMs = 99;
    c.requireAuth = true;
    c.retry.maxAttempts = 9;
    c.maxMessageSize = 65536;
    c.protocols = {QStringLiteral("native"), QStringLiteral("mqtt")};
    c.schema = {{QStringLiteral("type"), QStringLiteral("object")},
                {QStringLiteral("properties"),
                 QVariantMap{{QStringLiteral("price"), QVariantMap{{QStringLiteral("type"), QStringLiteral("number")}}}}}};
    auto r = ChannelConfig::fromVariantMap(c.toVariantMap());
    QVERIFY2(r, qPrintable(r.errorString()));
    QVERIFY(r.value() == c);
    QCOMPARE(r->protocols, c.protocols);
    QCOMPARE(r->schema, c.schema);
    // The schema takes part in equality: a changed document is a changed channel.
    ChannelConfig other = c;
    other.schema[QStringLiteral("type")] = QStringLiteral("array");
    QVERIFY(!(other == c));
    other.schema.clear();
    QVERIFY(!(other == c));
    QVERIFY(!ChannelConfig::fromVariantMap(c.toVariantMap()).value().schema.isEmpty());
    ChannelConfig none;
    none.name = QStringLiteral("plain");
    QVERIFY(ChannelConfig::fromVariantMap(none.toVariantMap()).value().schema.isEmpty());
}

void tst_Channel::units()
{
    auto r = ChannelConfig::fromVariantMap({{QStringLiteral("name"), QStringLiteral("a")},
                                            {QStringLiteral("max-message-size"), QStringLiteral("1MiB")},
                                            {QStringLiteral("ttl-ms"), QStringLiteral("2s")}});
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r->maxMessageSize, 1024 * 1024);
    QCOMPARE(r->ttlMs, 2000);
    // Plain integers keep their meaning: bytes and milliseconds.
    r = ChannelConfig::fromVariantMap({{QStringLiteral("name"), QStringLiteral("a")},
                                       {QStringLiteral("max-message-size"), QStringLiteral("1000")},
                                       {QStringLiteral("ttl-ms"), QStringLiteral("1500")}});
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r->maxMessageSize, 1000);
    QCOMPARE(r->ttlMs, 1500);
    QVERIFY(r->protocols.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Channel)
#include "tst_channel.moc"
