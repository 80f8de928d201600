// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>
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
    void boundedByBytes_data();
    void boundedByBytes();
    void oversizeLetterKeepsEnvelope();
    void oversizeDecodedLetterKeepsItsId();
    void bytesFollowTakeAndPurge();
    void lowerBoundsEvictAtOnce();
    void concurrentAdds();
    void observer();
};

static DeadLetter letter(const QString &topic, DeadLetterReason reason = DeadLetterReason::NoRoute,
                         const QByteArray &payload = "x")
{
    DeadLetter l;
    l.reason = reason;
    l.message = Message::create(MessageType::Event, topic, payload);
    static int n = 0; // ids of one length, so letters of one topic length weigh the same
    l.message.setId(QStringLiteral("m-%1").arg(++n, 8, 10, QLatin1Char('0')));
    l.destination = topic;
    l.detail = QStringLiteral("test");
    return l;
}

static QString topicName(int i)
{
    return QStringLiteral("t%1").arg(i, 5, 10, QLatin1Char('0'));
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

void tst_MemoryDeadLetterStore::boundedByBytes_data()
{
    QTest::addColumn<int>("payloadSize");
    QTest::addColumn<int>("letters");
    QTest::addColumn<qint64>("maxBytes");
    QTest::addRow("1 KiB letters, 64 KiB") << 1024 << 1000 << qint64(64 * 1024);
    QTest::addRow("64 KiB letters, 1 MiB") << 64 * 1024 << 100 << qint64(1024 * 1024);
    QTest::addRow("1 MiB letters, default 16 MiB") << 1024 * 1024 << 40 << MemoryDeadLetterStore::DefaultMaxBytes;
    QTest::addRow("tiny letters, 4 KiB") << 0 << 1000 << qint64(4096);
}

void tst_MemoryDeadLetterStore::boundedByBytes()
{
    QFETCH(int, payloadSize);
    QFETCH(int, letters);
    QFETCH(qint64, maxBytes);
    MemoryDeadLetterStore s(100000);
    QCOMPARE(s.maxBytes(), MemoryDeadLetterStore::DefaultMaxBytes);
    s.setMaxBytes(maxBytes);
    quint64 last = 0;
    for (int i = 0; i < letters; ++i) {
        last = s.add(letter(topicName(i), DeadLetterReason::Overflow, QByteArray(payloadSize, 'p')));
        QVERIFY2(s.bytes() <= maxBytes, qPrintable(QString::number(s.bytes())));
    }
    const qint64 each = MemoryDeadLetterStore::letterBytes(*s.get(last));
    QVERIFY(each > payloadSize);
    QCOMPARE(s.count(), int(maxBytes / each)); // as many as fit, no fewer
    QCOMPARE(s.evicted(), quint64(letters - s.count()));
    QCOMPARE(s.bytes(), s.count() * each);
    QCOMPARE(s.payloadsDropped(), 0u);
    // The newest survive, in order.
    const QList<DeadLetter> all = s.list();
    QCOMPARE(all.last().id, last);
    QCOMPARE(all.first().message.topic(), topicName(letters - s.count()));
    QCOMPARE(all.last().message.payloadSize(), payloadSize);
}

void tst_MemoryDeadLetterStore::oversizeLetterKeepsEnvelope()
{
    MemoryDeadLetterStore s;
    s.setMaxBytes(64 * 1024);
    for (int i = 0; i < 10; ++i)
        s.add(letter(QStringLiteral("small")));
    const qint64 before = s.bytes();

    DeadLetter big = letter(QStringLiteral("big"), DeadLetterReason::TooLarge, QByteArray(1024 * 1024, 'b'));
    big.message.setHeader(QStringLiteral("trace"), QStringLiteral("t-1"));
    const QString messageId = big.message.id();
    const quint64 id = s.add(big);
    QCOMPARE(s.count(), 11); // nothing was evicted for it
    QCOMPARE(s.evicted(), 0u);
    QCOMPARE(s.payloadsDropped(), 1u);
    const DeadLetter kept = *s.get(id);
    QCOMPARE(kept.message.payloadSize(), 0);
    QCOMPARE(kept.message.header(MemoryDeadLetterStore::payloadDroppedHeader()), QStringLiteral("1048576"));
    QCOMPARE(kept.message.header(QStringLiteral("trace")), QStringLiteral("t-1"));
    QCOMPARE(kept.message.id(), messageId);
    QCOMPARE(kept.message.topic(), QStringLiteral("big"));
    QCOMPARE(kept.reason, DeadLetterReason::TooLarge);
    QCOMPARE(s.bytes(), before + MemoryDeadLetterStore::letterBytes(kept));
    QVERIFY(s.bytes() <= s.maxBytes());
    // The sender's copy is untouched.
    QCOMPARE(big.message.payloadSize(), 1024 * 1024);

    // Headers alone over the bound go too, counted.
    DeadLetter heavy = letter(QStringLiteral("heavy"));
    Headers h;
    for (int i = 0; i < 100; ++i)
        h.insert(QStringLiteral("h%1").arg(i), QString(1024, QLatin1Char('v')));
    heavy.message.setHeaders(h);
    const DeadLetter keptHeavy = *s.get(s.add(heavy));
    QCOMPARE(keptHeavy.message.headers().size(), 2);
    QCOMPARE(keptHeavy.message.header(QStringLiteral("x-sb-headers-dropped")), QStringLiteral("100"));
    QCOMPARE(keptHeavy.message.header(MemoryDeadLetterStore::payloadDroppedHeader()), QStringLiteral("1"));
    QCOMPARE(s.payloadsDropped(), 2u);
    QVERIFY(s.bytes() <= s.maxBytes());
}

void tst_MemoryDeadLetterStore::oversizeDecodedLetterKeepsItsId()
{
    // A message decoded from the wire keeps its id and payload inside the wire bytes until read.
    Message sent = Message::create(MessageType::Event, QStringLiteral("wire"), QByteArray(100000, 'w'));
    Result<Message> decoded = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(sent), true); // as a connection does
    QVERIFY(decoded);
    DeadLetter l;
    l.message = decoded.value();
    MemoryDeadLetterStore s;
    s.setMaxBytes(4096);
    const DeadLetter kept = *s.get(s.add(l));
    QCOMPARE(kept.message.payloadSize(), 0);
    QCOMPARE(kept.message.id(), sent.id());
    QCOMPARE(kept.message.header(MemoryDeadLetterStore::payloadDroppedHeader()), QStringLiteral("100000"));
}

void tst_MemoryDeadLetterStore::bytesFollowTakeAndPurge()
{
    MemoryDeadLetterStore s;
    QCOMPARE(s.bytes(), 0);
    const quint64 a = s.add(letter(QStringLiteral("a"), DeadLetterReason::NoRoute, QByteArray(1000, 'a')));
    const quint64 b = s.add(letter(QStringLiteral("b"), DeadLetterReason::NoRoute, QByteArray(2000, 'b')));
    const quint64 c = s.add(letter(QStringLiteral("c"), DeadLetterReason::NoRoute, QByteArray(3000, 'c')));
    const qint64 sizeA = MemoryDeadLetterStore::letterBytes(*s.get(a));
    const qint64 sizeB = MemoryDeadLetterStore::letterBytes(*s.get(b));
    const qint64 sizeC = MemoryDeadLetterStore::letterBytes(*s.get(c));
    QCOMPARE(s.bytes(), sizeA + sizeB + sizeC);
    QVERIFY(s.take(b));
    QCOMPARE(s.bytes(), sizeA + sizeC);
    QCOMPARE(s.purge({a}), 1);
    QCOMPARE(s.bytes(), sizeC);
    QCOMPARE(s.purge(), 1);
    QCOMPARE(s.bytes(), 0);
    // Through the interface too, for health and metrics.
    const DeadLetterStore &store = s;
    s.add(letter(QStringLiteral("d")));
    QVERIFY(store.bytes() > 0);
}

void tst_MemoryDeadLetterStore::lowerBoundsEvictAtOnce()
{
    MemoryDeadLetterStore s;
    for (int i = 0; i < 100; ++i)
        s.add(letter(topicName(i), DeadLetterReason::NoRoute, QByteArray(1000, 'x')));
    const qint64 each = s.bytes() / 100;
    s.setMaxBytes(10 * each);
    QCOMPARE(s.count(), 10);
    QCOMPARE(s.evicted(), 90u);
    QCOMPARE(s.list().first().message.topic(), topicName(90));
    s.setCapacity(4);
    QCOMPARE(s.count(), 4);
    QCOMPARE(s.bytes(), 4 * each);
    QCOMPARE(s.evicted(), 96u);
    s.setMaxBytes(0); // at least one letter stays, however small the bound
    QCOMPARE(s.count(), 1);
    QCOMPARE(s.maxBytes(), 1);
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
    QCOMPARE(s.bytes(), 8000 * MemoryDeadLetterStore::letterBytes(s.list().first()));
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
