// SPDX-License-Identifier: Apache-2.0
#include "daemonconfig.h"

#include "config/configsection.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

namespace sb::daemon {

namespace {

// yaml-cpp keeps one node for an anchor and its aliases, but the conversion below copies it for
// every alias: nested aliases ("billion laughs", a regression seed of fuzz_daemon_config) turn a few hundred
// bytes into billions of values and hang the daemon's start or reload. A real config has a few
// hundred values; a file that expands past this many is refused. An alias inside its own anchor
// ("&a [*a]") makes a cycle, which the conversion would follow until the stack overflows (found by
// fuzz_daemon_config): nesting deeper than a config ever needs is refused too.
constexpr int MaxConfigValues = 100000;
constexpr int MaxConfigDepth = 64;

struct Conversion
{
    QHash<QString, int> &lines;
    int budget = MaxConfigValues;
    bool tooDeep = false;
};

// YAML -> QVariant (scalars stay strings; the consumers convert and validate), recording the line
// of every key path. Stops (budget < 0) once the document expands past MaxConfigValues or nests
// deeper than MaxConfigDepth (tooDeep).
QVariant toVariant(const YAML::Node &node, const QString &path, Conversion &conv, int depth = 0)
{
    if (depth > MaxConfigDepth) {
        conv.tooDeep = true;
        conv.budget = -1;
    }
    if (--conv.budget < 0)
        return QVariant();
    if (node.Mark().line >= 0 && !path.isEmpty())
        conv.lines.insert(path, node.Mark().line + 1);
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QVariantMap map;
        for (const auto &kv : node) {
            if (conv.budget < 0)
                break;
            const QString key = QString::fromStdString(kv.first.as<std::string>());
            const QString child = path.isEmpty() ? key : path + QLatin1Char('.') + key;
            conv.lines.insert(child, kv.first.Mark().line + 1);
            map.insert(key, toVariant(kv.second, child, conv, depth + 1));
        }
        return map;
    }
    case YAML::NodeType::Sequence: {
        QVariantList list;
        int i = 0;
        for (const auto &item : node) {
            if (conv.budget < 0)
                break;
            list.append(toVariant(item, path + QStringLiteral("[%1]").arg(i), conv, depth + 1));
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

} // namespace

DaemonConfig DaemonConfig::defaults()
{
    DaemonConfig c;
    c.sourceName = QStringLiteral("(defaults)");
    c.protocols = {QStringLiteral("native"), QStringLiteral("http")};
    c.protocolConfig.insert(QStringLiteral("native"), {{QStringLiteral("tcp"), QStringLiteral("127.0.0.1:7400")},
                                                       {QStringLiteral("local"), QStringLiteral("switchboard")}});
    // The REST API on loopback, so that curl reaches a hub started without a config.
    c.protocolConfig.insert(QStringLiteral("http"),
                            {{QStringLiteral("listeners"),
                              QVariantList{QVariantMap{{QStringLiteral("address"), QStringLiteral("127.0.0.1:7480")}}}}});
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
    } catch (const YAML::DeepRecursion &e) {
        // yaml-cpp's own message for its depth limit is "bad file".
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1:%2: YAML nested too deeply (yaml-cpp stops at %3 levels)")
                                                   .arg(sourceName)
                                                   .arg(e.mark.line + 1)
                                                   .arg(e.depth()),
                     {{QStringLiteral("line"), e.mark.line + 1}});
    } catch (const YAML::Exception &e) {
        // yaml-cpp throws; the exception ends here, at the library's edge.
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1:%2: YAML syntax error: %3")
                                                   .arg(sourceName)
                                                   .arg(e.mark.line + 1)
                                                   .arg(QString::fromStdString(e.msg)),
                     {{QStringLiteral("line"), e.mark.line + 1}});
    }
    QVariant tree;
    Conversion conv{c.lines};
    try {
        tree = toVariant(root, QString(), conv);
    } catch (const YAML::Exception &e) {
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1:%2: %3")
                                                   .arg(sourceName)
                                                   .arg(e.mark.line + 1)
                                                   .arg(QString::fromStdString(e.msg)));
    }
    if (conv.tooDeep)
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("%1: the file nests more than %2 levels deep (an alias inside its own anchor?)")
                         .arg(sourceName)
                         .arg(MaxConfigDepth));
    if (conv.budget < 0)
        return Error(ErrorCode::InvalidConfig,
                     QStringLiteral("%1: the file expands to more than %2 values (nested aliases?)")
                         .arg(sourceName)
                         .arg(MaxConfigValues));
    if (!tree.isValid()) {
        c.protocols = defaults().protocols;
        c.protocolConfig = defaults().protocolConfig;
        c.remote = defaults().remote;
        return c; // an empty file means the defaults
    }
    if (!isMap(tree))
        return configError(c, QString(), QStringLiteral("the top level must be a map"));
    const QVariantMap top = tree.toMap();
    const QList<ConfigSection> &sections = configSections();
    for (auto it = top.cbegin(); it != top.cend(); ++it) {
        const bool known = std::any_of(sections.cbegin(), sections.cend(),
                                       [&](const ConfigSection &s) { return it.key() == QLatin1String(s.key); });
        if (!known) {
            QStringList topKeys;
            for (const ConfigSection &s : sections)
                topKeys.append(QLatin1String(s.key));
            return configError(c, it.key(),
                               QStringLiteral("unknown key (expected one of %1)").arg(topKeys.join(QStringLiteral(", "))));
        }
    }
    // Every section's parser runs, present or not (an absent one applies its defaults).
    for (const ConfigSection &section : sections) {
        if (Status st = section.parse(top.value(QLatin1String(section.key)), c); !st)
            return st.error();
    }
    return c;
}

} // namespace sb::daemon
