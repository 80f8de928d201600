// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <QVariantMap>

#include <utility>

namespace sb::http {

// One HTTP response: status, headers, body. serialize() owns the framing: it writes
// Content-Length, Date and Connection itself and drops those (and Transfer-Encoding) if a handler
// set them; header names and values with CR, LF or NUL are refused by setHeader/addHeader.
class HttpResponse
{
public:
    explicit HttpResponse(int status = 200) : m_status(status) {}
    HttpResponse(int status, const QByteArray &body, const QByteArray &contentType);

    // {"error": {"code": code, "message": message, "details": {...}}} with application/json.
    static HttpResponse jsonError(int status, const QString &code, const QString &message,
                                  const QVariantMap &details = {});
    // "Not Found" for 404, ...; "Unknown" for a status without a standard phrase.
    static QByteArray reasonPhrase(int status);
    // An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for now, computed once a second.
    static QByteArray currentDate();
    // "HTTP/1.1 100 Continue\r\n\r\n"
    static QByteArray continueLine();

    int status() const { return m_status; }
    void setStatus(int status) { m_status = status; }
    // Replaces every header \a name (any case). False (and nothing set) for a name that is not a
    // token or a value with CR, LF or NUL.
    bool setHeader(const QByteArray &name, const QByteArray &value);
    bool addHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;
    const QList<std::pair<QByteArray, QByteArray>> &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    void setBody(const QByteArray &body, const QByteArray &contentType = {});
    // Close the connection after this response (whatever the request asked).
    void setCloseConnection(bool close) { m_close = close; }
    bool closeConnection() const { return m_close; }

    enum class Framing { ContentLength, Open }; // Open: no length, the body follows on the socket (takeOver)
    // The bytes for the wire. \a close writes "Connection: close"; \a keepAliveHeader writes
    // "Connection: keep-alive" (HTTP/1.0 peers that asked for it); \a headRequest leaves the body out.
    QByteArray serialize(bool close, bool keepAliveHeader, bool headRequest, Framing framing = Framing::ContentLength) const;

private:
    int m_status = 200;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    bool m_close = false;
};

} // namespace sb::http
