// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "daemonconfig.h"

#include <switchboard/apikeystore.h>
#include <switchboard/authchain.h>
#include <switchboard/jwtprovider.h>
#include <switchboard/hub.h>
#include <switchboard/pluginhost.h>

#include <sqlitejournal.h>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>

namespace sb::remote {
class RemoteControl;
class RemoteServer;
}

namespace sb::daemon {

class AuthSetup;

// Exit codes of switchboardd, stable for supervisors and scripts.
enum ExitCode {
    ExitOk = 0,
    ExitUsage = 64,      // bad command line
    ExitConfig = 78,     // bad configuration (EX_CONFIG)
    ExitUnavailable = 69 // cannot start: port in use, no protocol could start (EX_UNAVAILABLE)
};

// The daemon's wiring: hub, plugins, channels, endpoints, graceful shutdown.
class Daemon : public QObject
{
    Q_OBJECT
public:
    Daemon(const DaemonConfig &config, const QStringList &extraPluginPaths, QObject *parent = nullptr);
    ~Daemon() override;

    // Validates the configuration fully (plugins included) without listening anywhere.
    Status check();
    Status start();
    // Stop accepting, let connections drain for the configured time, then finish(ExitOk).
    void shutdown();
    Hub *hub() { return &m_hub; }
    remote::RemoteServer *remoteServer() const { return m_remoteServer.get(); }

    // Re-reads the configuration file and applies what can change while running: channels
    // (created, updated, and deleted when they came from the previous file), limits, tokens and
    // log level. A bad file changes nothing. The answer lists what changed and which keys need
    // a restart.
    Result<QVariantMap> reload();

Q_SIGNALS:
    void finished(int exitCode);

private:
    Status setUpHub();
    Result<Endpoint *> createEndpoint(const QString &id, QObject *parent);
    Status startRemote();
    void applyAccess(const AuthSetup &auth);
    void applyLimits(const DaemonConfig &config);
    void logStats();
    // The journal on disk opens when something is persistent: at start, or with the first
    // persistent channel made later (remote API, reload). At start a journal that cannot open
    // stops the daemon; later, the channel's publishes get STORAGE_FAILED.
    bool needsJournal() const;
    Status openJournal();
    void openJournalIfNeeded();

    DaemonConfig m_config;
    std::unique_ptr<SqliteJournal> m_journal; // outlives the hub's bus, which points at it
    std::unique_ptr<MemoryJournal> m_failedJournal;
    Hub m_hub;
    PluginHost m_plugins;
    AuthChain m_auth; // rebuilt from config on every reload; the hub and remote control point at it
    std::shared_ptr<ApiKeyStore> m_apiKeys; // auth.api-keys; kept across reloads of the same file
    std::shared_ptr<JwtProvider> m_jwt;     // auth.jwt; kept (and reloaded) while its config stays
    QVariantList m_jwtConfig;
    QList<Endpoint *> m_endpoints;
    QTimer m_statsTimer;
    QTimer m_shutdownPoll;
    QElapsedTimer m_shutdownClock;
    bool m_shuttingDown = false;
    std::unique_ptr<remote::RemoteControl> m_remoteControl;
    std::unique_ptr<remote::RemoteServer> m_remoteServer;
};

ExitCode exitCodeFor(const Error &error);

} // namespace sb::daemon
