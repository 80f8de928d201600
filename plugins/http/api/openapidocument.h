// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apirouter.h"

#include <QJsonObject>

namespace sb::http {

// GET /api/v1/openapi.json: an OpenAPI 3.1 document made from the router's own table, so every
// route that exists is in it (and nothing that does not), with the extra paths the HTTP plugin
// serves itself (/health, /metrics).
namespace OpenApiDocument {
struct ExtraPath {
    QByteArray method;
    QString path;
    QString summary;
    QByteArray contentType; // of the success answer
};
QJsonObject build(const ApiRouter &router, const QList<ExtraPath> &extra, const QString &hubVersion);
} // namespace OpenApiDocument

} // namespace sb::http
