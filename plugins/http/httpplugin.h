// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/protocolplugin.h>

#include <QObject>

namespace sb::http {

// The "http" protocol plugin: the REST API, /health, /metrics and the OpenAPI document on
// HTTP/1.1 listeners (communication.http).
class HttpPlugin : public QObject, public ProtocolPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID SB_PROTOCOL_PLUGIN_IID FILE "http.json")
    Q_INTERFACES(sb::ProtocolPlugin)
public:
    Result<Endpoint *> createEndpoint(const QVariantMap &config, Hub *hub, QObject *parent) override;
};

} // namespace sb::http
