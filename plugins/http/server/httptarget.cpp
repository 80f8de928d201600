// SPDX-License-Identifier: Apache-2.0
#include "httptarget.h"

#include "percentdecode.h"

#include <QStringDecoder>

namespace sb::http {

namespace {

Error bad(const QString &why)
{
    return Error(ErrorCode::BadFrame, QStringLiteral("bad request target: ") + why, {{QStringLiteral("status"), 400}});
}

// Percent-decodes \a in and checks the result is UTF-8 without NUL.
Result<QString> decodeText(QByteArrayView in, const char *what)
{
    QByteArray bytes;
    if (!HttpTarget::percentDecode(in, &bytes))
        return bad(QStringLiteral("invalid percent escape in the %1").arg(QLatin1String(what)));
    if (bytes.contains('\0'))
        return bad(QStringLiteral("NUL in the %1").arg(QLatin1String(what)));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return bad(QStringLiteral("the %1 is not UTF-8 once decoded").arg(QLatin1String(what)));
    return text;
}

} // namespace

bool HttpTarget::percentDecode(QByteArrayView in, QByteArray *out)
{
    return sb::http::percentDecode(in, out);
}

Result<HttpTarget> HttpTarget::parse(QByteArrayView raw)
{
    HttpTarget t;
    if (raw.isEmpty())
        return bad(QStringLiteral("empty"));
    if (raw.contains('#'))
        return bad(QStringLiteral("a fragment (#) is not sent to a server"));
    if (raw == "*") {
        t.m_path = QStringLiteral("*");
        t.m_rawPath = "*";
        return t;
    }
    QByteArrayView rest = raw;
    if (!rest.startsWith('/')) {
        // Absolute form: scheme "://" authority, then the path (or nothing: "/").
        const qsizetype scheme = rest.indexOf("://");
        if (scheme <= 0)
            return bad(QStringLiteral("neither a path nor an absolute URL"));
        for (qsizetype i = 0; i < scheme; ++i) {
            const char c = rest[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
                return bad(QStringLiteral("bad URL scheme"));
        }
        rest = rest.sliced(scheme + 3);
        qsizetype end = 0;
        while (end < rest.size() && rest[end] != '/' && rest[end] != '?')
            ++end;
        if (end == 0)
            return bad(QStringLiteral("an absolute URL without a host"));
        rest = rest.sliced(end);
    }
    const qsizetype q = rest.indexOf('?');
    const QByteArrayView path = q < 0 ? rest : rest.first(q);
    const QByteArrayView query = q < 0 ? QByteArrayView() : rest.sliced(q + 1);
    if (Status st = t.parsePath(path.isEmpty() ? QByteArrayView("/") : path); !st)
        return st.error();
    if (Status st = t.parseQuery(query); !st)
        return st.error();
    return t;
}

// Plain ASCII without escapes or NUL: decoding changes nothing (the common case: no copies).
static bool isPlainAscii(QByteArrayView raw)
{
    for (const char c : raw) {
        if (c <= 0 || c == '%') // char is signed here: bytes >= 0x80 are negative
            return false;
    }
    return true;
}

Status HttpTarget::parsePlainPath(QByteArrayView raw)
{
    m_path = QString::fromLatin1(raw);
    const QStringView path(m_path);
    qsizetype start = 1;
    m_segments.reserve(raw.count('/'));
    while (true) {
        const qsizetype slash = path.indexOf(QLatin1Char('/'), start);
        const QStringView segment = path.sliced(start, (slash < 0 ? path.size() : slash) - start);
        if (segment == QLatin1String(".") || segment == QLatin1String(".."))
            return bad(QStringLiteral("\".\" and \"..\" segments are refused"));
        m_segments.append(segment.toString());
        if (slash < 0)
            return {};
        start = slash + 1;
    }
}

Status HttpTarget::parsePath(QByteArrayView raw)
{
    m_rawPath = raw.toByteArray();
    if (!raw.startsWith('/'))
        return bad(QStringLiteral("the path does not start with /"));
    if (isPlainAscii(raw))
        return parsePlainPath(raw);
    QString path;
    const QList<QByteArray> rawSegments = raw.sliced(1).toByteArray().split('/');
    for (const QByteArray &rawSegment : rawSegments) {
        Result<QString> segment = decodeText(rawSegment, "path");
        if (!segment)
            return segment.error();
        if (segment.value() == QLatin1String(".") || segment.value() == QLatin1String(".."))
            return bad(QStringLiteral("\".\" and \"..\" segments are refused"));
        path += QLatin1Char('/') + segment.value();
        m_segments.append(std::move(segment.value()));
    }
    m_path = path;
    return {};
}

Status HttpTarget::parseQuery(QByteArrayView raw)
{
    if (raw.isEmpty())
        return {};
    m_rawQuery = raw.toByteArray();
    const QList<QByteArray> items = m_rawQuery.split('&');
    for (QByteArrayView item : items) {
        if (item.isEmpty())
            continue;
        const qsizetype eq = item.indexOf('=');
        Result<QString> name = decodeText(eq < 0 ? item : item.first(eq), "query");
        if (!name)
            return name.error();
        Result<QString> value = decodeText(eq < 0 ? QByteArrayView() : item.sliced(eq + 1), "query");
        if (!value)
            return value.error();
        m_query.append({std::move(name.value()), std::move(value.value())});
    }
    return {};
}

} // namespace sb::http
