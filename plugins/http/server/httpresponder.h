// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpresponse.h"

#include <QPointer>

#include <functional>
#include <memory>

class QTcpSocket;

namespace sb::http {

class HttpConnection;
struct HttpAnswer;
template <typename T>
class HttpBatchQueue;
using HttpAnswerQueue = HttpBatchQueue<HttpAnswer>;

// The ticket for one request's answer: move-only, answers once. It holds a weak reference to the
// connection and the request's sequence number, never the socket: when the client has left (or
// the connection was closed after an error) every call is a no-op. Use it in the listener's
// thread (post back to it from a worker). Dropped unanswered, it answers 500 INTERNAL so the
// requests pipelined behind it are not held up forever.
class HttpResponder
{
public:
    // Called with the socket once the head is written; the callee owns the socket from then on
    // (its parent is cleared) and gets the bytes already read after the request.
    using TakeOver = std::function<void(QTcpSocket *socket, const QByteArray &readAhead)>;

    HttpResponder() = default;
    HttpResponder(HttpConnection *connection, quint64 sequence, std::shared_ptr<HttpAnswerQueue> route = {});
    HttpResponder(HttpResponder &&other) noexcept;
    HttpResponder &operator=(HttpResponder &&other) noexcept;
    HttpResponder(const HttpResponder &) = delete;
    HttpResponder &operator=(const HttpResponder &) = delete;
    ~HttpResponder();

    // Not answered yet.
    bool isPending() const { return m_pending; }
    quint64 sequence() const { return m_sequence; }

    void respond(HttpResponse response);
    // The streaming seam (SSE, WebSocket after a 101): when this request's turn comes, \a head is
    // written without Content-Length and \a takeOver receives the socket, in the connection's
    // thread (an I/O thread, when the listener has them: moveToThread() from there). HTTP ends on that
    // connection: requests pipelined behind this one are dropped. The taker applies its own
    // bounds (outbound bytes, connection caps) from then on.
    void takeOver(HttpResponse head, TakeOver takeOver);

private:
    void deliver(HttpResponse &&response, TakeOver &&takeOver);

    QPointer<HttpConnection> m_connection;
    std::shared_ptr<HttpAnswerQueue> m_route;
    quint64 m_sequence = 0;
    bool m_pending = false;
};

} // namespace sb::http
