// SPDX-License-Identifier: Apache-2.0
// RemoteServer against hostile and careless peers: sockets that connect and say nothing, hello
// lines that never end, wrong or missing tokens. Unauthenticated sockets must never take a
// replica slot, never see a byte of Qt Remote Objects, and never keep an operator out.
#include "../testcert.h"
#include <remotecontrol.h>
#include <remoteclient.h>
#include <remotehandshake.h>
#include <remoteserver.h>

#include <switchboard/hub.h>
#include <switchboard/tls.h>
#include <switchboard/authchain.h>
#include <switchboard/tokenauthenticator.h>

#include <QLocalSocket>
#include <QRemoteObjectNode>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <deque>
#include <functional>

using namespace sb;
using namespace sb::remote;

namespace {
// Raw sockets to the hub that do only what the test tells them, recording what the hub writes.
class Peers : public QObject
{
public:
    struct Peer
    {
        QIODevice *socket = nullptr;
        QByteArray received;
        bool closed = false;
    };

    int open = 0;   // connected (TLS: encrypted)
    int closed = 0; // closed by the hub
    std::deque<Peer> list;

    int openLocal(const QString &name)
    {
        auto *s = new QLocalSocket(this);
        const int i = add(s);
        connect(s, &QLocalSocket::connected, this, [this] { ++open; });
        connect(s, &QLocalSocket::disconnected, this, [this, i] { markClosed(i); });
        s->connectToServer(name);
        return i;
    }
    // TLS to 127.0.0.1:port, from \a from when given (another loopback address: another peer).
    int openTls(quint16 port, const QList<QSslCertificate> &ca, const QHostAddress &from = {})
    {
        auto *s = new QSslSocket(this);
        const int i = add(s);
        QSslConfiguration ssl = s->sslConfiguration();
        ssl.addCaCertificates(ca);
        s->setSslConfiguration(ssl);
        connect(s, &QSslSocket::encrypted, this, [this] { ++open; });
        connect(s, &QAbstractSocket::disconnected, this, [this, i] { markClosed(i); });
        if (!from.isNull() && !s->bind(from))
            return -1;
        s->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        return i;
    }
    // Plain TCP that never starts TLS.
    int openTcp(quint16 port)
    {
        auto *s = new QTcpSocket(this);
        const int i = add(s);
        connect(s, &QAbstractSocket::connected, this, [this] { ++open; });
        connect(s, &QAbstractSocket::disconnected, this, [this, i] { markClosed(i); });
        s->connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        return i;
    }
    QByteArray firstLine(int i) const
    {
        const QByteArray &in = list[size_t(i)].received;
        return in.left(in.indexOf('\n') + 1);
    }
    int closedWith(const QByteArray &prefix) const
    {
        // Exactly one line starting with \a prefix; nothing at all for an empty prefix.
        return int(std::count_if(list.begin(), list.end(), [&](const Peer &p) {
            if (prefix.isEmpty())
                return p.closed && p.received.isEmpty();
            return p.closed && p.received.startsWith(prefix) && p.received.count('\n') == 1 && p.received.endsWith('\n');
        }));
    }
    int silentAndOpen() const
    {
        return int(std::count_if(list.begin(), list.end(), [](const Peer &p) { return !p.closed && p.received.isEmpty(); }));
    }

private:
    int add(QIODevice *s)
    {
        const int i = int(list.size());
        list.push_back({s, {}, false});
        connect(s, &QIODevice::readyRead, this, [this, i] { list[size_t(i)].received += list[size_t(i)].socket->readAll(); });
        return i;
    }
    void markClosed(int i)
    {
        Peer &p = list[size_t(i)];
        p.received += p.socket->readAll();
        if (!p.closed) {
            p.closed = true;
            ++closed;
        }
    }
};
} // namespace

class tst_RemoteServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void silentSocketsLeaveSlotsToOperators_data();
    void silentSocketsLeaveSlotsToOperators();
    void silentSocketsTimeOut_data();
    void silentSocketsTimeOut();
    void perPeerLimitClosesOldest();
    void totalLimitSparesQuietPeers();
    void overlongHello();
    void refusedNeverRemoted_data();
    void refusedNeverRemoted();
    void aclAppliesToOperators();

private:
    void startServer(const std::function<void(RemoteServerOptions &)> &tweak = {});
    QList<QSslCertificate> ca() const { return QSslCertificate::fromPath(m_cert, QSsl::Pem); }
    QString address(const QString &transport) const;
    bool connectOperator(RemoteClient &client, const QString &transport, const QByteArray &token = "s3cret");

    QTemporaryDir m_dir;
    QString m_cert, m_key;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<AuthChain> m_tokens; // the hub's authenticator: a chain holding the tokens
    std::unique_ptr<RemoteControl> m_control;
    std::unique_ptr<RemoteServer> m_server;
    QString m_role = QStringLiteral("admin"); // the role the API acts with on the bus
};

void tst_RemoteServer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cert = m_dir.filePath(QStringLiteral("hub.pem"));
    m_key = m_dir.filePath(QStringLiteral("hub.key"));
    const QString certError = makeLoopbackCertificate(m_cert, m_key);
    QVERIFY2(certError.isEmpty(), qPrintable(certError));
}

void tst_RemoteServer::cleanup()
{
    m_server.reset();
    m_role = QStringLiteral("admin");
    m_control.reset();
    m_tokens.reset();
    m_hub.reset();
}

void tst_RemoteServer::startServer(const std::function<void(RemoteServerOptions &)> &tweak)
{
    m_hub = std::make_unique<Hub>();
    m_hub->setObjectName(QStringLiteral("test-hub"));
    auto tokens = std::make_shared<TokenAuthenticator>();
    tokens->addToken(QStringLiteral("ops"), TokenAuthenticator::digestHex("s3cret"), {QStringLiteral("admin")});
    m_tokens = std::make_unique<AuthChain>();
    m_tokens->addProvider(tokens);
    RemoteControl::Options co;
    co.snapshotIntervalMs = 100;
    co.role = m_role;
    m_control = std::make_unique<RemoteControl>(m_hub.get(), co);
    RemoteServerOptions so;
    so.localName = m_dir.filePath(QStringLiteral("rs-%1.sock").arg(QString::fromLatin1(QTest::currentTestFunction())));
    so.tcpHost = QStringLiteral("127.0.0.1");
    Result<QSslConfiguration> tls = loadServerTls(m_cert, m_key);
    QVERIFY2(tls, qPrintable(tls.error().toString()));
    so.tls = tls.value();
    if (tweak)
        tweak(so);
    m_server = std::make_unique<RemoteServer>(m_control.get(), m_tokens.get(), so);
    const Status st = m_server->start();
    QVERIFY2(st, qPrintable(st.error().toString()));
}

QString tst_RemoteServer::address(const QString &transport) const
{
    return transport == QLatin1String("local") ? QStringLiteral("local:") + m_server->localAddress()
                                               : QStringLiteral("tls://127.0.0.1:%1").arg(m_server->tcpPort());
}

bool tst_RemoteServer::connectOperator(RemoteClient &client, const QString &transport, const QByteArray &token)
{
    RemoteClient::Options o;
    o.token = token;
    o.timeoutMs = 10000;
    o.caCertificates = ca();
    client.connectToHub(address(transport), o);
    return client.waitForReady(15000);
}

void tst_RemoteServer::silentSocketsLeaveSlotsToOperators_data()
{
    QTest::addColumn<QString>("silent");    // how the silent sockets connect
    QTest::addColumn<QString>("transport"); // how the operators connect
    QTest::addRow("local") << QStringLiteral("local") << QStringLiteral("local");
    QTest::addRow("tls") << QStringLiteral("tls") << QStringLiteral("tls");
    QTest::addRow("tls, silent before TLS") << QStringLiteral("tcp") << QStringLiteral("tls");
}

void tst_RemoteServer::silentSocketsLeaveSlotsToOperators()
{
    QFETCH(QString, silent);
    QFETCH(QString, transport);
    constexpr int Silent = 40;
    constexpr int PerPeer = 8;
    startServer([](RemoteServerOptions &o) {
        o.maxConnections = 2;            // fewer replica slots than silent sockets
        o.handshakeTimeoutMs = 60000;    // they stay for the whole test
        o.maxPendingHandshakesPerPeer = PerPeer;
    });
    Peers peers;
    for (int i = 0; i < Silent; ++i) {
        if (silent == QLatin1String("local"))
            peers.openLocal(m_server->localAddress());
        else if (silent == QLatin1String("tls"))
            peers.openTls(m_server->tcpPort(), ca());
        else
            peers.openTcp(m_server->tcpPort());
    }
    // All but the per-peer allowance are closed: with a reason once TLS is up to carry one,
    // without one during the TLS handshake (it is part of the pending time); the rest wait,
    // without a replica slot.
    QTRY_COMPARE_WITH_TIMEOUT(peers.closed, Silent - PerPeer, 30000);
    if (silent == QLatin1String("local"))
        QCOMPARE(peers.closedWith("ERR RATE_LIMITED "), Silent - PerPeer);
    else
        QCOMPARE(peers.closedWith("ERR RATE_LIMITED ") + peers.closedWith(QByteArray()), Silent - PerPeer);
    QCOMPARE(m_server->pendingCount(), PerPeer);
    QCOMPARE(m_server->attachedCount(), 0);
    QCOMPARE(m_server->stats().value(QStringLiteral("refusedPendingLimit")).toInt(), Silent - PerPeer);

    // Operators get every replica slot there is, and the API works for them.
    RemoteClient first;
    QVERIFY2(connectOperator(first, transport), qPrintable(first.error().toString()));
    const QVariantMap created = RemoteClient::await(first.api()->createChannel({{QStringLiteral("name"), QStringLiteral("ops")}}), 10000);
    QVERIFY2(created.value(QStringLiteral("ok")).toBool(), qPrintable(created.value(QStringLiteral("message")).toString()));
    QVERIFY(m_hub->bus()->channel(QStringLiteral("ops")));
    RemoteClient second;
    QVERIFY2(connectOperator(second, transport), qPrintable(second.error().toString()));
    QCOMPARE(m_server->attachedCount(), 2);

    // The replica limit itself still holds, for authenticated replicas only.
    RemoteClient third;
    QVERIFY(!connectOperator(third, transport));
    QCOMPARE(third.error().codeName(), QStringLiteral("RATE_LIMITED"));
    QVERIFY2(third.error().message.contains(QLatin1String("2 remote-control replicas")), qPrintable(third.error().message));
    QVERIFY(!third.api());
    const QVariantMap stats = m_server->stats();
    QCOMPARE(stats.value(QStringLiteral("refusedReplicaLimit")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("accepted")).toInt(), 2);
    QCOMPARE(stats.value(QStringLiteral("attached")).toInt(), 2);
    // The first operator made room by closing the oldest silent socket of its peer.
    QCOMPARE(stats.value(QStringLiteral("refusedPendingLimit")).toInt(), Silent - PerPeer + 1);
    QCOMPARE(stats.value(QStringLiteral("pending")).toInt(), PerPeer - 1);
    QTRY_COMPARE(peers.silentAndOpen(), PerPeer - 1);
}

void tst_RemoteServer::silentSocketsTimeOut_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addRow("local") << QStringLiteral("local");
    QTest::addRow("tls") << QStringLiteral("tls");
}

void tst_RemoteServer::silentSocketsTimeOut()
{
    QFETCH(QString, transport);
    // Long enough for three TLS handshakes under ASan on a loaded machine (a socket timed out in its
    // handshake is closed without the ERR line: there is no channel yet to carry it).
    startServer([](RemoteServerOptions &o) { o.handshakeTimeoutMs = 2500; });
    Peers peers;
    for (int i = 0; i < 3; ++i)
        transport == QLatin1String("local") ? peers.openLocal(m_server->localAddress()) : peers.openTls(m_server->tcpPort(), ca());
    QTRY_COMPARE_WITH_TIMEOUT(peers.open, 3, 10000);
    // Half a hello is no hello.
    peers.list.front().socket->write("SBRC/1 s3c");
    QTRY_COMPARE_WITH_TIMEOUT(peers.closed, 3, 10000);
    QCOMPARE(peers.closedWith("ERR TIMEOUT "), 3);
    QCOMPARE(m_server->pendingCount(), 0);
    QCOMPARE(m_server->stats().value(QStringLiteral("refusedTimeout")).toInt(), 3);
    QCOMPARE(m_server->authenticatedCount(), 0);
}

void tst_RemoteServer::perPeerLimitClosesOldest()
{
    startServer([](RemoteServerOptions &o) {
        o.maxPendingHandshakesPerPeer = 2;
        o.handshakeTimeoutMs = 60000;
    });
    Peers peers;
    for (int i = 0; i < 2; ++i) {
        peers.openLocal(m_server->localAddress());
        QTRY_COMPARE(m_server->pendingCount(), i + 1);
    }
    peers.openLocal(m_server->localAddress());
    QTRY_VERIFY(peers.list[0].closed);
    QVERIFY2(peers.firstLine(0).startsWith("ERR RATE_LIMITED "), peers.firstLine(0).constData());
    QCOMPARE(peers.closed, 1);
    QCOMPARE(m_server->pendingCount(), 2);

    // The newest is the one that gets to say its hello.
    peers.list[2].socket->write(RemoteHandshake::hello({}));
    QTRY_VERIFY(peers.list[2].received.startsWith("OK test-hub"));
    QCOMPARE(m_server->pendingCount(), 1);
    QCOMPARE(m_server->attachedCount(), 1);
    QVERIFY(!peers.list[1].closed);
}

void tst_RemoteServer::totalLimitSparesQuietPeers()
{
    startServer([](RemoteServerOptions &o) {
        o.maxPendingHandshakes = 3;
        o.maxPendingHandshakesPerPeer = 2;
        o.handshakeTimeoutMs = 60000;
    });
    const QHostAddress other(QStringLiteral("127.0.0.2"));
    Peers peers;
    for (int i = 0; i < 2; ++i) {
        peers.openTls(m_server->tcpPort(), ca());
        QTRY_COMPARE_WITH_TIMEOUT(m_server->pendingCount(), i + 1, 10000);
    }
    if (peers.openTls(m_server->tcpPort(), ca(), other) < 0)
        QSKIP("cannot bind to 127.0.0.2 here");
    QTRY_COMPARE_WITH_TIMEOUT(m_server->pendingCount(), 3, 10000);
    // Full: a newcomer from the quiet peer costs the busy peer its oldest, not the quiet peer.
    peers.openTls(m_server->tcpPort(), ca(), other);
    QTRY_VERIFY_WITH_TIMEOUT(peers.list[0].closed, 10000);
    QCOMPARE(m_server->stats().value(QStringLiteral("refusedPendingLimit")).toInt(), 1);
    QCOMPARE(m_server->pendingCount(), 3);
    QCOMPARE(peers.closed, 1);
    QVERIFY(!peers.list[2].closed);
    auto *newcomer = static_cast<QSslSocket *>(peers.list[3].socket);
    QTRY_VERIFY_WITH_TIMEOUT(newcomer->isEncrypted(), 10000); // and its TLS handshake completes
}

void tst_RemoteServer::overlongHello()
{
    startServer([](RemoteServerOptions &o) { o.maxHelloBytes = 64; });
    Peers peers;
    peers.openLocal(m_server->localAddress());
    QTRY_COMPARE(peers.open, 1);
    peers.list[0].socket->write("SBRC/1 " + QByteArray(100, 'a'));
    QTRY_VERIFY(peers.list[0].closed);
    QVERIFY2(peers.firstLine(0).startsWith("ERR BAD_FRAME "), peers.firstLine(0).constData());
    QCOMPARE(peers.closedWith("ERR BAD_FRAME "), 1);
    QCOMPARE(m_server->stats().value(QStringLiteral("refusedBadHello")).toInt(), 1);

    // A hello within the cap still works.
    peers.openLocal(m_server->localAddress());
    QTRY_COMPARE(peers.open, 2);
    peers.list[1].socket->write(RemoteHandshake::hello("s3cret"));
    QTRY_VERIFY(peers.list[1].received.startsWith("OK test-hub"));
}

void tst_RemoteServer::refusedNeverRemoted_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("localNeedsToken");
    QTest::addRow("local wrong token") << QStringLiteral("local") << QByteArray("nope") << false;
    QTest::addRow("local no token when required") << QStringLiteral("local") << QByteArray() << true;
    QTest::addRow("tls wrong token") << QStringLiteral("tls") << QByteArray("nope") << false;
    QTest::addRow("tls no token") << QStringLiteral("tls") << QByteArray() << false;
}

void tst_RemoteServer::refusedNeverRemoted()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, token);
    QFETCH(bool, localNeedsToken);
    startServer([&](RemoteServerOptions &o) { o.localRequiresToken = localNeedsToken; });
    const auto open = [&](Peers &peers) {
        return transport == QLatin1String("local") ? peers.openLocal(m_server->localAddress())
                                                   : peers.openTls(m_server->tcpPort(), ca());
    };

    // Raw: one refusal line, then the end, and not a byte more.
    Peers peers;
    open(peers);
    QTRY_COMPARE_WITH_TIMEOUT(peers.open, 1, 10000);
    peers.list[0].socket->write(RemoteHandshake::hello(token));
    QTRY_VERIFY_WITH_TIMEOUT(peers.list[0].closed, 10000);
    QCOMPARE(peers.list[0].received.left(peers.list[0].received.indexOf(' ')), QByteArray("ERR"));
    QVERIFY2(peers.firstLine(0).startsWith("ERR UNAUTHENTICATED "), peers.firstLine(0).constData());
    QCOMPARE(peers.closedWith("ERR UNAUTHENTICATED "), 1);

    // A replica that does not wait for the answer: QtRO speaks right after the hello, and its
    // replica must still never become valid.
    Peers eager;
    open(eager);
    QTRY_COMPARE_WITH_TIMEOUT(eager.open, 1, 10000);
    QIODevice *socket = eager.list[0].socket;
    disconnect(socket, &QIODevice::readyRead, &eager, nullptr); // QtRO reads it now
    socket->write(RemoteHandshake::hello(token));
    QRemoteObjectNode node;
    node.addClientSideConnection(socket);
    std::unique_ptr<SwitchboardReplica> replica(node.acquire<SwitchboardReplica>(QStringLiteral("Switchboard")));
    QTRY_VERIFY_WITH_TIMEOUT(eager.list[0].closed, 10000);
    QCoreApplication::processEvents(); // whatever arrived before the end has been read
    QVERIFY(!replica->isInitialized());
    QVERIFY(replica->state() != QRemoteObjectReplica::Valid);

    // And through the client library.
    RemoteClient client;
    QVERIFY(!connectOperator(client, transport, token));
    QCOMPARE(client.error().codeName(), QStringLiteral("UNAUTHENTICATED"));
    QVERIFY(!client.api());

    QCOMPARE(m_server->authenticatedCount(), 0);
    QCOMPARE(m_server->attachedCount(), 0);
    QCOMPARE(m_server->stats().value(QStringLiteral("refusedUnauthenticated")).toInt(), 3);
    QCOMPARE(m_server->pendingCount(), 0);
}

// The API acts on the bus with its role: an operator whose role the ACL does not let administer
// is refused with FORBIDDEN, and nothing changes.
void tst_RemoteServer::aclAppliesToOperators()
{
    m_role = QStringLiteral("viewer"); // no rules: only what the anonymous role may do
    startServer();
    RemoteClient op;
    QVERIFY2(connectOperator(op, QStringLiteral("local")), qPrintable(op.error().toString()));
    const QVariantMap created = RemoteClient::await(op.api()->createChannel({{QStringLiteral("name"), QStringLiteral("x")}}), 10000);
    QCOMPARE(created.value(QStringLiteral("ok")).toBool(), false);
    QCOMPARE(created.value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
    QVERIFY(!m_hub->bus()->channel(QStringLiteral("x")));
    const QVariantMap purged = RemoteClient::await(op.api()->purgeDeadLetters({}), 10000);
    QCOMPARE(purged.value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
    const QVariantMap closed = RemoteClient::await(op.api()->closeConnection(QStringLiteral("native-1"), QString()), 10000);
    QCOMPARE(closed.value(QStringLiteral("code")).toString(), QStringLiteral("FORBIDDEN"));
    QVERIFY(m_hub->bus()->refusals().forbidden >= 3);
    // What the anonymous rules allow still works: a publish outside $sb.
    const QVariantMap published = RemoteClient::await(op.api()->publish({{QStringLiteral("topic"), QStringLiteral("a.b")}}), 10000);
    QVERIFY2(published.value(QStringLiteral("ok")).toBool(), qPrintable(published.value(QStringLiteral("message")).toString()));
}

QTEST_GUILESS_MAIN(tst_RemoteServer)
#include "tst_remoteserver.moc"
