// SPDX-License-Identifier: Apache-2.0
// A raw WebSocket client for the tests that need to break the protocol on purpose: its own
// handshake, masked frames written by hand, the server's frames read back (close codes included).
#pragma once

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

namespace sbtest {

struct WsFrameSeen {
    quint8 opcode = 0;
    QByteArray payload;
    quint16 closeCode() const { return payload.size() >= 2 ? quint16((quint8(payload[0]) << 8) | quint8(payload[1])) : 0; }
};

class WsRawClient
{
public:
    // The upgrade; true once a head is read (status() tells 101 from a refusal).
    bool open(const QString &hostPort, const QByteArray &target, const QList<QByteArray> &headers = {})
    {
        const QStringList hp = hostPort.split(QLatin1Char(':'));
        socket.connectToHost(QHostAddress(hp.value(0)), hp.value(1).toUShort());
        if (!socket.waitForConnected(5000))
            return false;
        QByteArray rq = "GET " + target + " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        bool version = false;
        for (const QByteArray &h : headers) {
            rq += h + "\r\n";
            version = version || h.toLower().startsWith("sec-websocket-version");
        }
        if (!version)
            rq += "Sec-WebSocket-Version: 13\r\n";
        rq += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        socket.write(rq);
        QElapsedTimer t;
        t.start();
        while (!buffer.contains("\r\n\r\n") && t.elapsed() < 5000) {
            socket.waitForReadyRead(100);
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
    // A client frame, masked (or not, to break the rules).
    static QByteArray frame(quint8 opcode, const QByteArray &payload, bool fin = true, bool mask = true)
    {
        QByteArray out;
        out.append(char((fin ? 0x80 : 0) | opcode));
        const quint64 n = quint64(payload.size());
        const char m = mask ? char(0x80) : char(0);
        if (n < 126) {
            out.append(char(m | char(n)));
        } else if (n <= 0xFFFF) {
            out.append(char(m | 126));
            out.append(char(n >> 8));
            out.append(char(n & 0xFF));
        } else {
            out.append(char(m | 127));
            for (int k = 7; k >= 0; --k)
                out.append(char((n >> (8 * k)) & 0xFF));
        }
        if (!mask)
            return out + payload;
        const QByteArray key("\x37\xfa\x21\x3d", 4);
        out += key;
        for (qsizetype i = 0; i < payload.size(); ++i)
            out.append(char(payload[i] ^ key[i & 3]));
        return out;
    }
    void sendText(const QByteArray &json) { send(frame(0x1, json)); }
    void send(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    // The next server frame within \a timeoutMs.
    std::optional<WsFrameSeen> next(int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            if (std::optional<WsFrameSeen> f = parse())
                return f;
            if (t.elapsed() > timeoutMs)
                return std::nullopt;
            if (!socket.waitForReadyRead(50) && socket.state() != QAbstractSocket::ConnectedState) {
                buffer += socket.readAll();
                return parse();
            }
            buffer += socket.readAll();
        }
    }
    // The next text frame, as JSON bytes ("close:<code>" for a close frame); pings are answered
    // on the way, as a well-behaved client does.
    QByteArray nextText(int timeoutMs = 5000)
    {
        while (std::optional<WsFrameSeen> f = next(timeoutMs)) {
            if (f->opcode == 0x9)
                send(frame(0xA, f->payload));
            if (f->opcode == 0x1)
                return f->payload;
            if (f->opcode == 0x8)
                return "close:" + QByteArray::number(f->closeCode());
        }
        return {};
    }
    // The close frame's code the server sent (0: none before the socket closed or the time ran out).
    quint16 waitClose(int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            std::optional<WsFrameSeen> f = next(int(timeoutMs - t.elapsed()));
            if (!f)
                return 0;
            if (f->opcode == 0x8)
                return f->closeCode();
        }
        return 0;
    }

    QTcpSocket socket;
    QByteArray buffer, head;
    int status = 0;

private:
    std::optional<WsFrameSeen> parse()
    {
        if (buffer.size() < 2)
            return std::nullopt;
        const auto *h = reinterpret_cast<const unsigned char *>(buffer.constData());
        quint64 n = h[1] & 0x7F;
        qsizetype header = 2;
        if (n == 126) {
            if (buffer.size() < 4)
                return std::nullopt;
            n = (quint64(h[2]) << 8) | h[3];
            header = 4;
        } else if (n == 127) {
            if (buffer.size() < 10)
                return std::nullopt;
            n = 0;
            for (int k = 0; k < 8; ++k)
                n = (n << 8) | h[2 + k];
            header = 10;
        }
        if (quint64(buffer.size()) < quint64(header) + n)
            return std::nullopt;
        WsFrameSeen f;
        f.opcode = h[0] & 0x0F;
        f.payload = buffer.mid(header, qsizetype(n));
        buffer.remove(0, header + qsizetype(n));
        return f;
    }
};

} // namespace sbtest
