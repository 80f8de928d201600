// SPDX-License-Identifier: Apache-2.0
#include "httprequestparser.h"

#include <http_parser.h>

#include <array>
#include <cstdint>

namespace sb::http {

namespace {
// Per header line beyond name and value: ": " and CRLF.
constexpr qint64 kLineOverhead = 4;
} // namespace

struct HttpRequestParser::Impl
{
    HttpServerLimits limits;
    http_parser parser;
    http_parser_settings settings;
    HttpRequest request;
    QByteArray url;
    QByteArray field;
    QByteArray value;
    QList<QByteArray> contentLengths;
    QList<QByteArray> transferEncodings;
    QList<QByteArray> expects;
    qint64 headerBytes = 0;
    int headerCount = 0;
    int hostCount = 0;
    bool inValue = false;
    bool inMessage = false;
    bool headDone = false;
    bool complete = false;
    bool expectContinue = false;
    bool failed = false;
    int errorStatus = 0;
    QString errorCode;
    QString errorMessage;

    explicit Impl(const HttpServerLimits &l) : limits(l)
    {
        http_parser_init(&parser, HTTP_REQUEST);
        parser.data = this;
        http_parser_settings_init(&settings);
        settings.on_message_begin = [](http_parser *p) { return self(p)->onMessageBegin(); };
        settings.on_url = [](http_parser *p, const char *at, size_t n) { return self(p)->onUrl(at, n); };
        settings.on_header_field = [](http_parser *p, const char *at, size_t n) { return self(p)->onField(at, n); };
        settings.on_header_value = [](http_parser *p, const char *at, size_t n) { return self(p)->onValue(at, n); };
        settings.on_headers_complete = [](http_parser *p) { return self(p)->onHeadersComplete(); };
        settings.on_body = [](http_parser *p, const char *at, size_t n) { return self(p)->onBody(at, n); };
        settings.on_chunk_header = [](http_parser *p) { return self(p)->onChunkHeader(); };
        settings.on_message_complete = [](http_parser *p) { return self(p)->onMessageComplete(); };
    }

    static Impl *self(http_parser *p) { return static_cast<Impl *>(p->data); }

    // Records the first failure; the callback's non-zero return stops http_parser.
    int fail(int status, const QString &message)
    {
        if (!failed) {
            failed = true;
            errorStatus = status;
            errorCode = status == 413 || status == 414 || status == 431 ? QStringLiteral("TOO_LARGE")
                                                                          : QStringLiteral("BAD_FRAME");
            errorMessage = message;
        }
        return -1;
    }

    int onMessageBegin()
    {
        request = HttpRequest();
        request.reserveHeaders(8); // one allocation for a usual head, not one per doubling
        url.clear();
        field.resize(0); // keeps its capacity
        value.clear();
        contentLengths.clear();
        transferEncodings.clear();
        expects.clear();
        headerBytes = 0;
        headerCount = 0;
        hostCount = 0;
        inValue = false;
        headDone = false;
        expectContinue = false;
        inMessage = true;
        return 0;
    }

    int onUrl(const char *at, size_t n)
    {
        if (url.size() + qint64(n) > limits.maxUrlBytes)
            return fail(414, QStringLiteral("the request target is longer than %1 bytes (max-url-bytes)").arg(limits.maxUrlBytes));
        url.append(at, qsizetype(n));
        return 0;
    }

    int addHeaderBytes(size_t n)
    {
        if (headerBytes + qint64(n) > limits.maxHeaderBytes)
            return fail(431, QStringLiteral("the header lines are longer than %1 bytes (max-header-bytes)").arg(limits.maxHeaderBytes));
        headerBytes += qint64(n); // only what is kept: heldBytes() never passes the bounds
        return 0;
    }

    int onField(const char *at, size_t n)
    {
        if (inValue && commitHeader() != 0)
            return -1;
        inValue = false;
        if (field.isEmpty() && addHeaderBytes(kLineOverhead) != 0)
            return -1;
        if (addHeaderBytes(n) != 0)
            return -1;
        field.append(at, qsizetype(n));
        return 0;
    }

    int onValue(const char *at, size_t n)
    {
        inValue = true;
        if (addHeaderBytes(n) != 0)
            return -1;
        value.append(at, qsizetype(n));
        return 0;
    }

    // One complete header line (or trailer line, counted and dropped).
    int commitHeader()
    {
        if (++headerCount > limits.maxHeaders)
            return fail(431, QStringLiteral("more than %1 header lines (max-headers)").arg(limits.maxHeaders));
        QByteArray name = takeName();
        QByteArray v = takeValue();
        inValue = false;
        if (headDone)
            return 0; // a trailer: bounded like the head, not kept
        if (name == "content-length")
            contentLengths.append(v);
        else if (name == "transfer-encoding")
            transferEncodings.append(v.toLower());
        else if (name == "host")
            ++hostCount;
        else if (name == "expect")
            expects.append(v.toLower());
        request.addHeader(name, v);
        return 0;
    }

    // The header name in lower case: a shared constant for the common ones (no allocation), the
    // field buffer itself otherwise. The field buffer keeps its capacity for the next line.
    QByteArray takeName()
    {
        if (!field.isEmpty()) {
            char *d = field.data();
            for (qsizetype i = 0; i < field.size(); ++i) {
                if (d[i] >= 'A' && d[i] <= 'Z')
                    d[i] = char(d[i] + ('a' - 'A'));
            }
        }
        for (const QByteArray &known : knownNames()) {
            if (known == field) {
                field.resize(0);
                return known;
            }
        }
        QByteArray name = field;
        field = QByteArray();
        return name;
    }

    // The value without surrounding spaces; the buffer itself when there are none.
    QByteArray takeValue()
    {
        QByteArray v = std::move(value);
        value = QByteArray();
        if (!v.isEmpty() && (isSpace(v.front()) || isSpace(v.back())))
            return v.trimmed();
        return v;
    }

    // Shared constants for the common methods: no allocation per request.
    static QByteArray methodName(http_method m)
    {
        static const QByteArray get("GET"), post("POST"), put("PUT"), del("DELETE"), head("HEAD"), options("OPTIONS"),
            patch("PATCH");
        switch (m) {
        case HTTP_GET: return get;
        case HTTP_POST: return post;
        case HTTP_PUT: return put;
        case HTTP_DELETE: return del;
        case HTTP_HEAD: return head;
        case HTTP_OPTIONS: return options;
        case HTTP_PATCH: return patch;
        default: return QByteArray(http_method_str(m));
        }
    }

    static bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

    static const std::array<QByteArray, 16> &knownNames()
    {
        static const std::array<QByteArray, 16> names{
            QByteArrayLiteral("host"), QByteArrayLiteral("content-type"), QByteArrayLiteral("content-length"),
            QByteArrayLiteral("user-agent"), QByteArrayLiteral("accept"), QByteArrayLiteral("connection"),
            QByteArrayLiteral("authorization"), QByteArrayLiteral("x-api-key"), QByteArrayLiteral("traceparent"),
            QByteArrayLiteral("tracestate"), QByteArrayLiteral("idempotency-key"), QByteArrayLiteral("origin"),
            QByteArrayLiteral("accept-encoding"), QByteArrayLiteral("expect"), QByteArrayLiteral("transfer-encoding"),
            QByteArrayLiteral("upgrade")};
        return names;
    }

    int checkFraming();
    int onHeadersComplete();

    int onBody(const char *at, size_t n)
    {
        if (request.body().size() + qint64(n) > limits.maxBodyBytes)
            return fail(413, QStringLiteral("the body is larger than %1 bytes (max-body-bytes)").arg(limits.maxBodyBytes));
        request.body().append(at, qsizetype(n));
        return 0;
    }

    int onChunkHeader()
    {
        // http_parser holds the announced chunk size here; refuse before reading the chunk.
        if (parser.content_length > uint64_t(limits.maxBodyBytes - request.body().size()))
            return fail(413, QStringLiteral("the chunked body is larger than %1 bytes (max-body-bytes)").arg(limits.maxBodyBytes));
        return 0;
    }

    int onMessageComplete()
    {
        if ((inValue || !field.isEmpty()) && commitHeader() != 0)
            return -1;
        complete = true;
        inMessage = false;
        http_parser_pause(&parser, 1); // one request at a time
        return 0;
    }

    void failFromParser(http_errno e)
    {
        const QString what = QString::fromLatin1(http_errno_description(e));
        if (e == HPE_HEADER_OVERFLOW)
            fail(431, QStringLiteral("the request head is too large"));
        else
            fail(400, QStringLiteral("malformed request: ") + what);
    }
};

// Content-Length, Transfer-Encoding and Host, as RFC 9112 section 6 asks of a server.
int HttpRequestParser::Impl::checkFraming()
{
    const bool http10 = parser.http_major == 1 && parser.http_minor == 0;
    if (!transferEncodings.isEmpty()) {
        if (!contentLengths.isEmpty())
            return fail(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
        if (http10)
            return fail(400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
        if (transferEncodings.size() != 1 || transferEncodings.constFirst() != "chunked")
            return fail(501, QStringLiteral("only Transfer-Encoding: chunked is implemented"));
    }
    for (const QByteArray &cl : std::as_const(contentLengths)) {
        if (cl != contentLengths.constFirst())
            return fail(400, QStringLiteral("two different Content-Length values"));
    }
    if (!contentLengths.isEmpty() && (parser.flags & F_CONTENTLENGTH)
        && parser.content_length > uint64_t(limits.maxBodyBytes))
        return fail(413, QStringLiteral("the body (%1 bytes) is larger than %2 bytes (max-body-bytes)")
                             .arg(parser.content_length)
                             .arg(limits.maxBodyBytes));
    if (!http10 && hostCount == 0)
        return fail(400, QStringLiteral("no Host header (HTTP/1.1 requires one)"));
    if (hostCount > 1)
        return fail(400, QStringLiteral("more than one Host header"));
    return 0;
}

int HttpRequestParser::Impl::onHeadersComplete()
{
    if ((inValue || !field.isEmpty()) && commitHeader() != 0)
        return -1;
    if (parser.http_major != 1 || parser.http_minor > 1)
        return fail(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"));
    const QByteArray method = methodName(http_method(parser.method));
    if (method == "CONNECT")
        return fail(501, QStringLiteral("CONNECT is not implemented"));
    if (checkFraming() != 0)
        return -1;
    Result<HttpTarget> target = HttpTarget::parse(url);
    if (!target)
        return fail(400, target.error().message);
    if (target->isAsterisk() && method != "OPTIONS")
        return fail(400, QStringLiteral("the target \"*\" is for OPTIONS only"));
    for (const QByteArray &e : std::as_const(expects)) {
        if (e != "100-continue")
            return fail(417, QStringLiteral("only \"Expect: 100-continue\" is understood"));
    }
    const bool hasBody = (parser.flags & F_CHUNKED) || (!contentLengths.isEmpty() && parser.content_length > 0);
    expectContinue = !expects.isEmpty() && hasBody && parser.http_minor >= 1;
    request.setMethod(method);
    request.setTarget(url, target.value());
    request.setVersion(parser.http_major, parser.http_minor);
    request.setKeepAlive(http_should_keep_alive(&parser) != 0);
    request.setUpgrade(parser.upgrade != 0);
    if (!contentLengths.isEmpty())
        request.body().reserve(qsizetype(qMin<uint64_t>(parser.content_length, 64 * 1024)));
    headDone = true;
    return 0;
}

HttpRequestParser::HttpRequestParser(const HttpServerLimits &limits) : d(std::make_unique<Impl>(limits)) {}

HttpRequestParser::~HttpRequestParser() = default;

HttpRequestParser::Outcome HttpRequestParser::feed(QByteArrayView data, qsizetype *consumed)
{
    *consumed = 0;
    if (d->failed)
        return Outcome::Error;
    if (d->complete)
        return Outcome::Complete; // takeRequest() first
    if (data.isEmpty())
        return Outcome::NeedMore;
    http_parser_pause(&d->parser, 0);
    const size_t n = http_parser_execute(&d->parser, &d->settings, data.data(), size_t(data.size()));
    *consumed = qsizetype(n);
    if (d->complete)
        return Outcome::Complete;
    const http_errno e = HTTP_PARSER_ERRNO(&d->parser);
    if (d->failed || e != HPE_OK) {
        if (!d->failed)
            d->failFromParser(e);
        return Outcome::Error;
    }
    if (*consumed != data.size()) {
        d->fail(400, QStringLiteral("malformed request: bytes left unparsed"));
        return Outcome::Error;
    }
    return Outcome::NeedMore;
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest r = std::move(d->request);
    d->request = HttpRequest();
    d->complete = false;
    d->headDone = false;
    d->expectContinue = false;
    d->url.clear();
    return r;
}

bool HttpRequestParser::inMessage() const
{
    return d->inMessage;
}

bool HttpRequestParser::headComplete() const
{
    return d->inMessage && d->headDone;
}

bool HttpRequestParser::expectsContinue() const
{
    return headComplete() && d->expectContinue && d->request.body().isEmpty();
}

qint64 HttpRequestParser::bodyBytes() const
{
    return d->request.body().size();
}

qint64 HttpRequestParser::heldBytes() const
{
    return d->url.size() + d->headerBytes + d->request.body().size();
}

int HttpRequestParser::errorStatus() const
{
    return d->errorStatus;
}

QString HttpRequestParser::errorCode() const
{
    return d->errorCode;
}

QString HttpRequestParser::errorMessage() const
{
    return d->errorMessage;
}

} // namespace sb::http
