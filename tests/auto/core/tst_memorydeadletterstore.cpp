// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memorydeadletterstore.h>

#include <QTest>
#include <QThread>

using namespace sb;

class tst_MemoryDeadLetterStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void addListTakePurge();
    void boundedEvictsOldest();
    void concurrentAdds();
    void observer();
};

static DeadLetter letter(const QString &topic, DeadLetterReason reason = DeadLetterReason::NoRoute)
{
    DeadLetter l;
    l.reason = reason;
    l.message = Message::create(MessageType::Event, topic, "x");
    return l;
}

void tst_MemoryDeadLetterStore::addListTakePurge()
{
    MemoryDeadLetterStore s;
    const quint64 a = s.add(letter(QStringLiteral("a")));
    const quint64 b = s.add(letter(QStringLiteral("b"), DeadLetterReason::Expired));
    const quint64 c = s.add(letter(QStringLiteral("c")));
    QVERIFY(a < b && b < c);
    QCOMPARE(s.count(), 3);
    QCOMPARE(s.get(b)->reason, DeadLetterReason::Expired);
    QVERIFY(s.get(b)->deadAt > 0);
    QCOMPARE(s.list(1, 1).first().id, b);
    QCOMPARE(s.take(b)->message.topic(), QStringLiteral("b"));
    QVERIFY(!s.get(b));
    QVERIFY(!s.take(b));
    QCOMPARE(s.purge({a, 999}), 1);
    QCOMPARE(s.purge(), 1);
    QCOMPARE(s.count(), 0);
}

void tst_MemoryDeadLetterStore::boundedEvictsOldest()
{
    MemoryDeadLetterStore s(2);
    s.add(letter(QStringLiteral("a")));
    s.add(letter(QStringLiteral("b")));
    s.add(letter(QStringLiteral("c")));
    QCOMPARE(s.count(), 2);
    QCOMPARE(s.evicted(), 1u);
    QCOMPARE(s.list().first().message.topic(), QStringLiteral("b"));
}

void tst_MemoryDeadLetterStore::concurrentAdds()
{
    MemoryDeadLetterStore s(100000);
    QList<QThread *> threads;
    for (int t = 0; t < 4; ++t) {
        threads << QThread::create([&s] {
            for (int i = 0; i < 2000; ++i)
                s.add(letter(QStringLiteral("t")));
        });
        threads.last()->start();
    }
    for (QThread *t : threads) {
        QVERIFY(t->wait(30000));
        delete t;
    }
    QCOMPARE(s.count(), 8000);
    const QList<DeadLetter> all = s.list();
    for (int i = 1; i < all.size(); ++i)
        QVERIFY(all[i - 1].id < all[i].id);
}

void tst_MemoryDeadLetterStore::observer()
{
    MemoryDeadLetterStore s;
    QList<quint64> seen;
    s.setObserver([&](const DeadLetter &l) { seen << l.id; });
    const quint64 id = s.add(letter(QStringLiteral("a")));
    QCOMPARE(seen, QList<quint64>{id});
}

QTEST_GUILESS_MAIN(tst_MemoryDeadLetterStore)
#include "tst_memorydeadletterstore.moc"
