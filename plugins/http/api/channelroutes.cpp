// SPDX-License-Identifier: Apache-2.0
// /api/v1/channels[/{name}]: list, create, read, replace, delete. Every route needs "administer"
// (on the channel; listing on the default space, which a rule without channels covers).
#include "apijson.h"
#include "jsonschema.h"
#include "pagination.h"
#include "restapi.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>

#include <QJsonArray>
#include <QUrl>

#include <algorithm>

namespace sb::http {

namespace {

QJsonObject channelJson(const ChannelConfig &c)
{
    return QJsonObject::fromVariantMap(c.toVariantMap());
}

Error channelNotFound(const QString &name)
{
    return Error(ErrorCode::ChannelNotFound, QStringLiteral("no channel \"%1\"").arg(name),
                 {{QStringLiteral("channel"), name}});
}

void listChannels(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    Bus *bus = api->hub()->bus();
    if (Status st = bus->administer(request.principal, QString()); !st)
        return respond(ApiJson::error(st.error()));
    const Result<Page> page = Page::fromRequest(request, api->options().defaultPageSize, api->options().maxPageSize);
    if (!page)
        return respond(ApiJson::error(page.error()));
    QList<ChannelConfig> all = bus->channels();
    std::sort(all.begin(), all.end(), [](const ChannelConfig &a, const ChannelConfig &b) { return a.name < b.name; });
    QJsonArray out;
    QString last;
    bool more = false;
    for (const ChannelConfig &c : all) {
        if (!page.value().after.isEmpty() && c.name <= page.value().after)
            continue;
        if (out.size() == page.value().limit) {
            more = true;
            break;
        }
        out.append(channelJson(c));
        last = c.name;
    }
    respond(ApiJson::data(out, 200, page.value().meta(last, more, all.size())));
}

// The body as a channel definition; \a name (from the path) wins over a missing "name" and
// must agree with a present one.
Result<ChannelConfig> channelFromBody(const ApiRequest &request, const QString &name)
{
    const Result<QJsonObject> body = ApiJson::parseObject(request);
    if (!body)
        return body.error();
    QVariantMap map = body.value().toVariantMap();
    if (!name.isEmpty()) {
        const QString given = map.value(QStringLiteral("name")).toString();
        if (map.contains(QStringLiteral("name")) && given != name)
            return Error(ErrorCode::BadMessage,
                         QStringLiteral("the body names channel \"%1\" but the path names \"%2\"").arg(given, name),
                         {{QStringLiteral("field"), QStringLiteral("name")}});
        map.insert(QStringLiteral("name"), name);
    }
    Result<ChannelConfig> cfg = ChannelConfig::fromVariantMap(map);
    // A schema that does not compile is refused here, not on every later publish.
    if (cfg && !cfg.value().schema.isEmpty()) {
        if (Result<JsonSchema> schema = JsonSchema::compile(cfg.value().schema); !schema)
            return schema.error();
    }
    return cfg;
}

void createChannel(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    const Result<ChannelConfig> cfg = channelFromBody(request, QString());
    if (!cfg)
        return respond(ApiJson::error(cfg.error()));
    if (Status st = api->hub()->bus()->createChannel(cfg.value(), request.principal); !st)
        return respond(ApiJson::error(st.error()));
    ApiReply r = ApiJson::data(channelJson(cfg.value()), 201);
    r.headers.append({"location", "/api/v1/channels/" + QUrl::toPercentEncoding(cfg.value().name)});
    respond(r);
}

void getChannel(RestApi *api, const ApiRequest &request, const QString &name, const ApiResponder &respond)
{
    Bus *bus = api->hub()->bus();
    if (Status st = bus->administer(request.principal, name); !st)
        return respond(ApiJson::error(st.error()));
    const std::optional<ChannelConfig> c = bus->channel(name);
    if (!c)
        return respond(ApiJson::error(channelNotFound(name)));
    respond(ApiJson::data(channelJson(*c)));
}

void replaceChannel(RestApi *api, const ApiRequest &request, const QString &name, const ApiResponder &respond)
{
    const Result<ChannelConfig> cfg = channelFromBody(request, name);
    if (!cfg)
        return respond(ApiJson::error(cfg.error()));
    if (Status st = api->hub()->bus()->updateChannel(cfg.value(), request.principal); !st)
        return respond(ApiJson::error(st.error()));
    respond(ApiJson::data(channelJson(cfg.value())));
}

void deleteChannel(RestApi *api, const ApiRequest &request, const QString &name, const ApiResponder &respond)
{
    if (Status st = api->hub()->bus()->deleteChannel(name, request.principal); !st)
        return respond(ApiJson::error(st.error()));
    respond(ApiJson::noContent());
}

} // namespace

void addChannelRoutes(ApiRouter &router, RestApi *api, const QString &prefix)
{
    const QString all = prefix + QStringLiteral("/channels"), one = all + QStringLiteral("/{name}");
    router.add("GET", all, QStringLiteral("List channels (?limit=, ?cursor=)"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { listChannels(api, rq, r); }, true);
    router.add("POST", all, QStringLiteral("Create a channel: {name, type, protocols?, ...} -> 201"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder r) { createChannel(api, rq, r); }, true);
    router.add("GET", one, QStringLiteral("One channel's definition"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { getChannel(api, rq, p.value(0), r); },
               true);
    router.add("PUT", one, QStringLiteral("Replace a channel's definition"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { replaceChannel(api, rq, p.value(0), r); },
               true);
    router.add("DELETE", one, QStringLiteral("Delete a channel -> 204"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder r) { deleteChannel(api, rq, p.value(0), r); },
               true);
}

} // namespace sb::http
