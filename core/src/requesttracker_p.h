// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/connection.h>
#include <switchboard/message.h>
#include <switchboard/result.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace sb {

// The bus's pending requests: who waits for which correlation id, until when. One timer for all
// of them, armed for the earliest deadline. Lives in the bus thread.
class RequestTracker : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const Result<Message> &)>;

    explicit RequestTracker(QObject *parent = nullptr);

    // Where a request went, who got it and who asked: a reply is accepted only from a responder.
    struct Route
    {
        QString destination; // "channel/topic" or the topic, for messages
        QString channel;
        QString topic;
        QStringList responders;       // subscriber ids the request was delivered to
        QPointer<Connection> requester; // counts against its pending-request bound
    };

    bool contains(const QString &correlationId) const { return m_pending.count(correlationId) != 0; }
    const Route *route(const QString &correlationId) const;
    int size() const { return int(m_pending.size()); }
    void add(const QString &correlationId, QObject *context, Callback callback, int timeoutMs, Route route);
    // Answers the request with \a result; false if none is pending under that id.
    bool complete(const QString &correlationId, const Result<Message> &result);
    // The requester went away: its pending requests end now (nobody waits for their answers), so
    // they stop counting against the hub-wide bound.
    void dropRequester(const Connection *requester);

Q_SIGNALS:
    void timedOut(const QString &correlationId);

private:
    struct Pending
    {
        QPointer<QObject> context;
        Callback callback;
        qint64 deadline = 0;
        Route route;
    };
    static void deliver(Pending &pending, const Result<Message> &result);
    static void release(Pending &pending);
    void arm();
    void expire();

    std::unordered_map<QString, Pending> m_pending;
    std::multimap<qint64, QString> m_deadlines;
    QTimer m_timer;
};

} // namespace sb
