// SPDX-License-Identifier: Apache-2.0
#include <switchboard/binarycodec.h>

#include <QRandomGenerator>
#include <QTest>

#include <functional>
#include <limits>

using namespace sb;

class tst_BinaryCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void wireBytesCachedAndInvalidated();
    void patchedWireEqualsFreshEncoding_data();
    void patchedWireEqualsFreshEncoding();
    void patchNeverTouchesSharedCopies();
    void decodeIntoReusesOnlyWhatNobodyHolds();
    void everyTruncationIsAnError();
    void randomGarbageNeverCrashes();
    void malformed_data();
    void malformed();
    void frameLimits();
};

static Message full()
{
    Message m = Message::create(MessageType::Request, QStringLiteral("sensor.7.temp"), QByteArray(300, 'x'));
    m.setChannel(QStringLiteral("ch"));
    m.setAction(QStringLiteral("act"));
    m.setContentType(QStringLiteral("text/plain"));
    m.setCorrelationId(QStringLiteral("c-9"));
    m.setReplyTo(QStringLiteral("r"));
    m.setSource(QStringLiteral("native-1"));
    m.setTtl(1234);
    m.setAttempt(4);
    m.setHeaders({{QStringLiteral("a"), QStringLiteral("ü")}});
    m.setError(Error(ErrorCode::RateLimited, QStringLiteral("slow down"), {{QStringLiteral("retryAfterMs"), 20}}));
    return m;
}

void tst_BinaryCodec::roundTrip_data()
{
    QTest::addColumn<Message>("message");
    QTest::addRow("minimal") << Message(MessageType::Event, QStringLiteral("a"));
    QTest::addRow("every field") << full();
    Message big = Message::create(MessageType::Event, QStringLiteral("b"), QByteArray(200000, '\0'));
    QTest::addRow("200 kB zeros") << big;
    Message negTs(MessageType::Response, QStringLiteral("t"));
    negTs.setTimestamp(-5);
    QTest::addRow("negative timestamp") << negTs;
    Message extremes(MessageType::Event, QStringLiteral("t"));
    extremes.setTimestamp(std::numeric_limits<qint64>::max());
    extremes.setTtl(std::numeric_limits<qint64>::max() / 2); // the largest ttl the codec accepts
    QTest::addRow("max timestamp, max ttl") << extremes;
    extremes.setTimestamp(std::numeric_limits<qint64>::min());
    QTest::addRow("min timestamp, max ttl") << extremes;
}

void tst_BinaryCodec::roundTrip()
{
    QFETCH(Message, message);
    const QByteArray bytes = BinaryCodec::encodeMessage(message);
    Result<Message> r = BinaryCodec::decodeMessage(bytes);
    QVERIFY2(r, qPrintable(r.errorString()));
    QVERIFY(r.value() == message);
    const QByteArray frame = BinaryCodec::encodeMessageFrame(message, 3);
    QCOMPARE(frame.size(), bytes.size() + BinaryCodec::FrameHeaderSize);
    Result<Message> f = BinaryCodec::decodeMessageFrame(frame);
    QVERIFY2(f, qPrintable(f.errorString()));
    QVERIFY(f.value() == message);
}

void tst_BinaryCodec::wireBytesCachedAndInvalidated()
{
    Message m = full();
    const QByteArray &first = m.wireBytes();
    Message copy = m; // shares data, and so the encoding
    QCOMPARE(copy.wireBytes().constData(), first.constData());
    copy.setTopic(QStringLiteral("other"));
    QVERIFY(copy.wireBytes() != m.wireBytes());
    QCOMPARE(BinaryCodec::decodeMessage(copy.wireBytes())->topic(), QStringLiteral("other"));
    QCOMPARE(BinaryCodec::decodeMessage(m.wireBytes())->topic(), QStringLiteral("sensor.7.temp"));
}

using Edit = std::function<void(Message &)>;
Q_DECLARE_METATYPE(Edit)

void tst_BinaryCodec::patchedWireEqualsFreshEncoding_data()
{
    QTest::addColumn<Message>("start");
    QTest::addColumn<Edit>("edit");
    const Message minimal(MessageType::Event, QStringLiteral("a.b"), QByteArray("payload"));
    const QString longText(300, QLatin1Char('z')); // a two-byte length varint
    const struct {
        const char *name;
        Edit edit;
    } edits[] = {
        {"add id", [](Message &m) { m.setId(QStringLiteral("id-1")); }},
        {"new id", [](Message &m) { m.setId(Message::newId()); }},
        {"remove id", [](Message &m) { m.setId(QString()); }},
        {"channel", [](Message &m) { m.setChannel(QStringLiteral("orders")); }},
        {"topic longer", [longText](Message &m) { m.setTopic(longText); }},
        {"topic non-ASCII", [](Message &m) { m.setTopic(QStringLiteral("temp.küche")); }},
        {"action", [](Message &m) { m.setAction(QStringLiteral("set")); }},
        {"content type", [](Message &m) { m.setContentType(QStringLiteral("application/json")); }},
        {"correlation", [](Message &m) { m.setCorrelationId(QStringLiteral("c")); }},
        {"reply-to", [](Message &m) { m.setReplyTo(QString()); }},
        {"source", [](Message &m) { m.setSource(QStringLiteral("native-42")); }},
        {"source removed", [](Message &m) { m.setSource(QString()); }},
        {"type", [](Message &m) { m.setType(MessageType::Response); }},
        {"timestamp", [](Message &m) { m.setTimestamp(1764000000000); }},
        {"ttl set", [](Message &m) { m.setTtl(300000); }},
        {"ttl cleared", [](Message &m) { m.setTtl(0); }},
        {"ttl negative", [](Message &m) { m.setTtl(-1); }},
        {"attempt", [](Message &m) { m.setAttempt(2); }},
        {"attempt back to 1", [](Message &m) { m.setAttempt(1); }},
        {"attempt 0", [](Message &m) { m.setAttempt(0); }},
        {"stamp all", [](Message &m) { m.stamp(Message::newId(), 77, QStringLiteral("native-12")); }},
        {"stamp source only", [](Message &m) { m.stamp(QString(), 0, QStringLiteral("s")); }},
        {"stamp id only", [](Message &m) { m.stamp(QStringLiteral("x"), 0, QString()); }},
        {"stamp time only", [](Message &m) { m.stamp(QString(), -3, QString()); }},
        {"stamp non-ASCII", [](Message &m) { m.stamp(QStringLiteral("ïd"), 5, QStringLiteral("sœurce")); }},
        {"stamp long", [longText](Message &m) { m.stamp(longText, 9, longText); }},
        {"stamp: id shorter, source longer", [](Message &m) { m.stamp(QStringLiteral("x"), 0, QStringLiteral("native-12345678901234567890")); }},
        {"stamp: id longer, source shorter", [](Message &m) { m.stamp(QStringLiteral("id-0123456789012345678901234567890123456789"), 3, QStringLiteral("n")); }},
        {"routed: new id, time, source", [](Message &m) { m.stampRouted(!m.hasId(), 1764000000123, QStringLiteral("native-3"), "native-3"); }},
        {"routed: source shorter", [](Message &m) { m.stampRouted(false, 0, QStringLiteral("n"), "n"); }},
        {"routed: source longer", [](Message &m) { m.stampRouted(false, 0, QStringLiteral("jwt:someone@example.org/native"), "jwt:someone@example.org/native"); }},
        {"routed: source past the headroom", [longText](Message &m) { m.stampRouted(!m.hasId(), 0, longText, longText.toUtf8()); }},
        {"routed: non-ASCII source", [](Message &m) { m.stampRouted(false, 0, QStringLiteral("sœurce"), QStringLiteral("sœurce").toUtf8()); }},
        {"routed: time only", [](Message &m) { m.stampRouted(false, 9, QString(), {}); }},
        {"routed: nothing", [](Message &m) { m.stampRouted(false, 0, QString(), {}); }},
        {"hub stamps", [](Message &m) {
             m.setId(Message::newId());
             m.setTimestamp(42);
             m.setSource(QStringLiteral("native-7"));
             m.setTtl(1000);
         }},
    };
    for (const auto &e : edits) {
        QTest::addRow("minimal: %s", e.name) << minimal << e.edit;
        QTest::addRow("every field: %s", e.name) << full() << e.edit;
    }
}

void tst_BinaryCodec::patchedWireEqualsFreshEncoding()
{
    QFETCH(Message, start);
    QFETCH(Edit, edit);
    // A decoded message carries its wire bytes; the setters patch them in place.
    Result<Message> decoded = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(start), true);
    QVERIFY2(decoded, qPrintable(decoded.errorString()));
    Message m = decoded.value();
    edit(m);
    const QByteArray patched = m.wireBytes();
    const QByteArray fresh = BinaryCodec::encodeMessage(m);
    QCOMPARE(patched.toHex(), fresh.toHex());
    Result<Message> back = BinaryCodec::decodeMessage(patched);
    QVERIFY2(back, qPrintable(back.errorString()));
    if (m.ttl() < 0) // a negative TTL means none and is not encoded
        QCOMPARE(back->ttl(), 0);
    else
        QVERIFY(back.value() == m);
}

void tst_BinaryCodec::patchNeverTouchesSharedCopies()
{
    const QByteArray bytes = BinaryCodec::encodeMessage(full());
    Message original = BinaryCodec::decodeMessage(bytes, true).value();
    Message copy = original;
    copy.setSource(QStringLiteral("elsewhere"));
    copy.setTimestamp(1);
    QCOMPARE(original.wireBytes().toHex(), bytes.toHex());
    QCOMPARE(BinaryCodec::decodeMessage(copy.wireBytes())->source(), QStringLiteral("elsewhere"));
    // The hub's stamps rewrite in place only bytes nobody else holds.
    Message routed = original;
    routed.stampRouted(false, 5, QStringLiteral("hub"), "hub");
    QCOMPARE(original.wireBytes().toHex(), bytes.toHex());
    QCOMPARE(BinaryCodec::decodeMessage(routed.wireBytes())->source(), QStringLiteral("hub"));
    // The payload of a decoded message lives in its wire bytes; views of it survive every edit.
    Message decoded = BinaryCodec::decodeMessage(bytes, true).value();
    const QByteArray view = decoded.payload();
    QCOMPARE(view, QByteArray(300, 'x'));
    QCOMPARE(decoded.payloadSize(), 300);
    decoded.setSource(QStringLiteral("a-much-longer-source-than-before-so-the-bytes-move"));
    QCOMPARE(view, QByteArray(300, 'x'));
    QCOMPARE(decoded.payload(), QByteArray(300, 'x'));
    decoded.setHeaders({}); // not patchable: the payload gets a copy of its own
    QCOMPARE(decoded.payload(), QByteArray(300, 'x'));
    QByteArray writable = decoded.payload();
    writable[0] = 'y';
    QCOMPARE(decoded.payload(), QByteArray(300, 'x'));
    QCOMPARE(BinaryCodec::decodeMessage(decoded.wireBytes())->payload(), QByteArray(300, 'x'));
    QCOMPARE(*(decoded.payload().constData() + 300), '\0');
    // A decoded id stays in the wire bytes until read; edits elsewhere never disturb it.
    Message lazy = BinaryCodec::decodeMessage(bytes, true).value();
    QVERIFY(lazy.hasId());
    lazy.setTopic(QStringLiteral("a.much.longer.topic.than.before"));
    lazy.setSource(QString());
    QCOMPARE(lazy.id(), BinaryCodec::decodeMessage(bytes)->id());
    lazy.setHeaders({{QStringLiteral("k"), QStringLiteral("v")}}); // drops the wire bytes: the id is kept
    QCOMPARE(lazy.id(), BinaryCodec::decodeMessage(bytes)->id());
    QCOMPARE(BinaryCodec::decodeMessage(lazy.wireBytes())->id(), lazy.id());
    Message renamed = BinaryCodec::decodeMessage(bytes, true).value();
    renamed.setId(QStringLiteral("mine"));
    renamed.setHeaders({});
    QCOMPARE(renamed.id(), QStringLiteral("mine"));
    // Garbage in the cache is never patched into something that looks valid.
    QByteArray junk("\x07\x00\x00", 3);
    QVERIFY(!BinaryCodec::patchStringField(junk, 7, QStringLiteral("x")));
    QVERIFY(!BinaryCodec::patchTimestamp(junk, 1));
    QVERIFY(!BinaryCodec::patchStringField(junk, 8, QStringLiteral("x")));
}

void tst_BinaryCodec::decodeIntoReusesOnlyWhatNobodyHolds()
{
    const QByteArray first = BinaryCodec::encodeMessage(full());
    Message plainMessage = Message::create(MessageType::Event, QStringLiteral("x.y"), "second");
    const QByteArray second = BinaryCodec::encodeMessage(plainMessage);
    BinaryCodec::StringCache cache;
    Message scratch;
    QVERIFY(BinaryCodec::decodeMessageInto(scratch, first, &cache));
    QVERIFY(scratch == BinaryCodec::decodeMessage(first).value());
    const char *buffer = scratch.wireBytes().constData();
    // Nobody else holds it: the next message reuses data and buffer, and nothing carries over.
    QVERIFY(BinaryCodec::decodeMessageInto(scratch, second, &cache));
    QCOMPARE(scratch.wireBytes().constData(), buffer);
    QVERIFY(scratch == BinaryCodec::decodeMessage(second).value());
    QVERIFY(scratch.headers().isEmpty());
    QVERIFY(!scratch.hasError());
    QCOMPARE(scratch.action(), QString());
    QCOMPARE(scratch.ttl(), 0);
    QCOMPARE(scratch.attempt(), 1);
    // A kept copy is never overwritten.
    const Message kept = scratch;
    QVERIFY(BinaryCodec::decodeMessageInto(scratch, first, &cache));
    QVERIFY(kept == BinaryCodec::decodeMessage(second).value());
    QVERIFY(scratch == BinaryCodec::decodeMessage(first).value());
    // Nor is a kept payload (a view of the buffer).
    const QByteArray keptPayload = scratch.payload();
    QVERIFY(BinaryCodec::decodeMessageInto(scratch, second, &cache));
    QCOMPARE(keptPayload, QByteArray(300, 'x'));
    QCOMPARE(scratch.payload(), QByteArray("second"));
    // A moved-from message is a valid target too.
    Message moved = std::move(scratch);
    QVERIFY(BinaryCodec::decodeMessageInto(scratch, first, &cache));
    QVERIFY(scratch == BinaryCodec::decodeMessage(first).value());
    // Garbage: an error, and the kept copies still intact.
    QVERIFY(!BinaryCodec::decodeMessageInto(scratch, QByteArray("\x01\x00\xff\xff", 4), &cache));
    QVERIFY(kept == BinaryCodec::decodeMessage(second).value());
}

void tst_BinaryCodec::everyTruncationIsAnError()
{
    const QByteArray bytes = BinaryCodec::encodeMessage(full());
    for (qsizetype n = 0; n < bytes.size(); ++n) {
        Result<Message> r = BinaryCodec::decodeMessage(QByteArrayView(bytes.constData(), n));
        QVERIFY2(!r, qPrintable(QStringLiteral("prefix of %1 bytes decoded").arg(n)));
        QCOMPARE(r.error().code, ErrorCode::BadFrame);
    }
    Result<Message> trailing = BinaryCodec::decodeMessage(QByteArray(bytes + "x"));
    QVERIFY(!trailing);
    QVERIFY(trailing.error().message.contains(QLatin1String("trailing")));
}

void tst_BinaryCodec::randomGarbageNeverCrashes()
{
    QRandomGenerator rng(42);
    const QByteArray valid = BinaryCodec::encodeMessage(full());
    for (int i = 0; i < 5000; ++i) {
        QByteArray b = valid;
        const int flips = 1 + int(rng.bounded(8));
        for (int f = 0; f < flips; ++f)
            b[qsizetype(rng.bounded(quint32(b.size())))] = char(rng.bounded(256));
        Result<Message> r = BinaryCodec::decodeMessage(b);
        if (!r)
            QCOMPARE(r.error().code, ErrorCode::BadFrame);
    }
}

void tst_BinaryCodec::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("empty") << QByteArray() << "codec version";
    QTest::addRow("future version") << QByteArray("\x07\x00\x00\x00", 4) << "version 7";
    QTest::addRow("unknown type") << QByteArray("\x01\x09\x00\x00", 4) << "message type 9";
    QTest::addRow("unknown fields") << QByteArray("\x01\x00\x80\x00", 4) << "unknown message fields";
    QTest::addRow("huge string length") << QByteArray("\x01\x00\x00\x01\xff\xff\xff\xff\x0f", 9) << "id";
    // presence mask FTtl (0x0100), timestamp 0, ttl varint 2^63 - 1
    QTest::addRow("ttl out of range") << QByteArray("\x01\x00\x01\x00" "\0\0\0\0\0\0\0\0"
                                                    "\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 21)
                                      << "ttl";
    // presence mask FError (0x0800), timestamp 0, error code 0 (none) with message "x", payload ""
    QTest::addRow("error without code") << QByteArray("\x01\x00\x08\x00" "\0\0\0\0\0\0\0\0"
                                                      "\x00\x00\x01x\x00\x00", 18)
                                        << "error code";
    QTest::addRow("endless varint") << QByteArray("\x01\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 15)
                                    << "varint";
}

void tst_BinaryCodec::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, mentions);
    Result<Message> r = BinaryCodec::decodeMessage(bytes);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::BadFrame);
    QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
}

void tst_BinaryCodec::frameLimits()
{
    const QByteArray frame = BinaryCodec::encodeMessageFrame(full());
    Result<Message> tooBig = BinaryCodec::decodeMessageFrame(frame, 100);
    QVERIFY(!tooBig);
    QCOMPARE(tooBig.error().code, ErrorCode::TooLarge);
    QCOMPARE(tooBig.error().details.value(QStringLiteral("limit")).toLongLong(), 100);

    QByteArray badMagic = frame;
    badMagic[0] = 'X';
    QCOMPARE(BinaryCodec::decodeMessageFrame(badMagic).error().code, ErrorCode::BadFrame);
    QByteArray badVersion = frame;
    badVersion[1] = 9;
    QVERIFY(BinaryCodec::decodeMessageFrame(badVersion).error().message.contains(QLatin1String("version 9")));
    QVERIFY(BinaryCodec::decodeMessageFrame(frame.left(frame.size() - 1))
                .error()
                .message.contains(QLatin1String("announces")));
    QVERIFY(!BinaryCodec::decodeMessageFrame(frame.left(3)));
}

QTEST_GUILESS_MAIN(tst_BinaryCodec)
#include "tst_binarycodec.moc"
