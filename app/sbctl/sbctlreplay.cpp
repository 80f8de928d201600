// SPDX-License-Identifier: Apache-2.0
// sbctl replay: start a replay of stored messages and follow it with a progress line, list
// replays, read one, and pause, resume, seek or stop one.
#include "sbctl.h"

#include <remoteclient.h>
#include <remoteresult.h>

#include <QDateTime>
#include <QEventLoop>
#include <QTimer>

namespace sb::sbctl {

namespace {

// "sent 1200, at seq 5031 (original 2026-11-30T10:00:02.120Z), p99 late 0.4 ms, drift 0.1 ms"
QString progressLine(const QVariantMap &r)
{
    const QVariantMap timing = r.value(QStringLiteral("timing")).toMap();
    const qint64 original = r.value(QStringLiteral("originalTime")).toLongLong();
    QString line = QStringLiteral("%1 %2: sent %3, at seq %4")
                       .arg(r.value(QStringLiteral("id")).toString(), r.value(QStringLiteral("state")).toString())
                       .arg(r.value(QStringLiteral("sent")).toULongLong())
                       .arg(r.value(QStringLiteral("position")).toString());
    if (original > 0)
        line += QStringLiteral(" (stored %1)").arg(QDateTime::fromMSecsSinceEpoch(original, Qt::UTC).toString(Qt::ISODateWithMs));
    if (timing.value(QStringLiteral("samples")).toLongLong() > 0)
        line += QStringLiteral(", late p50 %1 ms, p99 %2 ms, max %3 ms, drift %4 ms")
                    .arg(timing.value(QStringLiteral("p50Us")).toDouble() / 1000.0, 0, 'f', 2)
                    .arg(timing.value(QStringLiteral("p99Us")).toDouble() / 1000.0, 0, 'f', 2)
                    .arg(timing.value(QStringLiteral("maxUs")).toDouble() / 1000.0, 0, 'f', 2)
                    .arg(timing.value(QStringLiteral("driftMs")).toDouble(), 0, 'f', 2);
    const qint64 refused = r.value(QStringLiteral("refused")).toLongLong();
    if (refused > 0)
        line += QStringLiteral(", %1 refused by the target").arg(refused);
    return line;
}

bool ended(const QVariantMap &r)
{
    const QString state = r.value(QStringLiteral("state")).toString();
    return state == QLatin1String("finished") || state == QLatin1String("stopped") || state == QLatin1String("failed");
}

} // namespace

// start CHANNEL [options]: the options as the REST API's, from the command line.
int Sbctl::replayStart(QStringList args)
{
    QString error;
    QVariantMap options;
    for (const char *key : {"topic", "from", "to", "after-seq", "to-seq", "speed", "target-channel", "subscription"}) {
        bool present = false;
        const QString v = takeOption(args, QStringLiteral("--") + QLatin1String(key), {}, &present, &error);
        if (present)
            options.insert(QString::fromLatin1(key), v);
    }
    bool remapGiven = false;
    const QString remap = takeOption(args, QStringLiteral("--remap"), {}, &remapGiven, &error);
    if (remapGiven) {
        const qsizetype eq = remap.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usageError(QStringLiteral("--remap takes FROM=TO (\"orders.>=replay.orders.>\")"));
        options.insert(QStringLiteral("remap"), QVariantMap{{QStringLiteral("from"), remap.left(eq)}, {QStringLiteral("to"), remap.mid(eq + 1)}});
    }
    if (takeFlag(args, QStringLiteral("--store")))
        options.insert(QStringLiteral("store"), true);
    const bool detach = takeFlag(args, QStringLiteral("--detach"));
    if (!error.isEmpty())
        return usageError(error);
    if (args.size() > 1)
        return usageError(QStringLiteral("replay start: expected at most one CHANNEL"));
    options.insert(QStringLiteral("channel"), args.value(0));
    const QVariantMap started = remote::RemoteClient::await(m_client->api()->startReplay(options), m_timeoutMs);
    if (detach || m_json)
        return printResult(started, [this](const QVariantMap &a) { m_out << progressLine(a) << "\n"; });
    const Error e = remote::RemoteResult::errorOf(started);
    if (e.isError())
        return fail(e);
    return followReplay(started.value(QStringLiteral("id")).toString());
}

// A progress line a second (rewritten in place), until the replay ends; its outcome sets the
// exit code.
int Sbctl::followReplay(const QString &id)
{
    QVariantMap last;
    for (;;) {
        last = remote::RemoteClient::await(m_client->api()->replay(id), m_timeoutMs);
        const Error e = remote::RemoteResult::errorOf(last);
        if (e.isError())
            return fail(e);
        m_out << "\r" << progressLine(last) << "\033[K";
        m_out.flush();
        if (ended(last))
            break;
        QEventLoop wait;
        QTimer::singleShot(1000, &wait, &QEventLoop::quit);
        wait.exec();
    }
    m_out << "\n";
    if (last.value(QStringLiteral("state")).toString() == QLatin1String("failed")) {
        const QVariantMap err = last.value(QStringLiteral("error")).toMap();
        return fail(Error(ErrorCode::HandlerFailed,
                          QStringLiteral("replay %1 failed: %2 (%3)")
                              .arg(id, err.value(QStringLiteral("message")).toString(), err.value(QStringLiteral("code")).toString())));
    }
    return ExitOk;
}

int Sbctl::replay(QStringList args)
{
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    if (sub == QLatin1String("start"))
        return replayStart(args);
    if (sub == QLatin1String("list")) {
        if (!args.isEmpty())
            return usageError(QStringLiteral("replay list: takes no arguments"));
        return listRows(QStringLiteral("replays"), QString(), 0,
                        {QStringLiteral("id"), QStringLiteral("state"), QStringLiteral("principal"), QStringLiteral("sent"),
                         QStringLiteral("position"), QStringLiteral("refused")});
    }
    if (sub == QLatin1String("status") || sub == QLatin1String("follow")) {
        if (args.size() != 1)
            return usageError(QStringLiteral("replay %1: expected exactly one ID").arg(sub));
        if (sub == QLatin1String("follow") && !m_json)
            return followReplay(args.first());
        return printResult(remote::RemoteClient::await(m_client->api()->replay(args.first()), m_timeoutMs),
                           [this](const QVariantMap &a) { m_out << progressLine(a) << "\n"; });
    }
    if (sub == QLatin1String("pause") || sub == QLatin1String("resume") || sub == QLatin1String("stop")
        || sub == QLatin1String("seek")) {
        QString error;
        QVariantMap where;
        for (const char *key : {"after-seq", "from"}) {
            bool present = false;
            const QString v = takeOption(args, QStringLiteral("--") + QLatin1String(key), {}, &present, &error);
            if (present)
                where.insert(QString::fromLatin1(key), v);
        }
        if (!error.isEmpty())
            return usageError(error);
        if (args.size() != 1)
            return usageError(QStringLiteral("replay %1: expected exactly one ID").arg(sub));
        if ((sub == QLatin1String("seek")) != !where.isEmpty())
            return usageError(sub == QLatin1String("seek") ? QStringLiteral("replay seek: needs --after-seq N or --from TIME")
                                                           : QStringLiteral("replay %1: takes no options").arg(sub));
        return printResult(remote::RemoteClient::await(m_client->api()->controlReplay(args.first(), sub, where), m_timeoutMs),
                           [this](const QVariantMap &a) { m_out << progressLine(a) << "\n"; });
    }
    return usageError(QStringLiteral("replay: expected start, list, status, follow, pause, resume, seek or stop"));
}

} // namespace sb::sbctl
