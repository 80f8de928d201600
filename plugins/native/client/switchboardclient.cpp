// SPDX-License-Identifier: Apache-2.0
#include "switchboardclient_p.h"

#include "protocol/nativeprotocol.h"

#include <switchboard/tls.h>
#include <switchboard/topic.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QMetaMethod>
#include <QSslKey>
#include <QUrl>

#include <limits>

namespace sb {

using namespace sb::native;
using namespace sb::clientdetail;

SwitchboardClient::SwitchboardClient(QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &SwitchboardClient::openSocket);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Connected) {
            appendControl(m_out, FrameType::Ping, nextSeq());
            scheduleFlush();
        }
    });
}

SwitchboardClient::~SwitchboardClient()
{
    m_userDisconnect = true;
    if (d->socket) {
        d->socket->disconnect(this);
        delete d->socket.data();
    }
}

quint32 SwitchboardClient::nextSeq()
{
    if (++m_seq == 0)
        m_seq = 1;
    return m_seq;
}

void SwitchboardClient::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

Status SwitchboardClient::connectToHub(const QString &address)
{
    if (address.startsWith(QLatin1String("local:"))) {
        d->kind = Private::Kind::Local;
        d->localName = address.mid(6);
        if (d->localName.isEmpty())
            return Error(ErrorCode::InvalidConfig, QStringLiteral("\"local:\" needs a socket name or path"));
    } else {
        const QUrl url(address);
        if (!url.isValid() || url.host().isEmpty() || url.port() <= 0
            || (url.scheme() != QLatin1String("tcp") && url.scheme() != QLatin1String("tls")))
            return Error(ErrorCode::InvalidConfig,
                         QStringLiteral("\"%1\" is not tcp://host:port, tls://host:port or local:name").arg(address));
        d->kind = url.scheme() == QLatin1String("tls") ? Private::Kind::Tls : Private::Kind::Tcp;
        d->host = url.host();
        d->port = quint16(url.port());
    }
    d->clientChain.clear();
    d->clientKey = QSslKey();
    if (d->kind == Private::Kind::Tls && !m_options.tlsCertFile.isEmpty()) {
        Result<ClientCertificate> mine = loadClientCertificate(m_options.tlsCertFile, m_options.tlsKeyFile);
        if (!mine)
            return mine.error();
        d->clientChain = mine->chain;
        d->clientKey = mine->key;
    }
    m_userDisconnect = false;
    m_reconnectAttempt = 0;
    m_lastError = Error();
    setState(State::Connecting);
    openSocket();
    return {};
}

void SwitchboardClient::handleFrame(quint8 type, QByteArrayView body)
{
    const quint32 seq = readU32(body);
    switch (FrameType(type)) {
    case FrameType::Deliver: {
        // Decoded into a scratch message that is reused while no handler keeps it (no allocation
        // per delivery in the steady state).
        if (Status st = BinaryCodec::decodeMessageInto(m_scratch, body.sliced(qMin<qsizetype>(4, body.size())), &m_strings);
            !st) {
            m_scratch = Message();
            Q_EMIT errorOccurred(st.error());
            return;
        }
        auto it = m_subs.constFind(seq);
        if (it == m_subs.cend())
            return; // unsubscribed while the message was in flight
        const MessageHandler handler = it->handler; // the handler may unsubscribe
        const bool autoAck = it->options.autoAck && !it->options.durable.isEmpty();
        // A reference of our own while handlers run: a nested event loop delivering the next
        // message then sees the scratch shared and decodes into a fresh one.
        const Message msg = m_scratch;
        if (handler)
            handler(msg);
        if (autoAck && m_subs.contains(seq))
            acknowledge(seq, msg);
        // Building the signal's arguments costs per message; skip it when nobody listens. After a
        // disconnect the answer is looked up again here, outside Qt's connection locks.
        if (m_receivedRecheck.exchange(false, std::memory_order_relaxed))
            m_receivedConnected = isSignalConnected(QMetaMethod::fromSignal(&SwitchboardClient::messageReceived));
        if (m_receivedConnected.load(std::memory_order_relaxed))
            Q_EMIT messageReceived(seq, msg);
        return;
    }
    case FrameType::Connected: {
        auto json = controlJson(body);
        m_connectionId = json ? json->value(QStringLiteral("connectionId")).toString() : QString();
        m_identity = json ? json->value(QStringLiteral("identity")).toString() : QString();
        // A double from the wire: clamped to what a frame header can say before the cast (a hostile
        // server's 1e300 would be undefined behaviour); NaN and non-positive values are ignored.
        const double maxFrame = json ? json->value(QStringLiteral("maxFrameSize")).toDouble() : 0.0;
        if (maxFrame > 0)
            m_serverMaxFrame = qint64(qMin(maxFrame, double(std::numeric_limits<quint32>::max())));
        m_reconnectAttempt = 0;
        m_lastError = Error();
        setState(State::Connected);
        for (auto it = m_subs.cbegin(); it != m_subs.cend(); ++it)
            sendSubscribe(it.key(), it.value());
        if (!m_offline.isEmpty()) {
            m_out.append(m_offline);
            m_offline.clear();
            m_offlineCount = 0;
        }
        flush();
        if (m_options.pingIntervalMs > 0)
            m_pingTimer.start(m_options.pingIntervalMs);
        Q_EMIT connected();
        return;
    }
    case FrameType::Ack: {
        if (auto h = m_acks.take(seq))
            h(Status());
        if (m_subscribeSeqs.contains(seq))
            Q_EMIT subscribed(m_subscribeSeqs.take(seq));
        return;
    }
    case FrameType::Reply: {
        auto it = m_requests.find(seq);
        if (it == m_requests.end())
            return; // answered after our own guard expired
        PendingRequest pending = it.value();
        m_requests.erase(it);
        delete pending.guard;
        Result<Message> msg = BinaryCodec::decodeMessage(body.sliced(qMin<qsizetype>(4, body.size())));
        pending.handler(msg ? Result<Message>(msg.value()) : Result<Message>(msg.error()));
        return;
    }
    case FrameType::Error: {
        auto json = controlJson(body);
        bool fatal = false;
        const Error error = json ? errorFromJson(json.value(), &fatal) : json.error();
        if (seq != 0) {
            if (auto h = m_acks.take(seq)) {
                h(error);
                return;
            }
            if (m_subscribeSeqs.contains(seq)) {
                const quint32 sid = m_subscribeSeqs.take(seq);
                m_subs.remove(sid);
                Q_EMIT subscribeFailed(sid, error);
                return;
            }
            auto it = m_requests.find(seq);
            if (it != m_requests.end()) {
                PendingRequest pending = it.value();
                m_requests.erase(it);
                delete pending.guard;
                pending.handler(error);
                return;
            }
        }
        // seq 0 with details {sid, ended}: the hub ended that subscription (ACL reload, channel
        // rules, channel deleted). It is not renewed on reconnect.
        if (seq == 0 && error.details.value(QStringLiteral("ended")).toBool()) {
            const quint32 sid = error.details.value(QStringLiteral("sid")).toUInt();
            if (m_subs.remove(sid)) {
                Q_EMIT subscriptionEnded(sid, error);
                return;
            }
        }
        m_lastError = error;
        m_hubEnded = m_hubEnded || fatal; // the hub closes the connection after this frame
        Q_EMIT errorOccurred(error);
        return;
    }
    case FrameType::Ping:
        appendControl(m_out, FrameType::Pong, seq);
        scheduleFlush();
        return;
    case FrameType::Pong:
        return;
    default:
        Q_EMIT errorOccurred(Error(ErrorCode::UnknownFrame,
                                   QStringLiteral("hub sent an unexpected %1 frame").arg(frameTypeName(type))));
    }
}

Status SwitchboardClient::publish(const Message &message, AckHandler onAck)
{
    if (m_state == State::Disconnected)
        return Error(ErrorCode::NotConnected, QStringLiteral("not connected to a hub"));
    const bool connected = m_state == State::Connected;
    if (!connected && m_offlineCount >= m_options.maxOfflineMessages)
        return Error(ErrorCode::QueueFull, QStringLiteral("reconnecting, and the offline buffer of %1 messages is full")
                                               .arg(m_options.maxOfflineMessages));
    // Encoded straight into the outbound (or offline) buffer; taken back out if it is refused.
    const qint64 waiting = connected ? bytesToWrite() : 0;
    QByteArray &target = connected ? m_out : m_offline;
    const qsizetype start = target.size();
    const quint32 seq = onAck ? nextSeq() : 0;
    const qint64 frameSize = appendMessageFrameOnce(target, FrameType::Publish, seq, message);
    if (frameSize > m_serverMaxFrame) {
        target.resize(start);
        target.squeeze(); // do not keep the capacity of a refused giant
        return Error(ErrorCode::TooLarge,
                     QStringLiteral("message of %1 bytes exceeds the hub's frame limit of %2 bytes")
                         .arg(frameSize)
                         .arg(m_serverMaxFrame),
                     {{QStringLiteral("limit"), m_serverMaxFrame}});
    }
    if (connected && waiting + frameSize > m_options.maxPendingBytes) {
        target.resize(start);
        return Error(ErrorCode::QueueFull,
                     QStringLiteral("%1 bytes are waiting to be sent (limit %2): the hub or the network is not "
                                    "keeping up; retry later")
                         .arg(waiting)
                         .arg(m_options.maxPendingBytes),
                     {{QStringLiteral("limit"), m_options.maxPendingBytes}});
    }
    if (connected) {
        // The first publish since the last write goes out at once (no wait for the event loop:
        // the latency of a lone message); those that follow in the same turn coalesce into the
        // flush scheduled here.
        if (!m_flushScheduled)
            flush();
        scheduleFlush();
    } else {
        ++m_offlineCount;
    }
    if (onAck)
        m_acks.insert(seq, std::move(onAck));
    return {};
}

Status SwitchboardClient::publish(const QString &topic, const QByteArray &payload, AckHandler onAck)
{
    Message m(MessageType::Event, topic, payload);
    return publish(m, std::move(onAck));
}

quint32 SwitchboardClient::subscribe(const SubscribeOptions &options, MessageHandler handler)
{
    const quint32 sid = m_nextSid++;
    Sub sub{options, std::move(handler)};
    if (m_state == State::Connected)
        sendSubscribe(sid, sub);
    m_subs.insert(sid, std::move(sub));
    return sid;
}

quint32 SwitchboardClient::subscribe(const QString &pattern, MessageHandler handler)
{
    return subscribe(SubscribeOptions{pattern, QString(), QString()}, std::move(handler));
}

void SwitchboardClient::sendSubscribe(quint32 sid, const Sub &sub)
{
    const quint32 seq = nextSeq();
    QJsonObject o{{QStringLiteral("sid"), double(sid)}, {QStringLiteral("pattern"), sub.options.pattern}};
    if (!sub.options.channel.isEmpty())
        o.insert(QStringLiteral("channel"), sub.options.channel);
    if (!sub.options.queueGroup.isEmpty())
        o.insert(QStringLiteral("queue"), sub.options.queueGroup);
    if (!sub.options.filter.isEmpty())
        o.insert(QStringLiteral("filter"), sub.options.filter);
    if (!sub.options.eventTypes.isEmpty())
        o.insert(QStringLiteral("event_types"), QJsonArray::fromStringList(sub.options.eventTypes));
    if (!sub.options.durable.isEmpty()) {
        o.insert(QStringLiteral("durable"), sub.options.durable);
        if (sub.options.fromStart)
            o.insert(QStringLiteral("from_start"), true);
    }
    appendControl(m_out, FrameType::Subscribe, seq, o);
    m_subscribeSeqs.insert(seq, sid);
    scheduleFlush();
}

void SwitchboardClient::unsubscribe(quint32 sid)
{
    if (!m_subs.remove(sid))
        return;
    if (m_state == State::Connected) {
        appendControl(m_out, FrameType::Unsubscribe, nextSeq(), {{QStringLiteral("sid"), double(sid)}});
        scheduleFlush();
    }
}

void SwitchboardClient::acknowledge(quint32 sid, const Message &message)
{
    bool ok = false;
    const quint64 seq = message.header(QStringLiteral("x-sb-seq")).toULongLong(&ok); // Bus::seqHeader()
    if (m_state != State::Connected || !ok)
        return; // what is not acknowledged comes again
    appendAckDelivery(m_out, sid, seq);
    scheduleFlush();
}

void SwitchboardClient::nack(quint32 sid, const Message &message)
{
    if (m_state != State::Connected)
        return; // the hub dead-letters what it cannot deliver
    appendMessageFrame(m_out, FrameType::Nack, sid, message);
    scheduleFlush();
}

Status SwitchboardClient::request(const Message &request, int timeoutMs, ReplyHandler handler)
{
    if (m_state != State::Connected)
        return Error(ErrorCode::NotConnected, QStringLiteral("not connected to a hub"));
    const quint32 seq = nextSeq();
    const quint32 timeout = quint32(qMax(0, timeoutMs));
    const QByteArray extra(reinterpret_cast<const char *>(std::array<uchar, 4>{
                                                              uchar(timeout >> 24), uchar((timeout >> 16) & 0xff),
                                                              uchar((timeout >> 8) & 0xff), uchar(timeout & 0xff)}
                                                              .data()),
                           4);
    appendMessageFrame(m_out, FrameType::Request, seq, request, &extra);
    scheduleFlush();
    PendingRequest pending;
    pending.handler = std::move(handler);
    // The hub answers TIMEOUT itself; this guard covers a hub that went silent.
    pending.guard = new QTimer(this);
    pending.guard->setSingleShot(true);
    connect(pending.guard, &QTimer::timeout, this, [this, seq] {
        auto it = m_requests.find(seq);
        if (it == m_requests.end())
            return;
        PendingRequest p = it.value();
        m_requests.erase(it);
        p.guard->deleteLater();
        p.handler(Error(ErrorCode::Timeout, QStringLiteral("no answer from the hub")));
    });
    pending.guard->start((timeoutMs > 0 ? timeoutMs : 5000) + 2000);
    m_requests.insert(seq, pending);
    return {};
}

Status SwitchboardClient::reply(const Message &request, Message response)
{
    if (m_state != State::Connected)
        return Error(ErrorCode::NotConnected, QStringLiteral("not connected to a hub"));
    response.setType(MessageType::Response);
    response.setCorrelationId(request.correlationId());
    if (response.topic().isEmpty())
        response.setTopic(request.topic());
    appendMessageFrame(m_out, FrameType::Reply, 0, response);
    scheduleFlush();
    return {};
}

void SwitchboardClient::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&SwitchboardClient::messageReceived))
        m_receivedConnected = true;
}

void SwitchboardClient::disconnectNotify(const QMetaMethod &signal)
{
    // Called with an invalid method for disconnect-all. Qt may call this with one of its internal
    // connection mutexes held (a receiver's destructor): calling isSignalConnected() here deadlocked
    // when sender and receiver shared a mutex of Qt's pool (the rare tst_switchboardd hang). So only
    // note that the answer may have changed; the next message looks it up.
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&SwitchboardClient::messageReceived))
        m_receivedRecheck = true;
}

} // namespace sb
