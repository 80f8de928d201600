// SPDX-License-Identifier: Apache-2.0
#include <switchboard/endpoint.h>
#include <switchboard/pluginhost.h>

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLibrary>
#include <QLoggingCategory>
#include <QPluginLoader>

Q_LOGGING_CATEGORY(lcPluginHost, "switchboard.pluginhost")

namespace sb {

PluginHost::PluginHost(QObject *parent) : QObject(parent), m_searchPaths(defaultSearchPaths()) {}

PluginHost::~PluginHost() = default;

QStringList PluginHost::defaultSearchPaths()
{
    QStringList paths;
    const QString env = qEnvironmentVariable("SWITCHBOARD_PLUGIN_PATH");
    for (const QString &p : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        paths.append(p);
    // The build tree mirrors the install layout: <prefix>/bin and <prefix>/<libdir>/switchboard/plugins.
    if (QCoreApplication::instance()) {
        paths.append(QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../")
                                     + QStringLiteral(SWITCHBOARD_PLUGIN_SUBDIR)));
    }
    paths.append(QStringLiteral(SWITCHBOARD_PLUGIN_INSTALL_DIR));
    paths.removeDuplicates();
    return paths;
}

Error PluginHost::record(const QString &plugin, const QString &fileName, Error error)
{
    error.details.insert(QStringLiteral("plugin"), plugin);
    if (!fileName.isEmpty())
        error.details.insert(QStringLiteral("file"), fileName);
    m_errors.append({plugin, fileName, error});
    qCWarning(lcPluginHost).noquote() << "plugin" << plugin << "refused:" << error.toString();
    return error;
}

void PluginHost::scan()
{
    m_plugins.clear();
    m_errors.clear();
    QSet<QString> seen;
    for (const QString &dirPath : std::as_const(m_searchPaths)) {
        QDir dir(dirPath);
        if (!dir.exists())
            continue;
        const QStringList files = dir.entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString &file : files) {
            const QString path = dir.absoluteFilePath(file);
            if (!QLibrary::isLibrary(path))
                continue;
            QPluginLoader loader(path);
            const QJsonObject meta = loader.metaData();
            if (meta.isEmpty()) {
                record(file, path, Error(ErrorCode::PluginLoadFailed,
                                         QStringLiteral("%1 is not a Qt plugin or cannot be read").arg(file)));
                continue;
            }
            const QString iid = meta.value(QStringLiteral("IID")).toString();
            const QJsonObject data = meta.value(QStringLiteral("MetaData")).toObject();
            const QString id = data.value(QStringLiteral("id")).toString(file);
            if (iid != QLatin1String(SB_PROTOCOL_PLUGIN_IID)) {
                record(id, path, Error(ErrorCode::PluginIncompatible,
                                       QStringLiteral("plugin \"%1\" implements interface \"%2\"; this hub loads \"%3\"")
                                           .arg(id, iid, QLatin1String(SB_PROTOCOL_PLUGIN_IID))));
                continue;
            }
            PluginInfo info;
            info.id = id;
            info.name = data.value(QStringLiteral("name")).toString(id);
            info.version = data.value(QStringLiteral("version")).toString();
            info.description = data.value(QStringLiteral("description")).toString();
            info.interfaceVersion = data.value(QStringLiteral("interfaceVersion")).toInt(-1);
            for (const QJsonValue &k : data.value(QStringLiteral("configKeys")).toArray())
                info.configKeys.append(k.toString());
            info.fileName = path;
            if (info.interfaceVersion != ProtocolPluginInterfaceVersion) {
                record(id, path, Error(ErrorCode::PluginIncompatible,
                                       QStringLiteral("plugin \"%1\" was built against plugin interface version %2; "
                                                      "this hub needs version %3 (rebuild the plugin)")
                                           .arg(id)
                                           .arg(info.interfaceVersion)
                                           .arg(ProtocolPluginInterfaceVersion)));
                continue;
            }
            if (seen.contains(id))
                continue; // an earlier search path overrides
            seen.insert(id);
            m_plugins.append(info);
        }
    }
}

QList<PluginInfo> PluginHost::available() const
{
    return m_plugins;
}

std::optional<PluginInfo> PluginHost::info(const QString &id) const
{
    for (const PluginInfo &p : m_plugins) {
        if (p.id == id)
            return p;
    }
    return std::nullopt;
}

Status PluginHost::validateConfig(const QString &id, const QVariantMap &config) const
{
    const auto pi = info(id);
    if (!pi)
        return Error(ErrorCode::NotFound, QStringLiteral("no plugin \"%1\"").arg(id));
    for (auto it = config.cbegin(); it != config.cend(); ++it) {
        if (!pi->configKeys.contains(it.key()))
            return Error(ErrorCode::InvalidConfig,
                         QStringLiteral("plugin \"%1\": unknown config key \"%2\" (accepted: %3)")
                             .arg(id, it.key(), pi->configKeys.join(QStringLiteral(", "))),
                         {{QStringLiteral("key"), it.key()}});
    }
    return {};
}

Result<ProtocolPlugin *> PluginHost::load(const QString &id)
{
    if (ProtocolPlugin *p = m_loaded.value(id))
        return p;
    const auto pi = info(id);
    if (!pi) {
        for (const PluginLoadError &e : std::as_const(m_errors)) {
            if (e.plugin == id)
                return e.error;
        }
        return record(id, QString(), Error(ErrorCode::NotFound,
                                           QStringLiteral("no plugin \"%1\" in %2")
                                               .arg(id, m_searchPaths.join(QStringLiteral(", ")))));
    }
    QPluginLoader loader(pi->fileName);
    QObject *instance = loader.instance();
    if (!instance)
        return record(id, pi->fileName, Error(ErrorCode::PluginLoadFailed,
                                              QStringLiteral("plugin \"%1\" failed to load: %2").arg(id, loader.errorString())));
    auto *plugin = qobject_cast<ProtocolPlugin *>(instance);
    if (!plugin)
        return record(id, pi->fileName, Error(ErrorCode::PluginIncompatible,
                                              QStringLiteral("plugin \"%1\" does not implement %2")
                                                  .arg(id, QLatin1String(SB_PROTOCOL_PLUGIN_IID))));
    m_loaded.insert(id, plugin);
    return plugin;
}

Result<Endpoint *> PluginHost::createEndpoint(const QString &id, const QVariantMap &config, Hub *hub, QObject *parent)
{
    Result<ProtocolPlugin *> plugin = load(id);
    if (!plugin)
        return plugin.error();
    if (Status st = validateConfig(id, config); !st)
        return record(id, info(id)->fileName, st.error());
    Result<Endpoint *> endpoint = plugin.value()->createEndpoint(config, hub, parent);
    if (!endpoint)
        return record(id, info(id)->fileName, endpoint.error());
    return endpoint;
}

} // namespace sb
