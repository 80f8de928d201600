// SPDX-License-Identifier: Apache-2.0
// sbctl status: the hub's version, rates, counts, and its plugins with where they listen.
#include "sbctl.h"

#include <remoteclient.h>
#include <remoteresult.h>

#include <QDateTime>

namespace sb::sbctl {

int Sbctl::status()
{
    SwitchboardReplica *api = m_client->api();
    const QVariantMap stats = api->stats();
    const QVariantMap answer = remote::RemoteResult::ok({{QStringLiteral("hub"), api->hubName()},
                                                         {QStringLiteral("version"), api->version()},
                                                         {QStringLiteral("startedAt"), api->startedAt()},
                                                         {QStringLiteral("stats"), stats},
                                                         {QStringLiteral("plugins"), api->plugins()}});
    return printResult(answer, [this, api, stats](const QVariantMap &) {
        m_out << "hub:          " << api->hubName() << " (switchboardd " << api->version() << ")\n"
              << "started:      " << QDateTime::fromMSecsSinceEpoch(api->startedAt()).toString(Qt::ISODate) << "\n"
              << "healthy:      " << cell(stats.value(QStringLiteral("healthy"))) << "\n"
              << "in / out:     " << cell(stats.value(QStringLiteral("inRate"))) << " / "
              << cell(stats.value(QStringLiteral("outRate"))) << " msg/s (total " << cell(stats.value(QStringLiteral("in")))
              << " / " << cell(stats.value(QStringLiteral("out"))) << ")\n"
              << "connections:  " << cell(stats.value(QStringLiteral("connections"))) << "\n"
              << "channels:     " << cell(stats.value(QStringLiteral("channels"))) << "\n"
              << "topics:       " << cell(stats.value(QStringLiteral("topics"))) << "\n"
              << "dead letters: " << cell(stats.value(QStringLiteral("deadLetters"))) << "\n"
              << "errors:       " << cell(stats.value(QStringLiteral("errors"))) << "\n"
              << "refused:      " << cell(stats.value(QStringLiteral("refused"))) << " (unauthenticated, forbidden, "
              << "spoofed replies and NACKs, limits)\n"
              << "auth:         " << cell(stats.value(QStringLiteral("auth")).toMap().value(QStringLiteral("succeeded"), 0)) << " ok, "
              << cell(stats.value(QStringLiteral("auth")).toMap().value(QStringLiteral("failed"), 0)) << " failed, "
              << cell(stats.value(QStringLiteral("auth")).toMap().value(QStringLiteral("throttled"), 0)) << " throttled ("
              << stats.value(QStringLiteral("auth")).toMap().value(QStringLiteral("providers")).toStringList().join(QStringLiteral(", "))
              << ")\n"
              << "buffers:      " << cell(stats.value(QStringLiteral("bufferedBytes"))) << " of "
              << cell(stats.value(QStringLiteral("bufferLimit"))) << " bytes (limits.max-buffered-bytes)\n";
        const QVariantMap journal = stats.value(QStringLiteral("journal")).toMap();
        if (!journal.isEmpty()) {
            m_out << "journal:      " << journal.value(QStringLiteral("kind")).toString() << ", "
                  << cell(journal.value(QStringLiteral("messages"))) << " messages, "
                  << cell(journal.value(QStringLiteral("bytes"))) << " of " << cell(journal.value(QStringLiteral("budgetBytes")))
                  << " bytes";
            if (journal.value(QStringLiteral("failed")).toBool())
                m_out << ", FAILED: " << journal.value(QStringLiteral("error")).toString();
            else if (journal.value(QStringLiteral("lowSpace")).toBool())
                m_out << ", low on space";
            m_out << "\n";
        }
        for (const QVariant &p : api->plugins()) {
            const QVariantMap pm = p.toMap();
            m_out << "plugin:       " << pm.value(QStringLiteral("id")).toString() << " "
                  << (pm.value(QStringLiteral("loaded")).toBool() ? QStringLiteral("loaded") : QStringLiteral("not loaded"));
            if (pm.contains(QStringLiteral("error")))
                m_out << " (" << pm.value(QStringLiteral("error")).toMap().value(QStringLiteral("message")).toString() << ")";
            // Where each of its endpoints listens: HTTP listeners, native TCP and local socket.
            QStringList where;
            for (const QVariant &e : pm.value(QStringLiteral("endpoints")).toList()) {
                const QVariantMap em = e.toMap();
                where += em.value(QStringLiteral("addresses")).toStringList();
                for (const char *key : {"tcp", "local"}) {
                    const QString a = em.value(QString::fromLatin1(key)).toString();
                    if (!a.isEmpty())
                        where += a;
                }
            }
            if (!where.isEmpty())
                m_out << " on " << where.join(QStringLiteral(", "));
            m_out << "\n";
        }
    });
}

} // namespace sb::sbctl
