// SPDX-License-Identifier: Apache-2.0
#include "remotecontrol.h"

#include "hubsnapshot.h"
#include "remoteresult.h"

#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/hub.h>
#include <switchboard/jsoncodec.h>
#include <switchboard/stats.h>
#include <switchboard/topic.h>

#include <QDateTime>
#include <QJsonObject>
#include <QRemoteObjectHostBase>
#include <QUuid>

#include <memory>
#include <optional>

namespace sb::remote {

using RemoteResult::failure;
using RemoteResult::ok;

namespace {
QVariantMap messageToMap(const Message &m)
{
    return JsonCodec::toJsonObject(m).toVariantMap();
}
} // namespace

RemoteControl::RemoteControl(Hub *hub, const Options &options, QObject *parent)
    : SwitchboardSimpleSource(parent)
    , m_hub(hub)
    , m_options(options)
    , m_channels("name", HubSnapshot::channelRoles())
    , m_connections("id", HubSnapshot::connectionRoles())
    , m_deadLetters("id", HubSnapshot::deadLetterRoles())
    , m_requests("correlationId", {"correlationId", "topic", "origin", "state", "startedAt", "latencyMs"})
    , m_durables("name", HubSnapshot::durableRoles())
{
    m_principal.name = QStringLiteral("remote-control");
    m_principal.authenticated = true;
    m_principal.roles = {options.role};
    m_principal.protocol = QStringLiteral("remote");
    m_requests.setObjectName(QStringLiteral("Requests"));
    connect(hub->bus(), &Bus::requestObserved, this, &RemoteControl::onRequestObserved);
    connect(hub->bus(), &Bus::requestSettled, this, &RemoteControl::onRequestSettled);
    m_channels.setObjectName(QStringLiteral("Channels"));
    m_topics.setObjectName(QStringLiteral("Topics"));
    m_topicTree.setObjectName(QStringLiteral("TopicTree"));
    m_topicTree.setSourceModel(&m_topics);
    m_connections.setObjectName(QStringLiteral("Connections"));
    m_deadLetters.setObjectName(QStringLiteral("DeadLetters"));
    m_durables.setObjectName(QStringLiteral("Durables"));
    setHubName(hub->objectName());
    setStartedAt(QDateTime::currentMSecsSinceEpoch());
    setSnapshotIntervalMs(m_options.snapshotIntervalMs);
    hub->bus()->stats()->setLastMessageLimit(m_options.lastMessageLimit);

    m_snapshotTimer.setInterval(qMax(50, m_options.snapshotIntervalMs));
    connect(&m_snapshotTimer, &QTimer::timeout, this, &RemoteControl::refresh);
    m_watchTimer.setInterval(qMax(10, m_options.watchBatchMs));
    connect(&m_watchTimer, &QTimer::timeout, this, &RemoteControl::flushWatches);
}

RemoteControl::~RemoteControl()
{
    for (const Watch &w : std::as_const(m_watches))
        m_hub->bus()->unsubscribe(w.subscription, m_principal);
    m_hub->bus()->stats()->setLastMessageLimit(0);
}

void RemoteControl::describe(const QString &version, const QString &hubName)
{
    setVersion(version);
    setHubName(hubName);
}

bool RemoteControl::enableRemoting(QRemoteObjectHostBase *host)
{
    bool okAll = host->enableRemoting(this, QStringLiteral("Switchboard"));
    for (SnapshotListModel *m : {&m_channels, &m_connections, &m_deadLetters, &m_requests, &m_durables})
        okAll = host->enableRemoting(m, m->objectName(), m->roles()) && okAll;
    okAll = host->enableRemoting(&m_topics, m_topics.objectName(), m_topics.roles()) && okAll;
    okAll = host->enableRemoting(&m_topicTree, m_topicTree.objectName(), m_topicTree.roleNames().keys()) && okAll;
    return okAll;
}

void RemoteControl::replicaAttached()
{
    if (m_attached++ == 0) {
        refresh();
        m_snapshotTimer.start();
    }
}

void RemoteControl::replicaDetached()
{
    if (m_attached > 0 && --m_attached == 0)
        m_snapshotTimer.stop();
}

void RemoteControl::refresh()
{
    setStats(HubSnapshot::stats(*m_hub));
    setPlugins(HubSnapshot::plugins(*m_hub, m_pluginHost));
    m_channels.setRows(HubSnapshot::channels(*m_hub));
    m_topics.refresh(*m_hub->bus()->stats());
    m_connections.setRows(HubSnapshot::connections(*m_hub));
    m_deadLetters.setRows(HubSnapshot::deadLetters(*m_hub, m_options.deadLetterRows));
    m_durables.setRows(HubSnapshot::durables(*m_hub));
    if (m_requestsDirty) {
        m_requestsDirty = false;
        QList<QVariantMap> rows;
        rows.reserve(qsizetype(m_requestLog.size()));
        for (auto it = m_requestLog.crbegin(); it != m_requestLog.crend(); ++it) {
            rows.append({{QStringLiteral("correlationId"), it->correlationId},
                         {QStringLiteral("topic"), it->destination},
                         {QStringLiteral("origin"), it->origin},
                         {QStringLiteral("state"), it->state},
                         {QStringLiteral("startedAt"), it->startedAt},
                         {QStringLiteral("latencyMs"), it->latencyMs}});
        }
        m_requests.setRows(rows);
    }
}

void RemoteControl::onRequestObserved(const QString &correlationId, const QString &destination, const QString &origin)
{
    m_requestLog.push_back({correlationId, destination, origin.isEmpty() ? QStringLiteral("hub") : origin,
                            QStringLiteral("pending"), QDateTime::currentMSecsSinceEpoch(), -1});
    // Beyond the cap the oldest settled pair goes first; pending ones stay until they settle.
    while (m_requestLog.size() > size_t(qMax(1, m_options.requestLogSize))) {
        auto settled = std::find_if(m_requestLog.begin(), m_requestLog.end(),
                                    [](const RequestRecord &r) { return r.state != QLatin1String("pending"); });
        m_requestLog.erase(settled == m_requestLog.end() ? m_requestLog.begin() : settled);
    }
    m_requestsDirty = true;
}

void RemoteControl::onRequestSettled(const QString &correlationId, ErrorCode code)
{
    for (auto it = m_requestLog.rbegin(); it != m_requestLog.rend(); ++it) {
        if (it->correlationId != correlationId || it->state != QLatin1String("pending"))
            continue;
        it->state = code == ErrorCode::None ? QStringLiteral("answered") : QStringLiteral("unanswered");
        if (code == ErrorCode::None)
            it->latencyMs = QDateTime::currentMSecsSinceEpoch() - it->startedAt;
        m_requestsDirty = true;
        return;
    }
}

QVariantMap RemoteControl::list(const QString &collection, const QString &filter, int offset, int limit)
{
    if (offset < 0 || limit < 0)
        return failure(Error(ErrorCode::BadMessage, QStringLiteral("offset and limit must not be negative")));
    QVariantList out;
    int matched = 0;
    auto take = [&](const QVariantMap &row) {
        if (matched >= offset && (limit == 0 || out.size() < limit))
            out.append(row);
        ++matched;
    };
    if (collection == QLatin1String("topics")) {
        // A wildcard pattern ("sensor.*.temp", "a.>") or a dotted name matches as a pattern, and
        // any text as a substring. 100,000 topics: match on the name, build rows only for what is sent.
        const bool byPattern = !filter.isEmpty() && (Topic::isWildcard(filter) || filter.contains(QLatin1Char('.')));
        if (byPattern && Topic::isWildcard(filter)) {
            if (Status st = Topic::validatePattern(filter); !st)
                return failure(st.error());
        }
        m_hub->bus()->stats()->forEach(Stats::Topic, [&](const QString &topic, const StatsEntry &e) {
            if (filter.isEmpty() || (byPattern && Topic::matches(filter, topic)) || topic.contains(filter, Qt::CaseInsensitive)) {
                if (matched >= offset && (limit == 0 || out.size() < limit))
                    out.append(HubSnapshot::topicRow(topic, e));
                ++matched;
            }
        });
        return ok({{QStringLiteral("total"), matched}, {QStringLiteral("rows"), out}});
    }
    QList<QVariantMap> rows;
    QString keyRole;
    if (collection == QLatin1String("channels")) {
        rows = HubSnapshot::channels(*m_hub);
        keyRole = QStringLiteral("name");
    } else if (collection == QLatin1String("connections")) {
        rows = HubSnapshot::connections(*m_hub);
        keyRole = QStringLiteral("id");
    } else if (collection == QLatin1String("deadletters")) {
        rows = HubSnapshot::deadLetters(*m_hub, -1);
        keyRole = QStringLiteral("id");
    } else if (collection == QLatin1String("durables")) {
        rows = HubSnapshot::durables(*m_hub);
        keyRole = QStringLiteral("name");
    } else if (collection == QLatin1String("replays")) {
        for (const QVariant &r : m_hub->replays()->list())
            rows.append(r.toMap());
        keyRole = QStringLiteral("id");
    } else {
        return failure(Error(ErrorCode::NotFound, QStringLiteral("no collection \"%1\" (expected channels, topics, "
                                                                 "connections, deadletters, durables, replays)")
                                                      .arg(collection)));
    }
    for (const QVariantMap &row : std::as_const(rows)) {
        if (filter.isEmpty() || row.value(keyRole).toString().contains(filter, Qt::CaseInsensitive))
            take(row);
    }
    return ok({{QStringLiteral("total"), matched}, {QStringLiteral("rows"), out}});
}

QVariantMap RemoteControl::createChannel(const QVariantMap &config)
{
    Result<ChannelConfig> c = ChannelConfig::fromVariantMap(config);
    if (!c)
        return failure(c.error());
    if (Status st = m_hub->bus()->createChannel(c.value(), m_principal); !st)
        return failure(st.error());
    refresh();
    return ok({{QStringLiteral("channel"), c.value().toVariantMap()}});
}

QVariantMap RemoteControl::updateChannel(const QVariantMap &config)
{
    Result<ChannelConfig> c = ChannelConfig::fromVariantMap(config);
    if (!c)
        return failure(c.error());
    if (Status st = m_hub->bus()->updateChannel(c.value(), m_principal); !st)
        return failure(st.error());
    refresh();
    return ok({{QStringLiteral("channel"), c.value().toVariantMap()}});
}

QVariantMap RemoteControl::deleteChannel(const QString &name)
{
    if (Status st = m_hub->bus()->deleteChannel(name, m_principal); !st)
        return failure(st.error());
    refresh();
    return ok({{QStringLiteral("name"), name}});
}

Result<Message> RemoteControl::messageFromMap(const QVariantMap &map, const QString &type) const
{
    QVariantMap m = map;
    // The contract's "type" is implied by the slot: publish sends events, request sends requests.
    if (m.contains(QStringLiteral("type")) && m.value(QStringLiteral("type")).toString() != type)
        return Error(ErrorCode::BadMessage, QStringLiteral("field \"type\": this slot sends %1 messages").arg(type),
                     {{QStringLiteral("field"), QStringLiteral("type")}});
    m.insert(QStringLiteral("type"), type);
    // Scripts say "payload"; the JSON contract says "data". Accept both, never both at once.
    if (m.contains(QStringLiteral("payload"))) {
        if (m.contains(QStringLiteral("data")))
            return Error(ErrorCode::BadMessage, QStringLiteral("give either payload or data, not both"));
        m.insert(QStringLiteral("data"), m.take(QStringLiteral("payload")));
    }
    Result<Message> msg = JsonCodec::fromJsonObject(QJsonObject::fromVariantMap(m));
    if (!msg)
        return msg;
    return msg.value(); // the bus stamps the source: "remote-control"
}

QVariantMap RemoteControl::publish(const QVariantMap &message)
{
    Result<Message> msg = messageFromMap(message, QStringLiteral("event"));
    if (!msg)
        return failure(msg.error());
    Message m = msg.value();
    if (m.topic().startsWith(QLatin1String("$sb.")))
        return failure(Error(ErrorCode::Forbidden, QStringLiteral("topics under $sb. belong to the hub itself"),
                             {{QStringLiteral("topic"), m.topic()}}));
    if (!m.hasId())
        m.setId(QUuid::createUuid().toString(QUuid::WithoutBraces)); // the caller learns it in the answer
    // A persistent channel's journal may answer later: then the answer says "pending" (the message
    // is delivered once stored, and a failure to store is in the journal's health).
    auto outcome = std::make_shared<std::optional<Result<int>>>();
    m_hub->bus()->publish(m, m_principal, nullptr, this, [outcome](const Result<int> &r) { *outcome = r; });
    if (!*outcome)
        return ok({{QStringLiteral("id"), m.id()}, {QStringLiteral("delivered"), 0}, {QStringLiteral("pending"), true}});
    if (!**outcome)
        return failure((*outcome)->error());
    return ok({{QStringLiteral("id"), m.id()}, {QStringLiteral("delivered"), (*outcome)->value()}});
}

QVariantMap RemoteControl::request(const QVariantMap &message, int timeoutMs)
{
    Result<Message> msg = messageFromMap(message, QStringLiteral("request"));
    if (!msg)
        return failure(msg.error());
    if (timeoutMs <= 0 || timeoutMs > m_options.maxRequestTimeoutMs)
        return failure(Error(ErrorCode::BadMessage,
                             QStringLiteral("timeoutMs must be between 1 and %1").arg(m_options.maxRequestTimeoutMs),
                             {{QStringLiteral("timeoutMs"), timeoutMs}}));
    const QString requestId = QStringLiteral("rq-%1").arg(m_nextRequest++);
    const qint64 started = QDateTime::currentMSecsSinceEpoch();
    Result<QString> correlation = m_hub->bus()->request(
        msg.value(), timeoutMs, this, [this, requestId, started](const Result<Message> &reply) {
            const qint64 latency = QDateTime::currentMSecsSinceEpoch() - started;
            if (reply)
                Q_EMIT requestFinished(requestId, ok({{QStringLiteral("response"), messageToMap(reply.value())},
                                                      {QStringLiteral("latencyMs"), latency}}));
            else
                Q_EMIT requestFinished(requestId, failure(reply.error()));
        },
        m_principal);
    if (!correlation)
        return failure(correlation.error());
    return ok({{QStringLiteral("requestId"), requestId}, {QStringLiteral("correlationId"), correlation.value()}});
}

QVariantMap RemoteControl::deadLetter(quint64 id)
{
    Result<DeadLetterStore *> store = m_hub->bus()->administerDeadLetters(m_principal);
    if (!store)
        return failure(store.error());
    std::optional<DeadLetter> letter = store.value()->get(id);
    if (!letter)
        return failure(Error(ErrorCode::NotFound, QStringLiteral("dead letter %1 does not exist").arg(id),
                             {{QStringLiteral("id"), id}}));
    return ok({{QStringLiteral("deadLetter"), letter->toVariantMap(true)}});
}

QVariantMap RemoteControl::requeueDeadLetter(quint64 id, const QVariantMap &edits)
{
    Result<DeadLetterStore *> admin = m_hub->bus()->administerDeadLetters(m_principal);
    if (!admin)
        return failure(admin.error());
    DeadLetterStore *store = admin.value();
    if (!store->get(id))
        return failure(Error(ErrorCode::NotFound, QStringLiteral("dead letter %1 does not exist").arg(id),
                             {{QStringLiteral("id"), id}}));
    if (!edits.isEmpty()) {
        // Edit a copy, check it fully, and only then swap it in: a bad edit changes nothing.
        DeadLetter letter = *store->get(id);
        QVariantMap shape = messageToMap(letter.message);
        for (auto it = edits.cbegin(); it != edits.cend(); ++it) {
            static const QStringList editable{QStringLiteral("topic"), QStringLiteral("payload"),
                                              QStringLiteral("data"), QStringLiteral("headers"),
                                              QStringLiteral("contentType"), QStringLiteral("dataEncoding")};
            if (!editable.contains(it.key()))
                return failure(Error(ErrorCode::BadMessage,
                                     QStringLiteral("%1 cannot be edited; editable: %2").arg(it.key(), editable.join(u", ")),
                                     {{QStringLiteral("field"), it.key()}}));
            if (it.key() == QLatin1String("payload") || it.key() == QLatin1String("data")) {
                shape.remove(QStringLiteral("dataEncoding"));
                shape.insert(QStringLiteral("data"), it.value());
            } else {
                shape.insert(it.key(), it.value());
            }
        }
        if (edits.contains(QStringLiteral("dataEncoding")))
            shape.insert(QStringLiteral("dataEncoding"), edits.value(QStringLiteral("dataEncoding")));
        Result<Message> edited = JsonCodec::fromJsonObject(QJsonObject::fromVariantMap(shape));
        if (!edited)
            return failure(edited.error());
        Message m = edited.value();
        if (Status st = Topic::validateTopic(m.topic()); !m.topic().isEmpty() && !st)
            return failure(st.error());
        m.setHeader(QStringLiteral("x-sb-edited-by"), m_principal.stamp());
        std::optional<DeadLetter> taken = store->take(id);
        taken->message = m;
        const quint64 newId = store->add(*taken);
        Result<int> r = m_hub->bus()->requeueDeadLetter(newId, m_principal);
        refresh();
        if (!r)
            return failure(r.error());
        return ok({{QStringLiteral("delivered"), r.value()}, {QStringLiteral("edited"), true}});
    }
    Result<int> r = m_hub->bus()->requeueDeadLetter(id, m_principal);
    refresh();
    if (!r)
        return failure(r.error());
    return ok({{QStringLiteral("delivered"), r.value()}});
}

QVariantMap RemoteControl::purgeDeadLetters(const QVariantList &ids)
{
    Result<DeadLetterStore *> admin = m_hub->bus()->administerDeadLetters(m_principal);
    if (!admin)
        return failure(admin.error());
    DeadLetterStore *store = admin.value();
    QList<quint64> list;
    for (const QVariant &v : std::as_const(ids)) {
        bool isNumber = false;
        const quint64 id = v.toString().toULongLong(&isNumber);
        if (!isNumber)
            return failure(Error(ErrorCode::BadMessage, QStringLiteral("dead letter id %1 is not a number").arg(v.toString()),
                                 {{QStringLiteral("id"), v}}));
        list.append(id);
    }
    const int purged = store->purge(list);
    refresh();
    return ok({{QStringLiteral("purged"), purged}});
}

QVariantMap RemoteControl::closeConnection(const QString &id, const QString &reason)
{
    if (Status st = m_hub->bus()->administer(m_principal, QString()); !st)
        return failure(st.error());
    const QString why = reason.isEmpty() ? QStringLiteral("closed by an operator") : reason;
    if (Status st = m_hub->closeConnection(id, Error(ErrorCode::Forbidden, why)); !st)
        return failure(st.error());
    return ok({{QStringLiteral("id"), id}});
}

QVariantMap RemoteControl::reloadConfig()
{
    if (Status st = m_hub->bus()->administer(m_principal, QString()); !st)
        return failure(st.error());
    if (!m_reload)
        return failure(Error(ErrorCode::NotFound, QStringLiteral("this hub has no configuration file to reload")));
    Result<QVariantMap> r = m_reload();
    refresh();
    if (!r)
        return failure(r.error());
    return ok(r.value());
}

QVariantMap RemoteControl::watch(const QString &channel, const QString &pattern, int maxPerSecond)
{
    if (m_watches.size() >= m_options.maxWatches)
        return failure(Error(ErrorCode::RateLimited,
                             QStringLiteral("this hub already has %1 watches, its limit").arg(m_watches.size()),
                             {{QStringLiteral("limit"), m_options.maxWatches}}));
    if (maxPerSecond <= 0 || maxPerSecond > m_options.maxWatchRate)
        return failure(Error(ErrorCode::BadMessage,
                             QStringLiteral("maxPerSecond must be between 1 and %1").arg(m_options.maxWatchRate),
                             {{QStringLiteral("maxPerSecond"), maxPerSecond}}));
    const QString id = QStringLiteral("w-%1").arg(m_nextWatch++);
    SubscriptionOptions opts;
    opts.channel = channel;
    opts.pattern = pattern.isEmpty() ? QStringLiteral(">") : pattern;
    // The watch copies into its own bounded batch; it never queues, so it never dead-letters.
    Result<SubscriptionId> sub = m_hub->bus()->subscribe(opts, m_principal, this, [this, id](const Message &m) {
        auto it = m_watches.find(id);
        if (it == m_watches.end())
            return Status();
        Watch &w = *it;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (now - w.secondStart >= 1000) {
            w.secondStart = now;
            w.takenThisSecond = 0;
        }
        if (w.takenThisSecond >= w.maxPerSecond) {
            ++w.dropped;
            return Status();
        }
        ++w.takenThisSecond;
        w.pending.append(m);
        return Status();
    });
    if (!sub)
        return failure(sub.error());
    Watch w;
    w.subscription = sub.value();
    w.maxPerSecond = maxPerSecond;
    w.leaseUntil = QDateTime::currentMSecsSinceEpoch() + m_options.watchLeaseMs;
    m_watches.insert(id, w);
    if (!m_watchTimer.isActive())
        m_watchTimer.start();
    return ok({{QStringLiteral("watchId"), id}, {QStringLiteral("leaseMs"), m_options.watchLeaseMs}});
}

QVariantMap RemoteControl::renewWatch(const QString &watchId)
{
    auto it = m_watches.find(watchId);
    if (it == m_watches.end())
        return failure(Error(ErrorCode::NotFound, QStringLiteral("watch %1 does not exist (it may have expired)").arg(watchId)));
    it->leaseUntil = QDateTime::currentMSecsSinceEpoch() + m_options.watchLeaseMs;
    return ok({{QStringLiteral("watchId"), watchId}, {QStringLiteral("leaseMs"), m_options.watchLeaseMs}});
}

QVariantMap RemoteControl::unwatch(const QString &watchId)
{
    if (!m_watches.contains(watchId))
        return failure(Error(ErrorCode::NotFound, QStringLiteral("watch %1 does not exist").arg(watchId)));
    endWatch(watchId, QStringLiteral("unwatched"));
    return ok({{QStringLiteral("watchId"), watchId}});
}

void RemoteControl::endWatch(const QString &id, const QString &reason)
{
    Watch w = m_watches.take(id);
    m_hub->bus()->unsubscribe(w.subscription, m_principal);
    if (!w.pending.isEmpty() || w.dropped) {
        QVariantList batch;
        for (const Message &m : std::as_const(w.pending))
            batch.append(messageToMap(m));
        Q_EMIT watchBatch(id, batch, w.dropped);
    }
    Q_EMIT watchEnded(id, reason);
    if (m_watches.isEmpty())
        m_watchTimer.stop();
}

void RemoteControl::flushWatches()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList expired;
    for (auto it = m_watches.begin(); it != m_watches.end(); ++it) {
        Watch &w = *it;
        if (now > w.leaseUntil) {
            expired.append(it.key());
            continue;
        }
        if (w.pending.isEmpty() && !w.dropped)
            continue;
        QVariantList batch;
        batch.reserve(w.pending.size());
        for (const Message &m : std::as_const(w.pending))
            batch.append(messageToMap(m));
        const int dropped = w.dropped;
        w.pending.clear();
        w.dropped = 0;
        Q_EMIT watchBatch(it.key(), batch, dropped);
    }
    for (const QString &id : std::as_const(expired))
        endWatch(id, QStringLiteral("lease expired"));
}

} // namespace sb::remote
