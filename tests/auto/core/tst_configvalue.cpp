// SPDX-License-Identifier: Apache-2.0
#include <switchboard/configvalue.h>

#include <QTest>

using namespace sb;

class tst_ConfigValue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void size_data();
    void size();
    void duration_data();
    void duration();
    void fineDuration_data();
    void fineDuration();
    void rate_data();
    void rate();
};

namespace {
constexpr qint64 kNoValue = -1; // the row expects an error
const QString kKey = QStringLiteral("limits.some-key");

// A duration row's outcome: the value, or an INVALID_CONFIG error naming the key and mentioning
// \a errorMentions.
void checkWhole(const Result<qint64> &r, qint64 expected, const QString &errorMentions)
{
    if (expected == kNoValue) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(r.error().message.startsWith(kKey + QStringLiteral(": ")), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(errorMentions), qPrintable(r.error().message));
    } else {
        QVERIFY2(r, qPrintable(r.errorString()));
        QCOMPARE(r.value(), expected);
    }
}
} // namespace

void tst_ConfigValue::size_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<QString>("errorMentions");
    QTest::addRow("plain string") << QVariant(QStringLiteral("1048576")) << qint64(1048576) << QString();
    QTest::addRow("plain int") << QVariant(65536) << qint64(65536) << QString();
    QTest::addRow("plain qint64") << QVariant(qint64(1) << 40) << (qint64(1) << 40) << QString();
    QTest::addRow("whole double (JSON)") << QVariant(4096.0) << qint64(4096) << QString();
    QTest::addRow("zero") << QVariant(QStringLiteral("0")) << qint64(0) << QString();
    QTest::addRow("B") << QVariant(QStringLiteral("100B")) << qint64(100) << QString();
    QTest::addRow("kB") << QVariant(QStringLiteral("10kB")) << qint64(10000) << QString();
    QTest::addRow("MB") << QVariant(QStringLiteral("10MB")) << qint64(10000000) << QString();
    QTest::addRow("GB") << QVariant(QStringLiteral("2GB")) << qint64(2000000000) << QString();
    QTest::addRow("TB") << QVariant(QStringLiteral("1TB")) << qint64(1000000000000) << QString();
    QTest::addRow("KiB") << QVariant(QStringLiteral("512KiB")) << qint64(512 * 1024) << QString();
    QTest::addRow("MiB") << QVariant(QStringLiteral("64MiB")) << qint64(64 * 1024 * 1024) << QString();
    QTest::addRow("GiB") << QVariant(QStringLiteral("1GiB")) << qint64(1024 * 1024 * 1024) << QString();
    QTest::addRow("TiB") << QVariant(QStringLiteral("3TiB")) << (qint64(3) << 40) << QString();
    QTest::addRow("space before unit") << QVariant(QStringLiteral("16 MiB")) << qint64(16 << 20) << QString();
    QTest::addRow("surrounding space") << QVariant(QStringLiteral(" 8KiB ")) << qint64(8192) << QString();
    QTest::addRow("negative") << QVariant(QStringLiteral("-1")) << kNoValue << "negative";
    QTest::addRow("negative int") << QVariant(-5) << kNoValue << "negative";
    QTest::addRow("negative with unit") << QVariant(QStringLiteral("-1MiB")) << kNoValue << "negative";
    QTest::addRow("garbage") << QVariant(QStringLiteral("big")) << kNoValue << "is not a size";
    QTest::addRow("unknown unit") << QVariant(QStringLiteral("10XB")) << kNoValue << "KiB, MiB, GiB";
    QTest::addRow("KB is ambiguous") << QVariant(QStringLiteral("10KB")) << kNoValue << "is not a size";
    QTest::addRow("lower-case mb") << QVariant(QStringLiteral("10mb")) << kNoValue << "is not a size";
    QTest::addRow("fraction") << QVariant(QStringLiteral("1.5MiB")) << kNoValue << "is not a size";
    QTest::addRow("fractional double") << QVariant(1.5) << kNoValue << "is not a size";
    QTest::addRow("unit only") << QVariant(QStringLiteral("MiB")) << kNoValue << "is not a size";
    QTest::addRow("empty") << QVariant(QString()) << kNoValue << "empty value";
    QTest::addRow("null") << QVariant() << kNoValue << "is not a size";
    QTest::addRow("map") << QVariant(QVariantMap{{QStringLiteral("a"), 1}}) << kNoValue << "is not a size";
    QTest::addRow("two numbers") << QVariant(QStringLiteral("1 2")) << kNoValue << "is not a size";
    QTest::addRow("overflow digits") << QVariant(QStringLiteral("99999999999999999999")) << kNoValue << "too large";
    QTest::addRow("overflow unit") << QVariant(QStringLiteral("9000000TiB")) << kNoValue << "too large";
    QTest::addRow("max") << QVariant(QStringLiteral("9223372036854775807")) << std::numeric_limits<qint64>::max()
                         << QString();
}

void tst_ConfigValue::size()
{
    QFETCH(QVariant, value);
    QFETCH(qint64, expected);
    QFETCH(QString, errorMentions);
    const Result<qint64> r = config::parseSize(value, kKey);
    if (expected == kNoValue) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(r.error().message.startsWith(kKey + QStringLiteral(": ")), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(errorMentions), qPrintable(r.error().message));
        QCOMPARE(r.error().details.value(QStringLiteral("key")).toString(), kKey);
    } else {
        QVERIFY2(r, qPrintable(r.errorString()));
        QCOMPARE(r.value(), expected);
    }
}

void tst_ConfigValue::duration_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<qint64>("plainUnitMs");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<QString>("errorMentions");
    QTest::addRow("plain ms") << QVariant(QStringLiteral("5000")) << qint64(1) << qint64(5000) << QString();
    QTest::addRow("plain int ms") << QVariant(250) << qint64(1) << qint64(250) << QString();
    QTest::addRow("plain seconds") << QVariant(QStringLiteral("30")) << qint64(1000) << qint64(30000) << QString();
    QTest::addRow("zero") << QVariant(QStringLiteral("0")) << qint64(1) << qint64(0) << QString();
    QTest::addRow("ms") << QVariant(QStringLiteral("500ms")) << qint64(1) << qint64(500) << QString();
    QTest::addRow("ms with plain seconds") << QVariant(QStringLiteral("500ms")) << qint64(1000) << qint64(500)
                                           << QString();
    QTest::addRow("s") << QVariant(QStringLiteral("5s")) << qint64(1) << qint64(5000) << QString();
    QTest::addRow("m") << QVariant(QStringLiteral("2m")) << qint64(1) << qint64(120000) << QString();
    QTest::addRow("h") << QVariant(QStringLiteral("1h")) << qint64(1) << qint64(3600000) << QString();
    QTest::addRow("d") << QVariant(QStringLiteral("7d")) << qint64(1) << qint64(7 * 86400000LL) << QString();
    QTest::addRow("space") << QVariant(QStringLiteral("10 s")) << qint64(1) << qint64(10000) << QString();
    QTest::addRow("negative") << QVariant(QStringLiteral("-5s")) << qint64(1) << kNoValue << "negative";
    QTest::addRow("garbage") << QVariant(QStringLiteral("soon")) << qint64(1) << kNoValue << "is not a duration";
    QTest::addRow("unknown unit") << QVariant(QStringLiteral("5min")) << qint64(1) << kNoValue << "ms, s, m, h, d";
    QTest::addRow("upper-case unit") << QVariant(QStringLiteral("5S")) << qint64(1) << kNoValue << "is not a duration";
    QTest::addRow("compound") << QVariant(QStringLiteral("1h30m")) << qint64(1) << kNoValue << "is not a duration";
    QTest::addRow("fraction") << QVariant(QStringLiteral("1.5s")) << qint64(1) << kNoValue << "is not a duration";
    QTest::addRow("message names plain unit") << QVariant(QStringLiteral("x")) << qint64(1000) << kNoValue
                                              << "plain number counts seconds";
    QTest::addRow("overflow") << QVariant(QStringLiteral("9999999999999999d")) << qint64(1) << kNoValue
                              << "too large";
    QTest::addRow("plain overflow") << QVariant(QStringLiteral("9223372036854775807")) << qint64(1000) << kNoValue
                                    << "too large";
}

void tst_ConfigValue::duration()
{
    QFETCH(QVariant, value);
    QFETCH(qint64, plainUnitMs);
    QFETCH(qint64, expected);
    QFETCH(QString, errorMentions);
    checkWhole(config::parseDurationMs(value, kKey, plainUnitMs), expected, errorMentions);
}

void tst_ConfigValue::fineDuration_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<qint64>("expected"); // microseconds; kNoValue: an error
    QTest::addColumn<QString>("errorMentions");
    QTest::addRow("us") << QVariant(QStringLiteral("200us")) << qint64(200) << QString();
    QTest::addRow("ms") << QVariant(QStringLiteral("2ms")) << qint64(2000) << QString();
    QTest::addRow("s") << QVariant(QStringLiteral("1s")) << qint64(1000000) << QString();
    QTest::addRow("plain") << QVariant(qint64(150)) << qint64(150) << QString();
    QTest::addRow("zero") << QVariant(QStringLiteral("0")) << qint64(0) << QString();
    QTest::addRow("minutes are not fine") << QVariant(QStringLiteral("1m")) << kNoValue << "us, ms, s";
    QTest::addRow("negative") << QVariant(QStringLiteral("-1us")) << kNoValue << "negative";
    QTest::addRow("fraction") << QVariant(QStringLiteral("0.5ms")) << kNoValue << "is not a duration";
    QTest::addRow("overflow") << QVariant(QStringLiteral("9999999999999999s")) << kNoValue << "too large";
}

void tst_ConfigValue::fineDuration()
{
    QFETCH(QVariant, value);
    QFETCH(qint64, expected);
    QFETCH(QString, errorMentions);
    checkWhole(config::parseDurationUs(value, kKey), expected, errorMentions);
}

void tst_ConfigValue::rate_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<double>("expected"); // messages per second; < 0: an error
    QTest::addColumn<QString>("errorMentions");
    QTest::addRow("plain") << QVariant(QStringLiteral("250")) << 250.0 << QString();
    QTest::addRow("plain double") << QVariant(12.5) << 12.5 << QString();
    QTest::addRow("zero: unlimited") << QVariant(0) << 0.0 << QString();
    QTest::addRow("per second") << QVariant(QStringLiteral("100/second")) << 100.0 << QString();
    QTest::addRow("per minute") << QVariant(QStringLiteral("6000/minute")) << 100.0 << QString();
    QTest::addRow("per hour") << QVariant(QStringLiteral("7200/hour")) << 2.0 << QString();
    QTest::addRow("fraction") << QVariant(QStringLiteral("0.5/second")) << 0.5 << QString();
    QTest::addRow("spaces") << QVariant(QStringLiteral("30 / minute")) << 0.5 << QString();
    QTest::addRow("negative") << QVariant(QStringLiteral("-1/second")) << -1.0 << "negative";
    QTest::addRow("no count") << QVariant(QStringLiteral("/second")) << -1.0 << "is not a rate";
    QTest::addRow("unknown period") << QVariant(QStringLiteral("5/day")) << -1.0 << "N/second, N/minute or N/hour";
    QTest::addRow("no slash") << QVariant(QStringLiteral("5 second")) << -1.0 << "is not a rate";
    QTest::addRow("garbage") << QVariant(QStringLiteral("fast")) << -1.0 << "is not a rate";
    QTest::addRow("map") << QVariant(QVariantMap()) << -1.0 << "is not a rate";
}

void tst_ConfigValue::rate()
{
    QFETCH(QVariant, value);
    QFETCH(double, expected);
    QFETCH(QString, errorMentions);
    const Result<config::Rate> r = config::parseRate(value, kKey);
    if (expected < 0) {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(r.error().message.startsWith(kKey + QStringLiteral(": ")), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(errorMentions), qPrintable(r.error().message));
    } else {
        QVERIFY2(r, qPrintable(r.errorString()));
        QCOMPARE(r->perSecond, expected);
    }
}

QTEST_GUILESS_MAIN(tst_ConfigValue)
#include "tst_configvalue.moc"
