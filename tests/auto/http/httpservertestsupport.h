// SPDX-License-Identifier: Apache-2.0
// tst_httpserver's handler and raw client (a header of its own: the test is built twice, with and
// without I/O threads).
#pragma once

#include "httphandler.h"

#include <QObject>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace sb::http;

namespace httptest {

// Echo, delayed answers, big answers; records the order in which it answers.
class TestHandler : public HttpHandler
{
public:
    QList<quint64> answerOrder;
    int answeredDelayed = 0;
    int takenOver = 0;
    QObject context;

    void handle(const HttpRequest &request, HttpResponder responder) override
    {
        const QString first = request.pathSegments().value(0);
        if (first == QLatin1String("delay")) {
            const int ms = request.queryValue(QStringLiteral("ms")).toInt();
            auto shared = std::make_shared<HttpResponder>(std::move(responder));
            QTimer::singleShot(ms, &context, [this, shared, ms] {
                ++answeredDelayed;
                answerOrder.append(shared->sequence());
                shared->respond(HttpResponse(200, "delay " + QByteArray::number(ms), "text/plain"));
            });
            return;
        }
        answerOrder.append(responder.sequence());
        if (first == QLatin1String("stream")) {
            HttpResponse head(200);
            head.setHeader("Content-Type", "text/event-stream");
            // Called in the connection's thread (an I/O thread in tst_httpserver_io): the socket
            // comes over to the test's thread first.
            responder.takeOver(head, [this](QTcpSocket *socket, const QByteArray &) {
                socket->moveToThread(context.thread());
                QMetaObject::invokeMethod(&context, [this, socket] {
                    socket->setParent(&context);
                    socket->write("data: taken\n\n");
                    ++takenOver;
                });
            });
        } else if (first == QLatin1String("big")) {
            const int kb = request.queryValue(QStringLiteral("kb")).toInt();
            responder.respond(HttpResponse(200, QByteArray(kb * 1024, 'b'), "application/octet-stream"));
        } else if (first == QLatin1String("cert")) {
            responder.respond(HttpResponse(200, request.peerCertificate().subjectInfo(QSslCertificate::CommonName).value(0).toUtf8(),
                                           "text/plain"));
        } else {
            HttpResponse r(200, request.method() + ' ' + request.path().toUtf8() + '\n' + request.body(), "text/plain");
            r.setHeader("X-Segments", request.pathSegments().join(QLatin1Char('|')).toUtf8());
            responder.respond(r);
        }
    }
};

struct Response
{
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

// A raw HTTP client on one socket.
class RawClient
{
public:
    QTcpSocket socket;
    QByteArray buffer;

    bool connectTo(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(5000);
    }
    void send(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    // One response (a 1xx too), or status 0 after \a timeoutMs or when the peer closed first.
    // Waits in the event loop: the server runs in this thread.
    Response read(int timeoutMs = 5000)
    {
        Response r;
        (void)QTest::qWaitFor([&] {
            buffer += socket.readAll();
            return parse(&r) || socket.state() != QAbstractSocket::ConnectedState;
        }, timeoutMs);
        if (r.status == 0) {
            buffer += socket.readAll();
            parse(&r);
        }
        return r;
    }
    bool waitClosed(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] {
            buffer += socket.readAll();
            return socket.state() != QAbstractSocket::ConnectedState;
        }, timeoutMs);
    }

private:
    bool parse(Response *r)
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        r->status = lines.value(0).split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            r->headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
        }
        const qsizetype length = r->header("Content-Length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return false;
        r->body = buffer.mid(end + 4, length);
        buffer.remove(0, end + 4 + length);
        return true;
    }
};

const QByteArray kHost = "Host: 127.0.0.1\r\n";

} // namespace httptest
