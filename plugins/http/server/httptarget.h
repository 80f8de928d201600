// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QByteArray>
#include <QList>
#include <QStringList>

#include <utility>

namespace sb::http {

// A request target (RFC 9112 section 3.2) split and percent-decoded: origin form ("/a/b?x=1"),
// absolute form ("http://host/a/b?x=1", path and query taken) or "*" (OPTIONS only; the caller
// checks the method). Each path segment is decoded on its own, so "%2F" stays inside its segment
// (segments ["a/b", "c"] for "/a%2Fb/c") while path() joins them with "/" (then "%2F" and "/" look
// alike: route on segments). Refused (400): a fragment, an invalid escape, decoded bytes that are
// not UTF-8, a decoded NUL, and "." or ".." segments (raw or decoded).
class HttpTarget
{
public:
    using QueryItem = std::pair<QString, QString>;

    static Result<HttpTarget> parse(QByteArrayView raw);
    // "%41" → "A"; false for "%" not followed by two hex digits. '+' stays '+'.
    static bool percentDecode(QByteArrayView in, QByteArray *out);

    const QString &path() const { return m_path; }
    const QStringList &segments() const { return m_segments; }
    const QByteArray &rawPath() const { return m_rawPath; }
    const QByteArray &rawQuery() const { return m_rawQuery; }
    const QList<QueryItem> &queryItems() const { return m_query; }
    bool isAsterisk() const { return m_path == QLatin1String("*"); }

private:
    Status parsePath(QByteArrayView raw);
    Status parsePlainPath(QByteArrayView raw);
    Status parseQuery(QByteArrayView raw);

    QString m_path;
    QStringList m_segments;
    QByteArray m_rawPath;
    QByteArray m_rawQuery;
    QList<QueryItem> m_query;
};

} // namespace sb::http
