// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "protocol/nativeprotocol.h"

#include <QIODevice>
#include <QPointer>

// Speaks the native protocol frame by frame, or misbehaves on purpose: garbage, oversize frames,
// never reading. For tests only.
class RawClient
{
public:
    struct Received
    {
        quint8 type = 0;
        QByteArray body;
        quint32 seq() const { return sb::native::readU32(body); }
        sb::Error error(bool *fatal = nullptr) const;
    };

    ~RawClient();
    bool connectTo(const QString &url); // "tcp://127.0.0.1:port" or "local:/path"
    void send(const QByteArray &bytes);
    bool handshake(); // CONNECT, expect CONNECTED
    void subscribe(quint32 sid, const QString &pattern);
    // Next frame within \a timeoutMs; type 0 if none.
    Received next(int timeoutMs = 5000);
    // Waits for a frame of \a type, skipping others.
    Received waitFor(sb::native::FrameType type, int timeoutMs = 5000);
    bool waitClosed(int timeoutMs = 5000);
    bool isOpen() const;
    // Shrinks the receive buffer so the hub's writes back up quickly.
    void setSmallReceiveBuffer();

private:
    QPointer<QIODevice> m_socket;
    sb::native::FrameReader m_reader{64 * 1024 * 1024};
};
