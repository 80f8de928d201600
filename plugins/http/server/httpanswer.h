// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpbatchqueue.h"
#include "httpresponder.h"
#include "httpresponse.h"

#include <QPointer>

namespace sb::http {

class HttpConnection;

// One answer on its way from the handler's thread back to its connection's I/O thread. The
// pointer is only looked at in the connection's thread (the connection may be gone by then).
struct HttpAnswer
{
    QPointer<HttpConnection> connection;
    quint64 sequence = 0;
    HttpResponse response;
    HttpResponder::TakeOver takeOver;
};

} // namespace sb::http
