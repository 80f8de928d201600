// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "streamflusher.h"
#include "sseconfig.h"
#include "ssering.h"

#include "httpresponder.h"

#include <switchboard/messagefilter.h>
#include <switchboard/principal.h>
#include <switchboard/result.h>

#include <QHash>
#include <QObject>
#include <QTimer>

namespace sb {
class Hub;
}

namespace sb::http {

class HttpRequest;
class SseStream;

// The Server-Sent Events of one HTTP endpoint (GET /api/v1/stream), in the bus thread: admits a
// stream (topics, channel, filter, limits, the principal's ACL, Last-Event-ID), answers the 200
// head and takes the connection over; counts what happens to streams; keeps the resume ring.
class SseHub : public QObject
{
    Q_OBJECT
public:
    SseHub(Hub *hub, const SseConfig &config, QObject *parent = nullptr);
    ~SseHub() override;

    // What open() decided: a refusal, or the head to answer and what takes the socket over.
    struct Start {
        HttpResponse head;
        HttpResponder::TakeOver takeOver;
    };
    // A stream for \a request on behalf of \a who; an error (with its HTTP status in the REST
    // API's mapping) when it is refused: nothing is subscribed then.
    Result<Start> open(const HttpRequest &request, const Principal &who);
    // Ends every stream (the endpoint stops).
    void closeAll(const Error &reason);
    int streamCount() const { return int(m_streams.size()); }
    // {streams, opened, refused, overflowClosed, resumed, gaps, resumeBuffer: {...}}
    QVariantMap health() const;
    const SseConfig &config() const { return m_config; }

private:
    QByteArray preamble(SseStream *stream, const HttpRequest &request, const QStringList &patterns,
                                const QString &channel, const MessageFilter &filter);
    void replayStored(QByteArray &out, SseStream *stream, quint64 afterSeq, const QStringList &patterns,
                      const QString &channel, const MessageFilter &filter);
    void attach(const QString &streamId, QTcpSocket *socket, const QByteArray &readAhead);
    void onFinished(SseStream *stream, ErrorCode reason);
    Error refuse(Error error);

    Hub *m_hub;
    SseConfig m_config;
    SseRing m_ring;
    quint64 m_observer = 0; // the bus's publish observer, from the first stream on
    QHash<QString, SseStream *> m_streams;
    QHash<QString, int> m_perAddress;
    quint64 m_nextId = 0;
    StreamFlusher *m_flusher = new StreamFlusher(this); // the streams' writes, coalesced
    QTimer m_heartbeat; // one tick for every stream, not a timer each
    quint64 m_opened = 0, m_refused = 0, m_overflowClosed = 0, m_resumed = 0, m_gaps = 0;
};

} // namespace sb::http
