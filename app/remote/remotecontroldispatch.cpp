// SPDX-License-Identifier: Apache-2.0
// RemoteControl::call() and dispatch(): any slot by name, for bindings that cannot read a slot's
// pending reply (PyQt6).
#include "remotecontrol.h"
#include "remoteresult.h"

#include <functional>

namespace sb::remote {

using RemoteResult::failure;

void RemoteControl::call(const QString &callId, const QString &method, const QVariantMap &args)
{
    Q_EMIT answered(callId, dispatch(method, args));
}

QVariantMap RemoteControl::dispatch(const QString &method, const QVariantMap &args)
{
    QStringList missing;
    auto arg = [&](const char *name) {
        const QString key = QString::fromLatin1(name);
        if (!args.contains(key))
            missing << key;
        return args.value(key);
    };
    auto number = [&](const char *name, qint64 def) {
        const QString key = QString::fromLatin1(name);
        return args.contains(key) ? args.value(key).toLongLong() : def;
    };
    std::function<QVariantMap()> run;
    if (method == QLatin1String("list")) {
        const QString collection = arg("collection").toString();
        run = [=] { return list(collection, args.value(QStringLiteral("filter")).toString(), int(number("offset", 0)),
                                int(number("limit", 0))); };
    } else if (method == QLatin1String("createChannel")) {
        const QVariantMap config = arg("config").toMap();
        run = [=] { return createChannel(config); };
    } else if (method == QLatin1String("updateChannel")) {
        const QVariantMap config = arg("config").toMap();
        run = [=] { return updateChannel(config); };
    } else if (method == QLatin1String("deleteChannel")) {
        const QString name = arg("name").toString();
        run = [=] { return deleteChannel(name); };
    } else if (method == QLatin1String("publish")) {
        const QVariantMap message = arg("message").toMap();
        run = [=] { return publish(message); };
    } else if (method == QLatin1String("request")) {
        const QVariantMap message = arg("message").toMap();
        const int timeoutMs = int(number("timeoutMs", 5000));
        run = [=] { return request(message, timeoutMs); };
    } else if (method == QLatin1String("deadLetter")) {
        const quint64 id = arg("id").toULongLong();
        run = [=] { return deadLetter(id); };
    } else if (method == QLatin1String("requeueDeadLetter")) {
        const quint64 id = arg("id").toULongLong();
        const QVariantMap edits = args.value(QStringLiteral("edits")).toMap();
        run = [=] { return requeueDeadLetter(id, edits); };
    } else if (method == QLatin1String("purgeDeadLetters")) {
        const QVariantList ids = args.value(QStringLiteral("ids")).toList();
        run = [=] { return purgeDeadLetters(ids); };
    } else if (method == QLatin1String("closeConnection")) {
        const QString id = arg("id").toString();
        const QString reason = args.value(QStringLiteral("reason")).toString();
        run = [=] { return closeConnection(id, reason); };
    } else if (method == QLatin1String("reloadConfig")) {
        run = [=] { return reloadConfig(); };
    } else if (method == QLatin1String("createApiKey")) {
        const QString name = arg("name").toString();
        const QStringList roles = args.value(QStringLiteral("roles")).toStringList();
        run = [=] { return createApiKey(name, roles); };
    } else if (method == QLatin1String("listApiKeys")) {
        run = [=] { return listApiKeys(); };
    } else if (method == QLatin1String("revokeApiKey")) {
        const QString id = arg("id").toString();
        run = [=] { return revokeApiKey(id); };
    } else if (method == QLatin1String("watch")) {
        const QString pattern = arg("pattern").toString();
        const int maxPerSecond = int(number("maxPerSecond", 100));
        run = [=] { return watch(args.value(QStringLiteral("channel")).toString(), pattern, maxPerSecond); };
    } else if (method == QLatin1String("storedMessages")) {
        const QVariantMap query = args.value(QStringLiteral("query")).toMap();
        run = [=] { return storedMessages(args.value(QStringLiteral("channel")).toString(), query); };
    } else if (method == QLatin1String("storedDensity")) {
        const QVariantMap query = args.value(QStringLiteral("query")).toMap();
        run = [=] { return storedDensity(args.value(QStringLiteral("channel")).toString(), query); };
    } else if (method == QLatin1String("deleteDurable")) {
        const QString name = arg("name").toString();
        run = [=] { return deleteDurable(name); };
    } else if (method == QLatin1String("checkJournal")) {
        run = [=] { return checkJournal(); };
    } else if (method == QLatin1String("startReplay")) {
        const QVariantMap options = args.value(QStringLiteral("options")).toMap();
        run = [=] { return startReplay(options); };
    } else if (method == QLatin1String("replay")) {
        const QString id = arg("id").toString();
        run = [=] { return replay(id); };
    } else if (method == QLatin1String("controlReplay")) {
        const QString id = arg("id").toString();
        const QString action = arg("action").toString();
        const QVariantMap more = args.value(QStringLiteral("args")).toMap();
        run = [=] { return controlReplay(id, action, more); };
    } else if (method == QLatin1String("renewWatch") || method == QLatin1String("unwatch")) {
        const QString watchId = arg("watchId").toString();
        run = [=] { return method == QLatin1String("unwatch") ? unwatch(watchId) : renewWatch(watchId); };
    } else {
        return failure(Error(ErrorCode::NotFound, QStringLiteral("no remote-control method \"%1\"").arg(method),
                             {{QStringLiteral("method"), method}}));
    }
    if (!missing.isEmpty())
        return failure(Error(ErrorCode::BadMessage,
                             QStringLiteral("%1 needs the argument(s) %2").arg(method, missing.join(QStringLiteral(", "))),
                             {{QStringLiteral("missing"), missing}}));
    return run();
}

} // namespace sb::remote
