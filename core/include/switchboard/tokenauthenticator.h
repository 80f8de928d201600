// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>

#include <QList>

namespace sb {

// Bearer tokens checked against their SHA-256 digests, so no plain token sits in a config file.
// As a provider it knows only the tokens it holds: any other credential is the next provider's.
class SWITCHBOARD_EXPORT TokenAuthenticator : public AuthProvider
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

    QString name() const override { return QStringLiteral("token"); }
    // A known token names its identity; request.user, when given, must be that name.
    std::optional<Result<Identity>> verify(const AuthRequest &request) const override;

private:
    QList<Entry> m_entries;
};

} // namespace sb
