// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpresponder.h"
#include "streamflusher.h"

#include <switchboard/connection.h>
#include <switchboard/outboundwriter.h>

#include <QPointer>
#include <QTimer>

#include <functional>

#include <QTcpSocket>

namespace sb {
class Hub;
}

namespace sb::http {

// What a connection that outlives its HTTP request shares (SSE streams, WebSocket connections):
// a hub connection and subscriber in the bus thread that gets its socket after the HTTP layer
// answered the head (attach()), writes through core's bounded OutboundWriter (deliveries below
// high-water, everything counted against max-outbound), drains its subscriber queue as the socket
// takes bytes, and ends once (finished()). An admitted connection whose socket does not arrive in
// time ends by itself.
class StreamConnection : public Connection
{
    Q_OBJECT
public:
    struct Limits {
        qint64 highWaterBytes = 256 * 1024;
        qint64 maxOutboundBytes = 1024 * 1024;
        qint64 attachTimeoutMs = 10000;
        // Unsent bytes and none taken by the peer for this long: closed like a peer past
        // maxOutboundBytes (OVERFLOW, reset). Deliveries above the high-water mark wait in the
        // subscriber queue, whose drop policies never close a stream: this does. 0: off.
        qint64 stallTimeoutMs = 30000;
    };
    StreamConnection(Hub *hub, const Limits &limits, const QString &id, const QString &protocol, const QString &peer,
                     QObject *parent = nullptr);
    ~StreamConnection() override;

    // The socket, in the bus thread; \a readAhead: bytes the HTTP layer read past the request.
    void attach(QTcpSocket *socket, const QByteArray &readAhead);
    bool isAttached() const { return !m_socket.isNull(); }
    // Writes go through \a flusher, shared by the hub's streams (without one: a posted flush each).
    void setFlusher(StreamFlusher *flusher) { m_flusher = flusher; }
    const OutboundWriter::Counters &outboundCounters() const { return m_writer.counters(); }

Q_SIGNALS:
    void finished(sb::http::StreamConnection *connection, sb::ErrorCode cause);

protected:
    // One delivery into writer().buffer() (the protocol's framing).
    virtual void appendDelivery(const Message &message, quint32 tag) = 0;
    // Called once the socket is attached, before its first read.
    virtual void attached(const QByteArray &readAhead) { Q_UNUSED(readAhead) }
    // The socket has bytes.
    virtual void readable() = 0;
    // The peer took none of \a unsent bytes for \a forMs (Limits::stallTimeoutMs): closed as a
    // peer that does not read (by default overflowDisconnect(): OVERFLOW, reset).
    virtual void stalled(qint64 unsent, qint64 forMs);
    // Whether deliveries may be written now (besides the high-water mark).
    virtual bool open() const { return !m_finished; }

    void drain() override;
    void timerEvent(QTimerEvent *event) override;
    bool deliverNow(const Message &message, quint32 tag) override;
    void scheduleFlush();
    void flushNow();
    friend class StreamFlusher;
    // Up to \a max bytes of input, 0 when there are none; -1 when the peer is gone (the
    // connection has then finished).
    qint64 readInput(char *into, qint64 max);
    // Appends \a bytes of a control frame (an answer, a heartbeat) counted against the outbound
    // limit; false (and the connection reset with OVERFLOW) past it.
    bool noteControl(qsizetype before);
    // Ends the connection once: pending deliveries dead-lettered, the socket closed gracefully (or
    // reset, for a peer that does not read), closed() and finished() emitted.
    void finish(ErrorCode cause, bool reset);
    bool isFinished() const { return m_finished; }

    Hub *hub() const { return m_hub; }
    // A DirectSocket for plain TCP, the QSslSocket itself for TLS; null before attach().
    QIODevice *socket() const { return m_socket.data(); }
    bool socketConnected() const;
    OutboundWriter &writer() { return m_writer; }

private:
    QIODevice *direct(QTcpSocket *socket, QByteArray *readAhead);
    void stopAttachTimer();
    // Unsent bytes after a flush: watches for a peer that takes none of them (stallTimeoutMs).
    void watchStall();
    void checkStall();

    Hub *m_hub;
    QPointer<QIODevice> m_socket;
    OutboundWriter m_writer;
    int m_attachTimer = 0; // until the socket is attached
    qint64 m_stallTimeoutMs = 0;
    int m_stallTimer = 0;       // while bytes are unsent
    qint64 m_stallSinceMs = 0;  // when unsent bytes were first seen (monotonic)
    qint64 m_progressMs = 0;    // when the peer last took some (monotonic)
    DeliveryQueue m_batch;
    QPointer<StreamFlusher> m_flusher;
    bool m_flushScheduled = false;
    bool m_finished = false;
};

// The takeOver for a stream admitted in \a context's thread (the bus thread): runs in the HTTP
// connection's thread (an I/O thread, or the same one), pushes the socket to \a context's thread
// and calls \a attach there. Should \a context be gone first, the queued call is dropped.
HttpResponder::TakeOver takeOverInto(QObject *context, std::function<void(QTcpSocket *, const QByteArray &)> attach);

} // namespace sb::http
