// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "benchtarget.h"

namespace bench {

// nats-server through libnats (cnats).
class NatsTarget : public Target
{
public:
    explicit NatsTarget(quint16 port) : m_port(port) {}
    QString name() const override { return QStringLiteral("nats-server"); }
    std::unique_ptr<Subscriber> subscribe(const QByteArray &pattern, Sink *sink) override;
    std::unique_ptr<Publisher> publisher(bool lowLatency = false) override;
    QByteArray idleHello() const override { return "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n"; }
    quint16 port() const override { return m_port; }

private:
    quint16 m_port;
};

} // namespace bench
