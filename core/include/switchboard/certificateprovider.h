// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>

#include <QHash>

namespace sb {

// The "mtls" provider: a client certificate the TLS listener verified against its client CA is
// the credential. The identity is the certificate's first subject alternative name of type URI,
// DNS or e-mail (in the certificate's order), else its subject CN; roles come from a mapping in
// config. The credential id is the certificate's SHA-256 digest; it expires with the certificate.
class SWITCHBOARD_EXPORT CertificateProvider : public AuthProvider
{
public:
    struct Options
    {
        QHash<QString, QStringList> roles; // identity -> roles
        QStringList defaultRoles;          // for identities not in roles
    };

    explicit CertificateProvider(const Options &options);
    QString name() const override { return QStringLiteral("mtls"); }
    // std::nullopt without a certificate.
    std::optional<Result<Identity>> verify(const AuthRequest &request) const override;
    // The identity a certificate names (empty if it names none).
    static QString identityOf(const QSslCertificate &certificate);

private:
    Options m_options;
};

} // namespace sb
