// SPDX-License-Identifier: Apache-2.0
// Strict base64url (RFC 4648 section 5, no padding), as JWS and JWK use it.
#pragma once

#include <QByteArray>
#include <optional>

namespace sb {

inline bool isBase64UrlChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// The decoded bytes; std::nullopt for anything but unpadded base64url (padding, whitespace,
// characters of the other alphabet, a length that cannot be base64, non-zero unused bits).
inline std::optional<QByteArray> decodeBase64Url(const QByteArray &text)
{
    for (char c : text) {
        if (!isBase64UrlChar(c))
            return std::nullopt;
    }
    if (text.size() % 4 == 1)
        return std::nullopt;
    QByteArray::FromBase64Result r = QByteArray::fromBase64Encoding(
        text, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
    if (!r)
        return std::nullopt;
    // Canonical only: unused bits in the last character must be zero, so one value has one text.
    if (r.decoded.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) != text)
        return std::nullopt;
    return std::move(r.decoded);
}

} // namespace sb
