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

std::optional<Result<Identity>> TokenAuthenticator::verify(const AuthRequest &request) const
{
    if (request.credential.isEmpty())
        return std::nullopt;
    const QByteArray digest = QCryptographicHash::hash(request.credential, QCryptographicHash::Sha256);
    for (const Entry &e : m_entries) {
        if (e.sha256.size() != digest.size())
            continue;
        // Constant-time comparison: no early exit on the first differing byte.
        uchar diff = 0;
        for (qsizetype i = 0; i < digest.size(); ++i)
            diff |= uchar(e.sha256[i]) ^ uchar(digest[i]);
        if (diff != 0)
            continue;
        if (!request.user.isEmpty() && request.user != e.name)
            return Result<Identity>(Error(ErrorCode::Unauthenticated,
                                          QStringLiteral("the token does not belong to user \"%1\"").arg(request.user)));
        Identity id;
        id.name = e.name;
        id.authenticated = true;
        id.roles = e.roles;
        id.provider = name();
        id.credentialId = e.name;
        return Result<Identity>(id);
    }
    return std::nullopt;
}

} // namespace sb
