// SPDX-License-Identifier: Apache-2.0
// WebSocket framing: WsFrameReader over arbitrary client bytes.
//
// Input: the first byte chooses the chunk size (1-64) the rest is fed in, and with its top bit set
// permessage-deflate counts as agreed: compressed messages are then inflated with WsDeflate.
// Oracles: the same events and the same error whether the bytes come in chunks or whole; text
// messages and close reasons are UTF-8; no payload passes the limits, inflated ones included;
// close codes are valid or 1005; once stopped, nothing more comes out.
#include "fuzzsupport.h"

#include "wsdeflate.h"
#include "wsframereader.h"

#include <QList>

using namespace sb::http;

namespace {
struct Run {
    QList<WsEvent> events;
    quint16 error = 0;
};

Run feed(QByteArrayView bytes, qsizetype chunk, const WsLimits &limits, bool deflate)
{
    Run run;
    WsFrameReader r(limits);
    r.setCompressionAgreed(deflate);
    for (qsizetype at = 0; at < bytes.size(); at += chunk) {
        r.append(bytes.sliced(at, qMin(chunk, bytes.size() - at)));
        while (std::optional<WsEvent> e = r.next())
            run.events.append(*e);
        SB_FUZZ_CHECK(r.buffered() >= 0 && r.buffered() <= bytes.size());
    }
    run.error = r.errorCode();
    if (r.hasError()) {
        r.append("\x81\x80\x00\x00\x00\x00");
        SB_FUZZ_CHECK(!r.next());
    }
    return run;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const qsizetype chunk = 1 + data[0] % 64;
    const bool deflate = data[0] & 0x80;
    const QByteArrayView bytes = sb::fuzz::bytes(data + 1, size - 1);
    const WsLimits limits{4096, 8192};
    const Run chunked = feed(bytes, chunk, limits, deflate);
    const Run whole = feed(bytes, qMax<qsizetype>(1, bytes.size()), limits, deflate);
    WsDeflate inflater({});
    SB_FUZZ_CHECK(chunked.error == whole.error);
    SB_FUZZ_CHECK(chunked.events.size() == whole.events.size());
    for (qsizetype i = 0; i < chunked.events.size(); ++i) {
        const WsEvent &e = chunked.events[i];
        SB_FUZZ_CHECK(e.type == whole.events[i].type && e.payload == whole.events[i].payload
                      && e.closeCode == whole.events[i].closeCode);
        SB_FUZZ_CHECK(e.payload.size() <= limits.maxMessageBytes);
        SB_FUZZ_CHECK(!e.compressed || deflate);
        if (e.compressed) {
            QByteArray out;
            QString error;
            bool tooBig = false;
            if (inflater.decompress(e.payload, limits.maxMessageBytes, &out, &error, &tooBig))
                SB_FUZZ_CHECK(out.size() <= limits.maxMessageBytes);
            else
                SB_FUZZ_CHECK(tooBig || !error.isEmpty());
            continue;
        }
        if (e.type == WsEvent::Type::Text || e.type == WsEvent::Type::Close)
            SB_FUZZ_CHECK(WsFrameReader::isUtf8(e.payload));
        if (e.type == WsEvent::Type::Close)
            SB_FUZZ_CHECK(e.closeCode == WsClose::NoStatus || (e.closeCode >= 1000 && e.closeCode <= 4999));
        if (e.type == WsEvent::Type::Ping || e.type == WsEvent::Type::Pong)
            SB_FUZZ_CHECK(e.payload.size() <= 125);
    }
    SB_FUZZ_CHECK(chunked.error == 0 || chunked.error == WsClose::ProtocolError || chunked.error == WsClose::InvalidData
                  || chunked.error == WsClose::TooBig);
    return 0;
}
