// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpbatchqueue.h"
#include "httphandler.h"

#include <memory>

class QObject;

namespace sb::http {

// The handler that connections on I/O threads call: it hands each request, with its responder,
// to \a target in \a consumer's thread, in batches (one wake-up per batch), in the order the
// requests came. The responder answers back across the threads by itself. close() (in the
// consumer's thread) stops the hand-over: requests after it are answered 503 at once.
class HttpRequestRelay : public HttpHandler
{
public:
    HttpRequestRelay(QObject *consumer, HttpHandler *target);
    ~HttpRequestRelay() override;

    void handle(const HttpRequest &request, HttpResponder responder) override;
    void close();

private:
    struct Pending
    {
        HttpRequest request;
        HttpResponder responder;
    };
    std::shared_ptr<HttpBatchQueue<Pending>> m_queue;
};

} // namespace sb::http
