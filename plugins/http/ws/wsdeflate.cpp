// SPDX-License-Identifier: Apache-2.0
#include "wsdeflate.h"

#include <zlib.h>

namespace sb::http {

namespace {
constexpr qsizetype kChunk = 16 * 1024;
}

struct WsDeflate::Streams
{
    z_stream deflater{};
    z_stream inflater{};
    bool deflaterReady = false;
    bool inflaterReady = false;

    ~Streams()
    {
        if (deflaterReady)
            deflateEnd(&deflater);
        if (inflaterReady)
            inflateEnd(&inflater);
    }
};

WsDeflate::WsDeflate(const WsDeflateParams &params) : m_params(params), d(std::make_unique<Streams>()) {}

WsDeflate::~WsDeflate() = default;

bool WsDeflate::compress(QByteArrayView message, QByteArray *out)
{
    if (message.isEmpty()) {
        // An empty stored block (RFC 7692 7.2.3.6). zlib would write nothing at all for a second
        // sync flush in a row, and the receiver's appended tail would then not parse.
        *out = QByteArray(1, '\0');
        return true;
    }
    if (!d->deflaterReady) {
        // Negative window bits: raw DEFLATE, no zlib header (RFC 7692 7.2.1).
        if (deflateInit2(&d->deflater, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -m_params.serverWindowBits, m_params.memLevel,
                         Z_DEFAULT_STRATEGY)
            != Z_OK)
            return false;
        d->deflaterReady = true;
    }
    z_stream &z = d->deflater;
    out->clear();
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(message.data()));
    z.avail_in = uInt(message.size());
    do {
        const qsizetype at = out->size();
        out->resize(at + kChunk);
        z.next_out = reinterpret_cast<Bytef *>(out->data() + at);
        z.avail_out = uInt(kChunk);
        const int rc = deflate(&z, Z_SYNC_FLUSH);
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return false;
        out->resize(at + kChunk - qsizetype(z.avail_out));
    } while (z.avail_out == 0);
    if (out->endsWith(QByteArrayView("\x00\x00\xff\xff", 4)))
        out->chop(4);
    if (m_params.serverNoContextTakeover)
        deflateReset(&z);
    return true;
}

bool WsDeflate::decompress(QByteArrayView payload, qint64 maxBytes, QByteArray *out, QString *error, bool *tooBig)
{
    *tooBig = false;
    if (!d->inflaterReady) {
        if (inflateInit2(&d->inflater, -m_params.clientWindowBits) != Z_OK) {
            *error = QStringLiteral("cannot start a decompressor");
            return false;
        }
        d->inflaterReady = true;
    }
    z_stream &z = d->inflater;
    out->clear();
    // The sender removed the sync flush's empty block: put it back (RFC 7692 7.2.2).
    static const char tail[4] = {0x00, 0x00, char(0xff), char(0xff)};
    bool ended = false; // a final block: the next message starts a new stream
    for (QByteArrayView part : {payload, QByteArrayView(tail, 4)}) {
        if (ended)
            break;
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(part.data()));
        z.avail_in = uInt(part.size());
        while (z.avail_in > 0) {
            const qsizetype at = out->size();
            const qsizetype room = qMin<qsizetype>(kChunk, qsizetype(maxBytes) + 1 - at);
            if (room <= 0) {
                *tooBig = true;
                inflateReset(&z);
                return false;
            }
            out->resize(at + room);
            z.next_out = reinterpret_cast<Bytef *>(out->data() + at);
            z.avail_out = uInt(room);
            const int rc = inflate(&z, Z_SYNC_FLUSH);
            out->resize(at + room - qsizetype(z.avail_out));
            if (rc == Z_STREAM_END) {
                ended = true;
                break;
            }
            if (rc != Z_OK && rc != Z_BUF_ERROR) {
                *error = QStringLiteral("the compressed message is not valid DEFLATE data (%1)")
                             .arg(QString::fromLatin1(z.msg ? z.msg : "zlib error"));
                inflateReset(&z);
                return false;
            }
            if (rc == Z_BUF_ERROR && z.avail_out > 0)
                break; // no progress possible: input exhausted for now
        }
        if (out->size() > maxBytes) {
            *tooBig = true;
            inflateReset(&z);
            return false;
        }
    }
    if (m_params.clientNoContextTakeover || ended)
        inflateReset(&z);
    return true;
}

} // namespace sb::http
