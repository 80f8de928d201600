// SPDX-License-Identifier: Apache-2.0
#include "hubsnapshot.h"

#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/endpoint.h>
#include <switchboard/hub.h>
#include <switchboard/jsoncodec.h>
#include <switchboard/pluginhost.h>
#include <switchboard/stats.h>

namespace sb::remote::HubSnapshot {

namespace {
QList<QByteArray> withCounters(QList<QByteArray> roles)
{
    roles << "in" << "out" << "bytesIn" << "bytesOut" << "dropped" << "errors" << "inRate" << "outRate"
          << "inRate10" << "outRate10";
    return roles;
}
} // namespace

QVariantMap errorToMap(const Error &error)
{
    return {{QStringLiteral("code"), errorCodeName(error.code)},
            {QStringLiteral("message"), error.message},
            {QStringLiteral("details"), error.details}};
}

QList<QByteArray> channelRoles()
{
    return withCounters({"name", "type", "description", "maxMessageSize", "maxQueueDepth", "ttlMs", "requireAuth",
                         "retry", "config"});
}

QList<QByteArray> topicRoles()
{
    return withCounters({"topic", "lastAt", "lastSize", "lastPayload", "lastContentType"});
}

QList<QByteArray> connectionRoles()
{
    return withCounters({"id", "protocol", "peer", "identity", "authenticated", "connectedAt", "subscriptions",
                         "pending", "metadata"});
}

QList<QByteArray> deadLetterRoles()
{
    return {"id", "reason", "destination", "detail", "attempts", "deadAt", "channel", "topic", "messageId",
            "payloadSize", "message"};
}

QList<QByteArray> durableRoles()
{
    return {"name", "channel", "pattern", "position", "subscribers", "waitingForAck", "backlog", "backlogCapped",
            "delivered", "redelivered", "acknowledged", "deadLettered", "expired"};
}

void addCounters(QVariantMap &row, const StatsEntry &e)
{
    row.insert(QStringLiteral("in"), e.total.in);
    row.insert(QStringLiteral("out"), e.total.out);
    row.insert(QStringLiteral("bytesIn"), e.total.bytesIn);
    row.insert(QStringLiteral("bytesOut"), e.total.bytesOut);
    row.insert(QStringLiteral("dropped"), e.total.dropped);
    row.insert(QStringLiteral("errors"), e.total.errors);
    row.insert(QStringLiteral("inRate"), e.inRate(StatsEntry::Second));
    row.insert(QStringLiteral("outRate"), e.outRate(StatsEntry::Second));
    row.insert(QStringLiteral("inRate10"), e.inRate(StatsEntry::TenSeconds));
    row.insert(QStringLiteral("outRate10"), e.outRate(StatsEntry::TenSeconds));
}

QList<QVariantMap> channels(const Hub &hub)
{
    QList<QVariantMap> rows;
    const Stats *stats = const_cast<Hub &>(hub).bus()->stats();
    for (const ChannelConfig &c : hub.bus()->channels()) {
        const QVariantMap config = c.toVariantMap();
        QVariantMap row{{QStringLiteral("name"), c.name},
                        {QStringLiteral("type"), channelTypeName(c.type)},
                        {QStringLiteral("description"), c.description},
                        {QStringLiteral("maxMessageSize"), c.maxMessageSize},
                        {QStringLiteral("maxQueueDepth"), c.maxQueueDepth},
                        {QStringLiteral("ttlMs"), c.ttlMs},
                        {QStringLiteral("requireAuth"), c.requireAuth},
                        {QStringLiteral("retry"), c.retry.toVariantMap()},
                        {QStringLiteral("config"), config}};
        if (const StatsEntry *e = stats->find(Stats::Channel, c.name))
            addCounters(row, *e);
        else
            addCounters(row, StatsEntry());
        rows.append(row);
    }
    return rows;
}

QVariantMap topicRow(const QString &topic, const StatsEntry &e)
{
    QVariantMap row{{QStringLiteral("topic"), topic},
                    {QStringLiteral("lastAt"), e.lastAt},
                    {QStringLiteral("lastSize"), e.lastSize},
                    {QStringLiteral("lastPayload"), e.lastMessage.payload()},
                    {QStringLiteral("lastContentType"), e.lastMessage.contentType()}};
    addCounters(row, e);
    return row;
}

// "room=general site=b1": what a connection said about itself (targeted sends), one column.
QString metadataText(const ConnectionMetadata &metadata)
{
    QStringList parts;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value());
    return parts.join(QLatin1Char(' '));
}

QList<QVariantMap> connections(const Hub &hub)
{
    QList<QVariantMap> rows;
    for (Connection *c : hub.connections()) {
        QVariantMap row{{QStringLiteral("id"), c->id()},
                        {QStringLiteral("protocol"), c->protocol()},
                        {QStringLiteral("peer"), c->peer()},
                        {QStringLiteral("identity"), c->identity().name},
                        {QStringLiteral("authenticated"), c->identity().authenticated},
                        {QStringLiteral("connectedAt"), c->connectedAt().toMSecsSinceEpoch()},
                        {QStringLiteral("subscriptions"), c->subscriptionCount()},
                        {QStringLiteral("pending"), c->pendingCount()},
                        {QStringLiteral("metadata"), metadataText(c->metadata())}};
        addCounters(row, c->stats());
        rows.append(row);
    }
    return rows;
}

QList<QVariantMap> durables(const Hub &hub)
{
    QList<QVariantMap> rows;
    for (const QVariant &d : hub.bus()->durables(true))
        rows.append(d.toMap());
    return rows;
}

QList<QVariantMap> deadLetters(const Hub &hub, int limit)
{
    QList<QVariantMap> rows;
    const DeadLetterStore *store = hub.bus()->deadLetters();
    if (!store)
        return rows;
    const int total = store->count();
    const int offset = limit > 0 ? qMax(0, total - limit) : 0;
    const QList<DeadLetter> letters = store->list(offset, limit > 0 ? limit : -1);
    rows.reserve(letters.size());
    for (auto it = letters.crbegin(); it != letters.crend(); ++it) {
        const DeadLetter &d = *it;
        rows.append({{QStringLiteral("id"), QString::number(d.id)},
                     {QStringLiteral("reason"), deadLetterReasonName(d.reason)},
                     {QStringLiteral("destination"), d.destination},
                     {QStringLiteral("detail"), d.detail},
                     {QStringLiteral("attempts"), d.attempts},
                     {QStringLiteral("deadAt"), d.deadAt},
                     {QStringLiteral("channel"), d.message.channel()},
                     {QStringLiteral("topic"), d.message.topic()},
                     {QStringLiteral("messageId"), d.message.id()},
                     {QStringLiteral("payloadSize"), d.message.payloadSize()},
                     {QStringLiteral("message"), d.toVariantMap(false).value(QStringLiteral("message"))}});
    }
    return rows;
}

QVariantMap stats(const Hub &hub)
{
    const Bus *bus = hub.bus();
    const StatsEntry &g = const_cast<Hub &>(hub).bus()->stats()->global();
    QVariantMap map;
    addCounters(map, g);
    map.insert(QStringLiteral("deadLettered"), g.total.deadLettered);
    map.insert(QStringLiteral("filtered"), g.total.filtered);
    map.insert(QStringLiteral("bytesInRate"), g.bytesInRate(StatsEntry::Second));
    map.insert(QStringLiteral("bytesOutRate"), g.bytesOutRate(StatsEntry::Second));
    map.insert(QStringLiteral("connections"), hub.connections().size());
    map.insert(QStringLiteral("subscriptions"), bus->subscriptionCount());
    map.insert(QStringLiteral("deadLetters"), bus->deadLetters() ? bus->deadLetters()->count() : 0);
    map.insert(QStringLiteral("channels"), bus->channels().size());
    map.insert(QStringLiteral("topics"), const_cast<Hub &>(hub).bus()->stats()->entryCount(Stats::Topic));
    map.insert(QStringLiteral("pendingRequests"), bus->pendingRequests());
    const QVariantMap health = hub.health();
    map.insert(QStringLiteral("healthy"), health.value(QStringLiteral("healthy")));
    // The journal's state (empty while the hub uses none): kind, failed and why, bytes, budget.
    map.insert(QStringLiteral("journal"), health.value(QStringLiteral("journal")));
    // Durable subscriptions: how many, and their deliveries waiting for an ack (bounded by
    // limits.max-durables and limits.durable-max-ack-pending).
    const QVariantList durables = bus->durables();
    qint64 waiting = 0;
    for (const QVariant &d : durables)
        waiting += d.toMap().value(QStringLiteral("waitingForAck")).toLongLong();
    map.insert(QStringLiteral("durables"), durables.size());
    map.insert(QStringLiteral("durableWaiting"), double(waiting));
    // Trust and bounds: what the hub refused, and what connections buffer against the budget.
    const BusRefusals &r = bus->refusals();
    map.insert(QStringLiteral("refusals"), r.toVariantMap());
    map.insert(QStringLiteral("refused"), double(r.unauthenticated + r.forbidden + r.spoofedReplies + r.spoofedNacks + r.limits + r.errorCapClosed));
    // Authentication: succeeded, failed, throttled, per provider (empty without providers).
    const QVariantMap auth = hub.authenticator() ? hub.authenticator()->stats() : QVariantMap();
    map.insert(QStringLiteral("auth"), auth);
    map.insert(QStringLiteral("authFailed"), auth.value(QStringLiteral("failed")).toDouble());
    map.insert(QStringLiteral("bufferedBytes"), double(const_cast<Hub &>(hub).memoryBudget().used()));
    map.insert(QStringLiteral("bufferLimit"), double(const_cast<Hub &>(hub).memoryBudget().limit()));
    return map;
}

QVariantList plugins(const Hub &hub, const PluginHost *host)
{
    QVariantList out;
    const Stats *stats = const_cast<Hub &>(hub).bus()->stats();
    QHash<QString, QVariantList> endpointsByProtocol;
    for (const Endpoint *e : hub.endpoints())
        endpointsByProtocol[e->protocol()].append(e->health());
    if (host) {
        for (const PluginInfo &p : host->available()) {
            QVariantMap row{{QStringLiteral("id"), p.id},
                            {QStringLiteral("name"), p.name},
                            {QStringLiteral("version"), p.version},
                            {QStringLiteral("loaded"), endpointsByProtocol.contains(p.id)},
                            {QStringLiteral("endpoints"), endpointsByProtocol.value(p.id)}};
            if (const StatsEntry *e = stats->find(Stats::Plugin, p.id))
                addCounters(row, *e);
            out.append(row);
        }
        for (const PluginLoadError &e : host->errors()) {
            out.append(QVariantMap{{QStringLiteral("id"), e.plugin},
                                   {QStringLiteral("file"), e.fileName},
                                   {QStringLiteral("loaded"), false},
                                   {QStringLiteral("error"), errorToMap(e.error)}});
        }
    }
    return out;
}

} // namespace sb::remote::HubSnapshot
