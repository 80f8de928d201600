// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httptarget.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QSslCertificate>

#include <optional>

#include <utility>

namespace sb::http {

// One complete HTTP/1.x request as the server layer hands it to a handler: a value (implicitly
// shared members), cheap to copy. Header names are kept in lower case; lookups ignore case.
class HttpRequest
{
public:
    using Header = std::pair<QByteArray, QByteArray>; // lower-case name, value without surrounding spaces

    const QByteArray &method() const { return m_method; }
    // The decoded path ("/a/b c"), its segments decoded one by one (["a", "b c"]; "%2F" stays in
    // its segment), and the target as sent (for signatures, proxies, logs).
    const QString &path() const { return m_target.path(); }
    const QStringList &pathSegments() const { return m_target.segments(); }
    const QByteArray &rawTarget() const { return m_rawTarget; }
    // The target's path as sent, without the query.
    const QByteArray &rawPath() const { return m_target.rawPath(); }
    const QList<HttpTarget::QueryItem> &queryItems() const { return m_target.queryItems(); }
    // The first query item named \a name, decoded ('+' is not a space); null if absent.
    QString queryValue(const QString &name) const;
    bool hasQueryItem(const QString &name) const;

    const QList<Header> &headers() const { return m_headers; }
    // The first value of header \a name (any case); null if absent.
    QByteArray header(QByteArrayView name) const;
    // Every value of header \a name in order (repeated lines stay separate).
    QList<QByteArray> headerValues(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const { return !header(name).isNull(); }

    const QByteArray &body() const { return m_body; }
    int httpMajor() const { return m_major; }
    int httpMinor() const { return m_minor; }
    QByteArray version() const; // "HTTP/1.1"
    // Whether the connection stays open after the answer (HTTP/1.1 without "Connection: close",
    // HTTP/1.0 with "Connection: keep-alive").
    bool keepAlive() const { return m_keepAlive; }
    // "Connection: upgrade" with "Upgrade: ..." (a WebSocket handshake): see HttpResponder::takeOver.
    bool isUpgrade() const { return m_upgrade; }

    QHostAddress peerAddress() const { return m_peerAddress; }
    // The peer's address as text, an IPv4-mapped IPv6 address as IPv4 ("127.0.0.1"): made once
    // per connection.
    const QString &peerText() const { return m_peerText; }
    quint16 peerPort() const { return m_peerPort; }
    bool isSecure() const { return m_secure; }
    // The listener's key of the connection the request came on (HttpListener::connectionOpened).
    quint64 connectionKey() const { return m_connectionKey; }
    void setConnectionKey(quint64 key) { m_connectionKey = key; }
    // The client certificate a mutual-TLS handshake verified; null otherwise.
    QSslCertificate peerCertificate() const { return m_peerCertificate ? *m_peerCertificate : QSslCertificate(); }

    // Set by the parser and the connection.
    void setMethod(const QByteArray &method) { m_method = method; }
    void setTarget(const QByteArray &raw, const HttpTarget &target)
    {
        m_rawTarget = raw;
        m_target = target;
    }
    void addHeader(const QByteArray &lowerName, const QByteArray &value) { m_headers.append({lowerName, value}); }
    void reserveHeaders(qsizetype n) { m_headers.reserve(n); }
    QByteArray &body() { return m_body; }
    void setVersion(int major, int minor)
    {
        m_major = major;
        m_minor = minor;
    }
    void setKeepAlive(bool keepAlive) { m_keepAlive = keepAlive; }
    void setUpgrade(bool upgrade) { m_upgrade = upgrade; }
    // \a certificate: only on TLS connections (a default QSslCertificate is not free).
    void setPeer(const QHostAddress &address, const QString &text, quint16 port, bool secure,
                 const std::optional<QSslCertificate> &certificate);
    // \a address as peerText() shows it.
    static QString addressText(const QHostAddress &address);

private:
    QByteArray m_method;
    QByteArray m_rawTarget;
    HttpTarget m_target;
    QList<Header> m_headers;
    QByteArray m_body;
    QHostAddress m_peerAddress;
    QString m_peerText;
    // Only on TLS connections: a default QSslCertificate allocates (and initialises the TLS
    // backend), which plain HTTP requests should not pay for.
    std::optional<QSslCertificate> m_peerCertificate;
    int m_major = 1;
    int m_minor = 1;
    quint16 m_peerPort = 0;
    quint64 m_connectionKey = 0;
    bool m_keepAlive = true;
    bool m_upgrade = false;
    bool m_secure = false;
};

} // namespace sb::http
