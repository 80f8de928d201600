// SPDX-License-Identifier: Apache-2.0
#include "httprequest.h"

namespace sb::http {

namespace {
bool sameName(const QByteArray &lowerName, QByteArrayView name)
{
    return lowerName.size() == name.size() && lowerName.compare(name, Qt::CaseInsensitive) == 0;
}
} // namespace

QString HttpRequest::queryValue(const QString &name) const
{
    for (const HttpTarget::QueryItem &item : queryItems()) {
        if (item.first == name)
            return item.second.isNull() ? QString(QLatin1String("")) : item.second;
    }
    return {};
}

bool HttpRequest::hasQueryItem(const QString &name) const
{
    for (const HttpTarget::QueryItem &item : queryItems()) {
        if (item.first == name)
            return true;
    }
    return false;
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const Header &h : m_headers) {
        if (sameName(h.first, name))
            return h.second.isNull() ? QByteArray("") : h.second;
    }
    return {};
}

QList<QByteArray> HttpRequest::headerValues(QByteArrayView name) const
{
    QList<QByteArray> values;
    for (const Header &h : m_headers) {
        if (sameName(h.first, name))
            values.append(h.second);
    }
    return values;
}

QByteArray HttpRequest::version() const
{
    return "HTTP/" + QByteArray::number(m_major) + '.' + QByteArray::number(m_minor);
}

QString HttpRequest::addressText(const QHostAddress &address)
{
    bool mapped = false;
    const QHostAddress v4(address.toIPv4Address(&mapped));
    return mapped ? v4.toString() : address.toString();
}

void HttpRequest::setPeer(const QHostAddress &address, const QString &text, quint16 port, bool secure,
                          const std::optional<QSslCertificate> &certificate)
{
    m_peerAddress = address;
    m_peerText = text;
    m_peerPort = port;
    m_secure = secure;
    m_peerCertificate = secure ? certificate : std::nullopt;
}

} // namespace sb::http
