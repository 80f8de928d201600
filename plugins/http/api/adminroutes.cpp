// SPDX-License-Identifier: Apache-2.0
// /api/v1/topics, /api/v1/connections[/{id}], /api/v1/deadletters[/{id}[/requeue]]: what an
// operator reads and does. Every route needs "administer" (dead letters and topics on the
// default space, connections too: closing one is an operator's act).
#include "apijson.h"
#include "pagination.h"
#include "restapi.h"

#include <switchboard/bus.h>
#include <switchboard/connection.h>
#include <switchboard/deadletterstore.h>
#include <switchboard/hub.h>
#include <switchboard/stats.h>

#include <QJsonArray>

#include <algorithm>

namespace sb::http {

namespace {

// One page of \a items (key, JSON) ordered by key, after the page's cursor.
ApiReply pageOf(std::vector<std::pair<QString, QJsonObject>> items, const Page &page)
{
    const qsizetype total = qsizetype(items.size());
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const auto &i) { return !page.after.isEmpty() && i.first <= page.after; }),
                items.end());
    const size_t n = std::min(items.size(), size_t(page.limit));
    std::partial_sort(items.begin(), items.begin() + qsizetype(n), items.end(),
                      [](const auto &a, const auto &b) { return a.first < b.first; });
    QJsonArray out;
    for (size_t i = 0; i < n; ++i)
        out.append(items[i].second);
    const bool more = items.size() > n;
    return ApiJson::data(out, 200, page.meta(n ? items[n - 1].first : QString(), more, total));
}

// The administer check and the page, or the error answered.
bool admitted(RestApi *api, const ApiRequest &request, const ApiResponder &respond, Page *page)
{
    if (Status st = api->hub()->bus()->administer(request.principal, QString()); !st) {
        respond(ApiJson::error(st.error()));
        return false;
    }
    const Result<Page> p = Page::fromRequest(request, api->options().defaultPageSize, api->options().maxPageSize);
    if (!p) {
        respond(ApiJson::error(p.error()));
        return false;
    }
    *page = p.value();
    return true;
}

void listTopics(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    Page page;
    if (!admitted(api, request, respond, &page))
        return;
    std::vector<std::pair<QString, QJsonObject>> items;
    api->hub()->bus()->stats()->forEach(Stats::Topic, [&](const QString &key, const StatsEntry &e) {
        QJsonObject o = QJsonObject::fromVariantMap(e.toVariantMap());
        o.insert(QStringLiteral("topic"), key);
        items.emplace_back(key, o);
    });
    respond(pageOf(std::move(items), page));
}

void listConnections(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    Page page;
    if (!admitted(api, request, respond, &page))
        return;
    std::vector<std::pair<QString, QJsonObject>> items;
    for (Connection *c : api->hub()->connections())
        items.emplace_back(c->id(), QJsonObject::fromVariantMap(c->toVariantMap()));
    respond(pageOf(std::move(items), page));
}

void closeConnection(RestApi *api, const ApiRequest &request, const QString &id, const ApiResponder &respond)
{
    if (Status st = api->hub()->bus()->administer(request.principal, QString()); !st)
        return respond(ApiJson::error(st.error()));
    const Status st = api->hub()->closeConnection(
        id, Error(ErrorCode::Forbidden, QStringLiteral("closed by an operator (%1)").arg(request.principal.stamp())));
    if (!st)
        return respond(ApiJson::error(st.error()));
    respond(ApiJson::noContent());
}

// Dead letters are keyed by their numeric id; zero-padded so that text order is id order.
QString letterKey(quint64 id)
{
    return QStringLiteral("%1").arg(id, 20, 10, QLatin1Char('0'));
}

Result<quint64> letterId(const QString &text)
{
    bool ok = false;
    const quint64 id = text.toULongLong(&ok);
    if (!ok || id == 0)
        return Error(ErrorCode::BadMessage, QStringLiteral("dead-letter id must be a positive integer, not \"%1\"").arg(text),
                     {{QStringLiteral("field"), QStringLiteral("id")}});
    return id;
}

void listDeadLetters(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    Page page;
    if (!admitted(api, request, respond, &page))
        return;
    if (!page.after.isEmpty())
        page.after = letterKey(page.after.toULongLong());
    std::vector<std::pair<QString, QJsonObject>> items;
    for (const DeadLetter &l : api->hub()->bus()->deadLetters()->list())
        items.emplace_back(letterKey(l.id), QJsonObject::fromVariantMap(l.toVariantMap(false)));
    ApiReply r = pageOf(std::move(items), page);
    respond(r);
}

void requeueDeadLetter(RestApi *api, const ApiRequest &request, const QString &idText, const ApiResponder &respond)
{
    const Result<quint64> id = letterId(idText);
    if (!id)
        return respond(ApiJson::error(id.error()));
    // Whether a letter exists is an operator's business: a caller who may not administer learns
    // nothing from a wrong id (core checks "administer" on the letter's destination after this).
    Bus *bus = api->hub()->bus();
    if (!bus->deadLetters()->get(id.value())) {
        if (Status st = bus->administer(request.principal, QString()); !st)
            return respond(ApiJson::error(st.error()));
    }
    const Result<int> n = bus->requeueDeadLetter(id.value(), request.principal);
    if (!n)
        return respond(ApiJson::error(n.error()));
    respond(ApiJson::data(QJsonObject{{QStringLiteral("id"), QString::number(id.value())},
                                      {QStringLiteral("deliveries"), n.value()}}));
}

void deleteDeadLetters(RestApi *api, const ApiRequest &request, const QString &idText, const ApiResponder &respond)
{
    const Result<DeadLetterStore *> store = api->hub()->bus()->administerDeadLetters(request.principal);
    if (!store)
        return respond(ApiJson::error(store.error()));
    if (idText.isEmpty())
        return respond(ApiJson::data(QJsonObject{{QStringLiteral("deleted"), store.value()->purge()}}));
    const Result<quint64> id = letterId(idText);
    if (!id)
        return respond(ApiJson::error(id.error()));
    if (store.value()->purge({id.value()}) == 0)
        return respond(ApiJson::error(Error(ErrorCode::NotFound, QStringLiteral("no dead letter %1").arg(idText),
                                            {{QStringLiteral("id"), idText}})));
    respond(ApiJson::noContent());
}

} // namespace

void addAdminRoutes(ApiRouter &router, RestApi *api, const QString &prefix)
{
    using P = const QStringList &;
    router.add("GET", prefix + QStringLiteral("/topics"), QStringLiteral("Topics seen, with counters (?limit=, ?cursor=)"),
               [api](const ApiRequest &rq, P, ApiResponder r) { listTopics(api, rq, r); }, true);
    router.add("GET", prefix + QStringLiteral("/connections"), QStringLiteral("Open connections (?limit=, ?cursor=)"),
               [api](const ApiRequest &rq, P, ApiResponder r) { listConnections(api, rq, r); }, true);
    router.add("DELETE", prefix + QStringLiteral("/connections/{id}"), QStringLiteral("Close a connection -> 204"),
               [api](const ApiRequest &rq, P p, ApiResponder r) { closeConnection(api, rq, p.value(0), r); }, true);
    router.add("GET", prefix + QStringLiteral("/deadletters"), QStringLiteral("Dead letters, oldest first (?limit=, ?cursor=)"),
               [api](const ApiRequest &rq, P, ApiResponder r) { listDeadLetters(api, rq, r); }, true);
    router.add("POST", prefix + QStringLiteral("/deadletters/{id}/requeue"),
               QStringLiteral("Publish a dead letter again to its destination"),
               [api](const ApiRequest &rq, P p, ApiResponder r) { requeueDeadLetter(api, rq, p.value(0), r); }, true);
    router.add("DELETE", prefix + QStringLiteral("/deadletters"), QStringLiteral("Delete every dead letter"),
               [api](const ApiRequest &rq, P, ApiResponder r) { deleteDeadLetters(api, rq, QString(), r); }, true);
    router.add("DELETE", prefix + QStringLiteral("/deadletters/{id}"), QStringLiteral("Delete one dead letter -> 204"),
               [api](const ApiRequest &rq, P p, ApiResponder r) { deleteDeadLetters(api, rq, p.value(0), r); }, true);
}

} // namespace sb::http
