// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/apikeystore.h>
#include <switchboard/auth.h>

#include <memory>
#include <unordered_map>

namespace sb {

// The "api-key" provider: recognises "sbk_<id>_<secret>", verifies the secret against the store's
// scrypt hash, and remembers a verified secret's SHA-256 for a bounded time, so a busy client
// (one HTTP request each) does not pay scrypt per request. A revoked key fails at once, cached or
// not: the store is asked first.
class SWITCHBOARD_EXPORT ApiKeyProvider : public AuthProvider
{
public:
    struct CacheOptions
    {
        qint64 ttlMs = 5 * 60 * 1000; // auth.api-keys.cache-ttl
        int maxEntries = 1000;        // auth.api-keys.cache-size (0: no cache)
    };

    explicit ApiKeyProvider(std::shared_ptr<ApiKeyStore> store);
    ApiKeyProvider(std::shared_ptr<ApiKeyStore> store, const CacheOptions &cache);
    QString name() const override { return QStringLiteral("api-key"); }
    std::optional<Result<Identity>> verify(const AuthRequest &request) const override;
    ApiKeyStore *store() const { return m_store.get(); }
    // Drops what is remembered of \a id (after a revocation; verify() refuses it anyway).
    void forget(const QString &id) const { m_cache.erase(id); }
    int cachedCount() const { return int(m_cache.size()); }

private:
    struct Cached
    {
        QByteArray digest; // SHA-256 of the secret that verified
        qint64 until = 0;  // monotonic ms
    };

    std::shared_ptr<ApiKeyStore> m_store;
    CacheOptions m_options;
    mutable std::unordered_map<QString, Cached> m_cache;
};

} // namespace sb
