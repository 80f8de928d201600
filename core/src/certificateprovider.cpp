// SPDX-License-Identifier: Apache-2.0
#include <switchboard/certificateprovider.h>

#include "libcrypto_p.h"

#include <QDateTime>

#include <memory>

namespace sb {

CertificateProvider::CertificateProvider(const Options &options) : m_options(options) {}

// Qt 6.4 lists e-mail, DNS and IP alternative names only, grouped by type: URI names (SPIFFE ids)
// and the certificate's own order need OpenSSL.
QString CertificateProvider::identityOf(const QSslCertificate &certificate)
{
    // Qt's TLS backend has loaded libcrypto for the handshake that gave us the certificate.
    const detail::LibCrypto *c = detail::libCrypto();
    if (!c)
        return {};
    const QByteArray der = certificate.toDer();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    std::unique_ptr<X509, decltype(&X509_free)> x509(c->d2i_X509(nullptr, &p, long(der.size())), c->X509_free);
    if (!x509)
        return {};
    std::unique_ptr<GENERAL_NAMES, decltype(&GENERAL_NAMES_free)> names(
        static_cast<GENERAL_NAMES *>(c->X509_get_ext_d2i(x509.get(), NID_subject_alt_name, nullptr, nullptr)),
        c->GENERAL_NAMES_free);
    // sk_GENERAL_NAME_num/_value are inline wrappers of OPENSSL_sk_num/_value.
    const auto *stack = reinterpret_cast<const OPENSSL_STACK *>(names.get());
    for (int i = 0; names && i < c->OPENSSL_sk_num(stack); ++i) {
        const auto *n = static_cast<const GENERAL_NAME *>(c->OPENSSL_sk_value(stack, i));
        const ASN1_IA5STRING *text = nullptr;
        switch (n->type) {
        case GEN_URI: text = n->d.uniformResourceIdentifier; break;
        case GEN_DNS: text = n->d.dNSName; break;
        case GEN_EMAIL: text = n->d.rfc822Name; break;
        default: break;
        }
        if (text && text->length > 0)
            return QString::fromUtf8(reinterpret_cast<const char *>(c->ASN1_STRING_get0_data(text)), c->ASN1_STRING_length(text));
    }
    const QStringList cn = certificate.subjectInfo(QSslCertificate::CommonName);
    return cn.isEmpty() ? QString() : cn.first();
}

std::optional<Result<Identity>> CertificateProvider::verify(const AuthRequest &request) const
{
    if (request.certificate.isNull())
        return std::nullopt;
    const QString who = identityOf(request.certificate);
    if (who.isEmpty())
        return Result<Identity>(Error(ErrorCode::Unauthenticated,
                                      QStringLiteral("the client certificate names no one (no URI, DNS or e-mail name, no CN)")));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (request.certificate.expiryDate() < now || request.certificate.effectiveDate() > now)
        return Result<Identity>(Error(ErrorCode::Unauthenticated,
                                      QStringLiteral("the client certificate of \"%1\" is not valid now").arg(who)));
    Identity id(who, true, m_options.roles.value(who, m_options.defaultRoles));
    id.provider = name();
    id.credentialId = QString::fromLatin1(request.certificate.digest(QCryptographicHash::Sha256).toHex());
    id.expiresAtMs = request.certificate.expiryDate().toMSecsSinceEpoch();
    return Result<Identity>(id);
}

} // namespace sb
