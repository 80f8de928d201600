// SPDX-License-Identifier: Apache-2.0
// Writes the binary seed corpora of the fuzz targets: encoded messages (corpus/binary_codec/) and
// native protocol streams (corpus/frame_reader/), valid ones and near misses. The files it writes
// are committed; run it again after a change to the wire format:
//   build/default/tests/bin/fuzz_make_seeds tests/fuzz/corpus
// Fixed ids and timestamps, so the output is the same on every run.
#include "protocol/nativeprotocol.h"

#include <switchboard/binarycodec.h>

#include <QDir>
#include <QFile>
#include <QJsonObject>

#include <cstdio>

using namespace sb;
using namespace sb::native;

namespace {

bool write(const QString &dir, const char *name, const QByteArray &bytes)
{
    if (!QDir().mkpath(dir))
        return false;
    QFile f(dir + QLatin1Char('/') + QLatin1String(name));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(f.fileName()));
        return false;
    }
    return true;
}

Message event()
{
    Message m(MessageType::Event, QStringLiteral("sensors.42.temp"), QByteArrayLiteral("21.5"));
    m.setId(QStringLiteral("m-1"));
    m.setTimestamp(1700000000000);
    return m;
}

Message full()
{
    Message m(MessageType::Request, QStringLiteral("svc.echo"), QByteArrayLiteral("{\"x\":[1,2,3]}"));
    m.setId(QStringLiteral("m-2"));
    m.setTimestamp(1700000000001);
    m.setChannel(QStringLiteral("jobs"));
    m.setAction(QStringLiteral("run"));
    m.setContentType(QStringLiteral("application/json"));
    m.setCorrelationId(QStringLiteral("c-1"));
    m.setReplyTo(QStringLiteral("_inbox.7"));
    m.setSource(QStringLiteral("gw@conn-3"));
    m.setTtl(30000);
    m.setAttempt(3);
    m.setHeaders({{QStringLiteral("k"), QStringLiteral("v")}, {QStringLiteral("\u00fc"), QStringLiteral("\u20ac")}});
    m.setError(Error(ErrorCode::Timeout, QStringLiteral("too slow"), {{QStringLiteral("after"), 1500}}));
    return m;
}

// A frame-reader seed: chunk selector, frame size selector (16 << n), then the stream.
QByteArray stream(quint8 chunk, quint8 sizeShift, const QByteArray &bytes)
{
    return QByteArray(1, char(chunk)) + char(sizeShift) + bytes;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_ROOT (tests/fuzz/corpus)\n", argv[0]);
        return 2;
    }
    const QString root = QString::fromLocal8Bit(argv[1]);
    const QString codec = root + QStringLiteral("/binary_codec");
    const QString frames = root + QStringLiteral("/frame_reader");
    bool ok = true;

    const QByteArray ev = BinaryCodec::encodeMessage(event());
    const QByteArray fu = BinaryCodec::encodeMessage(full());
    Message response(MessageType::Response, QStringLiteral("_inbox.7"), QByteArray(200, '\xab'));
    response.setCorrelationId(QStringLiteral("c-1"));
    const QByteArray re = BinaryCodec::encodeMessage(response);
    ok &= write(codec, "event", ev);
    ok &= write(codec, "full", fu);
    ok &= write(codec, "response-binary-payload", re);
    ok &= write(codec, "empty-message", BinaryCodec::encodeMessage(Message()));
    ok &= write(codec, "truncated", fu.left(fu.size() / 2));
    ok &= write(codec, "trailing-byte", ev + 'x');
    QByteArray badVersion = ev;
    badVersion[0] = 2;
    ok &= write(codec, "bad-version", badVersion);
    QByteArray unknownField = ev;
    unknownField[2] = char(0x80);
    ok &= write(codec, "unknown-field", unknownField);
    ok &= write(codec, "frame", BinaryCodec::encodeMessageFrame(event(), quint8(FrameType::Publish)));

    QByteArray session;
    appendControl(session, FrameType::Connect, 1,
                  {{QStringLiteral("protocol"), 1}, {QStringLiteral("name"), QStringLiteral("fuzz")}});
    appendControl(session, FrameType::Subscribe, 2,
                  {{QStringLiteral("sid"), 1}, {QStringLiteral("pattern"), QStringLiteral("sensors.>")}});
    appendMessageFrame(session, FrameType::Publish, 3, event());
    appendControl(session, FrameType::Ping, 4);
    appendControl(session, FrameType::Unsubscribe, 5, {{QStringLiteral("sid"), 1}});
    ok &= write(frames, "session", stream(255, 16, session));
    ok &= write(frames, "session-bytewise", stream(0, 16, session));
    ok &= write(frames, "session-7", stream(6, 16, session));

    QByteArray request;
    const QByteArray timeout("\x00\x00\x05\xdc", 4); // 1500 ms
    appendMessageFrame(request, FrameType::Request, 9, full(), &timeout);
    appendMessageFrame(request, FrameType::Reply, 9, response);
    appendMessageFrame(request, FrameType::Nack, 1, event());
    ok &= write(frames, "request-reply-nack", stream(31, 16, request));

    QByteArray server;
    appendControl(server, FrameType::Connected, 1,
                  {{QStringLiteral("connectionId"), QStringLiteral("c1")}, {QStringLiteral("maxFrameSize"), 1048576}});
    appendMessageFrame(server, FrameType::Deliver, 1, event());
    appendControl(server, FrameType::Ack, 3);
    appendError(server, 2, Error(ErrorCode::Forbidden, QStringLiteral("no"), {{QStringLiteral("sid"), 1}}), false);
    appendControl(server, FrameType::Pong, 4);
    ok &= write(frames, "server-side", stream(63, 16, server));

    // An oversize frame (over 256 bytes with size selector 4) between two good ones.
    QByteArray oversize;
    appendControl(oversize, FrameType::Ping, 1);
    appendMessageFrame(oversize, FrameType::Publish, 2, response);
    appendControl(oversize, FrameType::Ping, 3);
    ok &= write(frames, "oversize-skipped", stream(15, 4, oversize));

    ok &= write(frames, "bad-magic", stream(255, 16, QByteArray("GET / HTTP/1.1\r\n\r\n")));
    QByteArray badVersion2 = session;
    badVersion2[1] = 9;
    ok &= write(frames, "bad-version", stream(255, 16, badVersion2.left(40)));
    QByteArray shortBody;
    BinaryCodec::appendFrameHeader(shortBody, quint8(FrameType::Publish), 0, 2);
    shortBody.append("\x00\x01", 2);
    ok &= write(frames, "short-body", stream(255, 16, shortBody));
    QByteArray badJson;
    BinaryCodec::appendFrameHeader(badJson, quint8(FrameType::Subscribe), 0, 9);
    badJson.append("\x00\x00\x00\x01{\"sid", 9);
    ok &= write(frames, "bad-json", stream(255, 16, badJson));
    return ok ? 0 : 1;
}
