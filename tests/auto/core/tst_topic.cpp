// SPDX-License-Identifier: Apache-2.0
#include <switchboard/topic.h>

#include <QTest>

using namespace sb;

class tst_Topic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validate_data();
    void validate();
    void matches_data();
    void matches();
    void mqtt_data();
    void mqtt();
};

void tst_Topic::validate_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<bool>("validTopic");
    QTest::addColumn<bool>("validPattern");
    QTest::addRow("simple") << "a" << true << true;
    QTest::addRow("dotted") << "sensor.42.temp" << true << true;
    QTest::addRow("unicode") << "gerät.ümlaut" << true << true;
    QTest::addRow("reserved prefix is a topic") << "$sb.deadletter.expired" << true << true;
    QTest::addRow("empty") << "" << false << false;
    QTest::addRow("leading dot") << ".a" << false << false;
    QTest::addRow("trailing dot") << "a." << false << false;
    QTest::addRow("double dot") << "a..b" << false << false;
    QTest::addRow("space") << "a b" << false << false;
    QTest::addRow("tab") << "a\tb" << false << false;
    QTest::addRow("star") << "a.*.c" << false << true;
    QTest::addRow("gt last") << "a.>" << false << true;
    QTest::addRow("gt alone") << ">" << false << true;
    QTest::addRow("gt not last") << "a.>.c" << false << false;
    QTest::addRow("star inside segment") << "a.b*.c" << false << false;
    QTest::addRow("gt inside segment") << "a.b>" << false << false;
    QTest::addRow("too long") << QString(Topic::MaxLength + 1, QLatin1Char('x')) << false << false;
    QStringList deep;
    for (int i = 0; i <= Topic::MaxDepth; ++i)
        deep << QStringLiteral("s");
    QTest::addRow("too deep") << deep.join(QLatin1Char('.')) << false << false;
}

void tst_Topic::validate()
{
    QFETCH(QString, topic);
    QFETCH(bool, validTopic);
    QFETCH(bool, validPattern);
    const Status t = Topic::validateTopic(topic);
    const Status p = Topic::validatePattern(topic);
    QCOMPARE(bool(t), validTopic);
    QCOMPARE(bool(p), validPattern);
    if (!t)
        QCOMPARE(t.error().code, ErrorCode::InvalidTopic);
}

void tst_Topic::matches_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<bool>("expected");
    QTest::addRow("exact") << "a.b" << "a.b" << true;
    QTest::addRow("exact differs") << "a.b" << "a.c" << false;
    QTest::addRow("prefix is not match") << "a" << "a.b" << false;
    QTest::addRow("longer pattern") << "a.b.c" << "a.b" << false;
    QTest::addRow("star") << "a.*.c" << "a.x.c" << true;
    QTest::addRow("star needs a segment") << "a.*" << "a" << false;
    QTest::addRow("star one segment only") << "a.*" << "a.b.c" << false;
    QTest::addRow("gt one") << "a.>" << "a.b" << true;
    QTest::addRow("gt many") << "a.>" << "a.b.c.d" << true;
    QTest::addRow("gt needs one") << "a.>" << "a" << false;
    QTest::addRow("gt alone") << ">" << "x.y" << true;
    QTest::addRow("star then gt") << "*.b.>" << "a.b.c" << true;
    QTest::addRow("segment prefix") << "ab" << "abc" << false;
}

void tst_Topic::matches()
{
    QFETCH(QString, pattern);
    QFETCH(QString, topic);
    QFETCH(bool, expected);
    QCOMPARE(Topic::matches(pattern, topic), expected);
}

void tst_Topic::mqtt_data()
{
    QTest::addColumn<QString>("mqtt");
    QTest::addColumn<QString>("switchboard"); // empty: refused
    QTest::addRow("plain") << "a/b/c" << "a.b.c";
    QTest::addRow("plus") << "a/+/c" << "a.*.c";
    QTest::addRow("hash") << "a/#" << "a.>";
    QTest::addRow("hash alone") << "#" << ">";
    QTest::addRow("dot in level") << "a.b/c" << "";
    QTest::addRow("empty level") << "/a" << "";
    QTest::addRow("hash not last") << "a/#/b" << "";
    QTest::addRow("mixed wildcard") << "a/b+" << "";
}

void tst_Topic::mqtt()
{
    QFETCH(QString, mqtt);
    QFETCH(QString, switchboard);
    Result<QString> r = Topic::fromMqtt(mqtt);
    if (switchboard.isEmpty()) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidTopic);
        return;
    }
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r.value(), switchboard);
    QCOMPARE(Topic::toMqtt(switchboard).value(), mqtt);
}

QTEST_GUILESS_MAIN(tst_Topic)
#include "tst_topic.moc"
