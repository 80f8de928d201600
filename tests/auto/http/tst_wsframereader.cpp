// SPDX-License-Identifier: Apache-2.0
// RFC 6455 framing (plugins/http/ws): what the reader accepts, joins and refuses with which close
// code, fed whole and byte by byte; the server's frames.
#include "wsframe.h"
#include "wsframereader.h"

#include <QTest>

using namespace sb::http;

namespace {

// A client frame: masked with \a key.
QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin = true, quint8 rsv = 0,
                       const QByteArray &key = QByteArray("\x11\x22\x33\x44", 4), bool mask = true)
{
    QByteArray out;
    out.append(char((fin ? 0x80 : 0) | rsv | opcode));
    const quint64 n = quint64(payload.size());
    const char maskBit = mask ? char(0x80) : char(0);
    if (n < 126) {
        out.append(char(maskBit | char(n)));
    } else if (n <= 0xFFFF) {
        out.append(char(maskBit | 126));
        out.append(char(n >> 8));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(maskBit | 127));
        for (int k = 7; k >= 0; --k)
            out.append(char((n >> (8 * k)) & 0xFF));
    }
    if (!mask)
        return out + payload;
    out += key;
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i & 3]));
    return out;
}

QList<WsEvent> readAll(WsFrameReader &r, const QByteArray &bytes, bool oneByOne)
{
    QList<WsEvent> events;
    auto drain = [&] {
        while (std::optional<WsEvent> e = r.next())
            events.append(*e);
    };
    if (oneByOne) {
        for (char c : bytes) {
            r.append(QByteArrayView(&c, 1));
            drain();
        }
    } else {
        r.append(bytes);
        drain();
    }
    return events;
}

QByteArray closeBody(quint16 code, const QByteArray &reason = {})
{
    return QByteArray(1, char(code >> 8)) + char(code & 0xFF) + reason;
}

} // namespace

class tst_WsFrameReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepted_data()
    {
        QTest::addColumn<bool>("oneByOne");
        QTest::newRow("whole") << false;
        QTest::newRow("byte by byte") << true;
    }
    void accepted()
    {
        QFETCH(bool, oneByOne);
        const QByteArray text = QByteArray("h\xc3\xa9llo \xf0\x9f\x98\x80"); // é and an emoji
        QByteArray in = clientFrame(0x1, text);
        // Fragmented: "ab" + ping + "c\xc3" + "\xa9" (a code point split across fragments).
        in += clientFrame(0x1, "ab", false) + clientFrame(0x9, "p1") + clientFrame(0x0, "c\xc3", false)
            + clientFrame(0x0, "\xa9", true);
        in += clientFrame(0x2, QByteArray(200, '\x01'));   // 16-bit length
        in += clientFrame(0x2, QByteArray(70000, '\x02')); // 64-bit length
        in += clientFrame(0xA, "");
        in += clientFrame(0x8, closeBody(1000, "bye"));
        WsFrameReader r(WsLimits{100000, 100000});
        const QList<WsEvent> e = readAll(r, in, oneByOne);
        QVERIFY2(!r.hasError(), qPrintable(r.errorReason()));
        QCOMPARE(e.size(), 7);
        QCOMPARE(e[0].type, WsEvent::Type::Text);
        QCOMPARE(e[0].payload, text);
        QCOMPARE(e[1].type, WsEvent::Type::Ping); // control frames may come between fragments
        QCOMPARE(e[1].payload, QByteArray("p1"));
        QCOMPARE(e[2].payload, QByteArray("abc\xc3\xa9"));
        QCOMPARE(e[3].type, WsEvent::Type::Binary);
        QCOMPARE(e[3].payload, QByteArray(200, '\x01'));
        QCOMPARE(e[4].payload, QByteArray(70000, '\x02'));
        QCOMPARE(e[5].type, WsEvent::Type::Pong);
        QCOMPARE(e[6].type, WsEvent::Type::Close);
        QCOMPARE(e[6].closeCode, quint16(1000));
        QCOMPARE(e[6].payload, QByteArray("bye"));
        QCOMPARE(r.buffered(), 0);

        WsFrameReader empty;
        const QList<WsEvent> c = readAll(empty, clientFrame(0x8, {}), oneByOne);
        QCOMPARE(c.size(), 1);
        QCOMPARE(c[0].closeCode, WsClose::NoStatus);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << clientFrame(0x1, "x", true, 0, {}, false) << 1002;
        QTest::newRow("rsv1 without extension") << clientFrame(0x1, "x", true, 0x40) << 1002;
        QTest::newRow("reserved opcode") << clientFrame(0x3, "x") << 1002;
        QTest::newRow("reserved control opcode") << clientFrame(0xB, "x") << 1002;
        QTest::newRow("control too long") << clientFrame(0x9, QByteArray(126, 'p')) << 1002;
        QTest::newRow("fragmented control") << clientFrame(0x9, "p", false) << 1002;
        QTest::newRow("continuation first") << clientFrame(0x0, "x") << 1002;
        QTest::newRow("new message mid-fragments") << clientFrame(0x1, "a", false) + clientFrame(0x1, "b") << 1002;
        QTest::newRow("frame too big") << clientFrame(0x2, QByteArray(2000, 'x')).left(20) << 1009; // the length is enough
        QTest::newRow("message too big") << clientFrame(0x2, QByteArray(600, 'x'), false) + clientFrame(0x0, QByteArray(600, 'x'))
                                         << 1009;
        QTest::newRow("64-bit length top bit") << QByteArray("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01", 10) << 1002;
        QTest::newRow("text not utf-8") << clientFrame(0x1, "\xff") << 1007;
        QTest::newRow("overlong") << clientFrame(0x1, "\xc0\xaf") << 1007;
        QTest::newRow("surrogate") << clientFrame(0x1, "\xed\xa0\x80") << 1007;
        QTest::newRow("past U+10FFFF") << clientFrame(0x1, "\xf4\x90\x80\x80") << 1007;
        QTest::newRow("cut off") << clientFrame(0x1, "a\xe2\x82") << 1007;
        QTest::newRow("close one byte") << clientFrame(0x8, "\x03") << 1002;
        QTest::newRow("close 1005") << clientFrame(0x8, closeBody(1005)) << 1002;
        QTest::newRow("close 999") << clientFrame(0x8, closeBody(999)) << 1002;
        QTest::newRow("close 2999") << clientFrame(0x8, closeBody(2999)) << 1002;
        QTest::newRow("close reason not utf-8") << clientFrame(0x8, closeBody(1000, "\xff")) << 1007;
    }
    void refused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        for (bool oneByOne : {false, true}) {
            WsFrameReader r(WsLimits{1024, 1024});
            const QList<WsEvent> e = readAll(r, bytes + clientFrame(0x1, "after"), oneByOne);
            QVERIFY(e.isEmpty()); // nothing before or after the violation
            QCOMPARE(int(r.errorCode()), code);
            QVERIFY(!r.errorReason().isEmpty());
            r.append(clientFrame(0x1, "more"));
            QVERIFY(!r.next()); // stopped for good
        }
    }

    void serverFrames()
    {
        QByteArray out;
        WsFrame::appendText(out, "hi");
        QCOMPARE(out, QByteArray("\x81\x02hi"));
        out.clear();
        WsFrame::appendBinary(out, QByteArray(300, 'b'));
        QCOMPARE(out.left(4), QByteArray("\x82\x7e\x01\x2c"));
        QCOMPARE(out.size(), 304);
        out.clear();
        WsFrame::appendBinary(out, QByteArray(70000, 'b'));
        QCOMPARE(out.left(10), QByteArray("\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
        out.clear();
        // A long reason is cut to 123 bytes, not inside a UTF-8 sequence.
        WsFrame::appendClose(out, 1009, QByteArray(QByteArray(122, 'r') + "\xc3\xa9"));
        QCOMPARE(quint8(out[1]), quint8(2 + 122));
        QCOMPARE(out.mid(2, 2), QByteArray("\x03\xf1"));
        out.clear();
        WsFrame::appendPing(out, QByteArray(200, 'p'));
        QCOMPARE(quint8(out[1]), quint8(125));
    }
};

QTEST_GUILESS_MAIN(tst_WsFrameReader)
#include "tst_wsframereader.moc"
