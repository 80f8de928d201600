// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "benchtarget.h"

namespace bench {

// switchboardd through SwitchboardClient, over TCP or the local socket.
class SwitchboardTarget : public Target
{
public:
    SwitchboardTarget(const QString &name, const QString &url, quint16 port) : m_name(name), m_url(url), m_port(port) {}
    QString name() const override { return m_name; }
    std::unique_ptr<Subscriber> subscribe(const QByteArray &pattern, Sink *sink) override;
    std::unique_ptr<Publisher> publisher(bool lowLatency = false) override;
    QByteArray idleHello() const override;
    quint16 port() const override { return m_port; }

private:
    QString m_name;
    QString m_url;
    quint16 m_port;
};

} // namespace bench
