// SPDX-License-Identifier: Apache-2.0
#include "httpconnection.h"

#include "httphandler.h"
#include "httplistenerstate.h"

#include <switchboard/outboundwriter.h>


#include <QSslSocket>
#include <QTcpSocket>

#include <sys/socket.h>
#include <time.h>

namespace sb::http {

namespace {
// One read from the socket at a time; Qt's own read buffer is bounded to a few of these.
constexpr qint64 kReadChunk = 16 * 1024;
constexpr qint64 kSocketReadBuffer = 64 * 1024;
// After the last answer of a closing connection: how long its input is read and dropped (so the
// kernel does not reset the connection under an answer the peer has not read yet).
constexpr int kLingerMs = 2000;

// The connection's clock for its timeouts (seconds long): the coarse monotonic clock, a few
// milliseconds of resolution for a fraction of the cost, read several times per request.
qint64 nowMs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, quint64 key, std::shared_ptr<HttpListenerState> state,
                               std::shared_ptr<HttpAnswerQueue> answerRoute, QObject *parent)
    : QObject(parent), m_socket(socket), m_key(key), m_state(std::move(state)), m_answerRoute(std::move(answerRoute)),
      m_limits(m_state->limits()), m_handler(m_state->handler()), m_counters(&m_state->counters()),
      m_parser(m_limits), m_writer(socket), m_connectedAt(nowMs())
{
    socket->setParent(this);
    socket->setReadBufferSize(kSocketReadBuffer);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerAddress = socket->peerAddress();
    m_peerText = HttpRequest::addressText(m_peerAddress);
    m_peerPort = socket->peerPort();
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        m_secure = true;
        m_peerCertificate = ssl->peerCertificate();
    }
    // Unsent answers count for the pause at the high-water mark; the reset comes from max-outbound-bytes.
    m_writer.setLimits({m_limits.outboundHighWater(), m_limits.maxOutboundBytes});
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimer);
    connect(socket, &QIODevice::readyRead, this, &HttpConnection::processInput);
    connect(socket, &QIODevice::bytesWritten, this, [this] {
        m_lastWriteProgress = nowMs();
        afterWrite();
    });
    connect(socket, &QAbstractSocket::disconnected, this, &HttpConnection::onDisconnected);
    if (socket->bytesAvailable() > 0)
        postResume(); // bytes that came with the TLS handshake
    rearmTimer();
}

HttpConnection::~HttpConnection()
{
    m_gone = true;
    reportOutbound();
    m_state->release(m_key);
}

qint64 HttpConnection::outboundBytes() const
{
    return m_gone ? 0 : m_writer.unsent() + m_waitingBytes;
}

bool HttpConnection::isReadingPaused() const
{
    return !canParse();
}

bool HttpConnection::canParse() const
{
    return !m_gone && !m_closing && !m_stopReading && !m_upgradeBarrier
           && int(m_slots.size()) < m_limits.maxPipelined && outboundBytes() < m_limits.outboundHighWater();
}

void HttpConnection::postResume()
{
    if (m_resumePosted || m_gone)
        return;
    m_resumePosted = true;
    QMetaObject::invokeMethod(this, &HttpConnection::processInput, Qt::QueuedConnection);
}

bool HttpConnection::readChunk()
{
    if (!m_socket)
        return false;
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return false;
    m_inPos = 0;
    qint64 got = 0;
    if (available <= kReadChunk) {
        // All Qt holds, as a QByteArray: QIODevice::read(qint64) hands the socket's 16 KiB read
        // block over when it is all there is, and processInput() lets go of it once parsed.
        // Read into m_in instead, the socket would keep that block for the connection's life.
        m_in = m_socket->read(available);
        got = m_in.size();
    } else {
        m_in.resize(qsizetype(kReadChunk));
        got = m_socket->read(m_in.data(), m_in.size());
        m_in.resize(qsizetype(qMax<qint64>(0, got)));
    }
    if (got <= 0)
        return false;
    HttpServerCounters::add(m_counters->bytesIn, quint64(got));
    return true;
}

void HttpConnection::processInput()
{
    m_resumePosted = false;
    if (m_gone)
        return;
    if (m_closing) {
        // Lingering close: take what the peer still sends and drop it.
        while (readChunk()) {
        }
        m_in.clear();
        m_inPos = 0;
        return;
    }
    const bool wasPaused = m_pausedForOutbound;
    while (canParse()) {
        if (m_inPos >= m_in.size() && !readChunk())
            break;
        const bool wasInMessage = m_parser.inMessage();
        qsizetype consumed = 0;
        const HttpRequestParser::Outcome outcome = m_parser.feed(QByteArrayView(m_in).sliced(m_inPos), &consumed);
        m_inPos += consumed;
        noteProgress(wasInMessage);
        if (outcome == HttpRequestParser::Outcome::Complete) {
            dispatch(m_parser.takeRequest());
        } else if (outcome == HttpRequestParser::Outcome::Error) {
            queueLocalError(m_parser.errorStatus(), m_parser.errorCode(), m_parser.errorMessage());
            break;
        } else {
            sendContinueIfDue();
        }
    }
    if (!m_gone && m_inPos >= m_in.size()) { // all parsed: an idle keep-alive connection holds no input block
        m_in = QByteArray();
        m_inPos = 0;
    }
    const bool outboundFull = !m_gone && outboundBytes() >= m_limits.outboundHighWater();
    if (outboundFull && !wasPaused)
        HttpServerCounters::add(m_counters->readPauses);
    m_pausedForOutbound = outboundFull;
    rearmTimer();
}

void HttpConnection::noteProgress(bool wasInMessage)
{
    const qint64 now = nowMs();
    if (!wasInMessage && m_parser.inMessage()) {
        m_headStart = now;
        m_bodyStarted = false;
    }
    if (m_parser.headComplete() && !m_bodyStarted) {
        m_bodyStart = now;
        m_bodyStarted = true;
    }
}

void HttpConnection::dispatch(HttpRequest &&request)
{
    request.setPeer(m_peerAddress, m_peerText, m_peerPort, m_secure, m_peerCertificate);
    request.setConnectionKey(m_key);
    Slot slot;
    slot.sequence = m_nextSequence++;
    slot.head = request.method() == "HEAD";
    slot.close = !request.keepAlive();
    slot.keepAliveHeader = request.keepAlive() && request.httpMinor() == 0;
    m_slots.push_back(std::move(slot));
    HttpServerCounters::add(m_counters->requests);
    m_sawRequest = true;
    m_bodyStarted = false;
    m_continueSent = false;
    if (!request.keepAlive())
        m_stopReading = true; // nothing after a request that closes is read
    if (request.isUpgrade())
        m_upgradeBarrier = true;
    // The handler may answer now (re-entering answer()) or later.
    m_handler->handle(request, HttpResponder(this, m_nextSequence - 1, m_answerRoute));
}

// The layer's own answer (parse errors, timeouts): in its turn, with "Connection: close".
void HttpConnection::queueLocalError(int status, const QString &code, const QString &message)
{
    m_stopReading = true;
    Slot slot;
    slot.sequence = m_nextSequence++;
    slot.close = true;
    m_slots.push_back(std::move(slot));
    answer(m_nextSequence - 1, HttpResponse::jsonError(status, code, message), {});
}

void HttpConnection::answer(quint64 sequence, HttpResponse &&response, HttpResponder::TakeOver takeOver)
{
    if (m_gone || m_closing)
        return; // the client left, or the connection is closing: dropped
    auto it = std::find_if(m_slots.begin(), m_slots.end(), [&](const Slot &s) { return s.sequence == sequence; });
    if (it == m_slots.end() || it->answered)
        return;
    const qint64 before = outboundBytes();
    it->answered = true;
    it->status = response.status();
    it->close = it->close || response.closeConnection();
    if (takeOver) {
        it->takeOver = std::move(takeOver);
        it->bytes = response.serialize(false, false, false, HttpResponse::Framing::Open);
    } else {
        it->bytes = response.serialize(it->close, it->keepAliveHeader, it->head);
    }
    m_waitingBytes += it->bytes.size();
    if (before > 0 && outboundBytes() > m_limits.maxOutboundBytes) {
        // A peer that lets its answers pile up past the bound (it does not read them) is reset.
        HttpServerCounters::add(m_counters->overflowClosed);
        resetNow();
        return;
    }
    writeReady();
}

void HttpConnection::writeReady()
{
    while (!m_slots.empty() && m_slots.front().answered) {
        Slot slot = std::move(m_slots.front());
        m_slots.pop_front();
        m_waitingBytes -= slot.bytes.size();
        if (m_writer.unsent() == 0)
            m_lastWriteProgress = nowMs(); // the write-stall clock starts with the first unsent byte
        m_writer.buffer() += slot.bytes;
        HttpServerCounters::add(m_counters->responses);
        HttpServerCounters::add(m_counters->bytesOut, quint64(slot.bytes.size()));
        if (slot.status >= 400)
            m_counters->addError(slot.status);
        if (slot.takeOver) {
            m_writer.flush();
            handOver(std::move(slot.takeOver));
            return;
        }
        if (slot.close) {
            m_closeAfterWrite = true;
            m_stopReading = true;
            m_waitingBytes = 0;
            m_slots.clear(); // nothing after a closing answer is written
            break;
        }
    }
    if (m_slots.empty())
        m_upgradeBarrier = false;
    m_writer.flush();
    sendContinueIfDue();
    afterWrite();
}

void HttpConnection::afterWrite()
{
    if (m_gone)
        return;
    reportOutbound();
    if (m_closeAfterWrite && m_writer.unsent() == 0) {
        startLingeringClose();
        return;
    }
    if (canParse() && (m_inPos < m_in.size() || (m_socket && m_socket->bytesAvailable() > 0)))
        postResume();
    rearmTimer();
}

// "100 Continue" only when it is this request's turn: after every earlier answer is written.
void HttpConnection::sendContinueIfDue()
{
    if (m_gone || m_closing || m_continueSent || !m_slots.empty() || !m_parser.expectsContinue())
        return;
    m_continueSent = true;
    const QByteArray line = HttpResponse::continueLine();
    m_writer.buffer() += line;
    HttpServerCounters::add(m_counters->continues);
    HttpServerCounters::add(m_counters->bytesOut, quint64(line.size()));
    m_writer.flush();
}

void HttpConnection::handOver(HttpResponder::TakeOver takeOver)
{
    QTcpSocket *socket = m_socket.data();
    const QByteArray readAhead = m_in.mid(m_inPos);
    m_gone = true;
    m_timer.stop();
    m_slots.clear();
    m_waitingBytes = 0;
    reportOutbound();
    m_writer.setDevice(nullptr);
    m_socket.clear();
    if (socket) {
        disconnect(socket, nullptr, this, nullptr);
        socket->setParent(nullptr);
    }
    deleteLater();
    if (socket)
        takeOver(socket, readAhead);
}

void HttpConnection::closeWhenDone()
{
    m_stopReading = true;
    if (m_slots.empty() && m_writer.unsent() == 0)
        startLingeringClose();
    else
        m_closeAfterWrite = true;
}

void HttpConnection::startLingeringClose()
{
    if (m_closing || m_gone || !m_socket)
        return;
    m_closing = true;
    m_stopReading = true;
    m_slots.clear();
    m_waitingBytes = 0;
    if (m_secure) {
        m_socket->disconnectFromHost(); // close_notify after what is buffered
    } else {
        // Half-close: the peer reads the answer to the end, then sees EOF; its input is drained.
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
    }
    m_wait = Wait::Linger;
    m_timer.start(kLingerMs);
    processInput();
}

void HttpConnection::onDisconnected()
{
    if (m_gone)
        return;
    m_gone = true; // every pending responder becomes a no-op
    m_timer.stop();
    m_slots.clear();
    m_waitingBytes = 0;
    reportOutbound();
    deleteLater();
}

void HttpConnection::resetNow()
{
    if (m_gone)
        return;
    if (m_socket) // a reset: unsent answers are dropped, not left to trickle out of the kernel
        OutboundWriter::reset(m_socket);
    onDisconnected();
}

void HttpConnection::abort()
{
    resetNow();
}

// What the connection waits for now and until when (0: nothing).
HttpConnection::Wait HttpConnection::currentWait(qint64 now, qint64 *deadline)
{
    Wait wait = Wait::None;
    *deadline = 0;
    const bool idle = m_slots.empty() && !m_parser.inMessage() && m_inPos >= m_in.size();
    if (m_writer.unsent() > 0) {
        wait = Wait::WriteStall;
        *deadline = m_lastWriteProgress + m_limits.idleTimeoutMs;
    } else if (m_parser.inMessage() && canParse()) {
        wait = m_parser.headComplete() ? Wait::Body : Wait::Head;
        *deadline = wait == Wait::Body ? m_bodyStart + m_limits.bodyTimeoutMs : m_headStart + m_limits.requestHeadTimeoutMs;
    } else if (idle && !m_sawRequest) {
        wait = Wait::FirstRequest;
        *deadline = m_connectedAt + m_limits.requestHeadTimeoutMs;
    } else if (idle && !m_stopReading) {
        if (m_wait != Wait::Idle)
            m_idleSince = now;
        wait = Wait::Idle;
        *deadline = m_idleSince + m_limits.idleTimeoutMs;
    }
    return wait;
}

// The timer is re-armed only when the new deadline comes before the armed one: a later deadline
// (the common case, a request answered) leaves it, and onTimer() looks again when it fires. So
// a request costs no timer registration.
void HttpConnection::rearmTimer()
{
    if (m_gone || m_closing)
        return;
    const qint64 now = nowMs();
    qint64 deadline = 0;
    m_wait = currentWait(now, &deadline);
    if (m_wait == Wait::None || (m_timer.isActive() && m_timerDeadline <= deadline))
        return;
    armTimer(now, deadline);
}

void HttpConnection::armTimer(qint64 now, qint64 deadline)
{
    m_timerDeadline = deadline;
    m_timer.start(int(qBound<qint64>(0, deadline - now, qint64(std::numeric_limits<int>::max()))));
}

void HttpConnection::onTimer()
{
    if (m_gone)
        return;
    if (m_wait != Wait::Linger) {
        const qint64 now = nowMs();
        qint64 deadline = 0;
        m_wait = currentWait(now, &deadline);
        if (m_wait == Wait::None)
            return;
        if (deadline > now) {
            armTimer(now, deadline); // woken early for a deadline that moved on
            return;
        }
    }
    switch (m_wait) {
    case Wait::None:
        break;
    case Wait::FirstRequest:
        HttpServerCounters::add(m_counters->headTimeouts);
        startLingeringClose(); // nothing was asked: nothing to answer
        break;
    case Wait::Head:
        HttpServerCounters::add(m_counters->headTimeouts);
        queueLocalError(408, QStringLiteral("TIMEOUT"),
                        QStringLiteral("the request head did not arrive within %1 ms (request-head-timeout)")
                            .arg(m_limits.requestHeadTimeoutMs));
        break;
    case Wait::Body:
        HttpServerCounters::add(m_counters->bodyTimeouts);
        queueLocalError(408, QStringLiteral("TIMEOUT"),
                        QStringLiteral("the request body did not arrive within %1 ms (body-timeout)").arg(m_limits.bodyTimeoutMs));
        break;
    case Wait::Idle:
        HttpServerCounters::add(m_counters->idleTimeouts);
        startLingeringClose();
        break;
    case Wait::WriteStall:
        HttpServerCounters::add(m_counters->writeStalls);
        resetNow();
        break;
    case Wait::Linger:
        resetNow();
        break;
    }
}

void HttpConnection::reportOutbound()
{
    const qint64 now = outboundBytes();
    if (now != m_reported)
        m_counters->outboundBytes.fetch_add(now - m_reported, std::memory_order_relaxed);
    m_reported = now;
    m_counters->notePeakOutbound(now);
}

} // namespace sb::http
