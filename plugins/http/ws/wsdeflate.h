// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

namespace sb::http {

// permessage-deflate (RFC 7692) parameters agreed in the handshake.
struct WsDeflateParams {
    int serverWindowBits = 15;  // our LZ77 window (9-15; zlib has no 8 for raw deflate)
    int clientWindowBits = 15;  // the client's, which our inflater must hold
    bool serverNoContextTakeover = false; // we reset our compressor after each message
    bool clientNoContextTakeover = false; // the client resets its compressor: so may our inflater
    int memLevel = 8;           // zlib's deflate memory level (1-9): our choice, not negotiated
};

// One connection's compressor and decompressor for permessage-deflate: whole messages in, whole
// messages out. The zlib streams are made on first use (a connection that never sends or gets a
// compressed message costs nothing) and sized by the parameters: deflate holds
// 2^(windowBits+2) + 2^(memLevel+9) bytes, inflate 2^windowBits + about 7 kB.
class WsDeflate
{
public:
    explicit WsDeflate(const WsDeflateParams &params);
    ~WsDeflate();
    WsDeflate(const WsDeflate &) = delete;
    WsDeflate &operator=(const WsDeflate &) = delete;

    // The message's compressed payload (the final 00 00 FF FF removed, RFC 7692 7.2.1); false
    // when zlib fails (out of memory).
    bool compress(QByteArrayView message, QByteArray *out);
    // The decompressed message; false with \a error set when the data is not valid DEFLATE, or
    // with \a tooBig set when it inflates past \a maxBytes (checked as it inflates: a small
    // message cannot make the hub allocate more than the limit).
    bool decompress(QByteArrayView payload, qint64 maxBytes, QByteArray *out, QString *error, bool *tooBig);

private:
    struct Streams;
    WsDeflateParams m_params;
    std::unique_ptr<Streams> d;
};

} // namespace sb::http
