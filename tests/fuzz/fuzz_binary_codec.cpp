// SPDX-License-Identifier: Apache-2.0
// BinaryCodec: decoding an encoded message (the body of PUBLISH, DELIVER, REQUEST, REPLY, NACK),
// and the in-place patches the hub applies to the kept wire bytes.
//
// Input: the message bytes. Oracles: decodeMessage with and without the wire bytes kept and
// decodeMessageInto agree; a decoded message re-encodes to bytes that decode to the same message;
// edits through the setters (which patch the wire bytes) leave wire bytes that decode to the same
// message as the same edits on a message without wire bytes.
#include "fuzzsupport.h"

#include <switchboard/binarycodec.h>

using namespace sb;

namespace {

// Which edits to apply: a hash of the input, so every input also tries some combination.
quint32 editSelector(QByteArrayView in)
{
    quint32 h = 2166136261u;
    for (const char c : in)
        h = (h ^ quint8(c)) * 16777619u;
    return h;
}

void applyEdits(Message &m, quint32 sel)
{
    if (sel & (1u << 0))
        m.stamp(QStringLiteral("fz-id-1"), 1700000000123, QStringLiteral("fz-source"));
    if (sel & (1u << 1))
        m.setTopic(sel & (1u << 13) ? QString() : QStringLiteral("fuzz.topic.\u00fc"));
    if (sel & (1u << 2))
        m.setChannel(sel & (1u << 14) ? QString() : QStringLiteral("chan"));
    if (sel & (1u << 3))
        m.setTtl(sel & (1u << 15) ? 0 : (qint64(1) << 40));
    if (sel & (1u << 4))
        m.setAttempt(sel & (1u << 16) ? 1 : 7);
    if (sel & (1u << 5))
        m.setType(MessageType::Response);
    if (sel & (1u << 6))
        m.setTimestamp(-1);
    if (sel & (1u << 7))
        m.setSource(QString());
    if (sel & (1u << 8))
        m.setContentType(QStringLiteral("application/json"));
    if (sel & (1u << 9))
        m.setReplyTo(QString(300, QLatin1Char('r'))); // longer than the patcher's stack buffer
    if (sel & (1u << 10))
        m.setCorrelationId(QString());
    if (sel & (1u << 11))
        m.setAction(QStringLiteral("\u00e4ction"));
    if (sel & (1u << 12))
        m.setId(QString());
    if (sel & (1u << 17))
        m.stamp(QString(), 0, QStringLiteral("\u00fc-source"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView in = sb::fuzz::bytes(data, size);
    BinaryCodec::StringCache cache;
    Result<Message> kept = BinaryCodec::decodeMessage(in, true, &cache);
    Result<Message> plain = BinaryCodec::decodeMessage(in, false);
    Message scratch;
    const Status into = BinaryCodec::decodeMessageInto(scratch, in, &cache);
    (void)BinaryCodec::decodeMessageFrame(in);
    SB_FUZZ_CHECK(bool(kept) == bool(plain));
    SB_FUZZ_CHECK(bool(kept) == bool(into));
    if (!kept)
        return 0;
    Message a = kept.value();
    Message b = plain.value();
    SB_FUZZ_CHECK(a == b);
    SB_FUZZ_CHECK(scratch == b);
    SB_FUZZ_CHECK(a.hasWireBytes() && QByteArrayView(a.wireBytes()) == in);

    // Re-encoding.
    const QByteArray again = BinaryCodec::encodeMessage(b);
    Result<Message> decodedAgain = BinaryCodec::decodeMessage(again);
    SB_FUZZ_CHECK(decodedAgain && decodedAgain.value() == b);
    SB_FUZZ_CHECK(BinaryCodec::encodeMessage(decodedAgain.value()) == again);

    // Patched wire bytes against the same edits on a message that has none.
    const quint32 sel = editSelector(in);
    applyEdits(a, sel);
    applyEdits(b, sel);
    SB_FUZZ_CHECK(a == b);
    Result<Message> patched = BinaryCodec::decodeMessage(a.wireBytes());
    SB_FUZZ_CHECK(patched && patched.value() == b);

    // The frame that carries it.
    Result<Message> framed = BinaryCodec::decodeMessageFrame(BinaryCodec::encodeMessageFrame(b, 3));
    SB_FUZZ_CHECK(framed && framed.value() == b);
    return 0;
}
