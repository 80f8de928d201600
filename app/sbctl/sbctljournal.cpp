// SPDX-License-Identifier: Apache-2.0
// sbctl messages | durables | journal check: what the journal stores, durable subscriptions, and a
// full check of the journal's database.
#include "sbctl.h"

#include <remoteclient.h>

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>

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

namespace {

// TIME: milliseconds since the epoch, or RFC 3339 with a zone; -1 when it is neither.
qint64 timeArgument(const QString &v)
{
    bool ok = false;
    const qint64 ms = v.toLongLong(&ok);
    if (ok)
        return ms >= 0 ? ms : -1;
    const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
    return t.isValid() && t.timeSpec() != Qt::LocalTime ? t.toMSecsSinceEpoch() : -1;
}

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

// A bar per span of time: how many messages the channel stored in it.
int Sbctl::timeline(QStringList args)
{
    QString error;
    QVariantMap query;
    bool present = false;
    const QString topic = takeOption(args, QStringLiteral("--topic"), {}, &present, &error);
    if (present)
        query.insert(QStringLiteral("topic"), topic);
    for (const char *key : {"from", "to"}) {
        const QString v = takeOption(args, QStringLiteral("--") + QLatin1String(key), {}, &present, &error);
        if (!present)
            continue;
        const qint64 ms = timeArgument(v);
        if (ms < 0)
            return usageError(QStringLiteral("timeline: --%1 %2 is not a time (milliseconds since the epoch or RFC 3339 "
                                             "with a zone, 2026-11-30T12:00:00Z)")
                                  .arg(QLatin1String(key), v));
        query.insert(QString::fromLatin1(key), ms);
    }
    const QString buckets = takeOption(args, QStringLiteral("--buckets"), {}, &present, &error);
    if (present)
        query.insert(QStringLiteral("buckets"), buckets);
    if (!error.isEmpty())
        return usageError(error);
    if (args.size() > 1)
        return usageError(QStringLiteral("timeline: expected at most one CHANNEL"));
    return printResult(remote::RemoteClient::await(m_client->api()->storedDensity(args.value(0), query), m_timeoutMs),
                       [this](const QVariantMap &a) {
                           const QVariantList counts = a.value(QStringLiteral("counts")).toList();
                           if (counts.isEmpty()) {
                               m_out << "nothing stored\n";
                               return;
                           }
                           qint64 most = 1;
                           for (const QVariant &n : counts)
                               most = std::max(most, n.toLongLong());
                           const qint64 from = a.value(QStringLiteral("from")).toLongLong(),
                                        width = a.value(QStringLiteral("bucketMs")).toLongLong();
                           for (int i = 0; i < counts.size(); ++i) {
                               const qint64 n = counts.at(i).toLongLong();
                               m_out << utc(from + i * width) << "  " << QString::number(n).rightJustified(10) << "  "
                                     << QString(int((n * 50 + most - 1) / most), u'#') << "\n";
                           }
                           m_out << a.value(QStringLiteral("total")).toLongLong() << " messages"
                                 << (a.value(QStringLiteral("estimated")).toBool() ? " (estimated)" : "") << " from "
                                 << utc(from) << " to " << utc(a.value(QStringLiteral("to")).toLongLong()) << ", "
                                 << width << " ms a line; stored from seq " << a.value(QStringLiteral("firstSeq")).toString()
                                 << " to " << a.value(QStringLiteral("lastSeq")).toString() << "\n";
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
