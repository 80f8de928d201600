// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

namespace sb::http {

// Server frames (RFC 6455 5.2): unmasked, one frame per message.
namespace WsFrame {

void appendText(QByteArray &out, QByteArrayView payload);
// One text message of \a head followed by \a tail (written once, no concatenation first).
void appendText(QByteArray &out, QByteArrayView head, QByteArrayView tail);
// A text message whose payload is permessage-deflate data (RSV1 set).
void appendCompressedText(QByteArray &out, QByteArrayView payload);
void appendBinary(QByteArray &out, QByteArrayView payload);
void appendPing(QByteArray &out, QByteArrayView payload = {});
void appendPong(QByteArray &out, QByteArrayView payload);
// \a reason is cut to fit a control frame (123 bytes) at a UTF-8 boundary.
void appendClose(QByteArray &out, quint16 code, QByteArrayView reason = {});

} // namespace WsFrame

} // namespace sb::http
