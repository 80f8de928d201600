// SPDX-License-Identifier: Apache-2.0
#include "webhookroutes.h"

#include "apijson.h"
#include "apirouter.h"
#include "webhookhub.h"

namespace sb::http {

void addWebhookRoutes(ApiRouter &router, WebhookHub *webhooks, const QString &prefix)
{
    using P = const QStringList &;
    router.add("POST", prefix + QStringLiteral("/subscribe"),
               QStringLiteral("Make a webhook subscription: {topic, channel?, event_types?, filter?, webhook} -> 201 "
                              "with its signing secret (shown once)"),
               [webhooks](const ApiRequest &rq, P, ApiResponder respond) {
                   const Result<QJsonObject> body = ApiJson::parseObject(rq);
                   if (!body)
                       return respond(ApiJson::error(body.error()));
                   Result<QJsonObject> made = webhooks->create(body.value(), rq.principal);
                   respond(made ? ApiJson::data(made.value(), 201) : ApiJson::error(made.error()));
               });
    router.add("GET", prefix + QStringLiteral("/subscriptions"),
               QStringLiteral("The caller's webhook subscriptions with their delivery state (?all=true: everybody's, "
                              "for operators)"),
               [webhooks](const ApiRequest &rq, P, ApiResponder respond) {
                   const bool all = rq.query(QStringLiteral("all")) == QLatin1String("true");
                   Result<QJsonArray> list = webhooks->list(rq.principal, all);
                   respond(list ? ApiJson::data(list.value()) : ApiJson::error(list.error()));
               });
    router.add("GET", prefix + QStringLiteral("/subscriptions/{id}"), QStringLiteral("One webhook subscription"),
               [webhooks](const ApiRequest &rq, P p, ApiResponder respond) {
                   Result<QJsonObject> one = webhooks->get(p.value(0), rq.principal);
                   respond(one ? ApiJson::data(one.value()) : ApiJson::error(one.error()));
               });
    router.add("DELETE", prefix + QStringLiteral("/subscriptions/{id}"),
               QStringLiteral("Delete a webhook subscription -> 204 (its waiting deliveries are dead-lettered)"),
               [webhooks](const ApiRequest &rq, P p, ApiResponder respond) {
                   if (Status st = webhooks->remove(p.value(0), rq.principal); !st)
                       return respond(ApiJson::error(st.error()));
                   respond(ApiJson::noContent());
               });
}

} // namespace sb::http
