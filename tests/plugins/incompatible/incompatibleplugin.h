// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/protocolplugin.h>

#include <QObject>

// Claims interface version 99: the host must refuse it from its metadata, without loading it.
class IncompatiblePlugin : public QObject, public sb::ProtocolPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SB_PROTOCOL_PLUGIN_IID FILE "incompatible.json")
    Q_INTERFACES(sb::ProtocolPlugin)
public:
    IncompatiblePlugin();
    sb::Result<sb::Endpoint *> createEndpoint(const QVariantMap &, sb::Hub *, QObject *) override;
};
