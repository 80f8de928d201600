// SPDX-License-Identifier: Apache-2.0
#include <switchboard/ratelimiter.h>

#include <QTest>

using namespace sb;

class tst_RateLimiter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unlimitedByDefault();
    void burstThenRate();
    void retryAfter();
};

void tst_RateLimiter::unlimitedByDefault()
{
    RateLimiter r;
    for (int i = 0; i < 100000; ++i)
        QVERIFY(r.tryAcquireAt(0));
}

void tst_RateLimiter::burstThenRate()
{
    RateLimiter r(100, 10); // 100/s, burst 10
    int granted = 0;
    for (int i = 0; i < 50; ++i)
        granted += r.tryAcquireAt(1000) ? 1 : 0;
    QCOMPARE(granted, 10);
    // 50 ms later 5 more tokens have flowed in.
    granted = 0;
    for (int i = 0; i < 50; ++i)
        granted += r.tryAcquireAt(1050) ? 1 : 0;
    QCOMPARE(granted, 5);
    // After a long pause the bucket holds no more than the burst.
    granted = 0;
    for (int i = 0; i < 50; ++i)
        granted += r.tryAcquireAt(100000) ? 1 : 0;
    QCOMPARE(granted, 10);
}

void tst_RateLimiter::retryAfter()
{
    RateLimiter r(10, 1);
    QVERIFY(r.tryAcquireAt(0));
    QVERIFY(!r.tryAcquireAt(0));
    QCOMPARE(r.retryAfterMs(0), 100);
    QCOMPARE(r.retryAfterMs(60), 40);
    QVERIFY(r.tryAcquireAt(100));
}

QTEST_GUILESS_MAIN(tst_RateLimiter)
#include "tst_ratelimiter.moc"
