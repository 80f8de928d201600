// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "percentdecode.h"

#include <switchboard/principal.h>

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <utility>

namespace sb::http {

// One REST call as the API sees it, whatever carried it (the HTTP server, a test): the raw
// request target (path and query, still percent-encoded: the router decodes each segment, so
// "%2F" inside a channel name stays part of the name), lower-case header names, the body and
// the request-scoped principal core authenticated. Nothing here refers to a socket.
struct ApiRequest {
    QByteArray method;   // "GET", "POST", ...
    QByteArray target;   // "/api/v1/channels/orders?limit=10"
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    Principal principal;

    // The first value of header \a lowerName, or an empty array.
    QByteArray header(const QByteArray &lowerName) const;
    // The decoded value of query parameter \a name; \a present tells an empty value from none.
    QString query(const QString &name, bool *present = nullptr) const;
    // The path part of target, without the query.
    QByteArray rawPath() const;
};

// The answer: status, JSON body (or another content type) and extra headers.
struct ApiReply {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
};

// Called exactly once with the answer; may be called later (a request waiting for its reply).
using ApiResponder = std::function<void(ApiReply)>;

} // namespace sb::http
