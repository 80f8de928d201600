// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "benchtarget.h"

namespace bench {

// redis-server pub/sub through hiredis; "*" and ">" become PSUBSCRIBE globs.
class RedisTarget : public Target
{
public:
    explicit RedisTarget(quint16 port) : m_port(port) {}
    QString name() const override { return QStringLiteral("redis-server"); }
    std::unique_ptr<Subscriber> subscribe(const QByteArray &pattern, Sink *sink) override;
    std::unique_ptr<Publisher> publisher(bool lowLatency = false) override;
    QByteArray idleHello() const override { return "PING\r\n"; }
    quint16 port() const override { return m_port; }

private:
    quint16 m_port;
};

} // namespace bench
