// SPDX-License-Identifier: Apache-2.0
#include "apirouter.h"

#include "apijson.h"

namespace sb::http {

void ApiRouter::add(const QByteArray &method, const QString &pattern, const QString &summary, Handler handler,
                    bool administer)
{
    m_routes.push_back(Route{method, pattern, summary, administer});
    m_entries.push_back(Entry{pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts), std::move(handler)});
}

bool ApiRouter::match(const Entry &entry, const QStringList &segments, QStringList *params) const
{
    if (entry.segments.size() != segments.size())
        return false;
    params->clear();
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &p = entry.segments[i];
        if (p.startsWith(QLatin1Char('{')) && p.endsWith(QLatin1Char('}'))) {
            if (segments[i].isEmpty())
                return false;
            params->append(segments[i]);
        } else if (p != segments[i]) {
            return false;
        }
    }
    return true;
}

bool ApiRouter::split(const QByteArray &rawPath, QStringList *segments)
{
    // Split the raw path first, then decode each segment: "%2F" stays inside its segment.
    const QByteArrayView path(rawPath);
    qsizetype start = 0;
    while (start < path.size()) {
        qsizetype end = path.indexOf('/', start);
        if (end < 0)
            end = path.size();
        const QByteArrayView raw = path.sliced(start, end - start);
        start = end + 1;
        if (raw.isEmpty())
            continue;
        if (!raw.contains('%')) { // the common case: nothing to decode
            segments->append(QString::fromUtf8(raw));
            continue;
        }
        QByteArray decoded;
        if (!percentDecode(raw, &decoded))
            return false;
        segments->append(QString::fromUtf8(decoded));
    }
    return true;
}

const ApiRouter::Route *ApiRouter::find(const QByteArray &method, const QByteArray &rawPath) const
{
    return resolve(method, rawPath).route;
}

ApiRouter::Match ApiRouter::resolve(const QByteArray &method, const QByteArray &rawPath) const
{
    Match m;
    QStringList segments;
    if (!split(rawPath, &segments))
        return m;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (m_routes[i].method == method && match(m_entries[i], segments, &m.params)) {
            m.route = &m_routes[i];
            m.index = i;
            return m;
        }
    }
    m.params.clear();
    return m;
}

void ApiRouter::dispatch(const ApiRequest &request, const Match &match, ApiResponder respond) const
{
    if (!match.route || match.index >= m_entries.size() || &m_routes[match.index] != match.route)
        return dispatch(request, std::move(respond));
    m_entries[match.index].handler(request, match.params, std::move(respond));
}

void ApiRouter::dispatch(const ApiRequest &request, ApiResponder respond) const
{
    QStringList segments;
    const QByteArray path = request.rawPath();
    if (!split(path, &segments)) {
        respond(ApiJson::error(Error(ErrorCode::BadMessage,
                                     QStringLiteral("malformed percent-escape in the path \"%1\"").arg(QString::fromUtf8(path)))));
        return;
    }
    QStringList params;
    QStringList allowed;
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (!match(m_entries[i], segments, &params))
            continue;
        if (m_routes[i].method == request.method) {
            m_entries[i].handler(request, params, std::move(respond));
            return;
        }
        allowed.append(QString::fromLatin1(m_routes[i].method));
    }
    if (!allowed.isEmpty()) {
        allowed.removeDuplicates();
        respond(ApiJson::error(Error(ErrorCode::MethodNotAllowed,
                                     QStringLiteral("%1 is not allowed on %2; allowed: %3")
                                         .arg(QString::fromLatin1(request.method), QString::fromUtf8(path),
                                              allowed.join(QStringLiteral(", "))),
                                     {{QStringLiteral("allow"), allowed.join(QStringLiteral(", "))}})));
        return;
    }
    respond(ApiJson::error(Error(ErrorCode::NotFound,
                                 QStringLiteral("no such resource: %1 (the API is under /api/v1)")
                                     .arg(QString::fromUtf8(path)),
                                 {{QStringLiteral("path"), QString::fromUtf8(path)}})));
}

} // namespace sb::http
