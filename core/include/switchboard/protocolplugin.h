// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QtPlugin>
#include <QVariantMap>

namespace sb {

class Endpoint;
class Hub;

// Bumped when the plugin interface or the core types it uses change incompatibly. The plugin's
// JSON metadata states the version it was built against; the host refuses any other.
constexpr int ProtocolPluginInterfaceVersion = 1;

// One Qt plugin per protocol. Metadata (the plugin's JSON): id, name, version, interfaceVersion,
// description, configKeys. The host reads it without loading the library.
class SWITCHBOARD_EXPORT ProtocolPlugin
{
public:
    virtual ~ProtocolPlugin() = default;
    // Opens an endpoint from the plugin's config section; errors name the key at fault.
    virtual Result<Endpoint *> createEndpoint(const QVariantMap &config, Hub *hub, QObject *parent) = 0;
};

} // namespace sb

#define SB_PROTOCOL_PLUGIN_IID "org.switchboard.ProtocolPlugin/1"
Q_DECLARE_INTERFACE(sb::ProtocolPlugin, SB_PROTOCOL_PLUGIN_IID)
