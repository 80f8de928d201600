// SPDX-License-Identifier: Apache-2.0
// sbctl messages | durables | journal check: what the journal stores, durable subscriptions, and a
// full check of the journal's database.
#include "sbctl.h"

#include <remoteclient.h>

#include <QDateTime>
#include <QTimeZone>

namespace sb::sbctl {

int Sbctl::messages(QStringList args)
{
    QString error;
    QVariantMap query;
    for (const char *key : {"topic", "after-seq", "limit"}) {
        bool present = false;
        const QString v = takeOption(args, QStringLiteral("--") + QLatin1String(key), {}, &present, &error);
        if (present)
            query.insert(QLatin1String(key) == QLatin1String("after-seq") ? QStringLiteral("afterSeq") : QString::fromLatin1(key), v);
    }
    if (!error.isEmpty())
        return usageError(error);
    if (args.size() > 1)
        return usageError(QStringLiteral("messages: expected at most one CHANNEL"));
    const QString channel = args.value(0);
    return printResult(remote::RemoteClient::await(m_client->api()->storedMessages(channel, query), m_timeoutMs),
                       [this](const QVariantMap &a) {
                           QVariantList rows;
                           for (const QVariant &r : a.value(QStringLiteral("rows")).toList()) {
                               const QVariantMap row = r.toMap();
                               const QVariantMap m = row.value(QStringLiteral("message")).toMap();
                               QString data = m.value(QStringLiteral("data")).toString();
                               if (data.size() > 60)
                                   data = data.left(57) + QStringLiteral("...");
                               rows.append(QVariantMap{
                                   {QStringLiteral("seq"), row.value(QStringLiteral("seq"))},
                                   {QStringLiteral("stored"),
                                    QDateTime::fromMSecsSinceEpoch(row.value(QStringLiteral("storedAt")).toLongLong(), Qt::UTC)
                                        .toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("topic"), m.value(QStringLiteral("topic"))},
                                   {QStringLiteral("id"), m.value(QStringLiteral("messageId"))},
                                   {QStringLiteral("data"), data}});
                           }
                           printTable(rows, {QStringLiteral("seq"), QStringLiteral("stored"), QStringLiteral("topic"),
                                             QStringLiteral("id"), QStringLiteral("data")});
                           if (a.contains(QStringLiteral("nextAfterSeq")))
                               m_out << "(more: --after-seq " << a.value(QStringLiteral("nextAfterSeq")).toString() << ")\n";
                       });
}

int Sbctl::durables(QStringList args)
{
    const QString sub = args.isEmpty() ? QStringLiteral("list") : args.takeFirst();
    if (sub == QLatin1String("list")) {
        if (!args.isEmpty())
            return usageError(QStringLiteral("durables list: takes no arguments"));
        return listRows(QStringLiteral("durables"), QString(), 0,
                        {QStringLiteral("name"), QStringLiteral("channel"), QStringLiteral("pattern"), QStringLiteral("position"),
                         QStringLiteral("subscribers"), QStringLiteral("waitingForAck"), QStringLiteral("backlog"),
                         QStringLiteral("redelivered"), QStringLiteral("deadLettered"), QStringLiteral("expired")});
    }
    if (sub == QLatin1String("delete")) {
        if (args.size() != 1)
            return usageError(QStringLiteral("durables delete: expected exactly one NAME"));
        return printResult(remote::RemoteClient::await(m_client->api()->deleteDurable(args.first()), m_timeoutMs),
                           [this](const QVariantMap &a) {
                               m_out << "deleted durable subscription " << a.value(QStringLiteral("name")).toString() << "\n";
                           });
    }
    return usageError(QStringLiteral("durables: expected list or delete"));
}

int Sbctl::journal(QStringList args)
{
    if (args != QStringList{QStringLiteral("check")})
        return usageError(QStringLiteral("journal: expected \"check\""));
    // A full check reads the whole database: give it more time than a usual call.
    return printResult(remote::RemoteClient::await(m_client->api()->checkJournal(), std::max(m_timeoutMs, 600000)),
                       [this](const QVariantMap &a) {
                           const QStringList problems = a.value(QStringLiteral("problems")).toStringList();
                           if (problems.isEmpty()) {
                               m_out << "journal: ok\n";
                               return;
                           }
                           for (const QString &p : problems)
                               m_out << "journal: " << p << "\n";
                       });
}

} // namespace sb::sbctl
