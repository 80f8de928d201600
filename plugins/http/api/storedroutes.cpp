// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/channels/{name}/messages and GET /api/v1/messages (the default space): what the
// journal stored, in ascending sequence. Reading needs the right to subscribe to the topic
// pattern asked for (">" when none is given) on that channel. GET /api/v1/durables and
// DELETE /api/v1/durables/{name}: durable subscriptions. .../messages/density: a timeline of them.
#include "apijson.h"
#include "restapi.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/journal.h>
#include <switchboard/jsoncodec.h>

#include <QDateTime>
#include <QJsonArray>

namespace sb::http {

namespace {

// A time as milliseconds since the epoch, or RFC 3339 ("2026-11-30T12:00:00Z").
Result<qint64> timeParam(const ApiRequest &request, const QString &name)
{
    bool present = false;
    const QString v = request.query(name, &present);
    if (!present || v.isEmpty())
        return qint64(0);
    bool ok = false;
    const qint64 ms = v.toLongLong(&ok);
    if (ok && ms >= 0)
        return ms;
    const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
    if (t.isValid() && t.timeSpec() != Qt::LocalTime)
        return t.toMSecsSinceEpoch();
    return Error(ErrorCode::BadMessage,
                 QStringLiteral("%1=%2 is not a time: use milliseconds since the epoch or RFC 3339 with a zone "
                                "(2026-11-30T12:00:00Z)")
                     .arg(name, v),
                 {{QStringLiteral("parameter"), name}});
}

Result<JournalQuery> queryFrom(const ApiRequest &request, const QString &stream)
{
    JournalQuery q;
    q.stream = stream;
    q.topic = request.query(QStringLiteral("topic"));
    bool present = false;
    const QString after = request.query(QStringLiteral("after-seq"), &present);
    if (present) {
        bool ok = false;
        q.afterSeq = after.toULongLong(&ok);
        if (!ok)
            return Error(ErrorCode::BadMessage, QStringLiteral("after-seq=%1 is not a sequence number").arg(after),
                         {{QStringLiteral("parameter"), QStringLiteral("after-seq")}});
    }
    const QString limit = request.query(QStringLiteral("limit"), &present);
    if (present) {
        bool ok = false;
        q.limit = limit.toInt(&ok);
        if (!ok)
            q.limit = 0; // validate() says what is allowed
    }
    for (const auto &[name, field] : {std::pair{QStringLiteral("from"), &q.fromMs}, std::pair{QStringLiteral("to"), &q.toMs}}) {
        const Result<qint64> t = timeParam(request, name);
        if (!t)
            return t.error();
        *field = t.value();
    }
    if (Status st = q.validate(); !st)
        return st.error();
    return q;
}

void listStored(RestApi *api, const ApiRequest &request, const QString &channel, const ApiResponder &respond)
{
    Bus *bus = api->hub()->bus();
    const Result<JournalQuery> q = queryFrom(request, channel);
    if (!q)
        return respond(ApiJson::error(q.error()));
    const QString pattern = q.value().topic.isEmpty() ? QStringLiteral(">") : q.value().topic;
    if (Status st = bus->mayAct(request.principal, Action::Subscribe, channel, pattern); !st)
        return respond(ApiJson::error(st.error()));
    const std::optional<ChannelConfig> cfg = bus->channel(channel);
    const bool persistent = channel.isEmpty() ? !bus->persistentTopics().isEmpty() : cfg && cfg->persistence.persistent;
    QJsonArray out;
    QJsonObject meta{{QStringLiteral("limit"), q.value().limit}, {QStringLiteral("persistent"), persistent}};
    if (const Journal *journal = bus->journalInUse()) {
        const Result<QList<StoredMessage>> stored = journal->read(q.value());
        if (!stored)
            return respond(ApiJson::error(stored.error()));
        for (const StoredMessage &m : stored.value())
            out.append(QJsonObject{{QStringLiteral("seq"), qint64(m.seq)},
                                   {QStringLiteral("storedAt"), JsonCodec::formatTimestamp(m.storedAtMs)},
                                   {QStringLiteral("message"), JsonCodec::toJsonObject(m.message)}});
        if (stored.value().size() == q.value().limit)
            meta.insert(QStringLiteral("nextAfterSeq"), qint64(stored.value().last().seq));
    }
    respond(ApiJson::data(out, 200, meta));
}

// A timeline of what a channel stored: ?topic=, ?from=, ?to= (the stored range when absent),
// ?buckets= (1-1000, default 100).
void storedDensity(RestApi *api, const ApiRequest &request, const QString &channel, const ApiResponder &respond)
{
    Bus *bus = api->hub()->bus();
    DensityQuery q;
    q.stream = channel;
    q.topic = request.query(QStringLiteral("topic"));
    for (const auto &[name, field] : {std::pair{QStringLiteral("from"), &q.fromMs}, std::pair{QStringLiteral("to"), &q.toMs}}) {
        const Result<qint64> t = timeParam(request, name);
        if (!t)
            return respond(ApiJson::error(t.error()));
        *field = t.value();
    }
    bool present = false;
    const QString buckets = request.query(QStringLiteral("buckets"), &present);
    if (present) {
        bool ok = false;
        q.buckets = buckets.toInt(&ok);
        if (!ok)
            q.buckets = 0; // validate() says what is allowed
    }
    if (Status st = q.validate(); !st)
        return respond(ApiJson::error(st.error()));
    if (!channel.isEmpty() && !bus->channel(channel))
        return respond(ApiJson::error(Error(ErrorCode::ChannelNotFound, QStringLiteral("channel \"%1\" does not exist").arg(channel),
                                            {{QStringLiteral("channel"), channel}})));
    if (Status st = bus->mayAct(request.principal, Action::Subscribe, channel, q.topic.isEmpty() ? QStringLiteral(">") : q.topic); !st)
        return respond(ApiJson::error(st.error()));
    StoredDensity d;
    if (const Journal *journal = bus->journalInUse()) {
        const Result<StoredDensity> read = journal->density(q);
        if (!read)
            return respond(ApiJson::error(read.error()));
        d = read.value();
    } else {
        d.span(q);
    }
    QJsonArray counts;
    for (qint64 n : d.counts)
        counts.append(n);
    respond(ApiJson::data(QJsonObject{{QStringLiteral("firstTime"), d.firstMs ? QJsonValue(JsonCodec::formatTimestamp(d.firstMs)) : QJsonValue()},
                                      {QStringLiteral("lastTime"), d.lastMs ? QJsonValue(JsonCodec::formatTimestamp(d.lastMs)) : QJsonValue()},
                                      {QStringLiteral("firstSeq"), qint64(d.firstSeq)},
                                      {QStringLiteral("lastSeq"), qint64(d.lastSeq)},
                                      {QStringLiteral("from"), d.fromMs ? QJsonValue(JsonCodec::formatTimestamp(d.fromMs)) : QJsonValue()},
                                      {QStringLiteral("to"), d.toMs ? QJsonValue(JsonCodec::formatTimestamp(d.toMs)) : QJsonValue()},
                                      {QStringLiteral("bucketMs"), d.bucketMs},
                                      {QStringLiteral("counts"), counts},
                                      {QStringLiteral("total"), d.total},
                                      {QStringLiteral("estimated"), d.estimated}},
                          200));
}

// Durable subscriptions: listing them and deleting one need "administer" (on the hub; on the
// durable's channel to delete).
void listDurables(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    Bus *bus = api->hub()->bus();
    if (Status st = bus->administer(request.principal, QString()); !st)
        return respond(ApiJson::error(st.error()));
    QJsonArray out;
    for (const QVariant &d : bus->durables(true))
        out.append(QJsonObject::fromVariantMap(d.toMap()));
    respond(ApiJson::data(out, 200, QJsonObject{{QStringLiteral("total"), out.size()}}));
}

void deleteDurable(RestApi *api, const ApiRequest &request, const QString &name, const ApiResponder &respond)
{
    if (Status st = api->hub()->bus()->deleteDurable(name, request.principal); !st)
        return respond(ApiJson::error(st.error()));
    respond(ApiJson::noContent());
}

} // namespace

void addStoredRoutes(ApiRouter &router, RestApi *api, const QString &prefix)
{
    router.add("GET", prefix + QStringLiteral("/durables"),
               QStringLiteral("Durable subscriptions: position, subscribers, deliveries waiting for an ack"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { listDurables(api, rq, r); }, true);
    router.add("DELETE", prefix + QStringLiteral("/durables/{name}"), QStringLiteral("Forget a durable subscription -> 204"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { deleteDurable(api, rq, p.value(0), r); },
               true);
    router.add("GET", prefix + QStringLiteral("/channels/{name}/messages"),
               QStringLiteral("Stored messages of a persistent channel (?topic=, ?from=, ?to=, ?after-seq=, ?limit=)"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { listStored(api, rq, p.value(0), r); });
    router.add("GET", prefix + QStringLiteral("/channels/{name}/messages/density"),
               QStringLiteral("A timeline of a persistent channel's stored messages: counts per bucket of time (?topic=, "
                              "?from=, ?to=, ?buckets=)"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { storedDensity(api, rq, p.value(0), r); });
    router.add("GET", prefix + QStringLiteral("/messages/density"),
               QStringLiteral("A timeline of the default space's stored messages (?topic=, ?from=, ?to=, ?buckets=)"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { storedDensity(api, rq, QString(), r); });
    router.add("GET", prefix + QStringLiteral("/messages"),
               QStringLiteral("Stored messages of the default space's persistent topics (?topic=, ?from=, ?to=, "
                              "?after-seq=, ?limit=)"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { listStored(api, rq, QString(), r); });
}

} // namespace sb::http
