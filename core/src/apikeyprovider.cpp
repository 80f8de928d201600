// SPDX-License-Identifier: Apache-2.0
#include <switchboard/apikeyprovider.h>
#include <switchboard/ratelimiter.h>

#include <QCryptographicHash>

#include "libcrypto_p.h"

namespace sb {

ApiKeyProvider::ApiKeyProvider(std::shared_ptr<ApiKeyStore> store) : ApiKeyProvider(std::move(store), CacheOptions()) {}

ApiKeyProvider::ApiKeyProvider(std::shared_ptr<ApiKeyStore> store, const CacheOptions &cache)
    : m_store(std::move(store)), m_options(cache)
{
}

std::optional<Result<Identity>> ApiKeyProvider::verify(const AuthRequest &request) const
{
    QString id;
    QByteArray secret;
    if (!ApiKeyStore::parse(request.credential, &id, &secret))
        return std::nullopt;
    const ApiKeyStore::Key *key = m_store->find(id);
    if (!key) {
        m_cache.erase(id);
        return Result<Identity>(Error(ErrorCode::Unauthenticated, QStringLiteral("API key %1 is unknown or revoked").arg(id),
                                      {{QStringLiteral("keyId"), id}}));
    }
    if (!request.user.isEmpty() && request.user != key->name)
        return Result<Identity>(Error(ErrorCode::Unauthenticated,
                                      QStringLiteral("API key %1 does not belong to user \"%2\"").arg(id, request.user),
                                      {{QStringLiteral("keyId"), id}}));
    const qint64 now = RateLimiter::monotonicMsecs();
    const QByteArray digest = QCryptographicHash::hash(secret, QCryptographicHash::Sha256);
    auto cached = m_cache.find(id);
    const bool hit = cached != m_cache.end() && cached->second.until > now
                     && detail::loadedLibCrypto().CRYPTO_memcmp(cached->second.digest.constData(), digest.constData(), size_t(digest.size())) == 0;
    if (!hit) {
        if (!ApiKeyStore::matches(*key, secret))
            return Result<Identity>(Error(ErrorCode::Unauthenticated, QStringLiteral("wrong secret for API key %1").arg(id),
                                          {{QStringLiteral("keyId"), id}}));
        if (m_options.maxEntries > 0) {
            if (int(m_cache.size()) >= m_options.maxEntries && cached == m_cache.end()) {
                // Full: drop what has expired, else the entry nearest its end.
                for (auto it = m_cache.begin(); it != m_cache.end();)
                    it = it->second.until <= now ? m_cache.erase(it) : std::next(it);
                if (int(m_cache.size()) >= m_options.maxEntries) {
                    auto soonest = m_cache.begin();
                    for (auto it = m_cache.begin(); it != m_cache.end(); ++it)
                        soonest = it->second.until < soonest->second.until ? it : soonest;
                    m_cache.erase(soonest);
                }
            }
            m_cache[id] = Cached{digest, now + m_options.ttlMs};
        }
    }
    Identity identity(key->name, true, key->roles);
    identity.provider = name();
    identity.credentialId = id;
    return Result<Identity>(identity);
}

} // namespace sb
