// SPDX-License-Identifier: Apache-2.0
#include "ssehub.h"

#include "querymetadata.h"

#include "sseevent.h"
#include "ssestream.h"

#include "httprequest.h"

#include <switchboard/auth.h>
#include <switchboard/bus.h>
#include <switchboard/journal.h>
#include <switchboard/hub.h>
#include <switchboard/outboundwriter.h>
#include <switchboard/topic.h>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <algorithm>

namespace sb::http {

SseHub::SseHub(Hub *hub, const SseConfig &config, QObject *parent)
    : QObject(parent), m_hub(hub), m_config(config), m_ring(config.resumeMessages, config.resumeBytes)
{
    m_heartbeat.setInterval(int(qMin<qint64>(config.heartbeatMs, 24LL * 3600 * 1000)));
    connect(&m_heartbeat, &QTimer::timeout, this, [this] {
        const QList<SseStream *> all = m_streams.values(); // a heartbeat may end a stream
        for (SseStream *s : all)
            s->heartbeat();
    });
}

SseHub::~SseHub()
{
    closeAll(Error(ErrorCode::NotConnected, QStringLiteral("hub is shutting down")));
    if (m_observer)
        m_hub->bus()->removePublishObserver(m_observer);
}

Error SseHub::refuse(Error error)
{
    ++m_refused;
    return error;
}

Result<SseHub::Start> SseHub::open(const HttpRequest &request, const Principal &who)
{
    if (!m_config.enabled)
        return refuse(Error(ErrorCode::NotFound, QStringLiteral("Server-Sent Events are off on this hub "
                                                                "(communication.http.sse.enabled)")));
    QStringList patterns;
    for (const auto &[name, value] : request.queryItems()) {
        if (name == QLatin1String("topic"))
            patterns.append(value);
    }
    if (patterns.isEmpty())
        return refuse(Error(ErrorCode::BadMessage,
                            QStringLiteral("GET /api/v1/stream needs at least one topic (?topic=sensor.*&topic=...)")));
    if (patterns.size() > m_config.maxTopics)
        return refuse(Error(ErrorCode::LimitExceeded,
                            QStringLiteral("%1 topics, more than the limit of %2 per stream (sse.max-topics)")
                                .arg(patterns.size())
                                .arg(m_config.maxTopics),
                            {{QStringLiteral("limit"), m_config.maxTopics}}));
    const QString channel = request.queryValue(QStringLiteral("channel"));
    const QString types = request.queryValue(QStringLiteral("event_types"));
    Result<MessageFilter> filter = MessageFilter::compile(
        types.isEmpty() ? QStringList() : types.split(QLatin1Char(','), Qt::SkipEmptyParts),
        request.queryValue(QStringLiteral("filter")), m_hub->bus()->limits().filters);
    if (!filter)
        return refuse(filter.error());
    Result<ConnectionMetadata> metadata = metadataFromQuery(request, m_hub->bus()->limits().metadata);
    if (!metadata)
        return refuse(metadata.error());
    const QString address = HttpRequest::addressText(request.peerAddress());
    if (int(m_streams.size()) >= m_config.maxStreams)
        return refuse(Error(ErrorCode::LimitExceeded,
                            QStringLiteral("this hub has %1 event streams open, its limit (sse.max-streams)").arg(m_streams.size()),
                            {{QStringLiteral("limit"), m_config.maxStreams}, {QStringLiteral("retryAfterMs"), 1000}}));
    if (m_perAddress.value(address) >= m_config.maxStreamsPerAddress)
        return refuse(Error(ErrorCode::LimitExceeded,
                            QStringLiteral("%1 has %2 event streams open, its limit (sse.max-streams-per-address)")
                                .arg(address)
                                .arg(m_config.maxStreamsPerAddress),
                            {{QStringLiteral("limit"), m_config.maxStreamsPerAddress}, {QStringLiteral("retryAfterMs"), 1000}}));

    if (!m_observer && m_ring.enabled()) {
        // Recording starts with the first stream: a hub nobody streams from pays nothing.
        m_observer = m_hub->bus()->addPublishObserver([this](const Message &m) {
            // Advisories have visibility rules of their own; stored messages resume from the journal.
            if (!m.topic().startsWith(QLatin1String("$sb.")) && m.header(Bus::seqHeader()).isNull())
                m_ring.record(m);
        });
    }
    const QString id = QStringLiteral("sse-%1").arg(++m_nextId);
    auto *stream = new SseStream(m_hub, m_config, id, request.isSecure() ? QStringLiteral("sse+tls") : QStringLiteral("sse"),
                                 request.peerText().isNull() ? address : request.peerText(), this);
    stream->setIdentity(who.identity());
    stream->setMetadata(metadata.value());
    stream->setFlusher(m_flusher);
    m_hub->registerConnection(stream);
    if (Status st = stream->subscribe(patterns, channel, filter.value()); !st) {
        m_hub->unregisterConnection(stream);
        delete stream;
        return refuse(st.error());
    }
    stream->setPreamble(preamble(stream, request, patterns, channel, filter.value()));
    m_streams.insert(id, stream);
    if (!m_heartbeat.isActive())
        m_heartbeat.start();
    ++m_perAddress[address];
    ++m_opened;
    connect(stream, &StreamConnection::finished, this, [this, stream, address](StreamConnection *, ErrorCode reason) {
        if (--m_perAddress[address] <= 0)
            m_perAddress.remove(address);
        onFinished(stream, reason);
    });

    Start start;
    start.head = HttpResponse(200);
    start.head.setHeader("content-type", "text/event-stream; charset=utf-8");
    start.head.setHeader("cache-control", "no-cache");
    start.head.setHeader("x-accel-buffering", "no"); // nginx in front: do not buffer the stream
    start.takeOver = takeOverInto(this, [this, id](QTcpSocket *socket, const QByteArray &readAhead) {
        attach(id, socket, readAhead);
    });
    return start;
}

// retry, then what the client missed since Last-Event-ID while the ring still holds it, else a
// gap notice. Taken now, in the same bus-thread call as the subscriptions: the live deliveries
// start exactly after what is replayed.
QByteArray SseHub::preamble(SseStream *stream, const HttpRequest &request, const QStringList &patterns,
                                    const QString &channel, const MessageFilter &filter)
{
    QByteArray out;
    SseEvent::appendRetry(out, m_config.retryMs);
    QString lastId = QString::fromUtf8(request.header("last-event-id")).trimmed();
    if (lastId.isEmpty())
        lastId = request.queryValue(QStringLiteral("lastEventId")); // EventSource polyfills without headers
    if (lastId.isEmpty())
        return out;
    if (lastId.startsWith(QLatin1Char('j'))) {
        bool ok = false;
        const quint64 seq = lastId.mid(1).toULongLong(&ok);
        if (ok && m_hub->bus()->journalInUse()) {
            replayStored(out, stream, seq, patterns, channel, filter);
            return out;
        }
    }
    const std::optional<quint64> from = m_ring.sequenceOf(lastId);
    if (!from) {
        ++m_gaps;
        const QJsonObject gap{{QStringLiteral("lastEventId"), lastId.left(256)},
                              {QStringLiteral("reason"), m_ring.enabled()
                                       ? QStringLiteral("the event is no longer in the resume buffer (sse.resume-buffer)")
                                       : QStringLiteral("this hub keeps no resume buffer (sse.resume-buffer)")}};
        SseEvent::appendNamed(out, "sb.gap", QJsonDocument(gap).toJson(QJsonDocument::Compact));
        return out;
    }
    ++m_resumed;
    const Principal &who = stream->principal();
    const Authorizer *acl = &m_hub->bus()->accessControl();
    m_ring.forEach(*from, m_ring.lastSequence(), [&](const Message &m) {
        if (m.channel() != channel)
            return;
        const QString topic = m.topic();
        const bool wanted = std::any_of(patterns.begin(), patterns.end(), [&](const QString &p) { return Topic::matches(p, topic); });
        if (!wanted || !filter.matches(FilterInput(m)) || !acl->authorize(who, Action::Subscribe, channel, topic))
            return;
        SseEvent::appendMessage(out, m);
    });
    return out;
}

// Last-Event-ID "j<seq>": what the journal stored after it, up to what was delivered live before
// this stream subscribed (journal->lastSeq), so the live deliveries follow without a gap or a
// repeat. At most JournalQuery::MaxLimit events; past that an sb.gap says where to read the rest.
void SseHub::replayStored(QByteArray &out, SseStream *stream, quint64 afterSeq, const QStringList &patterns,
                          const QString &channel, const MessageFilter &filter)
{
    const Journal *journal = m_hub->bus()->journalInUse();
    const quint64 upTo = journal->lastSeq(channel);
    JournalQuery q;
    q.stream = channel;
    q.afterSeq = afterSeq;
    q.limit = JournalQuery::MaxLimit;
    const Result<QList<StoredMessage>> stored = journal->read(q);
    if (!stored) {
        ++m_gaps;
        SseEvent::appendNamed(out, "sb.gap",
                              QJsonDocument(QJsonObject{{QStringLiteral("lastEventId"), QStringLiteral("j%1").arg(afterSeq)},
                                                        {QStringLiteral("reason"), stored.error().message}})
                                  .toJson(QJsonDocument::Compact));
        return;
    }
    ++m_resumed;
    const Principal &who = stream->principal();
    const Authorizer *acl = &m_hub->bus()->accessControl();
    quint64 last = afterSeq;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const StoredMessage &s : stored.value()) {
        if (s.seq > upTo)
            break; // on its way to the live deliveries
        last = s.seq;
        if (s.isExpired(now))
            continue; // its TTL ran out while it was stored
        const QString topic = s.message.topic();
        const bool wanted = std::any_of(patterns.begin(), patterns.end(), [&](const QString &p) { return Topic::matches(p, topic); });
        if (!wanted || !filter.matches(FilterInput(s.message)) || !acl->authorize(who, Action::Subscribe, channel, topic))
            continue;
        Message m = s.message;
        m.setHeader(Bus::seqHeader(), QString::number(s.seq));
        SseEvent::appendMessage(out, m);
    }
    if (stored.value().size() == q.limit && last < upTo) {
        ++m_gaps;
        const QString where = channel.isEmpty() ? QStringLiteral("/api/v1/messages") : QStringLiteral("/api/v1/channels/%1/messages").arg(channel);
        SseEvent::appendNamed(
            out, "sb.gap",
            QJsonDocument(QJsonObject{{QStringLiteral("lastEventId"), QStringLiteral("j%1").arg(last)},
                                      {QStringLiteral("reason"),
                                       QStringLiteral("more than %1 stored events since the last one; read the rest with "
                                                      "GET %2?after-seq=%3")
                                           .arg(JournalQuery::MaxLimit)
                                           .arg(where)
                                           .arg(last)}})
                .toJson(QJsonDocument::Compact));
    }
}

void SseHub::attach(const QString &streamId, QTcpSocket *socket, const QByteArray &readAhead)
{
    SseStream *stream = m_streams.value(streamId);
    if (!stream) { // ended while its head was on the way
        OutboundWriter::reset(socket);
        socket->deleteLater();
        return;
    }
    stream->attach(socket, readAhead);
}

void SseHub::onFinished(SseStream *stream, ErrorCode reason)
{
    if (reason == ErrorCode::Overflow)
        ++m_overflowClosed;
    m_streams.remove(stream->id());
    if (m_streams.isEmpty())
        m_heartbeat.stop();
    m_hub->unregisterConnection(stream);
    stream->deleteLater();
}

void SseHub::closeAll(const Error &reason)
{
    const QList<SseStream *> streams = m_streams.values();
    for (SseStream *s : streams)
        s->close(reason);
}

QVariantMap SseHub::health() const
{
    return {{QStringLiteral("streams"), int(m_streams.size())},
            {QStringLiteral("opened"), m_opened},
            {QStringLiteral("refused"), m_refused},
            {QStringLiteral("overflowClosed"), m_overflowClosed},
            {QStringLiteral("resumed"), m_resumed},
            {QStringLiteral("gaps"), m_gaps},
            {QStringLiteral("resumeBuffer"),
             QVariantMap{{QStringLiteral("messages"), m_ring.size()},
                         {QStringLiteral("bytes"), m_ring.bytes()},
                         {QStringLiteral("evicted"), m_ring.evicted()}}}};
}

} // namespace sb::http
