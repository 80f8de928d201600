// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/protocolplugin.h>

#include <QObject>

namespace sb::native {

class NativePlugin : public QObject, public sb::ProtocolPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SB_PROTOCOL_PLUGIN_IID FILE "native.json")
    Q_INTERFACES(sb::ProtocolPlugin)
public:
    Result<Endpoint *> createEndpoint(const QVariantMap &config, Hub *hub, QObject *parent) override;
};

} // namespace sb::native
