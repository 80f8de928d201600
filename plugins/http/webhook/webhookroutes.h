// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace sb::http {

class ApiRouter;
class WebhookHub;

// POST {prefix}/subscribe, GET {prefix}/subscriptions[/{id}], DELETE {prefix}/subscriptions/{id}.
void addWebhookRoutes(ApiRouter &router, WebhookHub *webhooks, const QString &prefix);

} // namespace sb::http
