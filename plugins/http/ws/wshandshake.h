// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QByteArray>

namespace sb::http {

class HttpRequest;

// The opening handshake's server side (RFC 6455 4.2): whether \a request is a valid upgrade to
// WebSocket version 13, and the Sec-WebSocket-Accept for it. Refusals are BAD_MESSAGE (400) with
// what is wrong; a version other than 13 has details.version so the gateway answers 426 with
// Sec-WebSocket-Version: 13.
namespace WsHandshake {

bool isUpgrade(const HttpRequest &request); // Upgrade: websocket (any case)
Result<QByteArray> accept(const HttpRequest &request);
QByteArray acceptKey(const QByteArray &clientKey);

} // namespace WsHandshake

} // namespace sb::http
