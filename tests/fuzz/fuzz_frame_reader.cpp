// SPDX-License-Identifier: Apache-2.0
// The native protocol's read path: FrameReader over a byte stream, then each frame's body the way
// NativeConnection reads it (sequence number, control JSON, binary message).
//
// Input: byte 0 picks the chunk size the stream arrives in (1..256 bytes, through reserve/commit
// and append alternately), byte 1 the frame size limit (16 B .. 1 MiB); the rest is the stream.
// Oracle: the frames (and oversize/corrupt results) must be the same whether the stream arrives
// in chunks or in one piece.
#include "fuzzsupport.h"

#include "protocol/nativeprotocol.h"

#include <cstring>
#include <vector>

using namespace sb;
using namespace sb::native;

namespace {

struct Seen
{
    FrameReader::Result result;
    quint8 type;
    quint8 flags;
    QByteArray body;

    bool operator==(const Seen &o) const
    {
        return result == o.result && type == o.type && flags == o.flags && body == o.body;
    }
};

// What NativeConnection and SwitchboardClient do with a frame's body.
void readBody(const Frame &frame)
{
    const QByteArrayView body = frame.body;
    if (body.size() < 4)
        return;
    (void)readU32(body);
    switch (FrameType(frame.type)) {
    case FrameType::Connect:
    case FrameType::Connected:
    case FrameType::Subscribe:
    case FrameType::Unsubscribe:
    case FrameType::Ack:
    case FrameType::Error: {
        Result<QJsonObject> json = controlJson(body);
        if (json && FrameType(frame.type) == FrameType::Error) {
            bool fatal = false;
            (void)errorFromJson(json.value(), &fatal);
        }
        break;
    }
    case FrameType::Publish:
    case FrameType::Deliver:
    case FrameType::Reply:
    case FrameType::Nack: {
        BinaryCodec::StringCache cache;
        Result<Message> m = BinaryCodec::decodeMessage(body.sliced(4), true, &cache);
        if (m)
            SB_FUZZ_CHECK(QByteArrayView(m.value().wireBytes()) == body.sliced(4));
        break;
    }
    case FrameType::Request:
        if (body.size() >= 8) {
            (void)readU32(body, 4);
            (void)BinaryCodec::decodeMessage(body.sliced(8));
        }
        break;
    case FrameType::AckDelivery:
        // NativeConnection takes exactly 12 bytes: the sid and a u64 seq.
        if (body.size() == 12)
            (void)readU64(body, 4);
        break;
    case FrameType::Ping:
    case FrameType::Pong:
        break;
    }
    (void)frameTypeName(frame.type);
}

// Drains \a reader into \a seen; false once the stream is corrupt (the connection closes).
bool drain(FrameReader &reader, std::vector<Seen> &seen, bool readBodies)
{
    Frame frame;
    sb::Error error;
    while (true) {
        const FrameReader::Result r = reader.next(frame, &error);
        SB_FUZZ_CHECK(reader.buffered() >= 0);
        switch (r) {
        case FrameReader::Result::NeedMore:
            return true;
        case FrameReader::Result::Frame:
            SB_FUZZ_CHECK(frame.body.size() + BinaryCodec::FrameHeaderSize <= reader.maxFrameSize());
            seen.push_back({r, frame.type, frame.flags, frame.body.toByteArray()});
            if (readBodies)
                readBody(frame);
            break;
        case FrameReader::Result::Oversize:
            SB_FUZZ_CHECK(error.code == ErrorCode::TooLarge);
            seen.push_back({r, frame.type, 0, QByteArray()});
            break;
        case FrameReader::Result::Corrupt:
            SB_FUZZ_CHECK(error.code == ErrorCode::BadFrame);
            seen.push_back({r, 0, 0, QByteArray()});
            return false;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype chunk = qsizetype(data[0]) + 1;
    const qint64 maxFrameSize = qint64(16) << (data[1] % 17); // 16 B .. 1 MiB
    const QByteArrayView stream = sb::fuzz::bytes(data + 2, size - 2);

    std::vector<Seen> chunked;
    FrameReader reader(maxFrameSize);
    bool alive = true;
    bool viaReserve = true;
    for (qsizetype at = 0; alive && at < stream.size(); at += chunk, viaReserve = !viaReserve) {
        const QByteArrayView piece = stream.sliced(at, qMin(chunk, stream.size() - at));
        if (viaReserve) {
            // Like a socket read: room for more than arrives, then commit what did.
            char *p = reader.reserve(chunk * 2);
            memcpy(p, piece.data(), size_t(piece.size()));
            reader.commit(piece.size());
        } else {
            reader.append(piece);
        }
        alive = drain(reader, chunked, true);
    }

    std::vector<Seen> whole;
    FrameReader once(maxFrameSize);
    once.append(stream);
    drain(once, whole, false);
    SB_FUZZ_CHECK(chunked == whole);
    return 0;
}
