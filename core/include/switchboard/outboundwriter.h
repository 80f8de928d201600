// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

#include <QByteArray>
#include <QPointer>

#include <QIODevice>

namespace sb {

// The bounded outbound side of one streaming connection (native today; WebSocket, SSE and gRPC
// streams later). Frames are appended to buffer() and written once per flush (coalesced); every
// byte not yet taken by the kernel (this buffer and the device's own write buffer) counts:
// - deliveries are appended only below the high-water mark (above it they wait in the
//   subscriber's bounded queue, where its overflow policy applies);
// - control frames (acks, errors, pongs) are always appended, and counted; a peer whose unsent
//   bytes pass maxBytes (it does not read its answers) is over its limit and is closed with
//   OVERFLOW by its protocol.
class SWITCHBOARD_EXPORT OutboundWriter
{
public:
    struct Limits
    {
        qint64 highWaterBytes = 512 * 1024;
        qint64 maxBytes = 1024 * 1024; // > highWaterBytes: the room control frames have on top
    };
    struct Counters
    {
        quint64 controlFrames = 0;
        quint64 controlBytes = 0;
        quint64 deliveryBytes = 0;
        quint64 overflows = 0; // times the limit was passed
    };

    explicit OutboundWriter(QIODevice *device = nullptr) : m_device(device) {}
    void setDevice(QIODevice *device) { m_device = device; }
    void setLimits(const Limits &limits) { m_limits = limits; }
    const Limits &limits() const { return m_limits; }
    const Counters &counters() const { return m_counters; }

    QByteArray &buffer() { return m_out; }
    bool isEmpty() const { return m_out.isEmpty(); }
    // Bytes queued for the peer and not yet handed to the kernel.
    qint64 unsent() const;
    bool acceptsDeliveries() const { return unsent() < m_limits.highWaterBytes; }
    // Call after appending: \a bytes of a control frame / of deliveries. Returns false once the
    // peer is past maxBytes (counted once per passing).
    bool noteControl(qint64 bytes);
    void noteDelivery(qint64 bytes) { m_counters.deliveryBytes += quint64(bytes); }
    bool isOverLimit() const { return unsent() > m_limits.maxBytes; }

    // Hands the buffer to the device: straight to the kernel with send(2) for plain TCP and local
    // sockets with nothing buffered in Qt, through QIODevice::write otherwise (TLS, or the rest).
    void flush();
    // The same for any buffer and device (clients use it).
    static void writeNow(QIODevice *device, QByteArray &out);
    // Closes \a device at once with a reset: what it and the kernel hold unsent is dropped
    // (SO_LINGER 0 on a TCP socket; a plain close would still send all of it). For peers closed
    // because they do not read.
    static void reset(QIODevice *device);

private:
    QPointer<QIODevice> m_device;
    QByteArray m_out;
    Limits m_limits;
    Counters m_counters;
    bool m_over = false;
};

} // namespace sb
