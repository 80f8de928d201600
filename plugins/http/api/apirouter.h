// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apirequest.h"

#include <QStringList>

#include <vector>

namespace sb::http {

// Method + path pattern -> handler. Patterns are literal segments and "{name}" parameters
// ("/api/v1/channels/{name}"); each request segment is percent-decoded on its own, so a
// parameter may hold "/" as "%2F". An unknown path is NOT_FOUND, a known path with another
// method METHOD_NOT_ALLOWED listing the allowed ones. Versions are mounted side by side by
// registering their own prefixes ("/api/v1/...", "/api/v2/..."): an unknown version is a 404.
class ApiRouter
{
public:
    using Handler = std::function<void(const ApiRequest &request, const QStringList &params, ApiResponder respond)>;

    struct Route {
        QByteArray method;
        QString pattern;
        QString summary; // one line, for the OpenAPI document
        bool administer = false;
    };

    void add(const QByteArray &method, const QString &pattern, const QString &summary, Handler handler,
             bool administer = false);
    void dispatch(const ApiRequest &request, ApiResponder respond) const;
    // The route \a method and \a rawPath resolve to (for rate limits and metrics, which count
    // per route pattern, never per raw path), or null.
    const Route *find(const QByteArray &method, const QByteArray &rawPath) const;
    // find() with the path's parameters, for dispatching without splitting the path again.
    struct Match {
        const Route *route = nullptr; // null: nothing for this method and path
        QStringList params;
        size_t index = 0;
    };
    Match resolve(const QByteArray &method, const QByteArray &rawPath) const;
    // Runs \a match's handler; without a route, as dispatch(request, respond) (404, 405 + Allow).
    void dispatch(const ApiRequest &request, const Match &match, ApiResponder respond) const;
    const std::vector<Route> &routes() const { return m_routes; }

private:
    struct Entry {
        QStringList segments;
        Handler handler;
    };
    bool match(const Entry &entry, const QStringList &segments, QStringList *params) const;
    // The decoded segments of \a rawPath; false for a malformed percent-escape.
    static bool split(const QByteArray &rawPath, QStringList *segments);

    std::vector<Route> m_routes;
    std::vector<Entry> m_entries; // parallel to m_routes
};

} // namespace sb::http
