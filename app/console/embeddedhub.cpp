// SPDX-License-Identifier: Apache-2.0
#include "embeddedhub.h"

#include <daemon.h>

namespace sb::console {

EmbeddedHub::EmbeddedHub(QObject *parent)
    : QObject(parent)
{
}

EmbeddedHub::~EmbeddedHub() = default;

Status EmbeddedHub::start()
{
    if (!m_dir.isValid())
        return Error(ErrorCode::Internal, QStringLiteral("cannot create a private directory for the embedded hub: %1")
                                              .arg(m_dir.errorString()));
    daemon::DaemonConfig config = daemon::DaemonConfig::defaults();
    config.sourceName = QStringLiteral("(embedded)");
    QVariantMap native = config.protocolConfig.value(QStringLiteral("native"));
    native.insert(QStringLiteral("tcp"), QStringLiteral("127.0.0.1:0"));
    native.insert(QStringLiteral("local"), m_dir.filePath(QStringLiteral("hub.sock")));
    config.protocolConfig.insert(QStringLiteral("native"), native);
    // The REST API on a free loopback port (the Overview shows which), never on a daemon's 7480.
    config.protocolConfig.insert(QStringLiteral("http"),
                                 {{QStringLiteral("listeners"),
                                   QVariantList{QVariantMap{{QStringLiteral("address"), QStringLiteral("127.0.0.1:0")}}}}});
    config.remote.enabled = true;
    config.remote.local = m_dir.filePath(QStringLiteral("control.sock"));
    config.remote.snapshotIntervalMs = 500;
    // A sandbox on the operator's own desktop (loopback, a private directory): devices that connect
    // to it may also ask and answer requests, which the hub's default anonymous role does not allow.
    const QVariantList anonymous{
        QVariantMap{{QStringLiteral("allow"), QStringList{QStringLiteral("publish"), QStringLiteral("subscribe"),
                                                          QStringLiteral("request"), QStringLiteral("reply")}}},
        QVariantMap{{QStringLiteral("deny"), QStringList{QStringLiteral("publish"), QStringLiteral("subscribe"),
                                                         QStringLiteral("request")}},
                    {QStringLiteral("topics"), QStringList{QStringLiteral("$sb.>")}}}};
    config.acl = {{QStringLiteral("roles"), QVariantMap{{QStringLiteral("anonymous"), anonymous}}}};
    m_daemon = std::make_unique<daemon::Daemon>(config, QStringList());
    if (Status st = m_daemon->start(); !st) {
        m_daemon.reset();
        return st;
    }
    return {};
}

QString EmbeddedHub::controlAddress() const
{
    return QStringLiteral("local:") + m_dir.filePath(QStringLiteral("control.sock"));
}

} // namespace sb::console
