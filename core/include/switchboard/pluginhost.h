// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/protocolplugin.h>

#include <QObject>
#include <QStringList>

namespace sb {

class Endpoint;
class Hub;

struct SWITCHBOARD_EXPORT PluginInfo
{
    QString id;
    QString name;
    QString version;
    QString description;
    int interfaceVersion = 0;
    QStringList configKeys;
    QString fileName;
};

struct SWITCHBOARD_EXPORT PluginLoadError
{
    QString plugin; // id, or the file name when the metadata could not be read
    QString fileName;
    Error error;
};

// Finds protocol plugins, checks their metadata without loading them (IID, interfaceVersion),
// loads a library only when asked for its plugin, and keeps every refusal with its reason instead
// of failing: one broken plugin never stops the others. After GammaRay's PluginManager.
class SWITCHBOARD_EXPORT PluginHost : public QObject
{
    Q_OBJECT
public:
    explicit PluginHost(QObject *parent = nullptr);
    ~PluginHost() override;

    // SWITCHBOARD_PLUGIN_PATH (':'-separated) first, then the install directory.
    static QStringList defaultSearchPaths();
    void setSearchPaths(const QStringList &paths) { m_searchPaths = paths; }
    QStringList searchPaths() const { return m_searchPaths; }

    // Reads the metadata of every plugin file in the search paths; the first of an id wins.
    void scan();
    QList<PluginInfo> available() const;
    std::optional<PluginInfo> info(const QString &id) const;
    QList<PluginLoadError> errors() const { return m_errors; }

    // Checks \a config against the plugin's declared config keys.
    Status validateConfig(const QString &id, const QVariantMap &config) const;
    Result<ProtocolPlugin *> load(const QString &id);
    // load() + validateConfig() + createEndpoint(); failures are recorded in errors() too.
    Result<Endpoint *> createEndpoint(const QString &id, const QVariantMap &config, Hub *hub, QObject *parent);

private:
    Error record(const QString &plugin, const QString &fileName, Error error);

    QStringList m_searchPaths;
    QList<PluginInfo> m_plugins;
    QList<PluginLoadError> m_errors;
    QHash<QString, ProtocolPlugin *> m_loaded;
};

} // namespace sb
