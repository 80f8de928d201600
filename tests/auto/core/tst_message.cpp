// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>
#include <switchboard/message.h>

#include <QRegularExpression>
#include <QTest>

#include <limits>

using namespace sb;

class tst_Message : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isExpired_data();
    void isExpired();
    void setPayloadKeepsDecodedId();
    void sharesDataWith();
    void routedIdStaysInWire();
    void newIdsCount();
};

namespace {
constexpr qint64 kMax = std::numeric_limits<qint64>::max();
constexpr qint64 kMin = std::numeric_limits<qint64>::min();
constexpr qint64 kNow = 1764000000000;
} // namespace

// Timestamp and ttl come from the wire; their sum must never overflow (UBSan checks under asan).
void tst_Message::isExpired_data()
{
    QTest::addColumn<qint64>("timestamp");
    QTest::addColumn<qint64>("ttl");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<bool>("expired");
    QTest::addRow("no ttl") << kNow - 100000 << qint64(0) << kNow << false;
    QTest::addRow("negative ttl means none") << kNow - 100000 << qint64(-5) << kNow << false;
    QTest::addRow("within ttl") << kNow - 100 << qint64(1000) << kNow << false;
    QTest::addRow("at the deadline") << kNow - 1000 << qint64(1000) << kNow << false;
    QTest::addRow("past ttl") << kNow - 1001 << qint64(1000) << kNow << true;
    QTest::addRow("max timestamp, max ttl") << kMax << kMax << kNow << false;
    QTest::addRow("max timestamp, ttl 1") << kMax << qint64(1) << kNow << false;
    QTest::addRow("max timestamp, ttl 1, now max") << kMax << qint64(1) << kMax << false;
    QTest::addRow("now, max ttl") << kNow << kMax << kNow << false;
    QTest::addRow("now, binary codec's max ttl") << kNow << kMax / 2 << kNow << false;
    QTest::addRow("now, binary codec's max ttl, now max") << kNow << kMax / 2 << kMax << true;
    QTest::addRow("near max, sum just fits") << kMax - 10 << qint64(10) << kMax << false;
    // Stamped before 2025 and judged after: the clock was set in between (a board that booted in
    // 1970), the message's age is unknown, and it does not expire.
    QTest::addRow("min timestamp, ttl 1") << kMin << qint64(1) << kNow << false;
    QTest::addRow("min timestamp, max ttl") << kMin << kMax << kNow << false;
    QTest::addRow("min timestamp, ttl 1, now 0") << kMin << qint64(1) << qint64(0) << true;
    QTest::addRow("min timestamp, max ttl, now 0") << kMin << kMax << qint64(0) << true; // deadline -1
    QTest::addRow("min timestamp, max ttl, now min") << kMin << kMax << kMin << false;
    QTest::addRow("negative timestamp") << qint64(-5) << qint64(3) << qint64(0) << true;
    QTest::addRow("stamped in 1970, judged in 1970") << qint64(1000) << qint64(60000) << qint64(100000) << true;
    QTest::addRow("stamped in 1970, judged after the clock was set") << qint64(1000) << qint64(60000) << kNow << false;
    QTest::addRow("stamped just before 2025, judged after") << Message::PlausibleClockMs - 1 << qint64(1) << kNow << false;
    QTest::addRow("stamped at 2025, judged later") << Message::PlausibleClockMs << qint64(1) << kNow << true;
}

void tst_Message::isExpired()
{
    QFETCH(qint64, timestamp);
    QFETCH(qint64, ttl);
    QFETCH(qint64, now);
    QFETCH(bool, expired);
    Message m(MessageType::Event, QStringLiteral("t"));
    m.setTimestamp(timestamp);
    m.setTtl(ttl);
    QCOMPARE(m.isExpired(now), expired);
    // The same through the binary codec, where both come from (a negative ttl is not encoded).
    if (ttl <= kMax / 2) {
        Result<Message> decoded = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(m));
        QVERIFY2(decoded, qPrintable(decoded.errorString()));
        QCOMPARE(decoded.value().timestamp(), timestamp);
        QCOMPARE(decoded.value().isExpired(now), expired);
    }
}

void tst_Message::setPayloadKeepsDecodedId()
{
    // A decoded id stays in the wire bytes until read; replacing the payload drops those bytes.
    const Message sent = Message::create(MessageType::Event, QStringLiteral("t"), QByteArray(1000, 'p'));
    Result<Message> decoded = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(sent), true); // as a connection does
    QVERIFY(decoded);
    Message m = decoded.value();
    m.setPayload("new");
    QCOMPARE(m.id(), sent.id());
    QCOMPARE(m.payload(), QByteArray("new"));
}

// What encoding caches (a broadcast's envelope, made once) rely on: copies share the data until
// either is changed; equal but separately made messages do not.
void tst_Message::sharesDataWith()
{
    const Message a = Message::create(MessageType::Event, QStringLiteral("t"), "x");
    Message b = a;
    QVERIFY(a.sharesDataWith(b));
    QVERIFY(b.sharesDataWith(a));
    b.setHeader(QStringLiteral("k"), QStringLiteral("v"));
    QVERIFY(!a.sharesDataWith(b));
    Message c = a;
    c.setPayload("y");
    QVERIFY(!a.sharesDataWith(c));
    Message d(MessageType::Event, QStringLiteral("t"), "x");
    d.setId(a.id());
    QVERIFY(!a.sharesDataWith(d));
}

// The hub's stamp writes a new id straight into the wire bytes; id() converts it when asked.
void tst_Message::routedIdStaysInWire()
{
    Message sent(MessageType::Event, QStringLiteral("t"), "x"); // no id, no time: as clients send
    Result<Message> decoded = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(sent), true);
    QVERIFY(decoded);
    Message m = decoded.value();
    QVERIFY(!m.hasId());
    m.stampRouted(true, 1764000000123, QStringLiteral("native-5"), "native-5");
    QVERIFY(m.hasId());
    const QString id = m.id();
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{16}-[0-9a-z]+$")).match(id).hasMatch(), qPrintable(id));
    QCOMPARE(m.timestamp(), 1764000000123);
    QCOMPARE(m.source(), QStringLiteral("native-5"));
    Result<Message> back = BinaryCodec::decodeMessage(m.wireBytes());
    QVERIFY(back);
    QCOMPARE(back->id(), id);
    QCOMPARE(back->source(), QStringLiteral("native-5"));
    QCOMPARE(back->timestamp(), 1764000000123);
    // Ids are unique; the id of a message built in memory (no wire bytes) is set directly.
    Message built(MessageType::Event, QStringLiteral("t"), "x");
    built.stampRouted(true, 0, QString(), {});
    QVERIFY(built.hasId());
    QVERIFY(built.id() != id);
    QCOMPARE(Message::newId().left(17), id.left(17)); // one prefix per process
}

// New ids: the process's prefix and a base-36 counter that each thread counts up in blocks.
void tst_Message::newIdsCount()
{
    const QString first = Message::newId();
    const QString prefix = first.left(17);
    quint64 last = first.mid(17).toULongLong(nullptr, 36);
    int steps = 0;
    for (int i = 0; i < 5000; ++i) { // several blocks: carries past 'z' and across blocks
        const QString id = Message::newId();
        QCOMPARE(id.left(17), prefix);
        bool ok = false;
        const quint64 n = id.mid(17).toULongLong(&ok, 36);
        QVERIFY2(ok, qPrintable(id));
        QCOMPARE(id.mid(17), QString::number(n, 36)); // no leading zeros, lower case
        QVERIFY2(n > last, qPrintable(id));
        steps += n == last + 1 ? 1 : 0;
        last = n;
    }
    QVERIFY(steps >= 4990); // one jump per block of another thread's ids at most
}

QTEST_GUILESS_MAIN(tst_Message)
#include "tst_message.moc"
