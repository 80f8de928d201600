// SPDX-License-Identifier: Apache-2.0
// sbctl keys create|list|revoke: the hub's API keys (auth.api-keys).
#include "sbctl.h"

#include <remoteclient.h>

namespace sb::sbctl {

int Sbctl::keys(QStringList args)
{
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    if (sub == QLatin1String("create")) {
        QStringList roles;
        QStringList rest;
        for (qsizetype i = 0; i < args.size(); ++i) {
            const QString &a = args.at(i);
            if (a == QLatin1String("--role")) {
                if (i + 1 >= args.size())
                    return usageError(QStringLiteral("--role needs a value"));
                roles.append(args.at(++i));
            } else if (a.startsWith(QLatin1String("--role="))) {
                roles.append(a.mid(7));
            } else {
                rest.append(a);
            }
        }
        if (rest.size() != 1 || rest.first().startsWith(QLatin1String("--")))
            return usageError(QStringLiteral("keys create: expected exactly one NAME (and --role ROLE, repeated)"));
        return printResult(remote::RemoteClient::await(m_client->api()->createApiKey(rest.first(), roles), m_timeoutMs),
                           [this](const QVariantMap &a) {
                               m_out << "created API key " << a.value(QStringLiteral("id")).toString() << " for \""
                                     << a.value(QStringLiteral("name")).toString() << "\" (roles: "
                                     << a.value(QStringLiteral("roles")).toStringList().join(QStringLiteral(", ")) << ")\n"
                                     << a.value(QStringLiteral("key")).toString() << "\n"
                                     << "Store it now: the hub keeps only a hash of it and cannot show it again.\n";
                           });
    }
    if (sub == QLatin1String("list")) {
        if (!args.isEmpty())
            return usageError(QStringLiteral("keys list: takes no arguments"));
        return printResult(remote::RemoteClient::await(m_client->api()->listApiKeys(), m_timeoutMs), [this](const QVariantMap &a) {
            printTable(a.value(QStringLiteral("rows")).toList(),
                       {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("roles"), QStringLiteral("created")});
        });
    }
    if (sub == QLatin1String("revoke")) {
        if (args.size() != 1)
            return usageError(QStringLiteral("keys revoke: expected exactly one ID"));
        return printResult(remote::RemoteClient::await(m_client->api()->revokeApiKey(args.first()), m_timeoutMs),
                           [this](const QVariantMap &a) {
                               m_out << "revoked API key " << a.value(QStringLiteral("id")).toString() << " (\""
                                     << a.value(QStringLiteral("name")).toString() << "\"); closed "
                                     << a.value(QStringLiteral("closedConnections")).toInt() << " connection(s)\n";
                           });
    }
    return usageError(QStringLiteral("keys: expected create, list or revoke"));
}

} // namespace sb::sbctl
