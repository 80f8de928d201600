// SPDX-License-Identifier: Apache-2.0
#include "daemon.h"
#include "authsetup.h"
#include "jsonlog.h"

#include <remotecontrol.h>
#include <remoteserver.h>

#include <switchboard/accesscontrol.h>
#include <switchboard/endpoint.h>
#include <switchboard/memorydeadletterstore.h>
#include <switchboard/memoryjournal.h>
#include <switchboard/tls.h>

#include <QCoreApplication>

#include <algorithm>

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
    m_remoteServer.reset();
    m_remoteControl.reset();
    // Endpoints (and their connections) talk to m_hub while they die: delete them before it.
    qDeleteAll(m_endpoints);
    m_endpoints.clear();
}

Status Daemon::setUpHub()
{
    Bus *bus = m_hub.bus();
    Result<AuthSetup> auth = AuthSetup::build(m_config, m_apiKeys, m_jwt, m_jwtConfig);
    if (!auth)
        return auth.error();
    applyLimits(m_config);
    applyAccess(auth.value());
    if (needsJournal()) {
        if (Status st = openJournal(); !st)
            return st;
    }
    if (m_config.journal.topicPolicy.persistent)
        bus->setPersistentTopics(m_config.journal.topicPatterns, m_config.journal.topicPolicy);
    connect(bus, &Bus::channelsChanged, this, &Daemon::openJournalIfNeeded);
    int i = 0;
    for (const ChannelConfig &ch : std::as_const(m_config.channels)) {
        if (Status st = bus->createChannel(ch, Principal::hub()); !st)
            return m_config.withLocation(st.error(), QStringLiteral("channels[%1]").arg(i));
        ++i;
    }
    return {};
}

bool Daemon::needsJournal() const
{
    if (!m_config.journal.enabled || m_journal)
        return false;
    if (m_config.journal.topicPolicy.persistent || !m_config.journal.path.isEmpty())
        return true;
    const QList<ChannelConfig> channels = m_hub.bus()->channels().isEmpty() ? m_config.channels : m_hub.bus()->channels();
    return std::any_of(channels.cbegin(), channels.cend(), [](const ChannelConfig &c) { return c.persistence.persistent; });
}

Status Daemon::openJournal()
{
    const JournalConfig &jc = m_config.journal;
    SqliteJournalOptions o;
    o.directory = jc.resolvedPath();
    o.budgetBytes = jc.diskBudget;
    o.maxPendingBytes = jc.maxPendingBytes;
    o.spinWaitUs = jc.spinWaitUs;
    o.onCorrupt = jc.moveAsideCorrupt ? SqliteJournalOptions::OnCorrupt::MoveAside : SqliteJournalOptions::OnCorrupt::Refuse;
    Result<std::unique_ptr<SqliteJournal>> j = SqliteJournal::open(o);
    if (!j) {
        JsonLog::event("error", QStringLiteral("journal refused"),
                       {{QStringLiteral("path"), o.directory}, {QStringLiteral("code"), j.error().codeName()},
                        {QStringLiteral("reason"), j.error().message}});
        return j.error();
    }
    m_journal = std::move(j).value();
    // Dead letters live in the journal too: those of the last run come back.
    const Result<int> letters = m_journal->attachDeadLetters(m_hub.bus()->memoryDeadLetters());
    const SqliteJournalOpened &r = m_journal->opened();
    QVariantMap fields{{QStringLiteral("path"), o.directory},
                       {QStringLiteral("messages"), r.messages},
                       {QStringLiteral("streams"), r.streams},
                       {QStringLiteral("lastSeq"), r.lastSeq},
                       {QStringLiteral("recounted"), r.recounted},
                       {QStringLiteral("ms"), r.elapsedMs}};
    if (!r.movedAside.isEmpty())
        fields.insert(QStringLiteral("movedAside"), r.movedAside);
    fields.insert(QStringLiteral("deadLetters"), letters ? letters.value() : 0);
    if (!letters)
        fields.insert(QStringLiteral("deadLettersError"), letters.error().message);
    JsonLog::event(r.movedAside.isEmpty() ? "info" : "warning", QStringLiteral("journal opened"), fields);
    m_hub.bus()->setJournal(m_journal.get());
    return {};
}

void Daemon::openJournalIfNeeded()
{
    if (!needsJournal() || m_failedJournal)
        return;
    if (Status st = openJournal(); !st) {
        // Nothing persistent is acknowledged without the journal: a failed one answers STORAGE_FAILED.
        m_failedJournal = std::make_unique<MemoryJournal>();
        m_failedJournal->fail(st.error().message);
        m_hub.bus()->setJournal(m_failedJournal.get());
    }
}

// The hub's bounds, at start and on every reload.
void Daemon::applyLimits(const DaemonConfig &c)
{
    Bus *bus = m_hub.bus();
    bus->setLimits(c.limits);
    if (MemoryDeadLetterStore *store = bus->memoryDeadLetters()) {
        store->setCapacity(c.deadLetterCapacity);
        store->setMaxBytes(c.deadLetterMaxBytes);
    }
    bus->stats()->setMaxTopicBytes(c.topicStatsMaxBytes);
    m_hub.memoryBudget().setLimit(c.maxBufferedBytes);
}

void Daemon::applyAccess(const AuthSetup &auth)
{
    auth.applyTo(m_auth);
    m_apiKeys = auth.apiKeys();
    m_jwt = auth.jwt();
    m_jwtConfig = m_config.jwtIssuers;
    m_hub.setAuthenticator(m_auth.isEmpty() ? nullptr : &m_auth);
    // The ACL and require-auth together: live subscriptions are re-checked once, by the new rules.
    if (Result<AccessControl> acl = AccessControl::fromVariantMap(m_config.acl))
        m_hub.bus()->setAccessControl(acl.value(), m_config.authRequired);
    m_hub.setRequireAuth(m_config.authRequired);
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
    if (m_config.remote.enabled && !m_config.remote.tcpHost.isEmpty()) {
        Result<QSslConfiguration> tls = loadServerTls(m_config.remote.tlsCert, m_config.remote.tlsKey);
        if (!tls)
            return m_config.withLocation(tls.error(), QStringLiteral("remote.tls"));
        if (!m_config.remote.tlsClientCa.isEmpty()) {
            if (Status st = requireClientCertificates(tls.value(), m_config.remote.tlsClientCa); !st)
                return m_config.withLocation(st.error(), QStringLiteral("remote.tls.client-ca"));
        }
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
    if (Status st = startRemote(); !st)
        return st;
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

Status Daemon::startRemote()
{
    const RemoteConfig &rc = m_config.remote;
    if (!rc.enabled)
        return {};
    remote::RemoteServerOptions opts;
    opts.localName = rc.local;
    opts.localRequiresToken = rc.localRequiresToken;
    opts.tcpHost = rc.tcpHost;
    opts.tcpPort = rc.tcpPort;
    opts.role = rc.role;
    opts.maxConnections = rc.maxReplicas;
    opts.handshakeTimeoutMs = rc.handshakeTimeoutMs;
    opts.maxPendingHandshakes = rc.maxPendingHandshakes;
    opts.maxPendingHandshakesPerPeer = rc.maxPendingHandshakesPerPeer;
    opts.maxHelloBytes = rc.maxHelloBytes;
    if (!rc.tcpHost.isEmpty()) {
        Result<QSslConfiguration> tls = loadServerTls(rc.tlsCert, rc.tlsKey);
        if (!tls)
            return m_config.withLocation(tls.error(), QStringLiteral("remote.tls"));
        if (!rc.tlsClientCa.isEmpty()) {
            if (Status st = requireClientCertificates(tls.value(), rc.tlsClientCa); !st)
                return m_config.withLocation(st.error(), QStringLiteral("remote.tls.client-ca"));
        }
        opts.tls = tls.value();
    }
    remote::RemoteControl::Options co;
    co.snapshotIntervalMs = rc.snapshotIntervalMs;
    co.role = rc.role.isEmpty() ? QStringLiteral("admin") : rc.role;
    m_hub.setObjectName(QStringLiteral("%1:%2").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid()));
    m_remoteControl = std::make_unique<remote::RemoteControl>(&m_hub, co);
    m_remoteControl->describe(QCoreApplication::applicationVersion(), m_hub.objectName());
    m_remoteControl->setPluginHost(&m_plugins);
    m_remoteControl->setReloadHandler([this] { return reload(); });
    m_remoteControl->setApiKeys([this] { return m_apiKeys.get(); });
    m_remoteControl->setJournalCheck([this]() -> Result<QStringList> {
        if (!m_journal)
            return Error(ErrorCode::NotFound,
                         QStringLiteral("this hub keeps no journal on disk (no persistent channel or journal.path)"));
        return m_journal->check();
    });
    m_remoteServer = std::make_unique<remote::RemoteServer>(m_remoteControl.get(), &m_auth, opts);
    connect(m_remoteServer.get(), &remote::RemoteServer::replicaRefused, this, [](const QString &peer, const Error &e) {
        JsonLog::event("warning", QStringLiteral("remote-control replica refused"),
                       {{QStringLiteral("peer"), peer}, {QStringLiteral("code"), e.codeName()}, {QStringLiteral("reason"), e.message}});
    });
    connect(m_remoteServer.get(), &remote::RemoteServer::replicaAccepted, this, [](const QString &who, const QString &peer) {
        JsonLog::event("info", QStringLiteral("remote-control replica accepted"),
                       {{QStringLiteral("identity"), who}, {QStringLiteral("peer"), peer}});
    });
    if (Status st = m_remoteServer->start(); !st) {
        const QString key = st.error().details.value(QStringLiteral("key")).toString();
        m_remoteServer.reset();
        m_remoteControl.reset();
        return m_config.withLocation(st.error(), key.isEmpty() ? QStringLiteral("remote") : key);
    }
    JsonLog::event("info", QStringLiteral("remote control listening"),
                   {{QStringLiteral("local"), m_remoteServer->localAddress()}, {QStringLiteral("tcp"), m_remoteServer->tcpAddress()}});
    return {};
}

Result<QVariantMap> Daemon::reload()
{
    if (m_config.path.isEmpty())
        return Error(ErrorCode::NotFound, QStringLiteral("this hub runs on its built-in defaults; there is no file to reload"));
    Result<DaemonConfig> next = DaemonConfig::fromFile(m_config.path);
    if (!next)
        return next.error();
    const DaemonConfig &n = next.value();
    Bus *bus = m_hub.bus();
    // Key files and issuers first: a broken one changes nothing.
    Result<AuthSetup> auth = AuthSetup::build(n, m_apiKeys, m_jwt, m_jwtConfig);
    if (!auth)
        return auth.error();

    // Check every channel first, so a bad one changes nothing.
    for (int i = 0; i < n.channels.size(); ++i) {
        if (Status st = ChannelConfig::validateName(n.channels.at(i).name); !st)
            return n.withLocation(st.error(), QStringLiteral("channels[%1]").arg(i));
    }
    QStringList created, updated, deleted, restartNeeded;
    QSet<QString> nextNames;
    for (int i = 0; i < n.channels.size(); ++i) {
        const ChannelConfig &ch = n.channels.at(i);
        nextNames.insert(ch.name);
        const std::optional<ChannelConfig> now = bus->channel(ch.name);
        Status st;
        if (!now) {
            st = bus->createChannel(ch, Principal::hub());
            if (st)
                created << ch.name;
        } else if (!(*now == ch)) {
            st = bus->updateChannel(ch, Principal::hub());
            if (st)
                updated << ch.name;
        }
        if (!st)
            return n.withLocation(st.error(), QStringLiteral("channels[%1]").arg(i));
    }
    for (const ChannelConfig &old : std::as_const(m_config.channels)) {
        if (!nextNames.contains(old.name) && bus->channel(old.name)) {
            if (bus->deleteChannel(old.name, Principal::hub()))
                deleted << old.name;
        }
    }
    applyLimits(n);
    if (n.protocols != m_config.protocols || n.protocolConfig != m_config.protocolConfig)
        restartNeeded << QStringLiteral("communication");
    if (n.remote.local != m_config.remote.local || n.remote.tcpHost != m_config.remote.tcpHost
        || n.remote.tcpPort != m_config.remote.tcpPort || n.remote.enabled != m_config.remote.enabled
        || n.remote.tlsCert != m_config.remote.tlsCert || n.remote.tlsKey != m_config.remote.tlsKey
        || n.remote.tlsClientCa != m_config.remote.tlsClientCa)
        restartNeeded << QStringLiteral("remote");
    const bool levelChanged = n.logLevel != m_config.logLevel;
    const RemoteConfig keepRemote = m_config.remote;
    const QStringList keepProtocols = m_config.protocols;
    const auto keepProtocolConfig = m_config.protocolConfig;
    m_config = n;
    m_config.remote = keepRemote; // what runs, until a restart
    m_config.protocols = keepProtocols;
    m_config.protocolConfig = keepProtocolConfig;
    applyAccess(auth.value());
    if (levelChanged)
        JsonLog::install(m_config.logLevel);
    const QVariantMap result{{QStringLiteral("created"), created},
                             {QStringLiteral("updated"), updated},
                             {QStringLiteral("deleted"), deleted},
                             {QStringLiteral("restartNeeded"), restartNeeded},
                             {QStringLiteral("config"), m_config.sourceName}};
    JsonLog::event("info", QStringLiteral("configuration reloaded"), result);
    return result;
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
