// SPDX-License-Identifier: Apache-2.0
#include "authsetup.h"

#include <switchboard/certificateprovider.h>
#include <switchboard/tokenauthenticator.h>

#include <QDir>

namespace sb::daemon {

QString AuthSetup::statePath(const QString &path)
{
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (path.isEmpty() || QDir::isAbsolutePath(path) || state.isEmpty())
        return path;
    return QDir(state).filePath(path);
}

Result<AuthSetup> AuthSetup::build(const DaemonConfig &c, std::shared_ptr<ApiKeyStore> keys, std::shared_ptr<JwtProvider> jwt,
                                   const QVariantList &jwtConfig)
{
    AuthSetup s;
    s.m_throttle = c.authThrottle;
    // Order: API keys and JWTs say what they are (a prefix, a shape); tokens are anything else.
    if (!c.apiKeys.file.isEmpty()) {
        const QString path = statePath(c.apiKeys.file);
        if (!keys || keys->path() != path)
            keys = std::make_shared<ApiKeyStore>(path);
        keys->setCost({c.apiKeys.scryptN, 8, 1});
        if (Status st = keys->load(); !st)
            return c.withLocation(st.error(), QStringLiteral("auth.api-keys.file"));
        s.m_apiKeys = keys;
        auto provider = std::make_shared<ApiKeyProvider>(keys, ApiKeyProvider::CacheOptions{c.apiKeys.cacheTtlMs, c.apiKeys.cacheSize});
        s.m_apiKeyProvider = provider;
        s.m_credentials.push_back(provider);
    }
    if (!c.jwtIssuers.isEmpty()) {
        if (jwt && jwtConfig == c.jwtIssuers) {
            if (Status st = jwt->reload(); !st) // bad files: the old keys stay, the reload says why
                return c.withLocation(st.error(), QStringLiteral("auth.jwt"));
        } else {
            const Result<JwtProvider::Options> options = JwtProvider::fromVariantMap(c.jwtIssuers, QStringLiteral("auth.jwt"));
            if (!options)
                return c.withLocation(options.error(), QStringLiteral("auth.jwt"));
            Result<std::shared_ptr<JwtProvider>> made = JwtProvider::create(options.value());
            if (!made)
                return c.withLocation(made.error(), QStringLiteral("auth.jwt"));
            jwt = made.value();
        }
        s.m_jwt = jwt;
        s.m_credentials.push_back(jwt);
    }
    if (!c.tokens.isEmpty()) {
        auto tokens = std::make_shared<TokenAuthenticator>();
        for (const TokenEntry &t : c.tokens)
            tokens->addToken(t.name, t.sha256Hex, t.roles);
        s.m_credentials.push_back(tokens);
    }
    if (c.mtls.enabled)
        s.m_certificates = std::make_shared<CertificateProvider>(CertificateProvider::Options{c.mtls.roles, c.mtls.defaultRoles});
    return s;
}

void AuthSetup::applyTo(AuthChain &chain) const
{
    chain.clearProviders();
    for (const auto &p : m_credentials)
        chain.addProvider(p);
    chain.setCertificateProvider(m_certificates);
    chain.setThrottle(m_throttle);
}

} // namespace sb::daemon
