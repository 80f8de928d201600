// SPDX-License-Identifier: Apache-2.0
#include "consolecontroller.h"

#include "embeddedhub.h"
#include "payloadformatter.h"

#include <remoteclient.h>
#include <remoteresult.h>

#include <QDateTime>
#include <QJsonDocument>
#include <QRemoteObjectPendingCallWatcher>
#include <QSslCertificate>

namespace sb::console {

ConsoleController::ConsoleController(QObject *parent)
    : QObject(parent)
{
    m_requests.setDynamicSortFilter(true);
    m_channels.setDynamicSortFilter(true);
    m_channels.sort(0);
    m_connections.setDynamicSortFilter(true);
    m_deadLetters.setDynamicSortFilter(true);
    m_durables.setDynamicSortFilter(true);
    m_durables.sort(0);
}

ConsoleController::~ConsoleController()
{
    disconnectFromHub();
}

QString ConsoleController::hubName() const
{
    return m_client && m_client->api() ? m_client->api()->hubName() : QString();
}

QString ConsoleController::version() const
{
    return m_client && m_client->api() ? m_client->api()->version() : QString();
}

QVariantList ConsoleController::plugins() const
{
    return m_client && m_client->api() ? m_client->api()->plugins() : QVariantList();
}

void ConsoleController::setState(const QString &state, const Error &error)
{
    m_state = state;
    m_errorCode = error.isError() ? error.codeName() : QString();
    m_errorText = error.message;
    Q_EMIT stateChanged();
}

void ConsoleController::connectEmbedded()
{
    disconnectFromHub();
    m_embedded = std::make_unique<EmbeddedHub>();
    if (Status st = m_embedded->start(); !st) {
        m_embedded.reset();
        setState(QStringLiteral("failed"), st.error());
        return;
    }
    const QString address = m_embedded->controlAddress();
    m_address = address;
    m_client = std::make_unique<remote::RemoteClient>();
    connect(m_client.get(), &remote::RemoteClient::ready, this, &ConsoleController::onReady);
    connect(m_client.get(), &remote::RemoteClient::failed, this,
            [this](const Error &e) { setState(QStringLiteral("failed"), e); });
    setState(QStringLiteral("connecting"));
    m_client->connectToHub(address, {});
}

void ConsoleController::connectToHub(const QString &address, const QString &token, const QString &caFile)
{
    disconnectFromHub();
    m_address = address;
    remote::RemoteClient::Options opts;
    opts.token = token.toUtf8();
    if (!caFile.isEmpty()) {
        opts.caCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
        if (opts.caCertificates.isEmpty()) {
            setState(QStringLiteral("failed"),
                     Error(ErrorCode::InvalidConfig, tr("No PEM certificate in %1").arg(caFile)));
            return;
        }
    }
    m_client = std::make_unique<remote::RemoteClient>();
    connect(m_client.get(), &remote::RemoteClient::ready, this, &ConsoleController::onReady);
    connect(m_client.get(), &remote::RemoteClient::failed, this,
            [this](const Error &e) { setState(QStringLiteral("failed"), e); });
    setState(QStringLiteral("connecting"));
    m_client->connectToHub(address, opts);
}

void ConsoleController::disconnectFromHub()
{
    m_channels.setSourceModel(nullptr);
    m_topics.setApi(nullptr);
    m_topicTree.setSourceModel(nullptr);
    m_selectedTopicRow.clear();
    m_connections.setSourceModel(nullptr);
    m_deadLetters.setSourceModel(nullptr);
    m_requests.setSourceModel(nullptr);
    m_durables.setSourceModel(nullptr);
    m_storedMessages.setApi(nullptr);
    m_replay.setApi(nullptr);
    m_client.reset();
    m_embedded.reset();
    m_stats.clear();
    m_inHistory.clear();
    m_outHistory.clear();
    if (m_state != QLatin1String("disconnected"))
        setState(QStringLiteral("disconnected"));
    Q_EMIT statsChanged();
}

void ConsoleController::onReady()
{
    SwitchboardReplica *api = m_client->api();
    m_channels.setSourceModel(m_client->model(QStringLiteral("Channels")));
    m_topics.setApi(api);
    m_topicTree.setSourceModel(m_client->model(QStringLiteral("TopicTree"), false));
    m_connections.setSourceModel(m_client->model(QStringLiteral("Connections")));
    m_deadLetters.setSourceModel(m_client->model(QStringLiteral("DeadLetters")));
    m_requests.setSourceModel(m_client->model(QStringLiteral("Requests")));
    m_durables.setSourceModel(m_client->model(QStringLiteral("Durables")));
    m_storedMessages.setApi(api);
    m_replay.setApi(api);
    // A replica acquired again (see RemoteClient::model): the views follow the new one.
    connect(m_client.get(), &remote::RemoteClient::modelReplaced, this, [this](const QString &name, QAbstractItemModelReplica *model) {
        const QHash<QString, QSortFilterProxyModel *> proxies{{QStringLiteral("Channels"), &m_channels},
                                                              {QStringLiteral("Connections"), &m_connections},
                                                              {QStringLiteral("DeadLetters"), &m_deadLetters},
                                                              {QStringLiteral("Durables"), &m_durables}};
        if (QSortFilterProxyModel *proxy = proxies.value(name))
            proxy->setSourceModel(model);
    });
    connect(api, &SwitchboardReplica::statsChanged, this, &ConsoleController::onStats);
    connect(api, &SwitchboardReplica::pluginsChanged, this, &ConsoleController::statsChanged);
    // The answer to a request this console sent: the Publish page shows it.
    connect(api, &SwitchboardReplica::requestFinished, this, [this](const QString &requestId, QVariantMap result) {
        result.insert(QStringLiteral("requestId"), requestId);
        // The response's data as the operator reads it (JSON stays JSON, text text, bytes hex).
        const QVariant data = result.value(QStringLiteral("response")).toMap().value(QStringLiteral("data"));
        const QByteArray bytes = data.typeId() == QMetaType::QString
            ? data.toString().toUtf8()
            : QJsonDocument::fromVariant(data).toJson(QJsonDocument::Compact);
        result.insert(QStringLiteral("responseText"), PayloadFormatter::format(bytes));
        Q_EMIT actionFinished(QStringLiteral("requestFinished"), result);
    });
    setState(QStringLiteral("ready"));
    onStats();
}

void ConsoleController::onStats()
{
    if (!m_client || !m_client->api())
        return;
    m_stats = m_client->api()->stats();
    m_topics.refresh();
    readSelectedTopic();
    m_inHistory.append(m_stats.value(QStringLiteral("inRate")).toDouble());
    m_outHistory.append(m_stats.value(QStringLiteral("outRate")).toDouble());
    while (m_inHistory.size() > HistorySamples)
        m_inHistory.removeFirst();
    while (m_outHistory.size() > HistorySamples)
        m_outHistory.removeFirst();
    Q_EMIT statsChanged();
}

void ConsoleController::setSelectedTopic(const QString &topic)
{
    if (topic == m_selectedTopic)
        return;
    m_selectedTopic = topic;
    m_selectedTopicRow.clear();
    Q_EMIT selectedTopicChanged();
    readSelectedTopic();
}

void ConsoleController::readSelectedTopic()
{
    if (m_selectedTopic.isEmpty() || !m_client || !m_client->api())
        return;
    auto *watcher = new QRemoteObjectPendingCallWatcher(
        m_client->api()->list(QStringLiteral("topics"), m_selectedTopic, 0, 50), this);
    const QString topic = m_selectedTopic;
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, topic](QRemoteObjectPendingCallWatcher *w) {
        w->deleteLater();
        if (topic != m_selectedTopic)
            return;
        for (const QVariant &row : w->returnValue().toMap().value(QStringLiteral("rows")).toList()) {
            if (row.toMap().value(QStringLiteral("topic")).toString() == topic) {
                m_selectedTopicRow = row.toMap();
                Q_EMIT selectedTopicChanged();
                return;
            }
        }
    });
}

void ConsoleController::track(const QString &action, const QRemoteObjectPendingCall &call, const QVariantMap &context)
{
    auto *watcher = new QRemoteObjectPendingCallWatcher(call, this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, action, context](QRemoteObjectPendingCallWatcher *w) {
        w->deleteLater();
        QVariantMap result = w->error() == QRemoteObjectPendingCall::NoError
            ? w->returnValue().toMap()
            : remote::RemoteResult::failure(Error(ErrorCode::NotConnected, tr("The hub did not answer.")));
        finish(action, result, context);
    });
}

void ConsoleController::finish(const QString &action, const QVariantMap &result, const QVariantMap &context)
{
    Q_UNUSED(context)
    Q_EMIT actionFinished(action, result);
}

#define SB_CONSOLE_CALL(action, call, context)                                                                    \
    do {                                                                                                          \
        if (!m_client || !m_client->api()) {                                                                      \
            finish(QStringLiteral(action),                                                                        \
                   remote::RemoteResult::failure(Error(ErrorCode::NotConnected, tr("Not connected to a hub."))),  \
                   {});                                                                                           \
            return;                                                                                               \
        }                                                                                                         \
        track(QStringLiteral(action), m_client->api()->call, context);                                            \
    } while (false)

void ConsoleController::createChannel(const QVariantMap &config)
{
    SB_CONSOLE_CALL("createChannel", createChannel(config), config);
}

void ConsoleController::updateChannel(const QVariantMap &config)
{
    SB_CONSOLE_CALL("updateChannel", updateChannel(config), config);
}

void ConsoleController::deleteChannel(const QString &name)
{
    SB_CONSOLE_CALL("deleteChannel", deleteChannel(name), {});
}

void ConsoleController::publish(const QVariantMap &message)
{
    SB_CONSOLE_CALL("publish", publish(message), message);
}

void ConsoleController::request(const QVariantMap &message, int timeoutMs)
{
    SB_CONSOLE_CALL("request", request(message, timeoutMs), message);
}

void ConsoleController::inspectDeadLetter(const QString &id)
{
    SB_CONSOLE_CALL("inspectDeadLetter", deadLetter(id.toULongLong()), {});
}

void ConsoleController::requeueDeadLetter(const QString &id, const QVariantMap &edits)
{
    SB_CONSOLE_CALL("requeueDeadLetter", requeueDeadLetter(id.toULongLong(), edits), {});
}

void ConsoleController::purgeDeadLetters(const QStringList &ids)
{
    QVariantList list;
    for (const QString &id : ids)
        list.append(id);
    SB_CONSOLE_CALL("purgeDeadLetters", purgeDeadLetters(list), {});
}

void ConsoleController::closeConnection(const QString &id, const QString &reason)
{
    SB_CONSOLE_CALL("closeConnection", closeConnection(id, reason), {});
}

void ConsoleController::deleteDurable(const QString &name)
{
    SB_CONSOLE_CALL("deleteDurable", deleteDurable(name), {});
}

void ConsoleController::republishStored(const QString &channel, const QString &seq)
{
    bool ok = false;
    const quint64 n = seq.toULongLong(&ok);
    if (!ok || n == 0) {
        finish(QStringLiteral("republish"),
               remote::RemoteResult::failure(Error(ErrorCode::BadMessage, tr("\"%1\" is not a stored message's sequence number.").arg(seq))),
               {});
        return;
    }
    const QVariantMap options{{QStringLiteral("channel"), channel},
                              {QStringLiteral("after-seq"), QString::number(n - 1)},
                              {QStringLiteral("to-seq"), QString::number(n)},
                              {QStringLiteral("speed"), QStringLiteral("max")}};
    SB_CONSOLE_CALL("republish", startReplay(options), options);
}

#undef SB_CONSOLE_CALL

void ConsoleController::sortConnections(const QString &role, bool ascending)
{
    const int r = m_connections.roleNames().key(role.toUtf8(), -1);
    if (r < 0)
        return;
    m_connections.setSortRole(r);
    m_connections.sort(0, ascending ? Qt::AscendingOrder : Qt::DescendingOrder);
}

QVariant ConsoleController::rowValue(QAbstractItemModel *model, int row, const QString &role) const
{
    if (!model)
        return {};
    const int r = model->roleNames().key(role.toUtf8(), -1);
    return r < 0 ? QVariant() : model->index(row, 0).data(r);
}

} // namespace sb::console
