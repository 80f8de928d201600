// SPDX-License-Identifier: Apache-2.0
#include "apijson.h"

#include <switchboard/jsoncodec.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QMutex>

#include <cmath>

namespace sb::http {

QString ApiJson::apiVersion()
{
    return QStringLiteral("v1");
}

int ApiJson::httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None: return 200;
    case ErrorCode::BadFrame:
    case ErrorCode::BadMessage:
    case ErrorCode::InvalidTopic:
    case ErrorCode::UnknownFrame:
    case ErrorCode::InvalidConfig: return 400;
    case ErrorCode::Unauthenticated: return 401;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::ChannelNotFound:
    case ErrorCode::NoRoute:
    case ErrorCode::NotFound: return 404;
    case ErrorCode::MethodNotAllowed: return 405;
    case ErrorCode::ChannelExists:
    case ErrorCode::AddressInUse:
    case ErrorCode::Conflict: return 409;
    case ErrorCode::Expired: return 410;
    case ErrorCode::TooLarge: return 413;
    case ErrorCode::UnsupportedMediaType: return 415;
    case ErrorCode::ValidationFailed: return 422;
    case ErrorCode::RateLimited:
    case ErrorCode::LimitExceeded: return 429;
    case ErrorCode::HandlerFailed: return 502;
    case ErrorCode::NoResponders:
    case ErrorCode::QueueFull:
    case ErrorCode::Overflow:
    case ErrorCode::NotConnected:
    case ErrorCode::StorageFailed: return 503;
    case ErrorCode::StorageFull: return 507;
    case ErrorCode::Timeout: return 504;
    case ErrorCode::PluginIncompatible:
    case ErrorCode::PluginLoadFailed:
    case ErrorCode::PortInUse:
    case ErrorCode::Internal: return 500;
    }
    return 500;
}

namespace {

// The meta timestamp, formatted once per millisecond (QDateTime formatting is costly). Guarded
// statics, not thread_local (see HttpResponse::currentDate: LeakSanitizer and a plugin's TLS).
QString nowFormatted()
{
    static QBasicMutex mutex;
    static qint64 lastMs = -1;
    static QString last;
    const QMutexLocker lock(&mutex);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now != lastMs) {
        lastMs = now;
        last = JsonCodec::formatTimestamp(now);
    }
    return last;
}

// A JSON string literal of \a s (quotes included); ASCII by hand, anything else through Qt.
void appendJsonString(QByteArray &out, QStringView s)
{
    for (const QChar c : s) {
        if (c.unicode() >= 0x80) {
            const QByteArray a = QJsonDocument(QJsonArray{s.toString()}).toJson(QJsonDocument::Compact);
            out += QByteArrayView(a).sliced(1, a.size() - 2);
            return;
        }
    }
    out += '"';
    for (const QChar c : s) {
        const char u = char(c.unicode());
        if (u == '"' || u == '\\') {
            out += '\\';
            out += u;
        } else if (u < 0x20) {
            out += "\\u00";
            out += "0123456789abcdef"[u >> 4];
            out += "0123456789abcdef"[u & 15];
        } else {
            out += u;
        }
    }
    out += '"';
}

QJsonObject withMeta(QJsonObject meta)
{
    meta.insert(QStringLiteral("timestamp"), nowFormatted());
    meta.insert(QStringLiteral("version"), ApiJson::apiVersion());
    const QString hub = QCoreApplication::applicationVersion();
    if (!hub.isEmpty())
        meta.insert(QStringLiteral("hubVersion"), hub);
    return meta;
}

} // namespace

ApiReply ApiJson::data(const QJsonValue &data, int status, const QJsonObject &meta)
{
    ApiReply r;
    r.status = status;
    QJsonObject o{{QStringLiteral("data"), data}, {QStringLiteral("meta"), withMeta(meta)}};
    r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
    return r;
}

ApiReply ApiJson::noContent()
{
    ApiReply r;
    r.status = 204;
    r.contentType.clear();
    return r;
}

ApiReply ApiJson::accepted(const QString &id, int deliveries)
{
    ApiReply r;
    r.status = 202;
    QByteArray &b = r.body;
    b.reserve(160);
    b += "{\"data\":{\"deliveries\":";
    b += QByteArray::number(deliveries);
    b += ",\"id\":";
    appendJsonString(b, id);
    b += "},\"meta\":{";
    const QString hub = QCoreApplication::applicationVersion();
    if (!hub.isEmpty()) {
        b += "\"hubVersion\":";
        appendJsonString(b, hub);
        b += ',';
    }
    b += "\"timestamp\":";
    appendJsonString(b, nowFormatted());
    b += ",\"version\":\"v1\"}}";
    return r;
}

ApiReply ApiJson::error(const Error &error)
{
    ApiReply r;
    r.status = httpStatus(error.code);
    QJsonObject e{{QStringLiteral("code"), error.codeName()},
                  {QStringLiteral("message"), error.message},
                  {QStringLiteral("details"), QJsonObject::fromVariantMap(error.details)}};
    r.body = QJsonDocument(QJsonObject{{QStringLiteral("error"), e}}).toJson(QJsonDocument::Compact);
    if (error.code == ErrorCode::RateLimited || error.code == ErrorCode::LimitExceeded) {
        const double ms = error.details.value(QStringLiteral("retryAfterMs")).toDouble();
        if (ms > 0 || error.code == ErrorCode::RateLimited) {
            const qint64 secs = std::max<qint64>(1, qint64(std::ceil(std::min(ms, 86400000.0) / 1000.0)));
            r.headers.append({"retry-after", QByteArray::number(secs)});
        }
    }
    if (error.code == ErrorCode::MethodNotAllowed)
        r.headers.append({"allow", error.details.value(QStringLiteral("allow")).toString().toLatin1()});
    return r;
}

Result<QJsonObject> ApiJson::parseObject(const ApiRequest &request)
{
    const QByteArray type = request.header("content-type");
    const QByteArray mime = type.left(type.indexOf(';') < 0 ? type.size() : type.indexOf(';')).trimmed().toLower();
    if (mime != "application/json" && !mime.endsWith("+json"))
        return Error(ErrorCode::UnsupportedMediaType,
                     QStringLiteral("the body must be JSON (Content-Type: application/json), not \"%1\"")
                         .arg(QString::fromLatin1(type.isEmpty() ? QByteArray("none") : type)),
                     {{QStringLiteral("contentType"), QString::fromLatin1(type)}});
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("the body is not valid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset),
                     {{QStringLiteral("offset"), pe.offset}});
    if (!doc.isObject())
        return Error(ErrorCode::BadMessage, QStringLiteral("the body must be a JSON object"));
    return doc.object();
}

namespace {

qsizetype skipSpace(QByteArrayView s, qsizetype i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        ++i;
    return i;
}

// End of the string starting at the quote at \a i (one past the closing quote), or -1.
qsizetype skipString(QByteArrayView s, qsizetype i)
{
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\')
            ++i;
        else if (s[i] == '"')
            return i + 1;
    }
    return -1;
}

// End of the value starting at \a i (one past it), or -1.
qsizetype skipValue(QByteArrayView s, qsizetype i)
{
    if (i >= s.size())
        return -1;
    if (s[i] == '"')
        return skipString(s, i);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '"') {
                i = skipString(s, i);
                if (i < 0)
                    return -1;
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return i + 1;
            ++i;
        }
        return -1;
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t'
           && s[i] != '\n' && s[i] != '\r')
        ++i;
    return i;
}

} // namespace

QByteArray ApiJson::rawMember(QByteArrayView json, QByteArrayView name)
{
    qsizetype i = skipSpace(json, 0);
    if (i >= json.size() || json[i] != '{')
        return {};
    i = skipSpace(json, i + 1);
    QByteArray found; // the last of duplicate keys, as QJsonDocument keeps
    while (i < json.size() && json[i] == '"') {
        const qsizetype keyEnd = skipString(json, i);
        if (keyEnd < 0)
            return {};
        // Compared as written: a key spelt with escapes does not match, and the caller falls back
        // to the parsed value.
        const QByteArrayView key = json.sliced(i + 1, keyEnd - i - 2);
        i = skipSpace(json, keyEnd);
        if (i >= json.size() || json[i] != ':')
            return {};
        i = skipSpace(json, i + 1);
        const qsizetype valueEnd = skipValue(json, i);
        if (valueEnd < 0)
            return {};
        if (key == name)
            found = json.sliced(i, valueEnd - i).toByteArray();
        i = skipSpace(json, valueEnd);
        if (i < json.size() && json[i] == ',')
            i = skipSpace(json, i + 1);
        else
            break;
    }
    return found;
}

Result<QString> ApiJson::requiredString(const QJsonObject &object, const QString &name)
{
    const QJsonValue v = object.value(name);
    if (!v.isString() || v.toString().isEmpty())
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("\"%1\" is required and must be a non-empty string").arg(name),
                     {{QStringLiteral("field"), name}});
    return v.toString();
}

Result<QString> ApiJson::optionalString(const QJsonObject &object, const QString &name)
{
    const QJsonValue v = object.value(name);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return Error(ErrorCode::BadMessage, QStringLiteral("\"%1\" must be a string").arg(name),
                     {{QStringLiteral("field"), name}});
    return v.toString();
}

} // namespace sb::http
