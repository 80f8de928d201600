// SPDX-License-Identifier: Apache-2.0
// The webhook receiver of tst_webhooks: a small HTTP/1.1 server on 127.0.0.1 that records every
// request (head and body) and answers by path: /ok 204, /fail 500, /bad 400, /flaky 503 on the
// first attempt of each delivery then 204, /limited 429 with Retry-After: 30 on the first attempt
// then 204, /slow never answers, /cut closes after the head.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

namespace sbtest {

struct ReceivedHook {
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    qint64 atMs = 0; // when it arrived, on the receiver's clock
};

class WebhookReceiver : public QObject
{
    Q_OBJECT
public:
    WebhookReceiver()
    {
        m_clock.start();
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                ++connections;
                connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    QString url(const QByteArray &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(QString::fromLatin1(path));
    }
    QList<ReceivedHook> byPath(const QByteArray &path) const
    {
        QList<ReceivedHook> out;
        for (const ReceivedHook &h : received) {
            if (h.path == path)
                out.append(h);
        }
        return out;
    }

    QList<ReceivedHook> received;
    int connections = 0;

private:
    void read(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        ReceivedHook h;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        h.path = lines.first().split(' ').value(1);
        h.atMs = m_clock.elapsed();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                h.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        if (h.path == "/cut") {
            received.append(h);
            m_buffers.remove(s);
            s->abort();
            return;
        }
        const qsizetype length = h.headers.value("content-length").toLongLong();
        if (buf.size() < end + 4 + length)
            return;
        h.body = buf.mid(end + 4, length);
        m_buffers.remove(s);
        received.append(h);
        if (h.path == "/slow")
            return; // never answers
        int status = 204;
        if (h.path == "/fail")
            status = 500;
        else if (h.path == "/bad")
            status = 400;
        else if (h.path == "/flaky" && h.headers.value("x-switchboard-attempt") == "1")
            status = 503;
        const bool limited = h.path == "/limited" && h.headers.value("x-switchboard-attempt") == "1";
        if (limited)
            status = 429;
        s->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 0\r\n"
                 + (limited ? QByteArray("Retry-After: 30\r\n") : QByteArray()) + "Connection: close\r\n\r\n");
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QElapsedTimer m_clock;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace sbtest
