// SPDX-License-Identifier: Apache-2.0
// Replays of stored messages (core's ReplayManager): POST /api/v1/replays starts one,
// GET /api/v1/replays[/{id}] reads them, POST /api/v1/replays/{id}/pause|resume|seek steers one,
// DELETE /api/v1/replays/{id} stops it. Starting needs the right to subscribe to the source and
// to publish to the target; steering, to have started it or to administer the hub.
#include "apijson.h"
#include "restapi.h"

#include <switchboard/accesscontrol.h>
#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/replaymanager.h>

#include <QJsonArray>

#include <algorithm>

namespace sb::http {

namespace {

ReplayManager *replays(RestApi *api)
{
    return api->hub()->replays();
}

// A principal reads the replays it started; one that may administer the hub reads them all.
bool mayRead(RestApi *api, const Principal &who, const QVariantMap &status)
{
    return status.value(QStringLiteral("principal")).toString() == who.name
        || api->hub()->bus()->accessControl().authorize(who, Action::Administer, QString(), QString());
}

void startReplay(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    const Result<QJsonObject> body = ApiJson::parseObject(request);
    if (!body)
        return respond(ApiJson::error(body.error()));
    const Result<ReplayOptions> options = ReplayOptions::fromVariantMap(body->toVariantMap());
    if (!options)
        return respond(ApiJson::error(options.error()));
    const Result<QString> id = replays(api)->start(options.value(), request.principal);
    if (!id)
        return respond(ApiJson::error(id.error()));
    respond(ApiJson::data(QJsonObject::fromVariantMap(replays(api)->status(id.value()).value()), 201));
}

void listReplays(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    QJsonArray out;
    for (const QVariant &r : replays(api)->list()) {
        if (mayRead(api, request.principal, r.toMap()))
            out.append(QJsonObject::fromVariantMap(r.toMap()));
    }
    respond(ApiJson::data(out, 200, QJsonObject{{QStringLiteral("total"), out.size()}}));
}

void getReplay(RestApi *api, const ApiRequest &request, const QString &id, const ApiResponder &respond)
{
    Result<QVariantMap> status = replays(api)->status(id);
    if (status && !mayRead(api, request.principal, status.value()))
        status = Error(ErrorCode::NotFound, QStringLiteral("no replay \"%1\"").arg(id), {{QStringLiteral("replay"), id}});
    if (!status)
        return respond(ApiJson::error(status.error()));
    respond(ApiJson::data(QJsonObject::fromVariantMap(status.value())));
}

// pause, resume, seek ({"after-seq": N} or {"from": ms | RFC 3339}); answers the replay's status.
void steerReplay(RestApi *api, const ApiRequest &request, const QString &id, const QString &action,
                 const ApiResponder &respond)
{
    Status st;
    if (action == QLatin1String("pause")) {
        st = replays(api)->pause(id, request.principal);
    } else if (action == QLatin1String("resume")) {
        st = replays(api)->resume(id, request.principal);
    } else {
        const Result<QJsonObject> body = ApiJson::parseObject(request);
        if (!body)
            return respond(ApiJson::error(body.error()));
        QVariantMap where = body->toVariantMap();
        if (where.isEmpty() || !std::all_of(where.keyBegin(), where.keyEnd(), [](const QString &k) {
                return k == QLatin1String("after-seq") || k == QLatin1String("from");
            }))
            return respond(ApiJson::error(Error(ErrorCode::BadMessage, QStringLiteral("seek takes {\"after-seq\": N} or {\"from\": time}"))));
        // The same parsing as a replay's options: a sequence number or a time.
        const Result<ReplayOptions> parsed = ReplayOptions::fromVariantMap(where);
        if (!parsed)
            return respond(ApiJson::error(parsed.error()));
        st = replays(api)->seek(id, parsed->afterSeq, parsed->fromMs, request.principal);
    }
    if (!st)
        return respond(ApiJson::error(st.error()));
    getReplay(api, request, id, respond);
}

void stopReplay(RestApi *api, const ApiRequest &request, const QString &id, const ApiResponder &respond)
{
    if (Status st = replays(api)->stop(id, request.principal); !st)
        return respond(ApiJson::error(st.error()));
    respond(ApiJson::noContent());
}

} // namespace

void addReplayRoutes(ApiRouter &router, RestApi *api, const QString &prefix)
{
    router.add("POST", prefix + QStringLiteral("/replays"),
               QStringLiteral("Replay stored messages (channel, topic, from, to, after-seq, to-seq, speed, remap, "
                              "target-channel, subscription, store) -> 201"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { startReplay(api, rq, r); });
    router.add("GET", prefix + QStringLiteral("/replays"), QStringLiteral("Replays: state, progress, timing error"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { listReplays(api, rq, r); });
    router.add("GET", prefix + QStringLiteral("/replays/{id}"), QStringLiteral("One replay"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { getReplay(api, rq, p.value(0), r); });
    for (const char *action : {"pause", "resume", "seek"}) {
        const QString a = QString::fromLatin1(action);
        router.add("POST", prefix + QStringLiteral("/replays/{id}/") + a,
                   a == QLatin1String("seek") ? QStringLiteral("Go on from {after-seq} or {from}") : QStringLiteral("Pause or resume a replay"),
                   [api, a](const ApiRequest &rq, const QStringList &p, ApiResponder r) { steerReplay(api, rq, p.value(0), a, r); });
    }
    router.add("DELETE", prefix + QStringLiteral("/replays/{id}"), QStringLiteral("Stop a replay -> 204"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { stopReplay(api, rq, p.value(0), r); });
}

} // namespace sb::http
