// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httprequest.h"
#include "httpserverlimits.h"

#include <memory>

namespace sb::http {

// An incremental HTTP/1.x request parser over Node's http_parser (2.9), which never appears
// outside httprequestparser.cpp. Bytes go in as they arrive, in any split; the parser stops after
// each complete request (so pipelined requests are taken one at a time) and on the first error.
// Everything it holds is bounded by the limits: the target by max-url-bytes, the header lines by
// max-header-bytes and max-headers, the body by max-body-bytes (decided from Content-Length before
// any body byte, and for chunked bodies as soon as a chunk would pass it).
class HttpRequestParser
{
public:
    enum class Outcome {
        NeedMore, // every byte was taken; more are needed
        Complete, // a request is complete (takeRequest()); bytes after it were not taken
        Error,    // errorStatus() is the answer; the stream cannot be trusted any more (close after it)
    };

    explicit HttpRequestParser(const HttpServerLimits &limits);
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser &) = delete;
    HttpRequestParser &operator=(const HttpRequestParser &) = delete;

    // Parses from \a data; *consumed is how many bytes were taken (all of them for NeedMore).
    Outcome feed(QByteArrayView data, qsizetype *consumed);
    // The complete request (after Complete); the parser then waits for the next one.
    HttpRequest takeRequest();

    // A request has begun (at least one byte of it) and is not complete.
    bool inMessage() const;
    // The head of the current request is complete and passed every check; its body is being read.
    bool headComplete() const;
    // The current request said "Expect: 100-continue" and its body has not been read yet.
    bool expectsContinue() const;
    // Body bytes of the current request read so far.
    qint64 bodyBytes() const;
    // Bytes held for the current request (target, header lines, body): never more than the limits.
    qint64 heldBytes() const;

    // After Error: the status to answer (400, 413, 414, 417, 431, 501, 505), the error code name
    // for the JSON body (BAD_FRAME, TOO_LARGE) and what was wrong.
    int errorStatus() const;
    QString errorCode() const;
    QString errorMessage() const;

    struct Impl;

private:
    std::unique_ptr<Impl> d;
};

} // namespace sb::http
