// SPDX-License-Identifier: Apache-2.0
#include "daemonconfig.h"

#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

namespace sb::daemon {

namespace {

// YAML -> QVariant (scalars stay strings; the consumers convert and validate), recording the line
// of every key path.
QVariant toVariant(const YAML::Node &node, const QString &path, QHash<QString, int> &lines)
{
    if (node.Mark().line >= 0 && !path.isEmpty())
        lines.insert(path, node.Mark().line + 1);
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QVariantMap map;
        for (const auto &kv : node) {
            const QString key = QString::fromStdString(kv.first.as<std::string>());
            const QString child = path.isEmpty() ? key : path + QLatin1Char('.') + key;
            lines.insert(child, kv.first.Mark().line + 1);
            map.insert(key, toVariant(kv.second, child, lines));
        }
        return map;
    }
    case YAML::NodeType::Sequence: {
        QVariantList list;
        int i = 0;
        for (const auto &item : node) {
            list.append(toVariant(item, path + QStringLiteral("[%1]").arg(i), lines));
            ++i;
        }
        return list;
    }
    case YAML::NodeType::Scalar:
        return QString::fromStdString(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return QVariant();
    }
    return QVariant();
}

bool isMap(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantMap;
}
bool isList(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantList;
}

} // namespace

DaemonConfig DaemonConfig::defaults()
{
    DaemonConfig c;
    c.sourceName = QStringLiteral("(defaults)");
    c.protocols = {QStringLiteral("native")};
    c.protocolConfig.insert(QStringLiteral("native"), {{QStringLiteral("tcp"), QStringLiteral("127.0.0.1:7400")},
                                                       {QStringLiteral("local"), QStringLiteral("switchboard")}});
    c.remote.enabled = true;
    return c;
}

QString DaemonConfig::locate(const QString &keyPath) const
{
    QString p = keyPath;
    while (!p.isEmpty()) {
        auto it = lines.constFind(p);
        if (it != lines.cend())
            return QStringLiteral("%1:%2: ").arg(sourceName).arg(it.value());
        const qsizetype cut = qMax(p.lastIndexOf(QLatin1Char('.')), p.lastIndexOf(QLatin1Char('[')));
        p = cut > 0 ? p.left(cut) : QString();
    }
    return sourceName + QStringLiteral(": ");
}

Error DaemonConfig::withLocation(Error error, const QString &keyPath) const
{
    error.message = locate(keyPath) + error.message;
    error.details.insert(QStringLiteral("key"), keyPath);
    if (auto it = lines.constFind(keyPath); it != lines.cend())
        error.details.insert(QStringLiteral("line"), it.value());
    return error;
}

Result<DaemonConfig> DaemonConfig::fromFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error(ErrorCode::InvalidConfig, QStringLiteral("cannot read config file %1: %2").arg(path, f.errorString()));
    Result<DaemonConfig> c = fromYaml(f.readAll(), QFileInfo(path).fileName());
    if (!c)
        return c;
    DaemonConfig out = c.value();
    out.path = QFileInfo(path).absoluteFilePath();
    return out;
}

Result<DaemonConfig> DaemonConfig::fromYaml(const QByteArray &yaml, const QString &sourceName)
{
    DaemonConfig c = defaults();
    c.remote = RemoteConfig(); // a file turns it on with a "remote" section
    c.sourceName = sourceName;
    c.protocols.clear();
    c.protocolConfig.clear();

    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        // yaml-cpp throws; the exception ends here, at the library's edge.
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1:%2: YAML syntax error: %3")
                                                   .arg(sourceName)
                                                   .arg(e.mark.line + 1)
                                                   .arg(QString::fromStdString(e.msg)),
                     {{QStringLiteral("line"), e.mark.line + 1}});
    }
    QVariant tree;
    try {
        tree = toVariant(root, QString(), c.lines);
    } catch (const YAML::Exception &e) {
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1:%2: %3")
                                                   .arg(sourceName)
                                                   .arg(e.mark.line + 1)
                                                   .arg(QString::fromStdString(e.msg)));
    }
    if (!tree.isValid()) {
        c.protocols = defaults().protocols;
        c.protocolConfig = defaults().protocolConfig;
        c.remote = defaults().remote;
        return c; // an empty file means the defaults
    }
    auto bad = [&](const QString &key, const QString &why) {
        return c.withLocation(Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why), key);
    };
    if (!isMap(tree))
        return bad(QString(), QStringLiteral("the top level must be a map"));
    const QVariantMap top = tree.toMap();
    static const QStringList topKeys{QStringLiteral("communication"), QStringLiteral("channels"),
                                     QStringLiteral("limits"), QStringLiteral("retry"), QStringLiteral("auth"),
                                     QStringLiteral("log"), QStringLiteral("shutdown-drain-ms"), QStringLiteral("remote")};
    for (auto it = top.cbegin(); it != top.cend(); ++it) {
        if (!topKeys.contains(it.key()))
            return bad(it.key(), QStringLiteral("unknown key (expected one of %1)").arg(topKeys.join(QStringLiteral(", "))));
    }

    // communication
    const QVariant comm = top.value(QStringLiteral("communication"));
    if (comm.isValid() && !isMap(comm))
        return bad(QStringLiteral("communication"), QStringLiteral("must be a map"));
    const QVariantMap cm = comm.toMap();
    bool protocolsGiven = false;
    for (auto it = cm.cbegin(); it != cm.cend(); ++it) {
        const QString key = QStringLiteral("communication.") + it.key();
        if (it.key() == QLatin1String("message-bus")) {
            if (!isMap(it.value()))
                return bad(key, QStringLiteral("must be a map {enabled, type}"));
            const QVariantMap mb = it.value().toMap();
            for (auto m = mb.cbegin(); m != mb.cend(); ++m) {
                const QString mk = key + QLatin1Char('.') + m.key();
                if (m.key() == QLatin1String("enabled")) {
                    if (m.value().toString() != QLatin1String("true"))
                        return bad(mk, QStringLiteral("the message bus is the hub; it cannot be disabled"));
                } else if (m.key() == QLatin1String("type")) {
                    if (m.value().toString() != QLatin1String("embedded"))
                        return bad(mk, QStringLiteral("\"%1\" is not available; use \"embedded\" (federation over "
                                                      "NATS is configured separately)")
                                           .arg(m.value().toString()));
                } else {
                    return bad(mk, QStringLiteral("unknown key (expected enabled, type)"));
                }
            }
        } else if (it.key() == QLatin1String("protocols")) {
            if (!isList(it.value()))
                return bad(key, QStringLiteral("must be a list of plugin ids, e.g. [native]"));
            protocolsGiven = true;
            int i = 0;
            for (const QVariant &p : it.value().toList()) {
                const QString id = p.toString();
                if (id.isEmpty() || isMap(p) || isList(p))
                    return bad(key + QStringLiteral("[%1]").arg(i), QStringLiteral("must be a plugin id"));
                if (c.protocols.contains(id))
                    return bad(key + QStringLiteral("[%1]").arg(i), QStringLiteral("\"%1\" is listed twice").arg(id));
                c.protocols.append(id);
                ++i;
            }
        } else {
            // A protocol's own section; the plugin validates it.
            if (!isMap(it.value()))
                return bad(key, QStringLiteral("a protocol section must be a map"));
            c.protocolConfig.insert(it.key(), it.value().toMap());
        }
    }
    if (!protocolsGiven)
        c.protocols = defaults().protocols;
    for (auto it = c.protocolConfig.cbegin(); it != c.protocolConfig.cend(); ++it) {
        if (!c.protocols.contains(it.key()))
            return bad(QStringLiteral("communication.") + it.key(),
                       QStringLiteral("section for protocol \"%1\", which is not in communication.protocols").arg(it.key()));
    }
    if (c.protocols.contains(QStringLiteral("native")) && !c.protocolConfig.contains(QStringLiteral("native")))
        c.protocolConfig.insert(QStringLiteral("native"), defaults().protocolConfig.value(QStringLiteral("native")));

    // channels
    const QVariant channels = top.value(QStringLiteral("channels"));
    if (channels.isValid() && !isList(channels))
        return bad(QStringLiteral("channels"), QStringLiteral("must be a list of channel maps"));
    int i = 0;
    for (const QVariant &ch : channels.toList()) {
        const QString key = QStringLiteral("channels[%1]").arg(i++);
        if (!isMap(ch))
            return bad(key, QStringLiteral("must be a map {name, type, ...}"));
        auto parsed = ChannelConfig::fromVariantMap(ch.toMap());
        if (!parsed) {
            const QString sub = parsed.error().details.value(QStringLiteral("key")).toString();
            return c.withLocation(Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + parsed.error().message),
                                  sub.isEmpty() ? key : key + QLatin1Char('.') + sub);
        }
        for (const ChannelConfig &existing : std::as_const(c.channels)) {
            if (existing.name == parsed->name)
                return bad(key + QStringLiteral(".name"), QStringLiteral("channel \"%1\" is defined twice").arg(existing.name));
        }
        c.channels.append(parsed.value());
    }

    // limits
    const QVariant limits = top.value(QStringLiteral("limits"));
    if (limits.isValid() && !isMap(limits))
        return bad(QStringLiteral("limits"), QStringLiteral("must be a map"));
    const QVariantMap lm = limits.toMap();
    for (auto it = lm.cbegin(); it != lm.cend(); ++it) {
        const QString key = QStringLiteral("limits.") + it.key();
        bool ok = false;
        const qint64 n = it.value().toLongLong(&ok);
        if (it.key() == QLatin1String("subscriber-queue")) {
            auto q = QueueLimits::fromVariantMap(it.value().toMap(), key);
            if (!q)
                return c.withLocation(q.error(), q.error().details.value(QStringLiteral("key")).toString());
            c.limits.subscriberQueue = q.value();
            continue;
        }
        if (!ok || n < 1)
            return bad(key, QStringLiteral("must be a positive integer"));
        if (it.key() == QLatin1String("max-message-size"))
            c.limits.maxMessageSize = n;
        else if (it.key() == QLatin1String("max-queue-depth"))
            c.limits.maxQueueDepth = int(n);
        else if (it.key() == QLatin1String("request-timeout-ms"))
            c.limits.defaultRequestTimeoutMs = int(n);
        else if (it.key() == QLatin1String("max-request-timeout-ms"))
            c.limits.maxRequestTimeoutMs = int(n);
        else if (it.key() == QLatin1String("dead-letter-capacity"))
            c.deadLetterCapacity = int(n);
        else if (it.key() == QLatin1String("route-cache-size"))
            c.limits.matchCacheSize = int(n);
        else
            return bad(key, QStringLiteral("unknown key (expected max-message-size, max-queue-depth, subscriber-queue, "
                                           "request-timeout-ms, max-request-timeout-ms, dead-letter-capacity, "
                                           "route-cache-size)"));
    }

    // retry
    const QVariant retry = top.value(QStringLiteral("retry"));
    if (retry.isValid()) {
        auto r = RetryPolicy::fromVariantMap(retry.toMap(), QStringLiteral("retry"));
        if (!r)
            return c.withLocation(r.error(), r.error().details.value(QStringLiteral("key")).toString());
        c.limits.retry = r.value();
    }

    // auth
    const QVariant auth = top.value(QStringLiteral("auth"));
    if (auth.isValid()) {
        if (!isMap(auth))
            return bad(QStringLiteral("auth"), QStringLiteral("must be a map {required, tokens}"));
        const QVariantMap am = auth.toMap();
        for (auto it = am.cbegin(); it != am.cend(); ++it) {
            const QString key = QStringLiteral("auth.") + it.key();
            if (it.key() == QLatin1String("required")) {
                const QString v = it.value().toString();
                if (v != QLatin1String("true") && v != QLatin1String("false"))
                    return bad(key, QStringLiteral("must be true or false"));
                c.authRequired = v == QLatin1String("true");
            } else if (it.key() == QLatin1String("tokens")) {
                int t = 0;
                for (const QVariant &tv : it.value().toList()) {
                    const QString tk = key + QStringLiteral("[%1]").arg(t++);
                    const QVariantMap tm = tv.toMap();
                    TokenEntry e;
                    e.name = tm.value(QStringLiteral("name")).toString();
                    e.sha256Hex = tm.value(QStringLiteral("token-sha256")).toString().toLower().toLatin1();
                    e.roles = tm.value(QStringLiteral("roles")).toStringList();
                    if (tm.contains(QStringLiteral("token")))
                        return bad(tk + QStringLiteral(".token"),
                                   QStringLiteral("plain tokens are not accepted in config; store its SHA-256 as "
                                                  "token-sha256 (printf %s TOKEN | sha256sum)"));
                    if (e.name.isEmpty())
                        return bad(tk + QStringLiteral(".name"), QStringLiteral("is required"));
                    if (e.sha256Hex.size() != 64
                        || QByteArray::fromHex(e.sha256Hex).toHex() != e.sha256Hex)
                        return bad(tk + QStringLiteral(".token-sha256"), QStringLiteral("must be 64 hex digits"));
                    c.tokens.append(e);
                }
            } else {
                return bad(key, QStringLiteral("unknown key (expected required, tokens)"));
            }
        }
        if (c.authRequired && c.tokens.isEmpty())
            return bad(QStringLiteral("auth.tokens"), QStringLiteral("auth.required is true but no tokens are configured"));
    }

    // log
    const QVariant log = top.value(QStringLiteral("log"));
    if (log.isValid()) {
        const QVariantMap lg = log.toMap();
        for (auto it = lg.cbegin(); it != lg.cend(); ++it) {
            const QString key = QStringLiteral("log.") + it.key();
            if (it.key() == QLatin1String("level")) {
                static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                                QStringLiteral("warning"), QStringLiteral("error")};
                if (!levels.contains(it.value().toString()))
                    return bad(key, QStringLiteral("must be one of debug, info, warning, error"));
                c.logLevel = it.value().toString();
            } else {
                return bad(key, QStringLiteral("unknown key (expected level)"));
            }
        }
    }
    if (top.contains(QStringLiteral("shutdown-drain-ms"))) {
        bool ok = false;
        c.shutdownDrainMs = top.value(QStringLiteral("shutdown-drain-ms")).toInt(&ok);
        if (!ok || c.shutdownDrainMs < 0)
            return bad(QStringLiteral("shutdown-drain-ms"), QStringLiteral("must be a non-negative integer"));
    }

    // remote
    const QVariant remote = top.value(QStringLiteral("remote"));
    if (remote.isValid()) {
        if (!isMap(remote))
            return bad(QStringLiteral("remote"), QStringLiteral("must be a map {enabled, local, local-requires-token, tcp, tls, role, "
                                                                "snapshot-interval-ms, max-replicas}"));
        RemoteConfig &r = c.remote;
        r.enabled = true;
        const QVariantMap rm = remote.toMap();
        for (auto it = rm.cbegin(); it != rm.cend(); ++it) {
            const QString key = QStringLiteral("remote.") + it.key();
            const QString v = it.value().toString();
            auto flag = [&](bool *out) {
                if (v != QLatin1String("true") && v != QLatin1String("false"))
                    return false;
                *out = v == QLatin1String("true");
                return true;
            };
            auto positive = [&](int *out, int min, int max) {
                bool ok = false;
                const int n = v.toInt(&ok);
                if (!ok || n < min || n > max)
                    return false;
                *out = n;
                return true;
            };
            if (it.key() == QLatin1String("enabled")) {
                if (!flag(&r.enabled))
                    return bad(key, QStringLiteral("must be true or false"));
            } else if (it.key() == QLatin1String("local")) {
                r.local = v;
            } else if (it.key() == QLatin1String("local-requires-token")) {
                if (!flag(&r.localRequiresToken))
                    return bad(key, QStringLiteral("must be true or false"));
            } else if (it.key() == QLatin1String("tcp")) {
                const qsizetype colon = v.lastIndexOf(QLatin1Char(':'));
                bool ok = false;
                const uint port = colon > 0 ? v.mid(colon + 1).toUInt(&ok) : 0;
                if (!v.isEmpty() && (colon <= 0 || !ok || port > 65535))
                    return bad(key, QStringLiteral("\"%1\" is not host:port (e.g. 0.0.0.0:7411; port 0 picks a free one)").arg(v));
                r.tcpHost = v.isEmpty() ? QString() : v.left(colon);
                r.tcpPort = quint16(port);
            } else if (it.key() == QLatin1String("tls")) {
                if (!isMap(it.value()))
                    return bad(key, QStringLiteral("must be a map {cert, key}"));
                const QVariantMap tm = it.value().toMap();
                for (auto t = tm.cbegin(); t != tm.cend(); ++t) {
                    if (t.key() == QLatin1String("cert"))
                        r.tlsCert = t.value().toString();
                    else if (t.key() == QLatin1String("key"))
                        r.tlsKey = t.value().toString();
                    else
                        return bad(key + QLatin1Char('.') + t.key(), QStringLiteral("unknown key (expected cert, key)"));
                }
                if (r.tlsCert.isEmpty() || r.tlsKey.isEmpty())
                    return bad(key, QStringLiteral("needs both cert and key"));
            } else if (it.key() == QLatin1String("role")) {
                r.role = v;
            } else if (it.key() == QLatin1String("snapshot-interval-ms")) {
                if (!positive(&r.snapshotIntervalMs, 50, 60000))
                    return bad(key, QStringLiteral("must be an integer from 50 to 60000"));
            } else if (it.key() == QLatin1String("max-replicas")) {
                if (!positive(&r.maxReplicas, 1, 10000))
                    return bad(key, QStringLiteral("must be an integer from 1 to 10000"));
            } else {
                return bad(key, QStringLiteral("unknown key (expected enabled, local, local-requires-token, tcp, tls, role, "
                                               "snapshot-interval-ms, max-replicas)"));
            }
        }
        if (r.enabled && !r.tcpHost.isEmpty() && r.tlsCert.isEmpty())
            return bad(QStringLiteral("remote.tcp"), QStringLiteral("needs remote.tls {cert, key}: the remote-control API is never served in the clear"));
        if (r.enabled && !r.tcpHost.isEmpty()) {
            bool anyRole = false;
            for (const TokenEntry &t : std::as_const(c.tokens))
                anyRole = anyRole || r.role.isEmpty() || t.roles.contains(r.role);
            if (!anyRole)
                return bad(QStringLiteral("remote.tcp"),
                           QStringLiteral("needs at least one token in auth.tokens with the role \"%1\"").arg(r.role));
        }
        if (r.enabled && r.localRequiresToken && r.local.isEmpty())
            return bad(QStringLiteral("remote.local-requires-token"), QStringLiteral("is set but remote.local is empty"));
        if (r.enabled && r.local.isEmpty() && r.tcpHost.isEmpty())
            return bad(QStringLiteral("remote"), QStringLiteral("is enabled but neither remote.local nor remote.tcp is set"));
    }
    return c;
}

} // namespace sb::daemon
