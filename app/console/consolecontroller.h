// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "replaycontroller.h"
#include "storedmessagesmodel.h"
#include "topicfiltermodel.h"
#include "topictreeproxy.h"

#include <snapshotlistmodel.h>

#include <switchboard/error.h>

#include <QObject>
#include <QRemoteObjectPendingCall>
#include <QPointer>
#include <QSortFilterProxyModel>
#include <QVariantList>
#include <memory>

namespace sb::remote {
class RemoteClient;
}

namespace sb::console {

class EmbeddedHub;

// Everything the console's QML shows and does, in C++: the connection to a hub (embedded or
// remote, always through the remote-control API), its stats and throughput history, views of its
// models, and the operator's actions, each answered by actionFinished(action, result).
// Lives in the GUI thread; the hub sends snapshots at a bounded rate, so nothing here runs per message.
class ConsoleController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY stateChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)
    Q_PROPERTY(QString address READ address NOTIFY stateChanged)
    Q_PROPERTY(bool embedded READ embedded NOTIFY stateChanged)
    Q_PROPERTY(QString hubName READ hubName NOTIFY stateChanged)
    Q_PROPERTY(QString version READ version NOTIFY stateChanged)
    Q_PROPERTY(QVariantMap stats READ stats NOTIFY statsChanged)
    Q_PROPERTY(QVariantList plugins READ plugins NOTIFY statsChanged)
    Q_PROPERTY(QVariantList inHistory READ inHistory NOTIFY statsChanged)
    Q_PROPERTY(QVariantList outHistory READ outHistory NOTIFY statsChanged)
    Q_PROPERTY(QAbstractItemModel *channels READ channels CONSTANT)
    Q_PROPERTY(sb::console::TopicFilterModel *topics READ topics CONSTANT)
    Q_PROPERTY(sb::console::TopicTreeProxy *topicTree READ topicTree CONSTANT)
    Q_PROPERTY(QAbstractItemModel *connections READ connections CONSTANT)
    Q_PROPERTY(QAbstractItemModel *deadLetters READ deadLetters CONSTANT)
    Q_PROPERTY(QAbstractItemModel *requests READ requests CONSTANT)
    Q_PROPERTY(QAbstractItemModel *durables READ durables CONSTANT)
    // The Messages view's page of stored messages, and the Replay page's timeline and replay.
    Q_PROPERTY(sb::console::StoredMessagesModel *storedMessages READ storedMessages CONSTANT)
    Q_PROPERTY(sb::console::ReplayController *replay READ replay CONSTANT)
    // The topic the Topics page shows: its counters, rates and last message, read from the hub at
    // every snapshot (one row, whatever the number of topics).
    Q_PROPERTY(QString selectedTopic READ selectedTopic WRITE setSelectedTopic NOTIFY selectedTopicChanged)
    Q_PROPERTY(QVariantMap selectedTopicRow READ selectedTopicRow NOTIFY selectedTopicChanged)

public:
    explicit ConsoleController(QObject *parent = nullptr);
    ~ConsoleController() override;

    QString state() const { return m_state; }
    QString errorCode() const { return m_errorCode; }
    QString errorText() const { return m_errorText; }
    QString address() const { return m_address; }
    bool embedded() const { return m_embedded != nullptr; }
    QString hubName() const;
    QString version() const;
    QVariantMap stats() const { return m_stats; }
    QVariantList plugins() const;
    QVariantList inHistory() const { return m_inHistory; }
    QVariantList outHistory() const { return m_outHistory; }
    QAbstractItemModel *channels() { return &m_channels; }
    TopicFilterModel *topics() { return &m_topics; }
    TopicTreeProxy *topicTree() { return &m_topicTree; }
    QAbstractItemModel *connections() { return &m_connections; }
    QAbstractItemModel *deadLetters() { return &m_deadLetters; }
    QAbstractItemModel *requests() { return &m_requests; }
    QAbstractItemModel *durables() { return &m_durables; }
    StoredMessagesModel *storedMessages() { return &m_storedMessages; }
    ReplayController *replay() { return &m_replay; }
    remote::RemoteClient *client() const { return m_client.get(); }
    QString selectedTopic() const { return m_selectedTopic; }
    void setSelectedTopic(const QString &topic);
    QVariantMap selectedTopicRow() const { return m_selectedTopicRow; }

    // Starts a hub in this process and connects to it.
    Q_INVOKABLE void connectEmbedded();
    Q_INVOKABLE void connectToHub(const QString &address, const QString &token, const QString &caFile = {});
    Q_INVOKABLE void disconnectFromHub();

    Q_INVOKABLE void createChannel(const QVariantMap &config);
    Q_INVOKABLE void updateChannel(const QVariantMap &config);
    Q_INVOKABLE void deleteChannel(const QString &name);
    Q_INVOKABLE void publish(const QVariantMap &message);
    Q_INVOKABLE void request(const QVariantMap &message, int timeoutMs);
    Q_INVOKABLE void inspectDeadLetter(const QString &id);
    Q_INVOKABLE void requeueDeadLetter(const QString &id, const QVariantMap &edits);
    Q_INVOKABLE void purgeDeadLetters(const QStringList &ids);
    Q_INVOKABLE void closeConnection(const QString &id, const QString &reason);
    // Forgets a durable subscription and its position (its subscribers are ended).
    Q_INVOKABLE void deleteDurable(const QString &name);
    // Publishes stored message \a seq of \a channel again, to its own topic, as a replay of that
    // one message at once (it carries the x-sb-replay headers; it is not stored again).
    Q_INVOKABLE void republishStored(const QString &channel, const QString &seq);
    // Sorts the Connections view by a role ("id", "peer", "inRate", ...).
    Q_INVOKABLE void sortConnections(const QString &role, bool ascending);
    // The value of \a role in \a row of one of the views, for QML delegates and tests.
    Q_INVOKABLE QVariant rowValue(QAbstractItemModel *model, int row, const QString &role) const;

    static constexpr int HistorySamples = 600;

Q_SIGNALS:
    void stateChanged();
    void statsChanged();
    void actionFinished(const QString &action, const QVariantMap &result);
    void selectedTopicChanged();

private:
    void setState(const QString &state, const Error &error = {});
    void onReady();
    void track(const QString &action, const QRemoteObjectPendingCall &call, const QVariantMap &context = {});
    void finish(const QString &action, const QVariantMap &result, const QVariantMap &context);
    void onStats();
    void readSelectedTopic();

    QString m_state = QStringLiteral("disconnected");
    QString m_errorCode, m_errorText, m_address;
    std::unique_ptr<EmbeddedHub> m_embedded;
    std::unique_ptr<remote::RemoteClient> m_client;
    QVariantMap m_stats;
    QVariantList m_inHistory, m_outHistory;
    QSortFilterProxyModel m_channels;
    TopicFilterModel m_topics;
    TopicTreeProxy m_topicTree;
    QSortFilterProxyModel m_connections;
    QSortFilterProxyModel m_deadLetters;
    QSortFilterProxyModel m_requests;
    QSortFilterProxyModel m_durables;
    StoredMessagesModel m_storedMessages;
    ReplayController m_replay;
    QString m_selectedTopic;
    QVariantMap m_selectedTopicRow;
};

} // namespace sb::console
