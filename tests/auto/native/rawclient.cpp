// SPDX-License-Identifier: Apache-2.0
#include "rawclient.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QLocalSocket>
#include <QTcpSocket>
#include <QUrl>

using namespace sb;
using namespace sb::native;

RawClient::~RawClient()
{
    delete m_socket.data();
}

bool RawClient::connectTo(const QString &url)
{
    if (url.startsWith(QLatin1String("local:"))) {
        auto *s = new QLocalSocket;
        m_socket = s;
        s->connectToServer(url.mid(6));
        return s->waitForConnected(5000);
    }
    const QUrl u(url);
    auto *s = new QTcpSocket;
    m_socket = s;
    s->connectToHost(u.host(), quint16(u.port()));
    return s->waitForConnected(5000);
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket->write(bytes);
    if (auto *t = qobject_cast<QTcpSocket *>(m_socket.data()))
        t->waitForBytesWritten(1000);
    else if (auto *l = qobject_cast<QLocalSocket *>(m_socket.data()))
        l->waitForBytesWritten(1000);
}

bool RawClient::handshake()
{
    QByteArray out;
    appendControl(out, FrameType::Connect, 1, {{QStringLiteral("protocol"), ProtocolVersion}, {QStringLiteral("name"), QStringLiteral("raw")}});
    send(out);
    return waitFor(FrameType::Connected).type == quint8(FrameType::Connected);
}

void RawClient::subscribe(quint32 sid, const QString &pattern)
{
    QByteArray out;
    appendControl(out, FrameType::Subscribe, 100 + sid, {{QStringLiteral("sid"), double(sid)}, {QStringLiteral("pattern"), pattern}});
    send(out);
}

RawClient::Received RawClient::next(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        Frame f;
        Error e;
        const auto r = m_reader.next(f, &e);
        if (r == FrameReader::Result::Frame)
            return {f.type, f.body.toByteArray()};
        if (r != FrameReader::Result::NeedMore)
            return {};
        if (!m_socket || deadline.hasExpired())
            return {};
        if (m_socket->bytesAvailable() == 0) {
            bool ok = false;
            if (auto *t = qobject_cast<QTcpSocket *>(m_socket.data()))
                ok = t->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
            else if (auto *l = qobject_cast<QLocalSocket *>(m_socket.data()))
                ok = l->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
            if (!ok && m_socket->bytesAvailable() == 0)
                return {};
        }
        m_reader.append(m_socket->readAll());
    }
}

RawClient::Received RawClient::waitFor(FrameType type, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        Received r = next(int(qMax<qint64>(1, deadline.remainingTime())));
        if (r.type == 0 || r.type == quint8(type))
            return r;
    }
    return {};
}

bool RawClient::isOpen() const
{
    if (auto *t = qobject_cast<QTcpSocket *>(m_socket.data()))
        return t->state() == QAbstractSocket::ConnectedState;
    if (auto *l = qobject_cast<QLocalSocket *>(m_socket.data()))
        return l->state() == QLocalSocket::ConnectedState;
    return false;
}

bool RawClient::waitClosed(int timeoutMs)
{
    // Read freely again: a full read buffer would keep Qt's wait functions spinning.
    if (auto *t = qobject_cast<QTcpSocket *>(m_socket.data()))
        t->setReadBufferSize(0);
    else if (auto *l = qobject_cast<QLocalSocket *>(m_socket.data()))
        l->setReadBufferSize(0);
    const QDeadlineTimer deadline(timeoutMs);
    while (isOpen() && !deadline.hasExpired()) {
        if (auto *t = qobject_cast<QTcpSocket *>(m_socket.data())) {
            if (!t->waitForReadyRead(50))
                t->waitForDisconnected(1);
            t->readAll();
        } else if (auto *l = qobject_cast<QLocalSocket *>(m_socket.data())) {
            if (!l->waitForReadyRead(50))
                l->waitForDisconnected(1);
            l->readAll();
        }
    }
    return !isOpen();
}

void RawClient::setSmallReceiveBuffer()
{
    // Qt would otherwise read everything into the socket object whenever the event loop runs.
    if (auto *t = qobject_cast<QTcpSocket *>(m_socket.data())) {
        t->setReadBufferSize(4096);
        t->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    } else if (auto *l = qobject_cast<QLocalSocket *>(m_socket.data())) {
        l->setReadBufferSize(4096);
    }
}

Error RawClient::Received::error(bool *fatal) const
{
    auto json = controlJson(body);
    return json ? errorFromJson(json.value(), fatal) : json.error();
}
