// SPDX-License-Identifier: Apache-2.0
// JsonCodec: a message in its JSON form (the IPC shape).
//
// Input: the JSON text. Oracles: a decoded message encodes to JSON that decodes to the same
// message, and survives the binary codec unchanged (what arrives as JSON can be forwarded).
#include "fuzzsupport.h"

#include <switchboard/binarycodec.h>
#include <switchboard/jsoncodec.h>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json = sb::fuzz::bytes(data, size).toByteArray();
    Result<Message> m = JsonCodec::decode(json);
    if (!m)
        return 0;
    const Message &message = m.value();
    (void)JsonCodec::formatTimestamp(message.timestamp());

    const QByteArray encoded = JsonCodec::encode(message);
    Result<Message> again = JsonCodec::decode(encoded, qint64(encoded.size()) + 1);
    SB_FUZZ_CHECK(again);
    SB_FUZZ_CHECK(again.value() == message);
    SB_FUZZ_CHECK(JsonCodec::encode(again.value()) == encoded);

    Result<Message> binary = BinaryCodec::decodeMessage(BinaryCodec::encodeMessage(message));
    SB_FUZZ_CHECK(binary);
    SB_FUZZ_CHECK(binary.value() == message);
    return 0;
}
