// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "daemonconfig.h"

#include <switchboard/apikeyprovider.h>
#include <switchboard/authchain.h>
#include <switchboard/jwtprovider.h>

#include <memory>
#include <vector>

namespace sb::daemon {

// The auth providers a config asks for, built (files read, keys parsed) before anything is
// applied, so a reload whose key file or issuer is broken changes nothing.
class AuthSetup
{
public:
    // \a keys: the store running now, kept when the config names the same file (its keys are
    // re-read), so revocations made since start stay in force.
    // \a jwt: the JWT provider running now and the auth.jwt it was built from; kept (and
    // reloaded: files re-read, key sets refetched) when the config says the same, so tokens keep
    // verifying while a jwks-uri is fetched anew.
    static Result<AuthSetup> build(const DaemonConfig &config, std::shared_ptr<ApiKeyStore> keys,
                                   std::shared_ptr<JwtProvider> jwt = {}, const QVariantList &jwtConfig = {});
    // Replaces \a chain's providers and throttle with these.
    void applyTo(AuthChain &chain) const;
    std::shared_ptr<ApiKeyStore> apiKeys() const { return m_apiKeys; }
    std::shared_ptr<const ApiKeyProvider> apiKeyProvider() const { return m_apiKeyProvider; }
    std::shared_ptr<JwtProvider> jwt() const { return m_jwt; }
    // A relative path under $STATE_DIRECTORY (systemd's StateDirectory=) when it is set.
    static QString statePath(const QString &path);

private:
    std::vector<std::shared_ptr<const AuthProvider>> m_credentials;
    std::shared_ptr<const AuthProvider> m_certificates;
    std::shared_ptr<ApiKeyStore> m_apiKeys;
    std::shared_ptr<const ApiKeyProvider> m_apiKeyProvider;
    std::shared_ptr<JwtProvider> m_jwt;
    AuthThrottle::Options m_throttle;
};

} // namespace sb::daemon
