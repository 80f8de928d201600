// SPDX-License-Identifier: Apache-2.0
#include <payloadformatter.h>

#include <QTest>

using sb::console::PayloadFormatter;

class tst_PayloadFormatter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detect_data();
    void detect();
    void format_data();
    void format();
};

void tst_PayloadFormatter::detect_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("mode");
    QTest::addRow("json object") << QByteArray("{\"a\":1}") << int(PayloadFormatter::Json);
    QTest::addRow("json array") << QByteArray("[1,2]") << int(PayloadFormatter::Json);
    QTest::addRow("text") << QByteArray("hello world\n") << int(PayloadFormatter::Text);
    QTest::addRow("utf-8 text") << QByteArray("Grüße") << int(PayloadFormatter::Text);
    QTest::addRow("binary") << QByteArray("\x00\x01\x02", 3) << int(PayloadFormatter::Hex);
    QTest::addRow("invalid utf-8") << QByteArray("\xff\xfe") << int(PayloadFormatter::Hex);
}

void tst_PayloadFormatter::detect()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, mode);
    QCOMPARE(PayloadFormatter::detect(payload), mode);
}

void tst_PayloadFormatter::format_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected");
    QTest::addRow("auto json is indented") << QByteArray("{\"a\":1}") << int(PayloadFormatter::Auto) << QStringLiteral("{\n    \"a\": 1\n}\n");
    QTest::addRow("text as is") << QByteArray("on") << int(PayloadFormatter::Text) << QStringLiteral("on");
    QTest::addRow("hex dump") << QByteArray("AB\x00", 3) << int(PayloadFormatter::Hex)
                              << QStringLiteral("00000000  41 42 00                                          AB.\n");
    QTest::addRow("json asked, not json") << QByteArray("x") << int(PayloadFormatter::Json)
                                          << QStringLiteral("(not JSON)\n00000000  78                                                x\n");
    QTest::addRow("empty") << QByteArray() << int(PayloadFormatter::Auto) << QStringLiteral("(empty)");
}

void tst_PayloadFormatter::format()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, mode);
    QFETCH(QString, expected);
    QCOMPARE(PayloadFormatter::format(payload, mode), expected);
}

QTEST_GUILESS_MAIN(tst_PayloadFormatter)
#include "tst_payloadformatter.moc"
