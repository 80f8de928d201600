// SPDX-License-Identifier: Apache-2.0
// Percent-decoding (RFC 3986), shared by the server layer (HttpTarget) and the REST API's router,
// which must not depend on each other.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace sb::http {

// "%41" → "A"; false for "%" not followed by two hex digits. '+' stays '+'.
inline bool percentDecode(QByteArrayView in, QByteArray *out)
{
    auto hexValue = [](char c) {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    out->clear();
    out->reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c != '%') {
            out->append(c);
            continue;
        }
        if (i + 2 >= in.size())
            return false;
        const int hi = hexValue(in[i + 1]);
        const int lo = hexValue(in[i + 2]);
        if (hi < 0 || lo < 0)
            return false;
        out->append(char(hi * 16 + lo));
        i += 2;
    }
    return true;
}

} // namespace sb::http
