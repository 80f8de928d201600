// SPDX-License-Identifier: Apache-2.0
// RemoteControl: API-key administration (sbctl keys create|list|revoke, the console).
#include "remotecontrol.h"
#include "remoteresult.h"

#include <switchboard/apikeystore.h>
#include <switchboard/bus.h>
#include <switchboard/hub.h>

namespace sb::remote {

using RemoteResult::failure;
using RemoteResult::ok;

namespace {

Error keysOff()
{
    return Error(ErrorCode::NotFound, QStringLiteral("API keys are off on this hub: set auth.api-keys.file in its config and reload"));
}

QVariantMap row(const ApiKeyStore::Key &k)
{
    return {{QStringLiteral("id"), k.id},
            {QStringLiteral("name"), k.name},
            {QStringLiteral("roles"), k.roles},
            {QStringLiteral("created"), k.created.toString(Qt::ISODateWithMs)}};
}

} // namespace

QVariantMap RemoteControl::createApiKey(const QString &name, const QStringList &roles)
{
    if (Status st = m_hub->bus()->administer(m_principal, QString()); !st)
        return failure(st.error());
    ApiKeyStore *store = m_apiKeys ? m_apiKeys() : nullptr;
    if (!store)
        return failure(keysOff());
    const Result<ApiKeyStore::Created> c = store->create(name, roles);
    if (!c)
        return failure(c.error());
    QVariantMap out = row(c->key);
    out.insert(QStringLiteral("key"), QString::fromLatin1(c->secret)); // once, here only
    return ok(out);
}

QVariantMap RemoteControl::listApiKeys()
{
    if (Status st = m_hub->bus()->administer(m_principal, QString()); !st)
        return failure(st.error());
    ApiKeyStore *store = m_apiKeys ? m_apiKeys() : nullptr;
    if (!store)
        return failure(keysOff());
    QVariantList rows;
    for (const ApiKeyStore::Key &k : store->keys())
        rows.append(row(k));
    return ok({{QStringLiteral("total"), rows.size()}, {QStringLiteral("rows"), rows}});
}

QVariantMap RemoteControl::revokeApiKey(const QString &id)
{
    if (Status st = m_hub->bus()->administer(m_principal, QString()); !st)
        return failure(st.error());
    ApiKeyStore *store = m_apiKeys ? m_apiKeys() : nullptr;
    if (!store)
        return failure(keysOff());
    const Result<ApiKeyStore::Key> gone = store->revoke(id);
    if (!gone)
        return failure(gone.error());
    const int closed = m_hub->closeConnectionsOf(
        QStringLiteral("api-key"), id,
        Error(ErrorCode::Unauthenticated, QStringLiteral("API key %1 (\"%2\") was revoked").arg(id, gone->name)));
    Q_EMIT credentialRevoked(QStringLiteral("api-key"), id);
    refresh();
    QVariantMap out = row(gone.value());
    out.insert(QStringLiteral("closedConnections"), closed);
    return ok(out);
}

} // namespace sb::remote
