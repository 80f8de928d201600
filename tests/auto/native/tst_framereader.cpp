// SPDX-License-Identifier: Apache-2.0
#include "protocol/nativeprotocol.h"

#include <QTest>

using namespace sb;
using namespace sb::native;

class tst_FrameReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void byteByByte();
    void manyFramesInOneRead();
    void oversizeIsSkippedAndStreamStaysInSync();
    void corruptMagic();
    void controlJsonErrors();
};

static QByteArray stream()
{
    QByteArray out;
    appendControl(out, FrameType::Ping, 7);
    Message m = Message::create(MessageType::Event, QStringLiteral("a.b"), "payload");
    appendMessageFrame(out, FrameType::Publish, 9, m);
    appendError(out, 3, Error(ErrorCode::Timeout, QStringLiteral("late")), true);
    return out;
}

static void checkStream(FrameReader &reader, QList<quint8> &types)
{
    Frame f;
    Error e;
    while (reader.next(f, &e) == FrameReader::Result::Frame) {
        types << f.type;
        if (f.type == quint8(FrameType::Publish)) {
            QCOMPARE(readU32(f.body), 9u);
            QCOMPARE(BinaryCodec::decodeMessage(f.body.sliced(4))->payload(), QByteArray("payload"));
        }
        if (f.type == quint8(FrameType::Error)) {
            bool fatal = false;
            const Error err = errorFromJson(controlJson(f.body).value(), &fatal);
            QCOMPARE(err.code, ErrorCode::Timeout);
            QVERIFY(fatal);
        }
    }
}

void tst_FrameReader::byteByByte()
{
    const QByteArray s = stream();
    FrameReader reader;
    QList<quint8> types;
    for (char c : s) {
        reader.append(QByteArrayView(&c, 1));
        checkStream(reader, types);
    }
    QCOMPARE(types, (QList<quint8>{quint8(FrameType::Ping), quint8(FrameType::Publish), quint8(FrameType::Error)}));
    QCOMPARE(reader.buffered(), 0);
}

void tst_FrameReader::manyFramesInOneRead()
{
    QByteArray s;
    for (int i = 0; i < 1000; ++i)
        s += stream();
    FrameReader reader;
    char *p = reader.reserve(s.size() + 100);
    memcpy(p, s.constData(), size_t(s.size()));
    reader.commit(s.size());
    QList<quint8> types;
    checkStream(reader, types);
    QCOMPARE(types.size(), 3000);
}

void tst_FrameReader::oversizeIsSkippedAndStreamStaysInSync()
{
    FrameReader reader(1024);
    QByteArray s;
    BinaryCodec::appendFrameHeader(s, quint8(FrameType::Publish), 0, 5000);
    s += QByteArray(5000, 'z');
    appendControl(s, FrameType::Ping, 1);
    Frame f;
    Error e;
    // Feed in pieces: the skip spans several reads.
    reader.append(QByteArrayView(s).first(3000));
    QCOMPARE(reader.next(f, &e), FrameReader::Result::Oversize);
    QCOMPARE(e.code, ErrorCode::TooLarge);
    QVERIFY(e.message.contains(QLatin1String("PUBLISH")));
    QCOMPARE(reader.next(f, &e), FrameReader::Result::NeedMore);
    reader.append(QByteArrayView(s).sliced(3000));
    QCOMPARE(reader.next(f, &e), FrameReader::Result::Frame);
    QCOMPARE(f.type, quint8(FrameType::Ping));
    QCOMPARE(readU32(f.body), 1u);
}

void tst_FrameReader::corruptMagic()
{
    FrameReader reader;
    reader.append("GET / HTTP/1.1\r\n\r\n");
    Frame f;
    Error e;
    QCOMPARE(reader.next(f, &e), FrameReader::Result::Corrupt);
    QCOMPARE(e.code, ErrorCode::BadFrame);
    QVERIFY(e.message.contains(QLatin1String("magic")));
}

void tst_FrameReader::controlJsonErrors()
{
    QVERIFY(!controlJson(QByteArrayView("\x00\x00", 2)));
    QVERIFY(!controlJson(QByteArrayView("\x00\x00\x00\x01{nope", 9)));
    QVERIFY(controlJson(QByteArrayView("\x00\x00\x00\x01", 4))->isEmpty());
}

QTEST_GUILESS_MAIN(tst_FrameReader)
#include "tst_framereader.moc"
