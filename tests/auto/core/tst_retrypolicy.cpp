// SPDX-License-Identifier: Apache-2.0
#include <switchboard/retrypolicy.h>

#include <QTest>

using namespace sb;

class tst_RetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backoff_data();
    void backoff();
    void jitterStaysInBand();
    void attempts();
    void config_data();
    void config();
    void units_data();
    void units();
};

void tst_RetryPolicy::backoff_data()
{
    QTest::addColumn<int>("nextAttempt");
    QTest::addColumn<int>("expected"); // with no jitter
    QTest::addRow("first retry") << 2 << 100;
    QTest::addRow("second retry") << 3 << 200;
    QTest::addRow("third retry") << 4 << 400;
    QTest::addRow("capped") << 20 << 30000;
}

void tst_RetryPolicy::backoff()
{
    QFETCH(int, nextAttempt);
    QFETCH(int, expected);
    RetryPolicy p;
    p.jitter = 0;
    QCOMPARE(p.delayBeforeAttempt(nextAttempt, 0.5), expected);
}

void tst_RetryPolicy::jitterStaysInBand()
{
    RetryPolicy p; // 20 % jitter around 400 ms for the fourth attempt
    QCOMPARE(p.delayBeforeAttempt(4, 0.0), 320);
    QCOMPARE(p.delayBeforeAttempt(4, 0.999999), 479);
    for (int i = 0; i < 1000; ++i) {
        const int d = p.delayBeforeAttempt(4);
        QVERIFY(d >= 320 && d <= 480);
    }
}

void tst_RetryPolicy::attempts()
{
    RetryPolicy p;
    p.maxAttempts = 3;
    QVERIFY(p.shouldRetry(1));
    QVERIFY(p.shouldRetry(2));
    QVERIFY(!p.shouldRetry(3));
}

void tst_RetryPolicy::config_data()
{
    QTest::addColumn<QVariantMap>("map");
    QTest::addColumn<QString>("errorKey"); // empty: valid
    QTest::addRow("valid") << QVariantMap{{QStringLiteral("max-attempts"), QStringLiteral("7")},
                                          {QStringLiteral("jitter"), QStringLiteral("0.5")}}
                           << QString();
    QTest::addRow("zero attempts") << QVariantMap{{QStringLiteral("max-attempts"), 0}} << "retry.max-attempts";
    QTest::addRow("shrinking") << QVariantMap{{QStringLiteral("multiplier"), 0.5}} << "retry.multiplier";
    QTest::addRow("jitter > 1") << QVariantMap{{QStringLiteral("jitter"), 2}} << "retry.jitter";
    QTest::addRow("unknown") << QVariantMap{{QStringLiteral("retries"), 2}} << "retry.retries";
    QTest::addRow("backoff garbage") << QVariantMap{{QStringLiteral("initial-backoff-ms"), QStringLiteral("soon")}}
                                     << "retry.initial-backoff-ms";
    QTest::addRow("negative backoff") << QVariantMap{{QStringLiteral("max-backoff-ms"), -1}} << "retry.max-backoff-ms";
    QTest::addRow("backoff beyond int") << QVariantMap{{QStringLiteral("max-backoff-ms"), QStringLiteral("30d")}}
                                        << "retry.max-backoff-ms";
}

void tst_RetryPolicy::units_data()
{
    QTest::addColumn<QVariant>("initial");
    QTest::addColumn<QVariant>("max");
    QTest::addColumn<int>("initialMs");
    QTest::addColumn<int>("maxMs");
    QTest::addRow("plain: milliseconds") << QVariant(QStringLiteral("250")) << QVariant(QStringLiteral("60000"))
                                         << 250 << 60000;
    QTest::addRow("ms and s") << QVariant(QStringLiteral("250ms")) << QVariant(QStringLiteral("30s")) << 250 << 30000;
    QTest::addRow("m and h") << QVariant(QStringLiteral("1m")) << QVariant(QStringLiteral("1h")) << 60000 << 3600000;
    QTest::addRow("numbers") << QVariant(5) << QVariant(qint64(100)) << 5 << 100;
}

void tst_RetryPolicy::units()
{
    QFETCH(QVariant, initial);
    QFETCH(QVariant, max);
    QFETCH(int, initialMs);
    QFETCH(int, maxMs);
    auto r = RetryPolicy::fromVariantMap({{QStringLiteral("initial-backoff-ms"), initial},
                                          {QStringLiteral("max-backoff-ms"), max}},
                                         QStringLiteral("retry"));
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r->initialBackoffMs, initialMs);
    QCOMPARE(r->maxBackoffMs, maxMs);
}

void tst_RetryPolicy::config()
{
    QFETCH(QVariantMap, map);
    QFETCH(QString, errorKey);
    auto r = RetryPolicy::fromVariantMap(map, QStringLiteral("retry"));
    if (errorKey.isEmpty()) {
        QVERIFY2(r, qPrintable(r.errorString()));
        QCOMPARE(r->maxAttempts, 7);
        QCOMPARE(r->jitter, 0.5);
        QCOMPARE(RetryPolicy::fromVariantMap(r->toVariantMap()).value(), r.value());
    } else {
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
        QCOMPARE(r.error().details.value(QStringLiteral("key")).toString(), errorKey);
    }
}

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
