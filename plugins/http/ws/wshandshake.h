// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wsdeflate.h"

#include <switchboard/result.h>

#include <QByteArray>

#include <optional>

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

// What the hub is willing to do for permessage-deflate (ws.permessage-deflate).
struct DeflatePolicy {
    bool enabled = false;
    int windowBits = 15;      // our window and the most we let the client use (9-15)
    int memLevel = 8;
    bool contextTakeover = true; // false: both sides reset their compressor after each message
};
struct DeflateAgreement {
    WsDeflateParams params;
    QByteArray responseHeader; // the Sec-WebSocket-Extensions value to answer
};
// The first permessage-deflate offer in \a offers (the Sec-WebSocket-Extensions values) the hub
// can accept under \a policy (RFC 7692 7.1), or none: then no extension is used.
std::optional<DeflateAgreement> negotiateDeflate(const QList<QByteArray> &offers, const DeflatePolicy &policy);

} // namespace WsHandshake

} // namespace sb::http
