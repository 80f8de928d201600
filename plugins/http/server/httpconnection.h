// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httprequestparser.h"
#include "httpresponder.h"
#include "httpserverlimits.h"

#include <switchboard/outboundwriter.h>

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QTimer>

#include <deque>
#include <limits>
#include <memory>
#include <optional>

class QTcpSocket;

namespace sb::http {

class HttpHandler;
class HttpListenerState;
struct HttpServerCounters;

// One HTTP/1.1 client on a TCP (or TLS) socket, owned by its HttpListener or, on an I/O thread,
// by an HttpWorker (which passes its answer queue: responders then answer from any thread). Reads in bounded
// chunks into the parser, hands each complete request to the handler and writes the answers in
// request order however they arrive (a queue keyed by sequence number, at most max-pipelined
// requests in flight; reading stops while it is full or while the unsent answers are at the
// high-water mark). Errors in the request's framing are answered with "Connection: close" and the
// connection closes after the write. Timeouts: request head, body, keep-alive idle, and a peer that
// takes none of its unsent answers for idle-timeout (reset).
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    // \a key: the listener's name for this connection (HttpListener::connectionOpened).
    HttpConnection(QTcpSocket *socket, quint64 key, std::shared_ptr<HttpListenerState> state,
                   std::shared_ptr<HttpAnswerQueue> answerRoute = {}, QObject *parent = nullptr);
    ~HttpConnection() override;

    QHostAddress peerAddress() const { return m_peerAddress; }
    const HttpListenerState *listenerState() const { return m_state.get(); }
    quint64 key() const { return m_key; }
    // Unsent answer bytes: in our buffer, in Qt's write buffer, and answered but waiting their turn.
    qint64 outboundBytes() const;
    // Requests read and not yet written.
    int pendingRequests() const { return int(m_slots.size()); }
    bool isReadingPaused() const;
    // Stops reading; answers what was read, then closes.
    void closeWhenDone();
    // Closes now (a reset).
    void abort();

private:
    friend class HttpResponder;
    friend class HttpWorker;
    enum class Wait { None, FirstRequest, Head, Body, Idle, WriteStall, Linger };
    struct Slot
    {
        quint64 sequence = 0;
        QByteArray bytes;
        HttpResponder::TakeOver takeOver;
        int status = 0;
        bool answered = false;
        bool close = false;
        bool head = false;            // a HEAD request: no body in the answer
        bool keepAliveHeader = false; // an HTTP/1.0 keep-alive request: say so in the answer
    };

    void answer(quint64 sequence, HttpResponse &&response, HttpResponder::TakeOver takeOver);
    void processInput();
    bool readChunk();
    bool canParse() const;
    void noteProgress(bool wasInMessage);
    void dispatch(HttpRequest &&request);
    void queueLocalError(int status, const QString &code, const QString &message);
    void writeReady();
    void afterWrite();
    void sendContinueIfDue();
    void handOver(HttpResponder::TakeOver takeOver);
    void startLingeringClose();
    void onDisconnected();
    void resetNow();
    Wait currentWait(qint64 now, qint64 *deadline);
    void rearmTimer();
    void armTimer(qint64 now, qint64 deadline);
    void onTimer();
    void reportOutbound();
    void postResume();

    QPointer<QTcpSocket> m_socket;
    quint64 m_key;
    std::shared_ptr<HttpListenerState> m_state;
    std::shared_ptr<HttpAnswerQueue> m_answerRoute;
    const HttpServerLimits &m_limits; // m_state's
    HttpHandler *m_handler;
    HttpServerCounters *m_counters;   // m_state's
    HttpRequestParser m_parser;
    OutboundWriter m_writer;
    QByteArray m_in;       // one read chunk; bytes before m_inPos are parsed
    qsizetype m_inPos = 0;
    std::deque<Slot> m_slots; // requests in flight, in order
    quint64 m_nextSequence = 1;
    qint64 m_waitingBytes = 0;  // answered, waiting for earlier answers
    qint64 m_reported = 0;      // our share of m_counters->outboundBytes
    QTimer m_timer;
    Wait m_wait = Wait::None;
    qint64 m_timerDeadline = 0; // what m_timer is armed for, while active
    qint64 m_connectedAt = 0;
    qint64 m_headStart = 0;
    qint64 m_bodyStart = 0;
    qint64 m_idleSince = 0;
    qint64 m_lastWriteProgress = 0;
    QHostAddress m_peerAddress;
    QString m_peerText;
    quint16 m_peerPort = 0;
    bool m_secure = false;
    std::optional<QSslCertificate> m_peerCertificate; // TLS only: a default one loads OpenSSL's config
    bool m_sawRequest = false;
    bool m_bodyStarted = false;
    bool m_continueSent = false;
    bool m_stopReading = false;     // after a close request, an error, or closeWhenDone()
    bool m_upgradeBarrier = false;  // an upgrade request is in flight: nothing after it is parsed
    bool m_closeAfterWrite = false;
    bool m_pausedForOutbound = false;
    bool m_resumePosted = false;
    bool m_closing = false;         // lingering close: the answer is out, input is discarded
    bool m_gone = false;            // the socket is gone (or handed over): nothing more happens
};

} // namespace sb::http
