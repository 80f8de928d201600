// SPDX-License-Identifier: Apache-2.0
#include "daemon.h"
#include "jsonlog.h"

#include <switchboard/endpoint.h>
#include <switchboard/memorydeadletterstore.h>

#include <QCoreApplication>

namespace sb::daemon {

ExitCode exitCodeFor(const Error &error)
{
    switch (error.code) {
    case ErrorCode::InvalidConfig:
    case ErrorCode::ChannelExists:
        return ExitConfig;
    default:
        return ExitUnavailable;
    }
}

Daemon::Daemon(const DaemonConfig &config, const QStringList &extraPluginPaths, QObject *parent)
    : QObject(parent), m_config(config)
{
    QStringList paths = extraPluginPaths;
    paths.append(PluginHost::defaultSearchPaths());
    m_plugins.setSearchPaths(paths);
    m_statsTimer.setInterval(60000);
    connect(&m_statsTimer, &QTimer::timeout, this, &Daemon::logStats);
}

Daemon::~Daemon()
{
    // Endpoints (and their connections) talk to m_hub while they die: delete them before it.
    qDeleteAll(m_endpoints);
    m_endpoints.clear();
}

Status Daemon::setUpHub()
{
    Bus *bus = m_hub.bus();
    bus->setLimits(m_config.limits);
    if (MemoryDeadLetterStore *store = bus->memoryDeadLetters())
        store->setCapacity(m_config.deadLetterCapacity);
    for (const TokenEntry &t : std::as_const(m_config.tokens))
        m_tokens.addToken(t.name, t.sha256Hex, t.roles);
    if (m_tokens.size() > 0)
        m_hub.setAuthenticator(&m_tokens);
    m_hub.setRequireAuth(m_config.authRequired);
    int i = 0;
    for (const ChannelConfig &ch : std::as_const(m_config.channels)) {
        if (Status st = bus->createChannel(ch); !st)
            return m_config.withLocation(st.error(), QStringLiteral("channels[%1]").arg(i));
        ++i;
    }
    return {};
}

Result<Endpoint *> Daemon::createEndpoint(const QString &id, QObject *parent)
{
    Result<Endpoint *> e = m_plugins.createEndpoint(id, m_config.protocolConfig.value(id), &m_hub, parent);
    if (e)
        return e;
    Error err = e.error();
    const QString key = err.details.value(QStringLiteral("key")).toString();
    if (err.code == ErrorCode::InvalidConfig) {
        const QString path = QStringLiteral("communication.")
            + (key.isEmpty() ? id : (key.startsWith(id + QLatin1Char('.')) ? key : id + QLatin1Char('.') + key));
        return m_config.withLocation(err, path);
    }
    err.message = QStringLiteral("protocol \"%1\": ").arg(id) + err.message;
    return m_config.withLocation(err, QStringLiteral("communication.protocols"));
}

Status Daemon::check()
{
    if (Status st = setUpHub(); !st)
        return st;
    m_plugins.scan();
    QObject scratch;
    for (const QString &id : std::as_const(m_config.protocols)) {
        Result<Endpoint *> e = createEndpoint(id, &scratch);
        if (!e)
            return e.error();
    }
    return {};
}

Status Daemon::start()
{
    if (Status st = setUpHub(); !st)
        return st;
    m_plugins.scan();
    for (const PluginInfo &p : m_plugins.available())
        JsonLog::event("debug", QStringLiteral("plugin found"), {{QStringLiteral("plugin"), p.id}, {QStringLiteral("file"), p.fileName}});
    for (const PluginLoadError &err : m_plugins.errors()) {
        JsonLog::event("warning", QStringLiteral("plugin refused"),
                       {{QStringLiteral("plugin"), err.plugin}, {QStringLiteral("file"), err.fileName},
                        {QStringLiteral("code"), err.error.codeName()}, {QStringLiteral("reason"), err.error.message}});
    }
    // One protocol that cannot start is refused with its reason; the hub runs with the others.
    Error firstError;
    for (const QString &id : std::as_const(m_config.protocols)) {
        Result<Endpoint *> e = createEndpoint(id, this);
        Status st = e ? e.value()->start() : Status(e.error());
        if (!st) {
            if (e)
                delete e.value();
            if (!firstError.isError())
                firstError = st.error();
            JsonLog::event("error", QStringLiteral("protocol refused"),
                           {{QStringLiteral("plugin"), id}, {QStringLiteral("code"), st.error().codeName()},
                            {QStringLiteral("reason"), st.error().message}});
            continue;
        }
        Endpoint *ep = e.value();
        m_endpoints.append(ep);
        m_hub.addEndpoint(ep);
        QVariantMap fields = ep->health();
        fields.insert(QStringLiteral("endpoint"), ep->name());
        JsonLog::event("info", QStringLiteral("listening"), fields);
    }
    if (m_endpoints.isEmpty()) {
        if (firstError.isError())
            return firstError;
        return Error(ErrorCode::InvalidConfig, QStringLiteral("no protocol is configured (communication.protocols)"));
    }
    JsonLog::event("info", QStringLiteral("switchboardd started"),
                   {{QStringLiteral("version"), QCoreApplication::applicationVersion()},
                    {QStringLiteral("config"), m_config.sourceName},
                    {QStringLiteral("bus"), m_config.busType},
                    {QStringLiteral("protocols"), m_endpoints.size()},
                    {QStringLiteral("channels"), m_config.channels.size()},
                    {QStringLiteral("pid"), QCoreApplication::applicationPid()}});
    m_statsTimer.start();
    return {};
}

void Daemon::logStats()
{
    QVariantMap fields = m_hub.bus()->stats()->globalSnapshot();
    fields.insert(QStringLiteral("connections"), m_hub.connections().size());
    fields.insert(QStringLiteral("deadLetters"), m_hub.bus()->deadLetters()->count());
    JsonLog::event("info", QStringLiteral("stats"), fields);
}

void Daemon::shutdown()
{
    if (m_shuttingDown) {
        JsonLog::event("warning", QStringLiteral("second stop signal: exiting without draining"));
        Q_EMIT finished(ExitOk);
        return;
    }
    m_shuttingDown = true;
    const int connections = int(m_hub.connections().size());
    JsonLog::event("info", QStringLiteral("shutting down"),
                   {{QStringLiteral("connections"), connections}, {QStringLiteral("drainMs"), m_config.shutdownDrainMs}});
    for (Endpoint *ep : std::as_const(m_endpoints))
        ep->stop(m_config.shutdownDrainMs);
    m_shutdownClock.start();
    m_shutdownPoll.setInterval(20);
    connect(&m_shutdownPoll, &QTimer::timeout, this, [this] {
        if (m_hub.connections().isEmpty() || m_shutdownClock.elapsed() > m_config.shutdownDrainMs + 2500) {
            m_shutdownPoll.stop();
            logStats();
            JsonLog::event("info", QStringLiteral("stopped"));
            Q_EMIT finished(ExitOk);
        }
    });
    m_shutdownPoll.start();
}

} // namespace sb::daemon
