// SPDX-License-Identifier: Apache-2.0
// permessage-deflate (RFC 7692) in plugins/http/ws: the negotiation of an offer under the hub's
// policy, compression round trips with and without context takeover, a message that inflates
// past the limit (refused as it inflates), data that is not DEFLATE, and the reader's RSV1 rules.
#include "wsdeflate.h"
#include "wsframereader.h"
#include "wshandshake.h"

#include <QRandomGenerator>
#include <QTest>

#include <zlib.h>

using namespace sb::http;

namespace {
WsHandshake::DeflatePolicy on(int bits = 15, bool takeover = true)
{
    WsHandshake::DeflatePolicy p;
    p.enabled = true;
    p.windowBits = bits;
    p.contextTakeover = takeover;
    return p;
}

// What a client with \a bits compresses \a message to (raw DEFLATE, sync flush, tail removed).
QByteArray clientCompress(const QByteArray &message, int bits = 15)
{
    WsDeflateParams p;
    p.serverWindowBits = bits; // the same code plays the client
    WsDeflate d(p);
    QByteArray out;
    d.compress(message, &out);
    return out;
}
} // namespace

class tst_WsDeflate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void negotiation_data()
    {
        QTest::addColumn<QList<QByteArray>>("offers");
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("takeover");
        QTest::addColumn<QByteArray>("response"); // empty: declined
        QTest::newRow("off") << QList<QByteArray>{"permessage-deflate"} << false << 15 << true << QByteArray();
        QTest::newRow("plain") << QList<QByteArray>{"permessage-deflate"} << true << 15 << true << QByteArray("permessage-deflate");
        QTest::newRow("browser offer") << QList<QByteArray>{"permessage-deflate; client_max_window_bits"} << true << 12 << true
                                       << QByteArray("permessage-deflate; server_max_window_bits=12; client_max_window_bits=12");
        QTest::newRow("no window limit for the client") << QList<QByteArray>{"permessage-deflate"} << true << 12 << true
                                                        << QByteArray("permessage-deflate; server_max_window_bits=12");
        QTest::newRow("client asks us not to keep context")
            << QList<QByteArray>{"permessage-deflate; server_no_context_takeover"} << true << 15 << true
            << QByteArray("permessage-deflate; server_no_context_takeover");
        QTest::newRow("we keep no context") << QList<QByteArray>{"permessage-deflate"} << true << 15 << false
                                            << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        QTest::newRow("smaller server window asked") << QList<QByteArray>{"permessage-deflate; server_max_window_bits=10"} << true
                                                     << 15 << true << QByteArray("permessage-deflate; server_max_window_bits=10");
        QTest::newRow("window 8 declined, next offer taken")
            << QList<QByteArray>{"permessage-deflate; server_max_window_bits=8, permessage-deflate"} << true << 15 << true
            << QByteArray("permessage-deflate");
        QTest::newRow("unknown parameter declined") << QList<QByteArray>{"permessage-deflate; foo=1"} << true << 15 << true
                                                    << QByteArray();
        QTest::newRow("parameter twice declined")
            << QList<QByteArray>{"permessage-deflate; server_no_context_takeover; server_no_context_takeover"} << true << 15
            << true << QByteArray();
        QTest::newRow("another extension") << QList<QByteArray>{"x-webkit-deflate-frame"} << true << 15 << true << QByteArray();
    }
    void negotiation()
    {
        QFETCH(QList<QByteArray>, offers);
        QFETCH(bool, enabled);
        QFETCH(int, bits);
        QFETCH(bool, takeover);
        QFETCH(QByteArray, response);
        WsHandshake::DeflatePolicy p = on(bits, takeover);
        p.enabled = enabled;
        const std::optional<WsHandshake::DeflateAgreement> a = WsHandshake::negotiateDeflate(offers, p);
        QCOMPARE(a.has_value(), !response.isEmpty());
        if (a)
            QCOMPARE(a->responseHeader, response);
    }

    void roundTrips_data()
    {
        QTest::addColumn<bool>("takeover");
        QTest::newRow("context takeover") << true;
        QTest::newRow("no context takeover") << false;
    }
    void roundTrips()
    {
        QFETCH(bool, takeover);
        WsDeflateParams p;
        p.serverWindowBits = 10;
        p.clientWindowBits = 10;
        p.serverNoContextTakeover = !takeover;
        p.clientNoContextTakeover = !takeover;
        WsDeflate sender(p), receiver(p);
        QByteArray random(3000, Qt::Uninitialized);
        QRandomGenerator(7).fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
        const QByteArray twice = "{\"sensor\":\"b1-roof\",\"readings\":[" + QByteArray("21.5,").repeated(40) + "22]}";
        const QList<QByteArray> messages{"{\"t\":1}", QByteArray(100000, 'a'), random, "", twice, twice};
        QList<qsizetype> sizes;
        for (const QByteArray &m : messages) {
            QByteArray compressed, back;
            QVERIFY(sender.compress(m, &compressed));
            QVERIFY(!compressed.endsWith(QByteArray("\x00\x00\xff\xff", 4)));
            QString error;
            bool tooBig = false;
            QVERIFY2(receiver.decompress(compressed, 1 << 20, &back, &error, &tooBig), qPrintable(error));
            QCOMPARE(back, m);
            sizes.append(compressed.size());
        }
        // A message repeated at once costs a back-reference with the context kept, as much again without.
        if (takeover)
            QVERIFY2(sizes.last() < sizes.at(sizes.size() - 2) / 2, qPrintable(QString::number(sizes.last())));
        else
            QCOMPARE(sizes.last(), sizes.at(sizes.size() - 2));
    }

    void inflateBombRefusedEarly()
    {
        const QByteArray bomb = clientCompress(QByteArray(50 * 1024 * 1024, '\0'));
        QVERIFY(bomb.size() < 100 * 1024);
        WsDeflate d({});
        QByteArray out;
        QString error;
        bool tooBig = false;
        QVERIFY(!d.decompress(bomb, 64 * 1024, &out, &error, &tooBig));
        QVERIFY(tooBig);
        QVERIFY(out.size() <= 64 * 1024 + 1);
        // The connection's decompressor still works afterwards (it was reset).
        QVERIFY(d.decompress(clientCompress("ok"), 1024, &out, &error, &tooBig));
        QCOMPARE(out, QByteArray("ok"));
    }

    void notDeflate()
    {
        WsDeflate d({});
        QByteArray out;
        QString error;
        bool tooBig = false;
        QVERIFY(!d.decompress(QByteArray("\xff\xff\xff\xff\xff", 5), 1024, &out, &error, &tooBig));
        QVERIFY(!tooBig);
        QVERIFY(!error.isEmpty());
    }

    void readerRsv1Rules()
    {
        auto frame = [](quint8 first, const QByteArray &payload) -> QByteArray {
            QByteArray f;
            f.append(char(first));
            f.append(char(0x80 | payload.size()));
            f += QByteArray(4, '\0'); // a zero mask key
            return f + payload;
        };
        const QByteArray compressed = clientCompress("{\"t\":1}");
        WsFrameReader agreed;
        agreed.setCompressionAgreed(true);
        agreed.append(frame(0x80 | 0x40 | 0x1, compressed));
        std::optional<WsEvent> e = agreed.next();
        QVERIFY(e && e->compressed && e->type == WsEvent::Type::Text);
        QCOMPARE(e->payload, compressed); // not checked for UTF-8 before inflating
        // RSV1 on a control frame, or on a continuation, stays a protocol error.
        for (quint8 first : {quint8(0x80 | 0x40 | 0x9), quint8(0x40 | 0x1)}) {
            WsFrameReader r;
            r.setCompressionAgreed(true);
            r.append(frame(first, "x"));
            if (first == quint8(0x40 | 0x1))
                r.append(frame(0x80 | 0x40 | 0x0, "y"));
            QVERIFY(!r.next() || !r.next());
            QCOMPARE(int(r.errorCode()), 1002);
        }
        WsFrameReader notAgreed;
        notAgreed.append(frame(0x80 | 0x40 | 0x1, compressed));
        QVERIFY(!notAgreed.next());
        QCOMPARE(int(notAgreed.errorCode()), 1002);
    }
};

QTEST_GUILESS_MAIN(tst_WsDeflate)
#include "tst_wsdeflate.moc"
