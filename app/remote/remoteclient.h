// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "rep_switchboard_replica.h"

#include <switchboard/result.h>

#include <QAbstractItemModelReplica>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRemoteObjectNode>
#include <QSslCertificate>
#include <QSslKey>
#include <QTimer>
#include <memory>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace sb::remote {

// A replica of a hub's remote-control API: connects (local socket, or TCP with TLS), says hello
// with a token, and acquires the Switchboard object and its models. The console, sbctl and the
// tests use it; scripts in other languages speak the same handshake (RemoteHandshake).
// Addresses: "local:<name or path>", "tls://host:port".
class RemoteClient : public QObject
{
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, Authenticating, Ready, Failed };
    Q_ENUM(State)

    struct Options
    {
        QByteArray token;
        QList<QSslCertificate> caCertificates; // extra trust for a hub's self-signed certificate
        QList<QSslCertificate> clientCertificateChain; // mutual TLS (remote.tls.client-ca on the hub)
        QSslKey clientKey;
        QString expectedHostName;              // for certificate checks; the URL's host by default
        int timeoutMs = 10000;
    };

    explicit RemoteClient(QObject *parent = nullptr);
    ~RemoteClient() override;

    // Starts connecting; ready() or failed() follows.
    void connectToHub(const QString &address, const Options &options);
    void disconnectFromHub();

    State state() const { return m_state; }
    Error error() const { return m_error; }
    QString hubName() const { return m_hubName; }
    QString address() const { return m_address; }

    // Valid once ready(): the API object and the models ("Channels", "Topics", "Connections",
    // "DeadLetters").
    SwitchboardReplica *api() const { return m_api.get(); }
    // \a prefetch: fetch every row's data before the model is initialized (fine for short lists);
    // without it only the root's size is fetched and rows come as views ask (large trees).
    //
    // Qt 6.4's model replica can start with a wrong size: rows the hub inserts while the
    // replica's first size is on its way are applied, then overwritten by that older size, and
    // every later change is applied to the wrong count (found in tst_qml: a channel created as the
    // console connected left Channels and Connections empty for good). So once a list model is
    // initialized its row count is checked against the hub's list() total; wrong twice, one
    // snapshot apart, the model is acquired again (at most MaxReacquires times): modelReplaced()
    // with nullptr (let go of the old one, it is deleted next), then with the new one.
    QAbstractItemModelReplica *model(const QString &name, bool prefetch = true);
    static constexpr int MaxReacquires = 3;

    // Waits (with a local event loop) until ready or failed; for command-line tools and tests.
    bool waitForReady(int timeoutMs);

    // Calls a slot and waits for its answer map; a lost connection or timeout is an error.
    // Only for command-line tools: the console uses the pending reply asynchronously.
    static QVariantMap await(QRemoteObjectPendingReply<QVariantMap> reply, int timeoutMs);

Q_SIGNALS:
    void stateChanged(sb::remote::RemoteClient::State state);
    void ready();
    void failed(const sb::Error &error);
    void disconnected();
    void modelReplaced(const QString &name, QAbstractItemModelReplica *model);

private:
    void setState(State state);
    void fail(const Error &error);
    // Drops the replicas, the node and the socket (models before the node they belong to).
    void tearDown();
    void onConnected();
    void onAnswer();
    void checkModelSize(const QString &name, int strike);

    State m_state = State::Disconnected;
    Error m_error;
    QString m_address;
    QString m_hubName;
    Options m_options;
    QPointer<QIODevice> m_device;
    std::unique_ptr<QRemoteObjectNode> m_node;
    std::unique_ptr<SwitchboardReplica> m_api;
    QHash<QString, QAbstractItemModelReplica *> m_models;
    QHash<QString, bool> m_prefetch;
    QHash<QString, int> m_reacquired;
    QTimer m_timeout;
};

} // namespace sb::remote
