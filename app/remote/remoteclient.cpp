// SPDX-License-Identifier: Apache-2.0
#include "remoteclient.h"

#include "remotehandshake.h"
#include "remoteresult.h"

#include <QEventLoop>
#include <QLocalSocket>
#include <QRemoteObjectPendingCallWatcher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QUrl>

#include <algorithm>

namespace sb::remote {

RemoteClient::RemoteClient(QObject *parent)
    : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        fail(Error(ErrorCode::Timeout, QStringLiteral("no answer from the hub at %1 within %2 ms")
                                           .arg(m_address)
                                           .arg(m_options.timeoutMs)));
    });
}

RemoteClient::~RemoteClient()
{
    disconnectFromHub();
}

void RemoteClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void RemoteClient::tearDown()
{
    m_timeout.stop();
    qDeleteAll(m_models);
    m_models.clear();
    m_prefetch.clear();
    m_reacquired.clear();
    m_api.reset();
    m_node.reset();
    if (m_device) {
        m_device->disconnect(this);
        m_device->close();
        m_device->deleteLater();
    }
}

void RemoteClient::fail(const Error &error)
{
    if (m_state == State::Failed)
        return;
    const bool wasReady = m_state == State::Ready;
    m_error = error;
    tearDown();
    setState(State::Failed);
    Q_EMIT failed(error);
    if (wasReady)
        Q_EMIT disconnected();
}

void RemoteClient::disconnectFromHub()
{
    const bool wasReady = m_state == State::Ready;
    tearDown();
    if (m_state != State::Disconnected && m_state != State::Failed)
        setState(State::Disconnected);
    if (wasReady)
        Q_EMIT disconnected();
}

void RemoteClient::connectToHub(const QString &address, const Options &options)
{
    disconnectFromHub();
    m_address = address;
    m_options = options;
    m_error = Error();
    setState(State::Connecting);
    m_timeout.start(options.timeoutMs);

    if (address.startsWith(QLatin1String("local:"))) {
        auto *socket = new QLocalSocket(this);
        m_device = socket;
        connect(socket, &QLocalSocket::connected, this, &RemoteClient::onConnected);
        connect(socket, &QLocalSocket::errorOccurred, this, [this, socket] {
            fail(Error(ErrorCode::NotConnected,
                       QStringLiteral("cannot reach the hub at %1: %2").arg(m_address, socket->errorString())));
        });
        socket->connectToServer(address.mid(6));
        return;
    }
    const QUrl url(address);
    if (url.scheme() != QLatin1String("tls") || url.host().isEmpty() || url.port() <= 0) {
        fail(Error(ErrorCode::InvalidConfig,
                   QStringLiteral("\"%1\" is not a hub address: use local:<name> or tls://host:port").arg(address)));
        return;
    }
    auto *socket = new QSslSocket(this);
    m_device = socket;
    {
        QSslConfiguration ssl = socket->sslConfiguration();
        if (!options.caCertificates.isEmpty())
            ssl.addCaCertificates(options.caCertificates);
        if (!options.clientCertificateChain.isEmpty()) {
            ssl.setLocalCertificateChain(options.clientCertificateChain);
            ssl.setPrivateKey(options.clientKey);
        }
        socket->setSslConfiguration(ssl);
    }
    connect(socket, &QSslSocket::encrypted, this, &RemoteClient::onConnected);
    connect(socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList why;
        for (const QSslError &e : errors)
            why << e.errorString();
        fail(Error(ErrorCode::Unauthenticated,
                   QStringLiteral("the hub's certificate is not trusted: %1").arg(why.join(QStringLiteral("; ")))));
    });
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket] {
        if (m_state == State::Connecting || m_state == State::Authenticating)
            fail(Error(ErrorCode::NotConnected,
                       QStringLiteral("cannot reach the hub at %1: %2").arg(m_address, socket->errorString())));
    });
    const QString peerName = options.expectedHostName.isEmpty() ? url.host() : options.expectedHostName;
    socket->connectToHostEncrypted(url.host(), quint16(url.port()), peerName);
}

void RemoteClient::onConnected()
{
    setState(State::Authenticating);
    connect(m_device, &QIODevice::readyRead, this, &RemoteClient::onAnswer);
    m_device->write(RemoteHandshake::hello(m_options.token));
}

void RemoteClient::onAnswer()
{
    if (!m_device->canReadLine()) {
        if (m_device->bytesAvailable() >= RemoteHandshake::MaxLineBytes)
            fail(Error(ErrorCode::BadFrame, QStringLiteral("%1 did not answer like a Switchboard hub").arg(m_address)));
        return;
    }
    disconnect(m_device, &QIODevice::readyRead, this, &RemoteClient::onAnswer);
    Result<QString> answer = RemoteHandshake::parseAnswer(m_device->readLine(RemoteHandshake::MaxLineBytes));
    if (!answer)
        return fail(answer.error());
    m_hubName = answer.value();
    m_node = std::make_unique<QRemoteObjectNode>();
    m_node->addClientSideConnection(m_device);
    if (m_device->bytesAvailable() > 0)
        QMetaObject::invokeMethod(m_device.data(), &QIODevice::readyRead, Qt::QueuedConnection);
    auto lost = [this] {
        if (m_state == State::Ready || m_state == State::Authenticating)
            fail(Error(ErrorCode::NotConnected, QStringLiteral("the connection to the hub at %1 was lost").arg(m_address)));
    };
    if (auto *s = qobject_cast<QAbstractSocket *>(m_device.data()))
        connect(s, &QAbstractSocket::disconnected, this, lost);
    else if (auto *l = qobject_cast<QLocalSocket *>(m_device.data()))
        connect(l, &QLocalSocket::disconnected, this, lost);

    m_api.reset(m_node->acquire<SwitchboardReplica>(QStringLiteral("Switchboard")));
    connect(m_api.get(), &QRemoteObjectReplica::initialized, this, [this] {
        m_timeout.stop();
        setState(State::Ready);
        Q_EMIT ready();
    });
}

QAbstractItemModelReplica *RemoteClient::model(const QString &name, bool prefetch)
{
    if (!m_node)
        return nullptr;
    auto it = m_models.find(name);
    if (it != m_models.end())
        return *it;
    QAbstractItemModelReplica *m =
        m_node->acquireModel(name, prefetch ? QtRemoteObjects::PrefetchData : QtRemoteObjects::FetchRootSize);
    m->setParent(this);
    m_models.insert(name, m);
    m_prefetch.insert(name, prefetch);
    connect(m, &QAbstractItemModelReplica::initialized, this, [this, name] { checkModelSize(name, 0); });
    return m;
}

void RemoteClient::checkModelSize(const QString &name, int strike)
{
    // The list() collection each list model shows.
    static const QHash<QString, QString> collections{{QStringLiteral("Channels"), QStringLiteral("channels")},
                                                     {QStringLiteral("Connections"), QStringLiteral("connections")},
                                                     {QStringLiteral("DeadLetters"), QStringLiteral("deadletters")},
                                                     {QStringLiteral("Durables"), QStringLiteral("durables")}};
    const QString collection = collections.value(name);
    if (collection.isEmpty() || !m_api || !m_models.contains(name))
        return;
    auto *watcher = new QRemoteObjectPendingCallWatcher(m_api->list(collection, QString(), 0, 1), this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, name, strike](QRemoteObjectPendingCallWatcher *w) {
        w->deleteLater();
        const QVariantMap answer = w->returnValue().toMap();
        QAbstractItemModelReplica *m = m_models.value(name);
        if (!m || w->error() != QRemoteObjectPendingCall::NoError || !answer.value(QStringLiteral("ok")).toBool()
            || m->rowCount() == answer.value(QStringLiteral("total")).toInt())
            return;
        if (strike == 0) { // rows may have changed since: look again after the next snapshot
            const int later = m_api ? std::max(100, m_api->snapshotIntervalMs()) + 100 : 1000;
            QTimer::singleShot(later, this, [this, name] { checkModelSize(name, 1); });
            return;
        }
        if (m_reacquired.value(name) >= MaxReacquires)
            return;
        ++m_reacquired[name];
        qWarning("switchboard.remote: the %s replica shows %d rows, the hub has %d: acquiring it again",
                 qPrintable(name), m->rowCount(), answer.value(QStringLiteral("total")).toInt());
        // The node shares one replica implementation between the replicas of a name: the old one
        // goes first (its views let go of it), so the new one asks for the rows afresh.
        Q_EMIT modelReplaced(name, nullptr);
        m_models.remove(name);
        delete m;
        Q_EMIT modelReplaced(name, model(name, m_prefetch.value(name, true)));
    });
}

bool RemoteClient::waitForReady(int timeoutMs)
{
    if (m_state == State::Ready)
        return true;
    if (m_state == State::Failed || m_state == State::Disconnected)
        return false;
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &RemoteClient::ready, &loop, &QEventLoop::quit);
    connect(this, &RemoteClient::failed, &loop, &QEventLoop::quit);
    guard.start(timeoutMs);
    loop.exec();
    return m_state == State::Ready;
}

QVariantMap RemoteClient::await(QRemoteObjectPendingReply<QVariantMap> reply, int timeoutMs)
{
    if (!reply.waitForFinished(timeoutMs))
        return RemoteResult::failure(Error(ErrorCode::Timeout, QStringLiteral("the hub did not answer within %1 ms").arg(timeoutMs)));
    if (reply.error() != QRemoteObjectPendingCall::NoError)
        return RemoteResult::failure(Error(ErrorCode::NotConnected, QStringLiteral("the call did not reach the hub")));
    return reply.returnValue();
}

} // namespace sb::remote
