// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memorybudget.h>

#include <QTest>

using namespace sb;

class tst_MemoryBudget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void greedyHolderPays();
    void release();
};

void tst_MemoryBudget::greedyHolderPays()
{
    MemoryBudget b;
    b.setLimit(1000);
    qint64 small = 0, greedy = 0;
    QVERIFY(b.update(small, 100, 2));
    QVERIFY(b.update(greedy, 800, 2));
    QCOMPARE(b.used(), qint64(900));
    // Over the limit: the small holder growing within its share is not blamed...
    QVERIFY(b.update(small, 300, 2));
    QCOMPARE(b.used(), qint64(1100));
    // ...the one holding more than its share is, when it grows.
    QVERIFY(!b.update(greedy, 900, 2));
    QCOMPARE(b.overflows(), quint64(1));
    // Shrinking is always fine.
    QVERIFY(b.update(greedy, 10, 2));
    QCOMPARE(b.used(), qint64(310));
    QCOMPARE(b.toVariantMap().value(QStringLiteral("used")).toLongLong(), qint64(310));
}

void tst_MemoryBudget::release()
{
    MemoryBudget b;
    qint64 a = 0;
    b.update(a, 500, 1);
    b.release(a);
    QCOMPARE(a, qint64(0));
    QCOMPARE(b.used(), qint64(0));
}

QTEST_GUILESS_MAIN(tst_MemoryBudget)
#include "tst_memorybudget.moc"
