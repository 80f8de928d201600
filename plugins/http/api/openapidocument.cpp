// SPDX-License-Identifier: Apache-2.0
#include "openapidocument.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace sb::http {

namespace {

QJsonObject ref(const QString &name)
{
    return {{QStringLiteral("$ref"), QString(QStringLiteral("#/components/schemas/") + name)}};
}

QJsonObject jsonContent(const QJsonObject &schema)
{
    return {{QStringLiteral("application/json"), QJsonObject{{QStringLiteral("schema"), schema}}}};
}

QJsonObject schemas()
{
    const QJsonObject str{{QStringLiteral("type"), QStringLiteral("string")}};
    const QJsonObject obj{{QStringLiteral("type"), QStringLiteral("object")}};
    auto object = [](const QJsonObject &props, const QStringList &required) {
        QJsonObject o{{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), props}};
        if (!required.isEmpty())
            o.insert(QStringLiteral("required"), QJsonArray::fromStringList(required));
        return o;
    };
    const QJsonObject headers{{QStringLiteral("type"), QStringLiteral("object")},
                              {QStringLiteral("additionalProperties"), str}};
    QJsonObject s;
    s.insert(QStringLiteral("Error"),
             object({{QStringLiteral("error"),
                      object({{QStringLiteral("code"), str}, {QStringLiteral("message"), str}, {QStringLiteral("details"), obj}},
                             {QStringLiteral("code"), QStringLiteral("message")})}},
                    {QStringLiteral("error")}));
    s.insert(QStringLiteral("Envelope"), object({{QStringLiteral("data"), QJsonObject()}, {QStringLiteral("meta"), obj}},
                                                {QStringLiteral("data"), QStringLiteral("meta")}));
    s.insert(QStringLiteral("Event"), object({{QStringLiteral("topic"), str}, {QStringLiteral("event"), str},
                                              {QStringLiteral("payload"), QJsonObject()}, {QStringLiteral("channel"), str},
                                              {QStringLiteral("headers"), headers}},
                                             {QStringLiteral("topic")}));
    s.insert(QStringLiteral("DirectMessage"),
             object({{QStringLiteral("destination"), str}, {QStringLiteral("channel"), str},
                     {QStringLiteral("message"), QJsonObject()}, {QStringLiteral("headers"), headers}},
                    {QStringLiteral("destination")}));
    QJsonObject type = str;
    type.insert(QStringLiteral("enum"), QJsonArray{QStringLiteral("broadcast"), QStringLiteral("point-to-point"),
                                                   QStringLiteral("topic"), QStringLiteral("queue")});
    s.insert(QStringLiteral("Channel"),
             object({{QStringLiteral("name"), str}, {QStringLiteral("type"), type},
                     {QStringLiteral("protocols"), QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                               {QStringLiteral("items"), str}}},
                     {QStringLiteral("require-auth"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}},
                     {QStringLiteral("schema"), obj}},
                    {QStringLiteral("name")}));
    return s;
}

QJsonArray parametersOf(const QString &path, const QByteArray &method)
{
    QJsonArray out;
    static const QRegularExpression param(QStringLiteral("\\{([a-z]+)\\}"));
    for (auto it = param.globalMatch(path); it.hasNext();) {
        out.append(QJsonObject{{QStringLiteral("name"), it.next().captured(1)},
                               {QStringLiteral("in"), QStringLiteral("path")},
                               {QStringLiteral("required"), true},
                               {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
    }
    auto query = [&](const char *name, const char *description) {
        out.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                               {QStringLiteral("in"), QStringLiteral("query")},
                               {QStringLiteral("description"), QString::fromLatin1(description)},
                               {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}});
    };
    if (method == "GET" && !path.endsWith(QLatin1Char('}'))) {
        query("limit", "page size");
        query("cursor", "nextCursor of the previous page");
    }
    if (path.contains(QLatin1String("/requests/"))) {
        query("timeout", "how long to wait for the reply (\"500ms\", \"2s\")");
        query("channel", "the channel the request goes to");
    }
    return out;
}

QJsonObject requestBodyOf(const QString &path, const QByteArray &method)
{
    QString schema;
    if (path.endsWith(QLatin1String("/events")))
        schema = QStringLiteral("Event");
    else if (path.endsWith(QLatin1String("/messages")))
        schema = QStringLiteral("DirectMessage");
    else if (path.contains(QLatin1String("/channels")) && (method == "POST" || method == "PUT"))
        schema = QStringLiteral("Channel");
    else if (path.contains(QLatin1String("/requests/")))
        return {{QStringLiteral("content"), QJsonObject{{QStringLiteral("*/*"), QJsonObject()}}}};
    if (schema.isEmpty())
        return {};
    return {{QStringLiteral("required"), true}, {QStringLiteral("content"), jsonContent(ref(schema))}};
}

QJsonObject operation(const QString &path, const QByteArray &method, const QString &summary, bool admin,
                      const QByteArray &contentType)
{
    QJsonObject op{{QStringLiteral("summary"), summary},
                   {QStringLiteral("operationId"),
                    QString(QString::fromLatin1(method).toLower()
                            + QString(path).replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), QStringLiteral("_")))}};
    const QJsonArray params = parametersOf(path, method);
    if (!params.isEmpty())
        op.insert(QStringLiteral("parameters"), params);
    const QJsonObject body = requestBodyOf(path, method);
    if (!body.isEmpty())
        op.insert(QStringLiteral("requestBody"), body);
    QJsonObject ok{{QStringLiteral("description"), QStringLiteral("success")}};
    if (contentType == "application/json")
        ok.insert(QStringLiteral("content"), jsonContent(ref(QStringLiteral("Envelope"))));
    else if (!contentType.isEmpty())
        ok.insert(QStringLiteral("content"), QJsonObject{{QString::fromLatin1(contentType), QJsonObject()}});
    const QString code = method == "POST" && (path.endsWith(QLatin1String("/events")) || path.endsWith(QLatin1String("/messages")))
        ? QStringLiteral("202")
        : method == "DELETE" && path.endsWith(QLatin1Char('}')) ? QStringLiteral("204")
        : method == "POST" && path.endsWith(QLatin1String("/channels")) ? QStringLiteral("201")
                                                                     : QStringLiteral("200");
    op.insert(QStringLiteral("responses"),
              QJsonObject{{code, ok},
                          {QStringLiteral("default"),
                           QJsonObject{{QStringLiteral("description"), QStringLiteral("an error (docs/CONTRACTS.md section 2)")},
                                       {QStringLiteral("content"), jsonContent(ref(QStringLiteral("Error")))}}}});
    if (admin)
        op.insert(QStringLiteral("x-switchboard-needs"), QStringLiteral("administer"));
    return op;
}

} // namespace

QJsonObject OpenApiDocument::build(const ApiRouter &router, const QList<ExtraPath> &extra, const QString &hubVersion)
{
    QJsonObject paths;
    auto add = [&](const QString &path, const QByteArray &method, const QString &summary, bool admin, const QByteArray &type) {
        QJsonObject item = paths.value(path).toObject();
        item.insert(QString::fromLatin1(method).toLower(), operation(path, method, summary, admin, type));
        paths.insert(path, item);
    };
    for (const ApiRouter::Route &r : router.routes())
        add(r.pattern, r.method, r.summary, r.administer, r.method == "DELETE" ? QByteArray() : QByteArray("application/json"));
    for (const ExtraPath &e : extra)
        add(e.path, e.method, e.summary, false, e.contentType);
    const QJsonObject bearer{{QStringLiteral("type"), QStringLiteral("http")}, {QStringLiteral("scheme"), QStringLiteral("bearer")},
                             {QStringLiteral("description"), QStringLiteral("a token, an API key (sbk_...) or a JWT")}};
    const QJsonObject apiKey{{QStringLiteral("type"), QStringLiteral("apiKey")}, {QStringLiteral("in"), QStringLiteral("header")},
                             {QStringLiteral("name"), QStringLiteral("X-API-Key")}};
    const QJsonObject mtls{{QStringLiteral("type"), QStringLiteral("mutualTLS")}};
    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.1.0")},
        {QStringLiteral("info"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Switchboard REST API")},
                                             {QStringLiteral("version"), hubVersion.isEmpty() ? QStringLiteral("v1") : hubVersion}}},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("components"),
         QJsonObject{{QStringLiteral("schemas"), schemas()},
                     {QStringLiteral("securitySchemes"),
                      QJsonObject{{QStringLiteral("bearer"), bearer}, {QStringLiteral("apiKey"), apiKey}, {QStringLiteral("mutualTLS"), mtls}}}}},
        {QStringLiteral("security"),
         QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray()}}, QJsonObject{{QStringLiteral("apiKey"), QJsonArray()}},
                    QJsonObject{{QStringLiteral("mutualTLS"), QJsonArray()}}, QJsonObject()}},
    };
}

} // namespace sb::http
