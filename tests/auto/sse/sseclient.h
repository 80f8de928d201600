// SPDX-License-Identifier: Apache-2.0
// A minimal Server-Sent Events client over a raw socket, for tests that need what curl cannot
// show: the status before the stream, each event's fields, comments, a peer that never reads.
#pragma once

#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

namespace sbtest {

struct SseEventSeen {
    QByteArray id, event, data, comment; // a comment-only block has comment set
};

class SseClient
{
public:
    // GET \a target with \a headers (lines "Name: value"); true once the head is read.
    bool open(const QString &hostPort, const QByteArray &target, const QList<QByteArray> &headers = {}, int timeoutMs = 5000)
    {
        const QStringList hp = hostPort.split(QLatin1Char(':'));
        socket.connectToHost(QHostAddress(hp.value(0)), hp.value(1).toUShort());
        if (!socket.waitForConnected(timeoutMs))
            return false;
        QByteArray rq = "GET " + target + " HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n";
        for (const QByteArray &h : headers)
            rq += h + "\r\n";
        socket.write(rq + "\r\n");
        socket.flush();
        QElapsedTimer t;
        t.start();
        while (!buffer.contains("\r\n\r\n") && t.elapsed() < timeoutMs) {
            if (!socket.waitForReadyRead(100) && socket.state() != QAbstractSocket::ConnectedState)
                break;
            buffer += socket.readAll();
        }
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        head = buffer.left(end);
        buffer.remove(0, end + 4);
        status = head.mid(9, 3).toInt();
        return true;
    }
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == lowerName)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
    // The body of a refused (non-200) answer: what is left after the head, read until
    // Content-Length is complete.
    QByteArray errorBody(int timeoutMs = 3000)
    {
        const int length = header("content-length").toInt();
        QElapsedTimer t;
        t.start();
        while (buffer.size() < length && t.elapsed() < timeoutMs) {
            socket.waitForReadyRead(100);
            buffer += socket.readAll();
        }
        return buffer;
    }
    // Reads until \a n events (not counting comments, unless \a comments) arrived, or the time is up.
    bool waitEvents(int n, int timeoutMs = 5000, bool comments = false)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            parse();
            const int have = comments ? int(events.size()) : eventCount();
            if (have >= n)
                return true;
            if (t.elapsed() > timeoutMs)
                return false;
            if (!socket.waitForReadyRead(50) && socket.state() != QAbstractSocket::ConnectedState) {
                buffer += socket.readAll();
                parse();
                return (comments ? int(events.size()) : eventCount()) >= n;
            }
            buffer += socket.readAll();
        }
    }
    int eventCount() const
    {
        int n = 0;
        for (const SseEventSeen &e : events)
            n += e.comment.isEmpty() ? 1 : 0;
        return n;
    }
    QList<SseEventSeen> namedEvents() const
    {
        QList<SseEventSeen> out;
        for (const SseEventSeen &e : events) {
            if (e.comment.isEmpty())
                out.append(e);
        }
        return out;
    }
    // Whether the hub closed the stream within \a timeoutMs.
    bool waitClosed(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
            socket.waitForReadyRead(50);
            buffer += socket.readAll();
        }
        parse();
        return socket.state() != QAbstractSocket::ConnectedState;
    }

    QTcpSocket socket;
    QByteArray buffer, head;
    int status = 0;
    QList<SseEventSeen> events;

private:
    void parse()
    {
        for (;;) {
            const qsizetype end = buffer.indexOf("\n\n");
            if (end < 0)
                return;
            const QByteArray block = buffer.left(end);
            buffer.remove(0, end + 2);
            SseEventSeen e;
            bool any = false;
            for (const QByteArray &line : block.split('\n')) {
                if (line.startsWith(':')) {
                    e.comment = line.mid(1).trimmed();
                    any = true;
                } else if (line.startsWith("id: ")) {
                    e.id = line.mid(4);
                    any = true;
                } else if (line.startsWith("event: ")) {
                    e.event = line.mid(7);
                    any = true;
                } else if (line.startsWith("data: ")) {
                    e.data += (e.data.isEmpty() ? QByteArray() : QByteArray("\n")) + line.mid(6);
                    any = true;
                }
            }
            if (any && (!e.comment.isEmpty() || !e.event.isEmpty() || !e.data.isEmpty()))
                events.append(e);
        }
    }
};

} // namespace sbtest
