// SPDX-License-Identifier: Apache-2.0
#pragma once

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

    bool contains(const QString &correlationId) const { return m_pending.count(correlationId) != 0; }
    int size() const { return int(m_pending.size()); }
    void add(const QString &correlationId, QObject *context, Callback callback, int timeoutMs,
             const QString &destination);
    // Answers the request with \a result; false if none is pending under that id.
    bool complete(const QString &correlationId, const Result<Message> &result);

Q_SIGNALS:
    void timedOut(const QString &correlationId);

private:
    struct Pending
    {
        QPointer<QObject> context;
        Callback callback;
        qint64 deadline = 0;
        QString destination;
    };
    static void deliver(Pending &pending, const Result<Message> &result);
    void arm();
    void expire();

    std::unordered_map<QString, Pending> m_pending;
    std::multimap<qint64, QString> m_deadlines;
    QTimer m_timer;
};

} // namespace sb
