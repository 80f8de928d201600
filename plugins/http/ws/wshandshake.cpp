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

std::optional<DeflateAgreement> negotiateDeflate(const QList<QByteArray> &offers, const DeflatePolicy &policy)
{
    if (!policy.enabled)
        return std::nullopt;
    QList<QByteArray> all;
    for (const QByteArray &header : offers)
        all += header.split(',');
    for (const QByteArray &offer : std::as_const(all)) {
        const QList<QByteArray> parts = offer.split(';');
        if (parts.first().trimmed().compare("permessage-deflate", Qt::CaseInsensitive) != 0)
            continue;
        DeflateAgreement a;
        a.params.serverWindowBits = policy.windowBits;
        a.params.memLevel = policy.memLevel;
        a.params.serverNoContextTakeover = !policy.contextTakeover;
        a.params.clientNoContextTakeover = !policy.contextTakeover;
        bool clientBitsOffered = false, usable = true;
        QList<QByteArray> seen;
        for (qsizetype i = 1; i < parts.size() && usable; ++i) {
            const QByteArray p = parts[i].trimmed();
            const qsizetype eq = p.indexOf('=');
            const QByteArray name = (eq < 0 ? p : p.left(eq)).trimmed().toLower();
            QByteArray value = eq < 0 ? QByteArray() : p.mid(eq + 1).trimmed();
            if (value.startsWith('"') && value.endsWith('"') && value.size() >= 2)
                value = value.mid(1, value.size() - 2);
            if (seen.contains(name)) {
                usable = false; // a parameter twice: the offer is invalid (RFC 7692 7)
                break;
            }
            seen.append(name);
            bool ok = true;
            const int bits = value.isEmpty() ? 15 : value.toInt(&ok);
            if (name == "server_no_context_takeover" && value.isEmpty()) {
                a.params.serverNoContextTakeover = true;
            } else if (name == "client_no_context_takeover" && value.isEmpty()) {
                a.params.clientNoContextTakeover = true;
            } else if (name == "server_max_window_bits" && ok && bits >= 8 && bits <= 15) {
                if (bits < 9) // zlib cannot make raw DEFLATE with a 256-byte window
                    usable = false;
                a.params.serverWindowBits = qMin(a.params.serverWindowBits, bits);
            } else if (name == "client_max_window_bits" && ok && bits >= 8 && bits <= 15) {
                clientBitsOffered = true;
                a.params.clientWindowBits = qMin(policy.windowBits, bits);
            } else {
                usable = false; // unknown or malformed: decline this offer, look at the next
            }
        }
        if (!usable)
            continue;
        a.responseHeader = "permessage-deflate";
        if (a.params.serverNoContextTakeover)
            a.responseHeader += "; server_no_context_takeover";
        if (a.params.clientNoContextTakeover)
            a.responseHeader += "; client_no_context_takeover";
        if (a.params.serverWindowBits < 15)
            a.responseHeader += "; server_max_window_bits=" + QByteArray::number(a.params.serverWindowBits);
        if (clientBitsOffered && a.params.clientWindowBits < 15)
            a.responseHeader += "; client_max_window_bits=" + QByteArray::number(a.params.clientWindowBits);
        return a;
    }
    return std::nullopt;
}

} // namespace sb::http::WsHandshake
