// SPDX-License-Identifier: Apache-2.0
// POST /api/v1/events, /api/v1/messages and /api/v1/requests/{topic}: the publishing routes.
#include "apijson.h"
#include "jsonschema.h"
#include "restapi.h"
#include "tracecontext.h"

#include <switchboard/bus.h>
#include <switchboard/configvalue.h>
#include <switchboard/hub.h>
#include <switchboard/jsoncodec.h>
#include <switchboard/recipients.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

// Debug lines per call, off unless asked for (QT_LOGGING_RULES="switchboard.http.api.debug=true"):
// formatting them for every request cost 5 % of a publish.
Q_LOGGING_CATEGORY(lcHttpApi, "switchboard.http.api", QtInfoMsg)

namespace sb::http {

namespace {

// The message's payload from member \a key of the body: JSON values keep the bytes the client
// sent (content type application/json), a string becomes its UTF-8 text, null or absent an
// empty payload.
void setPayload(Message &m, const QJsonObject &object, const QByteArray &body, const QString &key)
{
    const QJsonValue v = object.value(key);
    if (v.isUndefined() || v.isNull())
        return;
    if (v.isString()) {
        m.setPayload(v.toString().toUtf8());
        return;
    }
    QByteArray raw = ApiJson::rawMember(body, key.toUtf8());
    if (raw.isEmpty()) { // the key was spelt with escapes: serialise the parsed value
        const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        raw = wrapped.mid(1, wrapped.size() - 2);
    }
    m.setPayload(raw);
    m.setContentType(QStringLiteral("application/json"));
}

Result<Headers> headersFrom(const QJsonObject &object)
{
    const QJsonValue v = object.value(QStringLiteral("headers"));
    Headers h;
    if (v.isUndefined() || v.isNull())
        return h;
    if (!v.isObject())
        return Error(ErrorCode::BadMessage, QStringLiteral("\"headers\" must be an object of strings"),
                     {{QStringLiteral("field"), QStringLiteral("headers")}});
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString())
            return Error(ErrorCode::BadMessage, QStringLiteral("header \"%1\" must be a string").arg(it.key()),
                         {{QStringLiteral("field"), QString(QStringLiteral("headers.") + it.key())}});
        h.insert(it.key(), it.value().toString());
    }
    return h;
}

// The channel's JSON Schema, when the message names a channel that has one, over member \a key
// as the client wrote it: the payload's own bytes for JSON values (big integers exact), the
// string as JSON for a string, null when absent. VALIDATION_FAILED (422) with the failing path.
Status checkSchema(RestApi *api, const Principal &who, const Message &m, const QJsonObject &object, const QString &key)
{
    if (m.channel().isEmpty())
        return {};
    const std::optional<ChannelConfig> channel = api->hub()->bus()->channel(m.channel());
    if (!channel || channel->schema.isEmpty())
        return {}; // an unknown channel is the bus's to answer
    // A caller who may not publish there learns nothing of the schema: refused first.
    if (Status st = api->hub()->bus()->mayAct(who, Action::Publish, m.channel(), m.topic()); !st)
        return st;
    const Result<JsonSchema> schema = api->schemas().schemaFor(*channel);
    if (!schema)
        return schema.error();
    const QJsonValue v = object.value(key);
    QByteArray json = m.payload();
    if (v.isUndefined() || v.isNull()) {
        json = QByteArrayLiteral("null");
    } else if (v.isString()) {
        const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        json = wrapped.mid(1, wrapped.size() - 2);
    }
    Status st = schema->validate(json);
    if (!st && st.error().code == ErrorCode::ValidationFailed) {
        Error e = st.error();
        e.message = QStringLiteral("\"%1\" does not match the schema of channel \"%2\" at \"%3\": %4")
                        .arg(key, m.channel(), e.details.value(QStringLiteral("path")).toString(),
                             e.details.value(QStringLiteral("reason")).toString());
        e.details.insert(QStringLiteral("channel"), m.channel());
        return e;
    }
    return st;
}

// Headers, trace context and a hub id before the bus sees the message: the id is answered.
Status prepare(Message &m, const QJsonObject &object, const ApiRequest &request, QByteArray *traceparent)
{
    Result<Headers> headers = headersFrom(object);
    if (!headers)
        return headers.error();
    Headers h = headers.value();
    if (const QJsonValue to = object.value(QStringLiteral("to")); !to.isUndefined()) {
        Result<QString> selector = Recipients::selectorFromJson(to); // targeted sends
        if (!selector)
            return selector.error();
        h.insert(Recipients::headerName(), selector.value());
    }
    *traceparent = TraceContext::acceptOrCreate(request.header("traceparent"));
    h.insert(QStringLiteral("traceparent"), QString::fromLatin1(*traceparent));
    m.setHeaders(h);
    m.setId(Message::newId());
    return {};
}

ApiReply accepted(const QString &id, int deliveries, const QByteArray &traceparent)
{
    ApiReply r = ApiJson::accepted(id, deliveries);
    r.headers.append({"traceparent", traceparent});
    return r;
}

void publishEvent(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    const Result<QJsonObject> body = ApiJson::parseObject(request);
    if (!body)
        return respond(ApiJson::error(body.error()));
    const QJsonObject &o = body.value();
    const Result<QString> topic = ApiJson::requiredString(o, QStringLiteral("topic"));
    const Result<QString> event = ApiJson::optionalString(o, QStringLiteral("event"));
    const Result<QString> channel = ApiJson::optionalString(o, QStringLiteral("channel"));
    for (const auto *r : {&topic, &event, &channel}) {
        if (!*r)
            return respond(ApiJson::error(r->error()));
    }
    Message m(MessageType::Event, topic.value());
    m.setChannel(channel.value());
    if (!event.value().isEmpty())
        m.setAction(event.value());
    setPayload(m, o, request.body, QStringLiteral("payload"));
    if (Status st = checkSchema(api, request.principal, m, o, QStringLiteral("payload")); !st)
        return respond(ApiJson::error(st.error()));
    QByteArray trace;
    if (Status st = prepare(m, o, request, &trace); !st)
        return respond(ApiJson::error(st.error()));
    qCDebug(lcHttpApi) << "event" << m.id() << "topic" << m.topic() << "traceparent" << trace;
    // 202 once the bus took it; on a persistent channel, once the journal stored it.
    api->hub()->bus()->publish(m, request.principal, nullptr, api, [respond, id = m.id(), trace](const Result<int> &n) {
        if (!n)
            return respond(ApiJson::error(n.error()));
        respond(accepted(id, n.value(), trace));
    });
}

void sendMessage(RestApi *api, const ApiRequest &request, const ApiResponder &respond)
{
    const Result<QJsonObject> body = ApiJson::parseObject(request);
    if (!body)
        return respond(ApiJson::error(body.error()));
    const QJsonObject &o = body.value();
    const Result<QString> destination = ApiJson::requiredString(o, QStringLiteral("destination"));
    const Result<QString> channel = ApiJson::optionalString(o, QStringLiteral("channel"));
    for (const auto *r : {&destination, &channel}) {
        if (!*r)
            return respond(ApiJson::error(r->error()));
    }
    Message m(MessageType::Event, destination.value());
    m.setChannel(channel.value());
    setPayload(m, o, request.body, QStringLiteral("message"));
    if (Status st = checkSchema(api, request.principal, m, o, QStringLiteral("message")); !st)
        return respond(ApiJson::error(st.error()));
    QByteArray trace;
    if (Status st = prepare(m, o, request, &trace); !st)
        return respond(ApiJson::error(st.error()));
    qCDebug(lcHttpApi) << "message" << m.id() << "to" << m.topic() << "traceparent" << trace;
    auto done = [respond, id = m.id(), to = destination.value(), trace](const Result<int> &n) {
        if (!n)
            return respond(ApiJson::error(n.error()));
        // A point-to-point send that reached nobody was dead-lettered by the bus (NO_ROUTE): say so.
        if (n.value() == 0)
            return respond(ApiJson::error(Error(ErrorCode::NoRoute, QStringLiteral("nobody is subscribed at \"%1\"").arg(to),
                                                {{QStringLiteral("destination"), to}, {QStringLiteral("id"), id}})));
        respond(accepted(id, n.value(), trace));
    };
    api->hub()->bus()->publish(m, request.principal, nullptr, api, done);
}

Result<int> requestTimeout(const RestApi *api, const ApiRequest &request)
{
    bool present = false;
    const QString t = request.query(QStringLiteral("timeout"), &present);
    if (!present)
        return api->options().defaultRequestTimeoutMs;
    const Result<qint64> ms = config::parseDurationMs(t, QStringLiteral("timeout"));
    if (!ms || ms.value() < 1 || ms.value() > api->options().maxRequestTimeoutMs)
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("timeout must be a duration from 1ms to %1ms (\"500ms\", \"2s\"), not \"%2\"")
                         .arg(api->options().maxRequestTimeoutMs)
                         .arg(t),
                     {{QStringLiteral("field"), QStringLiteral("timeout")}});
    return int(ms.value());
}

void sendRequest(RestApi *api, const ApiRequest &request, const QString &topic, const ApiResponder &respond)
{
    const Result<int> timeout = requestTimeout(api, request);
    if (!timeout)
        return respond(ApiJson::error(timeout.error()));
    Message m(MessageType::Request, topic, request.body);
    const QByteArray type = request.header("content-type");
    if (!type.isEmpty())
        m.setContentType(QString::fromLatin1(type));
    if (JsonCodec::isJsonContentType(m.contentType()) && !request.body.isEmpty()) {
        QJsonParseError pe;
        QJsonDocument::fromJson(request.body, &pe);
        if (pe.error != QJsonParseError::NoError)
            return respond(ApiJson::error(Error(ErrorCode::BadMessage,
                                                QStringLiteral("the body is not valid JSON: %1 at offset %2")
                                                    .arg(pe.errorString())
                                                    .arg(pe.offset))));
    }
    m.setChannel(request.query(QStringLiteral("channel")));
    QByteArray trace;
    if (Status st = prepare(m, {}, request, &trace); !st)
        return respond(ApiJson::error(st.error()));
    auto done = [respond, trace](const Result<Message> &reply) {
        if (!reply)
            return respond(ApiJson::error(reply.error()));
        if (reply.value().error().isError())
            return respond(ApiJson::error(reply.value().error()));
        ApiReply r = ApiJson::data(JsonCodec::toJsonObject(reply.value()));
        r.headers.append({"traceparent", trace});
        respond(r);
    };
    const Result<QString> corr = api->hub()->bus()->request(m, timeout.value(), api, done, request.principal);
    qCDebug(lcHttpApi) << "request" << m.id() << "topic" << topic << "traceparent" << trace;
    if (!corr)
        respond(ApiJson::error(corr.error()));
}

} // namespace

void addEventRoutes(ApiRouter &router, RestApi *api, const QString &prefix)
{
    router.add("POST", prefix + QStringLiteral("/events"),
               QStringLiteral("Publish an event: {topic, event, payload, channel?, headers?, to?} -> 202 with its id"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder respond) { publishEvent(api, rq, respond); });
    router.add("POST", prefix + QStringLiteral("/messages"),
               QStringLiteral("Send point-to-point: {destination, channel?, message, headers?} -> 202"),
               [api](const ApiRequest &rq, const QStringList &, ApiResponder respond) { sendMessage(api, rq, respond); });
    router.add("POST", prefix + QStringLiteral("/requests/{topic}"),
               QStringLiteral("Request/reply: the body is the request; ?timeout=, ?channel= -> the reply"),
               [api](const ApiRequest &rq, const QStringList &p, ApiResponder respond) {
                   sendRequest(api, rq, p.value(0), respond);
               });
}

} // namespace sb::http
