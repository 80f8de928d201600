// SPDX-License-Identifier: Apache-2.0
#include <switchboard/authchain.h>
#include <switchboard/ratelimiter.h>

#include "refusallog_p.h"

namespace sb {

AuthChain::AuthChain() : m_log(std::make_unique<RefusalLog>()) {}

AuthChain::~AuthChain() = default;

void AuthChain::addProvider(std::shared_ptr<const AuthProvider> provider)
{
    if (provider)
        m_providers.push_back(std::move(provider));
}

void AuthChain::setCertificateProvider(std::shared_ptr<const AuthProvider> provider)
{
    m_certificates = std::move(provider);
}

void AuthChain::clearProviders()
{
    m_providers.clear();
    m_certificates.reset();
}

QStringList AuthChain::providerNames() const
{
    QStringList out;
    if (m_certificates)
        out.append(m_certificates->name());
    for (const auto &p : m_providers)
        out.append(p->name());
    return out;
}

Result<Identity> AuthChain::authenticate(const AuthRequest &request) const
{
    const qint64 now = RateLimiter::monotonicMsecs();
    if (const qint64 wait = m_throttle.waitMs(request.peerAddress, now); wait > 0) {
        ++m_throttled;
        return Error(ErrorCode::RateLimited,
                     QStringLiteral("too many failed authentications from %1; try again in %2 ms")
                         .arg(request.peerAddress)
                         .arg(wait),
                     {{QStringLiteral("retryAfterMs"), wait}});
    }
    std::optional<Identity> byCertificate;
    if (m_certificates && !request.certificate.isNull()) {
        std::optional<Result<Identity>> r = m_certificates->verify(request);
        if (r && !*r)
            return fail(request, m_certificates->name(), r->error());
        if (r)
            byCertificate = r->value();
    }
    if (request.credential.isEmpty()) {
        if (byCertificate) {
            m_throttle.succeeded(request.peerAddress);
            count(byCertificate->provider, true);
            return *byCertificate;
        }
        return fail(request, QString(), Error(ErrorCode::Unauthenticated, QStringLiteral("credentials are required")));
    }
    Result<Identity> byCredential = verifyCredential(request);
    if (!byCredential)
        return byCredential; // counted, logged and throttled by verifyCredential
    if (byCertificate && byCertificate->name != byCredential->name)
        return fail(request, byCredential->provider,
                    Error(ErrorCode::Unauthenticated,
                          QStringLiteral("the credential names \"%1\" but the client certificate names \"%2\"")
                              .arg(byCredential->name, byCertificate->name)));
    m_throttle.succeeded(request.peerAddress);
    count(byCredential->provider, true);
    return byCredential;
}

Result<Identity> AuthChain::verifyCredential(const AuthRequest &request) const
{
    for (const auto &p : m_providers) {
        std::optional<Result<Identity>> r = p->verify(request);
        if (!r)
            continue;
        if (!*r)
            return fail(request, p->name(), r->error());
        return *r;
    }
    if (m_providers.empty())
        return fail(request, QString(),
                    Error(ErrorCode::Unauthenticated, QStringLiteral("this hub has no tokens, API keys or JWT issuers configured")));
    QStringList kinds;
    for (const auto &p : m_providers)
        kinds.append(p->name());
    return fail(request, QString(),
                Error(ErrorCode::Unauthenticated,
                      QStringLiteral("the credential is not a known %1").arg(kinds.join(QStringLiteral(" or ")))));
}

Result<Identity> AuthChain::fail(const AuthRequest &request, const QString &provider, const Error &error) const
{
    count(provider, false);
    const qint64 wait = m_throttle.failed(request.peerAddress, RateLimiter::monotonicMsecs());
    // Never the credential: who, from where, which provider, and why.
    m_log->logText(QStringLiteral("authentication failed from %1 (%2%3)%4: %5%6")
                       .arg(request.peerAddress.isEmpty() ? QStringLiteral("-") : request.peerAddress, request.protocol,
                            request.user.isEmpty() ? QString() : QStringLiteral(", user \"%1\"").arg(request.user),
                            provider.isEmpty() ? QString() : QStringLiteral(" by %1").arg(provider), error.toString(),
                            wait > 0 ? QStringLiteral("; the peer waits %1 ms").arg(wait) : QString()));
    return error;
}

void AuthChain::count(const QString &provider, bool ok) const
{
    (ok ? m_succeeded : m_failed) += 1;
    if (provider.isEmpty())
        return;
    Counts &c = m_byProvider[provider];
    (ok ? c.succeeded : c.failed) += 1;
}

QVariantMap AuthChain::stats() const
{
    QVariantMap by;
    for (auto it = m_byProvider.cbegin(); it != m_byProvider.cend(); ++it)
        by.insert(it.key(), QVariantMap{{QStringLiteral("succeeded"), it->succeeded}, {QStringLiteral("failed"), it->failed}});
    return {{QStringLiteral("succeeded"), m_succeeded},
            {QStringLiteral("failed"), m_failed},
            {QStringLiteral("throttled"), m_throttled},
            {QStringLiteral("peersWithFailures"), m_throttle.size()},
            {QStringLiteral("providers"), providerNames()},
            {QStringLiteral("byProvider"), by}};
}

} // namespace sb
