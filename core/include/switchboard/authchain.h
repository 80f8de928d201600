// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>
#include <switchboard/auththrottle.h>

#include <QHash>

#include <memory>
#include <vector>

namespace sb {

class RefusalLog;

// The hub's authenticator: providers chained from config, the first that recognises a credential
// decides; a client certificate (mTLS) is judged by the certificate provider, and a credential
// presented with it must name the same identity. Failures are counted per provider, logged without
// the secret, and throttled per peer address (AuthThrottle: RATE_LIMITED with details.retryAfterMs).
class SWITCHBOARD_EXPORT AuthChain : public Authenticator
{
public:
    AuthChain();
    ~AuthChain() override;

    // Credential providers, asked in the order added.
    void addProvider(std::shared_ptr<const AuthProvider> provider);
    // The client-certificate provider (mTLS); nullptr: certificates are not used to authenticate.
    void setCertificateProvider(std::shared_ptr<const AuthProvider> provider);
    // Drops every provider (a reload adds them anew); counters and the throttle's memory stay.
    void clearProviders();
    void setThrottle(const AuthThrottle::Options &options) { m_throttle.setOptions(options); }
    bool isEmpty() const { return m_providers.empty() && !m_certificates; }
    QStringList providerNames() const;

    Result<Identity> authenticate(const AuthRequest &request) const override;
    bool acceptsCertificates() const override { return m_certificates != nullptr; }
    // {succeeded, failed, throttled, peersWithFailures, providers, byProvider: {name: {succeeded, failed}}}
    QVariantMap stats() const override;

private:
    Result<Identity> verifyCredential(const AuthRequest &request) const;
    Result<Identity> fail(const AuthRequest &request, const QString &provider, const Error &error) const;
    void count(const QString &provider, bool ok) const;

    std::vector<std::shared_ptr<const AuthProvider>> m_providers;
    std::shared_ptr<const AuthProvider> m_certificates;
    // Authentication is a read of the config, but it counts, throttles and logs.
    mutable AuthThrottle m_throttle;
    mutable std::unique_ptr<RefusalLog> m_log;
    struct Counts
    {
        quint64 succeeded = 0;
        quint64 failed = 0;
    };
    mutable QHash<QString, Counts> m_byProvider;
    mutable quint64 m_succeeded = 0;
    mutable quint64 m_failed = 0;
    mutable quint64 m_throttled = 0;
};

} // namespace sb
