// SPDX-License-Identifier: Apache-2.0
// The local socket's own path against the real switchboardd: the hub serves local connections on
// DirectSocket (DirectLocalServer) and SwitchboardClient moves its connected local socket onto one
// too, so both ends read into and write from their own buffers, as over TCP. Checked here: the
// kernel send buffer the hub asked for (native.local-send-buffer) and what it was granted, shown in
// health and logged when the kernel caps it; frames split across reads in both directions; a
// refusal sent before the client's CONNECT; and what the client sees when the hub goes away.
// The protocol itself over the local socket is tst_switchboardd's and tst_security's "local" rows.

#include "../hangwatch.h"
#include "daemonprocess.h"
#include "rawclient.h"
#include "sbctlstatus.h"

#include <switchboardclient.h>

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace sb;

class tst_LocalSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void sendBufferGrantedAndShown_data();
    void sendBufferGrantedAndShown();
    void sendBufferKernelDefault();
    void framesAcrossReadsBothWays();
    void refusalBeforeConnectReachesClient();
    void clientSeesHubLeave();

private:
    bool start(const QString &nativeExtra);
    QString controlPath() const { return m_daemon->filePath(QStringLiteral("control.sock")); }
    double endpointValue(const QString &key)
    {
        return sbtest::nativeEndpointValue(sbtest::sbctlStatus(QStringLiteral(SB_SBCTL_PATH), controlPath()), key);
    }
    int logCount(const QString &needle)
    {
        int n = 0;
        for (const QJsonObject &line : m_daemon->logLines())
            n += line.value(QStringLiteral("msg")).toString().contains(needle);
        return n;
    }
    std::unique_ptr<SwitchboardClient> client(const QString &name, bool autoReconnect = true);

    std::unique_ptr<DaemonProcess> m_daemon;
};

void tst_LocalSocket::init()
{
    sb::test::HangWatch::testFunctionStarted(QTest::currentTestFunction(), QTest::currentDataTag());
}

void tst_LocalSocket::cleanup()
{
    if (m_daemon)
        m_daemon->stop();
    m_daemon.reset();
}

bool tst_LocalSocket::start(const QString &nativeExtra)
{
    m_daemon = std::make_unique<DaemonProcess>();
    DaemonProcess::Options o;
    o.nativeExtra = nativeExtra;
    o.topLevelExtra = QStringLiteral("acl:\n  roles:\n    anonymous:\n      - {allow: [publish, subscribe]}\n"
                                     "remote: {local: \"%1\", snapshot-interval-ms: 50}\n")
                          .arg(controlPath());
    if (!m_daemon->start(o)) {
        qWarning().noquote() << m_daemon->errorString();
        return false;
    }
    return true;
}

std::unique_ptr<SwitchboardClient> tst_LocalSocket::client(const QString &name, bool autoReconnect)
{
    auto c = std::make_unique<SwitchboardClient>();
    SwitchboardClient::Options o;
    o.name = name;
    o.autoReconnect = autoReconnect;
    c->setOptions(o);
    QSignalSpy connected(c.get(), &SwitchboardClient::connected);
    if (!c->connectToHub(m_daemon->url(QStringLiteral("local"))) || !connected.wait(10000)) {
        qWarning() << "client" << name << "could not connect:" << c->lastError().toString();
        return nullptr;
    }
    return c;
}

void tst_LocalSocket::sendBufferGrantedAndShown_data()
{
    // Linux grants twice the request (the other half for its own bookkeeping) and caps the
    // request at net.core.wmem_max.
    QFile f(QStringLiteral("/proc/sys/net/core/wmem_max"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const qint64 wmemMax = f.readAll().trimmed().toLongLong();
    QVERIFY(wmemMax > 0);
    QTest::addColumn<qint64>("request");
    QTest::addColumn<qint64>("granted");
    QTest::addColumn<bool>("capped");
    QTest::addRow("64KiB") << qint64(64 * 1024) << qint64(2 * qMin<qint64>(64 * 1024, wmemMax)) << (wmemMax < 64 * 1024);
    QTest::addRow("twice wmem_max") << 2 * wmemMax << 2 * wmemMax << true;
}

void tst_LocalSocket::sendBufferGrantedAndShown()
{
    QFETCH(qint64, request);
    QFETCH(qint64, granted);
    QFETCH(bool, capped);
    QVERIFY(start(QStringLiteral("    local-send-buffer: %1\n").arg(request)));
    QCOMPARE(endpointValue(QStringLiteral("localSendBuffer")), -1.0); // no local connection yet
    RawClient a, b;
    QVERIFY(a.connectTo(m_daemon->url(QStringLiteral("local"))));
    QVERIFY(a.handshake());
    QVERIFY(b.connectTo(m_daemon->url(QStringLiteral("local"))));
    QVERIFY(b.handshake());
    QTRY_COMPARE(endpointValue(QStringLiteral("localSendBuffer")), double(granted));
    // A cap is said once, however many connections it applies to.
    QTRY_COMPARE(logCount(QStringLiteral("net.core.wmem_max")), capped ? 1 : 0);
}

void tst_LocalSocket::sendBufferKernelDefault()
{
    QVERIFY(start(QStringLiteral("    local-send-buffer: 0\n")));
    RawClient a;
    QVERIFY(a.connectTo(m_daemon->url(QStringLiteral("local"))));
    QVERIFY(a.handshake());
    QCOMPARE(endpointValue(QStringLiteral("connections")), 1.0);
    QCOMPARE(endpointValue(QStringLiteral("localSendBuffer")), -1.0); // nothing asked, nothing to show
    QCOMPARE(logCount(QStringLiteral("net.core.wmem_max")), 0);
}

void tst_LocalSocket::framesAcrossReadsBothWays()
{
    // Payload sizes that do not divide any read size: frames straddle the hub's reads (its read
    // size grows from 4 KiB) and the subscriber's (64 KiB), in publishes and in deliveries.
    QVERIFY(start(QString()));
    auto sub = client(QStringLiteral("sub"));
    QVERIFY(sub);
    auto pub = client(QStringLiteral("pub"));
    QVERIFY(pub);
    int received = 0;
    QString firstWrong;
    QSignalSpy subscribed(sub.get(), &SwitchboardClient::subscribed);
    sub->subscribe(QStringLiteral("burst"), [&](const Message &m) {
        const QByteArray p = m.payload();
        const int i = received++;
        const QByteArray want = QByteArray::number(i).leftJustified(1000 + (i * 37) % 3000, char('a' + i % 26));
        if (p != want && firstWrong.isEmpty())
            firstWrong = QStringLiteral("message %1: %2 bytes, \"%3...\"").arg(i).arg(p.size()).arg(QString::fromLatin1(p.left(12)));
    });
    QVERIFY(subscribed.wait(5000));
    const int count = 20000; // about 50 MB in all, faster than one event-loop turn reads
    bool acked = false;
    for (int i = 0; i < count; ++i) {
        const QByteArray payload = QByteArray::number(i).leftJustified(1000 + (i * 37) % 3000, char('a' + i % 26));
        QVERIFY(pub->publish(QStringLiteral("burst"), payload,
                             i == count - 1 ? SwitchboardClient::AckHandler([&acked](const Status &s) { acked = s.ok(); })
                                            : SwitchboardClient::AckHandler()));
        if (pub->bytesToWrite() > 8 * 1024 * 1024)
            QTRY_VERIFY_WITH_TIMEOUT(pub->bytesToWrite() < 1024 * 1024, 20000);
    }
    QTRY_VERIFY_WITH_TIMEOUT(acked, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(received, count, 30000);
    QVERIFY2(firstWrong.isEmpty(), qPrintable(firstWrong));
}

void tst_LocalSocket::refusalBeforeConnectReachesClient()
{
    // The hub refuses a connection over its bound with one fatal ERROR, written as it accepts,
    // before the client has said anything: the client reads it from its adopted socket.
    QVERIFY(start(QStringLiteral("    max-connections: 1\n")));
    auto first = client(QStringLiteral("first"));
    QVERIFY(first);
    SwitchboardClient second;
    SwitchboardClient::Options o;
    o.name = QStringLiteral("second");
    o.autoReconnect = false;
    second.setOptions(o);
    QList<ErrorCode> errors;
    connect(&second, &SwitchboardClient::errorOccurred, this, [&errors](const Error &e) { errors << e.code; });
    QVERIFY(second.connectToHub(m_daemon->url(QStringLiteral("local"))));
    QTRY_COMPARE_WITH_TIMEOUT(second.state(), SwitchboardClient::State::Disconnected, 10000);
    QCOMPARE(errors, QList<ErrorCode>{ErrorCode::LimitExceeded});
    QCOMPARE(second.lastError().code, ErrorCode::LimitExceeded); // the hub's verdict is kept
    QVERIFY(first->isConnected());
}

void tst_LocalSocket::clientSeesHubLeave()
{
    QVERIFY(start(QString()));
    auto c = client(QStringLiteral("watcher"), false);
    QVERIFY(c);
    QSignalSpy gone(c.get(), &SwitchboardClient::disconnected);
    QCOMPARE(m_daemon->stop(), 0);
    QVERIFY(gone.wait(10000) || !gone.isEmpty());
    QCOMPARE(c->state(), SwitchboardClient::State::Disconnected);
    QCOMPARE(c->lastError().code, ErrorCode::NotConnected);
    QVERIFY2(!c->lastError().message.isEmpty(), "the client says why the connection ended");
    // Its publishes now fail at once with a code, nothing is held for a hub that is gone.
    const Status st = c->publish(QStringLiteral("after"), QByteArray("x"));
    QVERIFY(!st);
    QCOMPARE(st.error().code, ErrorCode::NotConnected);
}

QTEST_GUILESS_MAIN(tst_LocalSocket)
#include "tst_localsocket.moc"
