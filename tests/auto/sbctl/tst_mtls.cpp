// SPDX-License-Identifier: Apache-2.0
// Mutual TLS on the native protocol against the real daemon: a client certificate from the
// configured CA is a credential (identity: first URI/DNS/e-mail SAN, else the CN; roles from
// auth.mtls); a certificate from another CA, or none, fails the handshake; a token presented with a
// certificate must name the same identity.
#include "../childenv.h"
#include "daemonprocess.h"
#include "testcert.h"

#include <switchboardclient.h>
#include <switchboard/tokenauthenticator.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace sb;

class tst_Mtls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void matrix_data();
    void matrix();
    void remoteControl_data();
    void remoteControl();

private:
    // Connected: no error and the identity the hub reported; refused: the error.
    Error connectAs(SwitchboardClient &client, const QString &cert, const QString &token);
    QString path(const QString &name) const { return m_daemon.filePath(name); }

    DaemonProcess m_daemon;
    quint16 m_remotePort = 0;
};

void tst_Mtls::initTestCase()
{
    const QString dir = QFileInfo(path(QStringLiteral("x"))).absolutePath();
    QCOMPARE(makeLoopbackCertificate(path(QStringLiteral("server.pem")), path(QStringLiteral("server.key"))), QString());
    QCOMPARE(makeCa(dir, QStringLiteral("plant")), QString());
    QCOMPARE(makeCa(dir, QStringLiteral("rogue")), QString());
    QCOMPARE(makeClientCertificate(dir, QStringLiteral("plant"), QStringLiteral("sensor"), QStringLiteral("sensor-cn"),
                                   QStringLiteral("URI:spiffe://plant/sensor-7, DNS:sensor7.plant")),
             QString());
    QCOMPARE(makeClientCertificate(dir, QStringLiteral("plant"), QStringLiteral("gateway"), QStringLiteral("gateway-1"), QString()),
             QString());
    QCOMPARE(makeClientCertificate(dir, QStringLiteral("rogue"), QStringLiteral("rogue"), QStringLiteral("gateway-1"), QString()),
             QString());
    QCOMPARE(makeClientCertificate(dir, QStringLiteral("plant"), QStringLiteral("operator"), QStringLiteral("ops"),
                                   QStringLiteral("email:ops@plant.example")),
             QString());
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    tls: {cert: \"%1\", key: \"%2\", client-ca: \"%3\"}\n")
                        .arg(path(QStringLiteral("server.pem")), path(QStringLiteral("server.key")), path(QStringLiteral("plant-ca.pem")));
    o.topLevelExtra = QStringLiteral("auth:\n"
                                     "  tokens:\n"
                                     "    - {name: gateway-1, token-sha256: %1}\n"
                                     "    - {name: somebody-else, token-sha256: %2}\n"
                                     "  mtls:\n"
                                     "    roles: {\"spiffe://plant/sensor-7\": [sensors], \"ops@plant.example\": [admin]}\n"
                                     "    default-roles: [devices]\n"
                                     "remote:\n"
                                     "  local: \"%3\"\n"
                                     "  tcp: \"127.0.0.1:0\"\n"
                                     "  tls: {cert: \"%4\", key: \"%5\", client-ca: \"%6\"}\n")
                          .arg(QString::fromLatin1(TokenAuthenticator::digestHex("gw-token")),
                               QString::fromLatin1(TokenAuthenticator::digestHex("other-token")), path(QStringLiteral("control.sock")),
                               path(QStringLiteral("server.pem")), path(QStringLiteral("server.key")), path(QStringLiteral("plant-ca.pem")));
    QVERIFY2(m_daemon.start(o), qPrintable(m_daemon.errorString()));
    const QJsonObject remote = m_daemon.waitForLog(QStringLiteral("remote control listening"));
    const QString tcp = remote.value(QStringLiteral("tcp")).toString();
    m_remotePort = quint16(tcp.mid(tcp.lastIndexOf(QLatin1Char(':')) + 1).toUInt());
    QVERIFY2(m_remotePort != 0, qPrintable(m_daemon.stderrText()));
}

void tst_Mtls::cleanupTestCase()
{
    QCOMPARE(m_daemon.stop(), 0);
}

Error tst_Mtls::connectAs(SwitchboardClient &client, const QString &cert, const QString &token)
{
    SwitchboardClient::Options o;
    o.autoReconnect = false;
    o.tlsCaFile = path(QStringLiteral("server.pem"));
    o.token = token;
    if (!cert.isEmpty()) {
        o.tlsCertFile = path(cert + QStringLiteral(".pem"));
        o.tlsKeyFile = path(cert + QStringLiteral(".key"));
    }
    client.setOptions(o);
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    QSignalSpy failed(&client, &SwitchboardClient::errorOccurred);
    if (Status st = client.connectToHub(m_daemon.url(QStringLiteral("tls"))); !st)
        return st.error();
    QElapsedTimer t;
    t.start();
    // A failed TLS handshake ends in the Disconnected state (no reconnect), without an ERROR frame.
    while (connected.isEmpty() && failed.isEmpty() && client.state() != SwitchboardClient::State::Disconnected
           && t.elapsed() < 10000)
        QTest::qWait(10);
    if (!connected.isEmpty())
        return Error();
    if (!failed.isEmpty())
        return failed.first().first().value<Error>();
    return client.lastError().isError() ? client.lastError()
                                        : Error(ErrorCode::NotConnected, QStringLiteral("closed during the handshake"));
}

void tst_Mtls::matrix_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("identity"); // empty: refused
    QTest::addRow("SAN URI is the identity") << "sensor" << QString() << "spiffe://plant/sensor-7";
    QTest::addRow("CN without SANs") << "gateway" << QString() << "gateway-1";
    QTest::addRow("token naming the same identity") << "gateway" << "gw-token" << "gateway-1";
    QTest::addRow("token naming another identity") << "gateway" << "other-token" << "";
    QTest::addRow("certificate of another CA") << "rogue" << QString() << "";
    QTest::addRow("no certificate, a valid token") << QString() << "gw-token" << "";
    QTest::addRow("no certificate") << QString() << QString() << "";
}

void tst_Mtls::matrix()
{
    QFETCH(QString, cert);
    QFETCH(QString, token);
    QFETCH(QString, identity);
    SwitchboardClient client;
    const Error e = connectAs(client, cert, token);
    if (identity.isEmpty()) {
        QVERIFY2(e.isError(), "connected, but should have been refused");
        QVERIFY(!client.isConnected());
        if (!token.isEmpty() && !cert.isEmpty()) {
            QCOMPARE(e.code, ErrorCode::Unauthenticated);
            QVERIFY2(e.message.contains(QLatin1String("client certificate names")), qPrintable(e.message));
        }
        return;
    }
    QVERIFY2(!e.isError(), qPrintable(e.toString()));
    QCOMPARE(client.identity(), identity);
}

void tst_Mtls::remoteControl_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<int>("exitCode");
    QTest::addRow("operator certificate (admin by its e-mail name)") << "operator" << 0;
    QTest::addRow("device certificate (no admin role)") << "gateway" << 77;
    QTest::addRow("certificate of another CA") << "rogue" << -2;
    QTest::addRow("no certificate") << QString() << -2;
}

// The remote-control API over TLS with remote.tls.client-ca: sbctl --cert/--key authenticates with
// the certificate alone; its roles decide; others fail the handshake.
void tst_Mtls::remoteControl()
{
    QFETCH(QString, cert);
    QFETCH(int, exitCode);
    QStringList args{QStringLiteral("--hub"), QStringLiteral("tls://127.0.0.1:%1").arg(m_remotePort), QStringLiteral("--ca"),
                     path(QStringLiteral("server.pem")), QStringLiteral("--timeout"), QStringLiteral("5000")};
    if (!cert.isEmpty())
        args << QStringLiteral("--cert") << path(cert + QStringLiteral(".pem")) << QStringLiteral("--key") << path(cert + QStringLiteral(".key"));
    args << QStringLiteral("status");
    QProcess p;
    QProcessEnvironment env = sbtest::childEnvironment();
    env.remove(QStringLiteral("SWITCHBOARD_TOKEN"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SB_SBCTL_PATH), args);
    QVERIFY(p.waitForFinished(30000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    if (exitCode >= 0)
        QVERIFY2(p.exitCode() == exitCode, qPrintable(QStringLiteral("exit %1: %2").arg(p.exitCode()).arg(err)));
    else
        QVERIFY2(p.exitCode() != 0, qPrintable(err)); // the TLS handshake fails: no hub to talk to
}

QTEST_GUILESS_MAIN(tst_Mtls)
#include "tst_mtls.moc"
