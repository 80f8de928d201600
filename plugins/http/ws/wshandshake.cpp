// SPDX-License-Identifier: Apache-2.0
#include "wshandshake.h"

#include "httprequest.h"

#include <QCryptographicHash>

namespace sb::http::WsHandshake {

namespace {
// Whether the comma-separated header \a value lists \a token (case-insensitive).
bool hasToken(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

Error bad(const QString &why, QVariantMap details = {})
{
    return Error(ErrorCode::BadMessage, QStringLiteral("not a WebSocket upgrade: ") + why, std::move(details));
}
} // namespace

bool isUpgrade(const HttpRequest &request)
{
    return hasToken(request.header("upgrade"), "websocket");
}

QByteArray acceptKey(const QByteArray &clientKey)
{
    return QCryptographicHash::hash(QByteArray(clientKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), QCryptographicHash::Sha1).toBase64();
}

Result<QByteArray> accept(const HttpRequest &request)
{
    if (request.method() != "GET")
        return bad(QStringLiteral("the method must be GET"));
    if (!isUpgrade(request))
        return bad(QStringLiteral("\"Upgrade: websocket\" is missing"));
    if (!hasToken(request.header("connection"), "upgrade"))
        return bad(QStringLiteral("\"Connection: Upgrade\" is missing"));
    const QByteArray version = request.header("sec-websocket-version").trimmed();
    if (version != "13")
        return bad(QStringLiteral("Sec-WebSocket-Version must be 13, not \"%1\"").arg(QString::fromLatin1(version.left(16))),
                   {{QStringLiteral("version"), QStringLiteral("13")}});
    const QByteArray key = request.header("sec-websocket-key").trimmed();
    const QByteArray raw = QByteArray::fromBase64(key, QByteArray::AbortOnBase64DecodingErrors);
    if (raw.size() != 16 || key.size() != 24)
        return bad(QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64"));
    return acceptKey(key);
}

} // namespace sb::http::WsHandshake
