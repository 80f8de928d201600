// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>

#include <QList>

namespace sb {

// Bearer tokens checked against their SHA-256 digests, so no plain token sits in a config file.
class SWITCHBOARD_EXPORT TokenAuthenticator : public Authenticator
{
public:
    struct Entry
    {
        QString name;
        QByteArray sha256; // raw 32 bytes
        QStringList roles;
    };

    void addToken(const QString &name, const QByteArray &sha256Hex, const QStringList &roles = {});
    int size() const { return int(m_entries.size()); }
    static QByteArray digestHex(const QByteArray &token);

    // \a user, when given, must match the token's name.
    Result<Identity> authenticate(const QString &user, const QByteArray &token) const override;

private:
    QList<Entry> m_entries;
};

} // namespace sb
