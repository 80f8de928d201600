// SPDX-License-Identifier: Apache-2.0
#include <switchboard/tokenauthenticator.h>

#include <QCryptographicHash>

namespace sb {

void TokenAuthenticator::addToken(const QString &name, const QByteArray &sha256Hex, const QStringList &roles)
{
    m_entries.append({name, QByteArray::fromHex(sha256Hex), roles});
}

QByteArray TokenAuthenticator::digestHex(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

Result<Identity> TokenAuthenticator::authenticate(const QString &user, const QByteArray &token) const
{
    if (token.isEmpty())
        return Error(ErrorCode::Unauthenticated, QStringLiteral("a token is required"));
    const QByteArray digest = QCryptographicHash::hash(token, QCryptographicHash::Sha256);
    for (const Entry &e : m_entries) {
        if (e.sha256.size() != digest.size())
            continue;
        // Constant-time comparison: no early exit on the first differing byte.
        uchar diff = 0;
        for (qsizetype i = 0; i < digest.size(); ++i)
            diff |= uchar(e.sha256[i]) ^ uchar(digest[i]);
        if (diff == 0 && (user.isEmpty() || user == e.name))
            return Identity{e.name, true, e.roles};
    }
    return Error(ErrorCode::Unauthenticated, QStringLiteral("invalid credentials"));
}

} // namespace sb
