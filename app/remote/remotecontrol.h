// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "rep_switchboard_source.h"
#include "snapshotlistmodel.h"
#include "topicsmodel.h"
#include "topictreemodel.h"

#include <switchboard/message.h>
#include <switchboard/principal.h>
#include <switchboard/result.h>

#include <QHash>
#include <QTimer>
#include <deque>
#include <functional>

QT_BEGIN_NAMESPACE
class QRemoteObjectHostBase;
QT_END_NAMESPACE

namespace sb {
class ApiKeyStore;
class Hub;
class PluginHost;
}

namespace sb::remote {

// The source side of the remote-control API (switchboard.rep) over one hub. Lives in the bus
// thread. Snapshots of stats and the list models are taken every snapshotIntervalMs while at
// least one replica is attached (replicaAttached/replicaDetached), never per message, so
// replicas see a bounded update rate whatever the traffic, and an unwatched hub pays nothing.
class RemoteControl : public SwitchboardSimpleSource
{
    Q_OBJECT

public:
    struct Options
    {
        int snapshotIntervalMs = 1000;
        int deadLetterRows = 1000;         // newest dead letters shown in the model
        qint64 lastMessageLimit = 4096;    // payload bytes kept per topic for "last message"
        int watchLeaseMs = 30000;
        int watchBatchMs = 100;
        int maxWatches = 64;
        int maxWatchRate = 10000;          // messages per second per watch, at most
        int maxRequestTimeoutMs = 300000;
        int requestLogSize = 1000;         // request/reply pairs kept for the Requests model
        // Who the API acts as on the bus: every replica passed the server's token check (or the
        // local socket's permissions), and the ACL applies to this principal.
        QString role = QStringLiteral("admin");
    };
    using ReloadHandler = std::function<Result<QVariantMap>()>;

    RemoteControl(Hub *hub, const Options &options, QObject *parent = nullptr);
    ~RemoteControl() override;

    void setPluginHost(const PluginHost *host) { m_pluginHost = host; }
    // What replicas see as version and hubName (the hub's object name by default).
    void describe(const QString &version, const QString &hubName);
    void setReloadHandler(ReloadHandler handler) { m_reload = std::move(handler); }
    // The API-key store of the running config (nullptr: API keys are off); asked on every call,
    // since a reload may replace it.
    using ApiKeysSource = std::function<ApiKeyStore *()>;
    void setApiKeys(ApiKeysSource source) { m_apiKeys = std::move(source); }
    // A full check of the journal on disk (unset: the hub has none, checkJournal says so).
    using JournalCheck = std::function<Result<QStringList>()>;
    void setJournalCheck(JournalCheck check) { m_journalCheck = std::move(check); }

    // Remotes this object as "Switchboard" and the models as "Channels", "Topics", "Connections",
    // "DeadLetters", "Requests" (request/reply pairs seen by the hub, newest first) and "TopicTree"
    // (the topics split at their dots; replicas fetch only the branches they show).
    bool enableRemoting(QRemoteObjectHostBase *host);

    SnapshotListModel *channelsModel() { return &m_channels; }
    TopicsModel *topicsModel() { return &m_topics; }
    TopicTreeModel *topicTreeModel() { return &m_topicTree; }
    SnapshotListModel *connectionsModel() { return &m_connections; }
    SnapshotListModel *deadLettersModel() { return &m_deadLetters; }
    SnapshotListModel *requestsModel() { return &m_requests; }
    SnapshotListModel *durablesModel() { return &m_durables; }

    // Takes a snapshot now (also after every change made through a slot).
    void refresh();
    // Counted by whoever hands replicas their connection (RemoteServer): the first one takes a
    // snapshot and starts the snapshot timer, the last one to leave stops it.
    void replicaAttached();
    void replicaDetached();
    int attachedReplicas() const { return m_attached; }
    int watchCount() const { return int(m_watches.size()); }

    QVariantMap list(const QString &collection, const QString &filter, int offset, int limit) override;
    QVariantMap createChannel(const QVariantMap &config) override;
    QVariantMap updateChannel(const QVariantMap &config) override;
    QVariantMap deleteChannel(const QString &name) override;
    QVariantMap publish(const QVariantMap &message) override;
    QVariantMap request(const QVariantMap &message, int timeoutMs) override;
    QVariantMap deadLetter(quint64 id) override;
    QVariantMap requeueDeadLetter(quint64 id, const QVariantMap &edits) override;
    QVariantMap purgeDeadLetters(const QVariantList &ids) override;
    QVariantMap closeConnection(const QString &id, const QString &reason) override;
    QVariantMap reloadConfig() override;
    // remotecontrolkeys.cpp
    QVariantMap createApiKey(const QString &name, const QStringList &roles) override;
    QVariantMap listApiKeys() override;
    QVariantMap revokeApiKey(const QString &id) override;
    QVariantMap watch(const QString &channel, const QString &pattern, int maxPerSecond) override;
    QVariantMap renewWatch(const QString &watchId) override;
    QVariantMap unwatch(const QString &watchId) override;
    // remotecontroljournal.cpp
    QVariantMap storedMessages(const QString &channel, const QVariantMap &query) override;
    QVariantMap storedDensity(const QString &channel, const QVariantMap &query) override;
    QVariantMap deleteDurable(const QString &name) override;
    QVariantMap checkJournal() override;
    QVariantMap startReplay(const QVariantMap &options) override; // remotecontrolreplay.cpp
    QVariantMap replay(const QString &id) override;
    QVariantMap controlReplay(const QString &id, const QString &action, const QVariantMap &args) override;
    void call(const QString &callId, const QString &method, const QVariantMap &args) override;
    // The answer call() emits: the slot named \a method run with \a args.
    QVariantMap dispatch(const QString &method, const QVariantMap &args);

Q_SIGNALS:
    // A credential was revoked (an API key): whoever serves replicas closes those that used it.
    void credentialRevoked(const QString &provider, const QString &credentialId);

public:

private:
    struct Watch
    {
        quint64 subscription = 0;
        int maxPerSecond = 0;
        int takenThisSecond = 0;
        qint64 secondStart = 0;
        qint64 leaseUntil = 0;
        int dropped = 0;
        QList<Message> pending;
    };

    struct RequestRecord
    {
        QString correlationId, destination, origin, state;
        qint64 startedAt = 0, latencyMs = -1;
    };

    Result<Message> messageFromMap(const QVariantMap &map, const QString &type) const;
    void onRequestObserved(const QString &correlationId, const QString &destination, const QString &origin);
    void onRequestSettled(const QString &correlationId, ErrorCode code);
    void flushWatches();
    void endWatch(const QString &id, const QString &reason);

    Hub *m_hub;
    Options m_options;
    sb::Principal m_principal;
    const PluginHost *m_pluginHost = nullptr;
    ReloadHandler m_reload;
    ApiKeysSource m_apiKeys;
    JournalCheck m_journalCheck;
    SnapshotListModel m_channels;
    TopicsModel m_topics;
    TopicTreeModel m_topicTree;
    SnapshotListModel m_connections;
    SnapshotListModel m_deadLetters;
    SnapshotListModel m_requests;
    SnapshotListModel m_durables;
    std::deque<RequestRecord> m_requestLog; // newest last, at most Options::requestLogSize
    bool m_requestsDirty = false;
    QTimer m_snapshotTimer;
    QTimer m_watchTimer;
    QHash<QString, Watch> m_watches;
    quint64 m_nextWatch = 1;
    quint64 m_nextRequest = 1;
    int m_attached = 0;
};

} // namespace sb::remote
