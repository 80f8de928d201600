// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httprequest.h"
#include "httpresponder.h"

namespace sb::http {

// What the server layer calls for each complete request (the REST routes implement it). Called
// in the listener's thread, in request order; the answer may come now or later through the
// responder, in any order: the connection writes answers in request order.
class HttpHandler
{
public:
    virtual ~HttpHandler() = default;
    virtual void handle(const HttpRequest &request, HttpResponder responder) = 0;
};

} // namespace sb::http
