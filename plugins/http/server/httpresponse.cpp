// SPDX-License-Identifier: Apache-2.0
#include "httpresponse.h"

#include <QMutex>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace sb::http {

namespace {

bool isToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || (c != 0 && QByteArrayView("!#$%&'*+-.^_`|~").contains(c));
        if (!ok)
            return false;
    }
    return true;
}

bool isSafeValue(const QByteArray &value)
{
    return !value.contains('\r') && !value.contains('\n') && !value.contains('\0');
}

// Headers the serializer writes itself.
bool isFramingHeader(const QByteArray &name)
{
    return name.compare("content-length", Qt::CaseInsensitive) == 0
           || name.compare("transfer-encoding", Qt::CaseInsensitive) == 0
           || name.compare("connection", Qt::CaseInsensitive) == 0 || name.compare("date", Qt::CaseInsensitive) == 0;
}

} // namespace

HttpResponse::HttpResponse(int status, const QByteArray &body, const QByteArray &contentType) : m_status(status)
{
    setBody(body, contentType);
}

HttpResponse HttpResponse::jsonError(int status, const QString &code, const QString &message, const QVariantMap &details)
{
    const QJsonObject error{{QStringLiteral("code"), code},
                            {QStringLiteral("message"), message},
                            {QStringLiteral("details"), QJsonObject::fromVariantMap(details)}};
    const QJsonObject root{{QStringLiteral("error"), error}};
    return HttpResponse(status, QJsonDocument(root).toJson(QJsonDocument::Compact), "application/json");
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "Unknown";
    }
}

QByteArray HttpResponse::currentDate()
{
    // One string per second: a server answering thousands of requests a second formats the date
    // once. Guarded, not thread_local: LeakSanitizer's tracer crashes at exit on the dynamic TLS of
    // a dlopen()ed plugin here (GCC 12), and answers are written in one thread anyway.
    static QBasicMutex mutex;
    static qint64 cachedSecond = -1;
    static QByteArray cached;
    const QMutexLocker lock(&mutex);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 second = now.toSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
    }
    return cached;
}

QByteArray HttpResponse::continueLine()
{
    return QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n");
}

bool HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    if (!isToken(name) || !isSafeValue(value))
        return false;
    m_headers.removeIf([&](const auto &h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
    m_headers.append({name, value});
    return true;
}

bool HttpResponse::addHeader(const QByteArray &name, const QByteArray &value)
{
    if (!isToken(name) || !isSafeValue(value))
        return false;
    m_headers.append({name, value});
    return true;
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

void HttpResponse::setBody(const QByteArray &body, const QByteArray &contentType)
{
    m_body = body;
    if (!contentType.isEmpty())
        setHeader("Content-Type", contentType);
}

QByteArray HttpResponse::serialize(bool close, bool keepAliveHeader, bool headRequest, Framing framing) const
{
    // 1xx, 204 and 304 carry no body and no Content-Length (RFC 9110 8.6).
    const bool bodyless = (m_status >= 100 && m_status < 200) || m_status == 204 || m_status == 304;
    QByteArray out;
    out.reserve(128 + m_headers.size() * 32 + (headRequest || bodyless ? 0 : m_body.size()));
    out += "HTTP/1.1 " + QByteArray::number(m_status) + ' ' + reasonPhrase(m_status) + "\r\n";
    out += "Date: " + currentDate() + "\r\n";
    for (const auto &h : m_headers) {
        if (!isFramingHeader(h.first))
            out += h.first + ": " + h.second + "\r\n";
    }
    if (framing == Framing::ContentLength && !bodyless)
        out += "Content-Length: " + QByteArray::number(m_body.size()) + "\r\n";
    if (m_status == 101)
        out += "Connection: Upgrade\r\n";
    else if (close || m_close)
        out += "Connection: close\r\n";
    else if (keepAliveHeader)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (!headRequest && !bodyless)
        out += m_body;
    return out;
}

} // namespace sb::http
