// SPDX-License-Identifier: Apache-2.0
// The auth providers against the real daemon: API keys made, used, refused and revoked with sbctl
// (the revoked key's live connections are dropped), an API key for the remote-control API, and
// the throttle of failed authentications per peer address.
#include "../childenv.h"
#include "daemonprocess.h"
#include "jwttestsigner.h"
#include "sbctlrun.h"

#include <switchboardclient.h>

#include <QElapsedTimer>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace sb;

using Run = sbtest::SbctlRun;

class tst_AuthProviders : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void apiKeyLifecycle();
    void apiKeyForRemoteControl();
    void jwtMatrix_data();
    void jwtMatrix();
    void jwksRotationOnReload();
    void failuresAreThrottled();

private:
    Run sbctl(const QStringList &args, const QString &tokenFile = {});
    // Connects a client with \a token; returns the error it got, or no error once connected.
    Error connectWith(SwitchboardClient &client, const QString &token);
    QString createKey(const QString &name, const QStringList &roles);

    void writeJwks(const QString &kid);
    QByteArray rsToken(const QString &kid, const QJsonObject &claims) const { return m_rsa.token(QStringLiteral("RS256"), kid, claims); }
    QJsonObject claims(qint64 expOffsetS = 300) const;

    DaemonProcess m_daemon;
    sbtest::JwtTestSigner m_rsa = sbtest::JwtTestSigner::rsa();
    sbtest::JwtTestSigner m_hmac = sbtest::JwtTestSigner::hmac(QByteArray(32, 'k'));
};

void tst_AuthProviders::writeJwks(const QString &kid)
{
    QFile f(m_daemon.filePath(QStringLiteral("jwks.json")));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(QJsonObject{{QStringLiteral("keys"), QJsonArray{m_rsa.publicJwk(kid, QStringLiteral("RS256"), QStringLiteral("sig"))}}})
                .toJson());
}

QJsonObject tst_AuthProviders::claims(qint64 expOffsetS) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return {{QStringLiteral("iss"), QStringLiteral("https://idp.plant")},
            {QStringLiteral("aud"), QStringLiteral("switchboard")},
            {QStringLiteral("sub"), QStringLiteral("robot-7")},
            {QStringLiteral("roles"), QJsonArray{QStringLiteral("robots")}},
            {QStringLiteral("iat"), now},
            {QStringLiteral("exp"), now + expOffsetS}};
}

void tst_AuthProviders::initTestCase()
{
    QVERIFY(!m_rsa.isNull());
    writeJwks(QStringLiteral("k1"));
    QFile secret(m_daemon.filePath(QStringLiteral("hmac.secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write(QByteArray(32, 'k'));
    secret.close();
    DaemonProcess::Options o;
    o.topLevelExtra = QStringLiteral("auth:\n"
                                     "  api-keys: {file: \"%1\", scrypt-n: 1024}\n"
                                     "  throttle: {free-failures: 3, initial-backoff: 30s}\n"
                                     "  jwt:\n"
                                     "    - {issuer: \"https://idp.plant\", audience: switchboard, jwks-file: \"%3\"}\n"
                                     "    - {issuer: \"https://hmac.plant\", audience: switchboard,\n"
                                     "       keys: [{kid: h1, alg: HS256, secret-file: \"%4\"}]}\n"
                                     "remote:\n"
                                     "  local: \"%2\"\n")
                          .arg(m_daemon.filePath(QStringLiteral("keys.json")), m_daemon.filePath(QStringLiteral("control.sock")),
                               m_daemon.filePath(QStringLiteral("jwks.json")), m_daemon.filePath(QStringLiteral("hmac.secret")));
    QVERIFY2(m_daemon.start(o), qPrintable(m_daemon.errorString()));
    QVERIFY(!m_daemon.waitForLog(QStringLiteral("remote control listening")).isEmpty());
}

void tst_AuthProviders::cleanupTestCase()
{
    QCOMPARE(m_daemon.stop(), 0);
}

Run tst_AuthProviders::sbctl(const QStringList &args, const QString &tokenFile)
{
    QStringList all{QStringLiteral("--hub"), QStringLiteral("local:") + m_daemon.filePath(QStringLiteral("control.sock"))};
    if (!tokenFile.isEmpty())
        all << QStringLiteral("--token-file") << tokenFile;
    return sbtest::runSbctl(all + args);
}

Error tst_AuthProviders::connectWith(SwitchboardClient &client, const QString &token)
{
    SwitchboardClient::Options o;
    o.token = token;
    o.autoReconnect = false;
    client.setOptions(o);
    QSignalSpy connected(&client, &SwitchboardClient::connected);
    QSignalSpy failed(&client, &SwitchboardClient::errorOccurred);
    if (Status st = client.connectToHub(m_daemon.url(QStringLiteral("tcp"))); !st)
        return st.error();
    QElapsedTimer t;
    t.start();
    while (connected.isEmpty() && failed.isEmpty() && t.elapsed() < 10000)
        QTest::qWait(10);
    if (connected.isEmpty() && failed.isEmpty())
        return Error(ErrorCode::Timeout, QStringLiteral("neither connected nor refused within 10 s"));
    return connected.isEmpty() ? failed.first().first().value<Error>() : Error();
}

QString tst_AuthProviders::createKey(const QString &name, const QStringList &roles)
{
    QStringList args{QStringLiteral("--json"), QStringLiteral("keys"), QStringLiteral("create"), name};
    for (const QString &r : roles)
        args << QStringLiteral("--role") << r;
    const Run r = sbctl(args);
    if (r.code != 0)
        qWarning() << r.err;
    return r.json().value(QStringLiteral("key")).toString();
}

void tst_AuthProviders::apiKeyLifecycle()
{
    const QString key = createKey(QStringLiteral("sensor-gw"), {QStringLiteral("publisher")});
    QVERIFY2(key.startsWith(QLatin1String("sbk_")), qPrintable(key));
    const QString id = key.mid(4, 16);

    // Listed without its secret; the file holds only its hash.
    Run r = sbctl({QStringLiteral("keys"), QStringLiteral("list")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(id) && r.out.contains(QLatin1String("sensor-gw")) && r.out.contains(QLatin1String("publisher")), qPrintable(r.out));
    QVERIFY(!r.out.contains(key));
    QFile file(m_daemon.filePath(QStringLiteral("keys.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(key.mid(21).toUtf8()));

    SwitchboardClient client;
    QCOMPARE(connectWith(client, key).code, ErrorCode::None);
    QVERIFY(client.isConnected());

    // A wrong secret for the same id, and an unknown id: refused.
    QString wrong = key;
    wrong[wrong.size() - 1] = wrong.back() == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    SwitchboardClient bad;
    const Error e = connectWith(bad, wrong);
    QCOMPARE(e.code, ErrorCode::Unauthenticated);
    QVERIFY2(e.message.contains(QLatin1String("wrong secret")) && !e.message.contains(wrong), qPrintable(e.message));

    // Revoked: the live connection is closed, the key no longer works.
    QSignalSpy dropped(&client, &SwitchboardClient::errorOccurred);
    r = sbctl({QStringLiteral("keys"), QStringLiteral("revoke"), id});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("closed 1 connection")), qPrintable(r.out));
    QTRY_VERIFY_WITH_TIMEOUT(!dropped.isEmpty(), 10000);
    QCOMPARE(dropped.first().first().value<Error>().code, ErrorCode::Unauthenticated);
    QTRY_VERIFY(!client.isConnected());
    SwitchboardClient again;
    QCOMPARE(connectWith(again, key).code, ErrorCode::Unauthenticated);
    QCOMPARE(sbctl({QStringLiteral("keys"), QStringLiteral("revoke"), id}).code, 1); // NOT_FOUND
    QVERIFY(m_daemon.stderrText().contains(QLatin1String("authentication failed")));
    QVERIFY(!m_daemon.stderrText().contains(key.mid(21)));
}

void tst_AuthProviders::apiKeyForRemoteControl()
{
    const QString ops = createKey(QStringLiteral("ops"), {QStringLiteral("admin")});
    const QString viewer = createKey(QStringLiteral("viewer"), {QStringLiteral("read")});
    QVERIFY(!ops.isEmpty() && !viewer.isEmpty());
    auto tokenFile = [this](const QString &name, const QString &secret) {
        const QString path = m_daemon.filePath(name);
        sbtest::writeWholeFile(path, secret.toUtf8());
        return path;
    };
    QCOMPARE(sbctl({QStringLiteral("status")}, tokenFile(QStringLiteral("ops.key"), ops)).code, 0);
    const Run refused = sbctl({QStringLiteral("status")}, tokenFile(QStringLiteral("viewer.key"), viewer));
    QCOMPARE(refused.code, 77); // the key is valid, but lacks remote.role (admin)
    QVERIFY2(refused.err.contains(QLatin1String("FORBIDDEN")), qPrintable(refused.err));
    const Run wrong = sbctl({QStringLiteral("status")}, tokenFile(QStringLiteral("wrong.key"), ops + QStringLiteral("x")));
    QVERIFY2(wrong.err.contains(QLatin1String("UNAUTHENTICATED")), qPrintable(wrong.err));

    // A session that authenticated with a key ends when the key is revoked.
    QProcess watch;
    watch.setProcessEnvironment(sbtest::childEnvironment());
    watch.start(QStringLiteral(SB_SBCTL_PATH),
                {QStringLiteral("--hub"), QStringLiteral("local:") + m_daemon.filePath(QStringLiteral("control.sock")),
                 QStringLiteral("--token-file"), m_daemon.filePath(QStringLiteral("ops.key")), QStringLiteral("watch"),
                 QStringLiteral("nothing.>")});
    QVERIFY(watch.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(m_daemon.stderrText().count(QLatin1String("remote-control replica ops from")) >= 2, 10000);
    QTest::qWait(300); // the watch itself is set up after the hello
    QVERIFY(watch.state() == QProcess::Running);
    const Run revoked = sbctl({QStringLiteral("keys"), QStringLiteral("revoke"), ops.mid(4, 16)});
    QCOMPARE(revoked.code, 0);
    QVERIFY(watch.waitForFinished(10000));
    QVERIFY2(watch.exitCode() != 0, watch.readAllStandardError().constData());
    QCOMPARE(sbctl({QStringLiteral("status")}, m_daemon.filePath(QStringLiteral("ops.key"))).code, 77);
}

void tst_AuthProviders::jwtMatrix_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("identity"); // empty: refused with UNAUTHENTICATED
    QJsonObject hmacClaims = claims();
    hmacClaims.insert(QStringLiteral("iss"), QStringLiteral("https://hmac.plant"));
    QJsonObject otherAud = claims();
    otherAud.insert(QStringLiteral("aud"), QStringLiteral("billing"));
    QJsonObject otherIss = claims();
    otherIss.insert(QStringLiteral("iss"), QStringLiteral("https://evil.example"));
    QJsonObject notYet = claims();
    notYet.insert(QStringLiteral("nbf"), QDateTime::currentSecsSinceEpoch() + 3600);
    const QByteArray good = rsToken(QStringLiteral("k1"), claims());
    const QList<QByteArray> parts = good.split('.');
    QTest::addRow("RS256 from the JWKS") << good << "robot-7";
    QTest::addRow("HS256 from a secret file") << m_hmac.token(QStringLiteral("HS256"), QStringLiteral("h1"), hmacClaims) << "robot-7";
    QTest::addRow("bad signature") << QByteArray(parts[0] + '.' + parts[1] + '.' + parts[2].left(parts[2].size() - 4) + "AAAA") << "";
    QTest::addRow("alg none") << QByteArray(sbtest::JwtTestSigner::base64Url(R"({"alg":"none","kid":"k1"})") + '.' + parts[1] + '.') << "";
    const sbtest::JwtTestSigner rsaPemAsSecret = sbtest::JwtTestSigner::hmac(m_rsa.publicPem());
    QTest::addRow("HS256 signed with the RSA public key") << rsaPemAsSecret.token(QStringLiteral("HS256"), QStringLiteral("k1"), claims()) << "";
    QTest::addRow("RS512 on an RS256 key") << m_rsa.token(QStringLiteral("RS512"), QStringLiteral("k1"), claims()) << "";
    QTest::addRow("expired") << rsToken(QStringLiteral("k1"), claims(-3600)) << "";
    QTest::addRow("not yet valid") << rsToken(QStringLiteral("k1"), notYet) << "";
    QTest::addRow("another audience") << rsToken(QStringLiteral("k1"), otherAud) << "";
    QTest::addRow("another issuer") << rsToken(QStringLiteral("k1"), otherIss) << "";
    QTest::addRow("unknown kid") << rsToken(QStringLiteral("k9"), claims()) << "";
}

// JWTs over the native protocol: the provider's verdicts reach the client as UNAUTHENTICATED,
// nothing is connected, and the token never shows in the daemon's log.
void tst_AuthProviders::jwtMatrix()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, identity);
    // A success first: failures of earlier rows must not throttle this one.
    SwitchboardClient warm;
    QCOMPARE(connectWith(warm, QString::fromLatin1(rsToken(QStringLiteral("k1"), claims()))).code, ErrorCode::None);
    SwitchboardClient client;
    const Error e = connectWith(client, QString::fromLatin1(token));
    if (identity.isEmpty()) {
        QCOMPARE(e.code, ErrorCode::Unauthenticated);
        QVERIFY(!client.isConnected());
        QVERIFY(!e.message.contains(QString::fromLatin1(token.split('.').value(1))));
    } else {
        QVERIFY2(!e.isError(), qPrintable(e.toString()));
        QCOMPARE(client.identity(), identity);
    }
    QVERIFY(!m_daemon.stderrText().contains(QString::fromLatin1(token.split('.').value(1))));
}

// SIGHUP/sbctl reload re-reads the JWKS file: the new kid verifies, the old one no longer does.
void tst_AuthProviders::jwksRotationOnReload()
{
    writeJwks(QStringLiteral("k2"));
    QCOMPARE(sbctl({QStringLiteral("reload")}).code, 0);
    SwitchboardClient fresh;
    QCOMPARE(connectWith(fresh, QString::fromLatin1(rsToken(QStringLiteral("k2"), claims()))).code, ErrorCode::None);
    SwitchboardClient old;
    QCOMPARE(connectWith(old, QString::fromLatin1(rsToken(QStringLiteral("k1"), claims()))).code, ErrorCode::Unauthenticated);
    writeJwks(QStringLiteral("k1"));
    QCOMPARE(sbctl({QStringLiteral("reload")}).code, 0);
}

// free-failures (3) failures from one address cost nothing; the next failure earns a wait, and
// until it ends every attempt, even with a good key, gets RATE_LIMITED with retryAfterMs. The daemon
// logs the failures without the secrets.
void tst_AuthProviders::failuresAreThrottled()
{
    const QString good = createKey(QStringLiteral("late"), {});
    SwitchboardClient first;
    QCOMPARE(connectWith(first, good).code, ErrorCode::None); // a success forgets earlier failures
    for (int i = 0; i < 4; ++i) {
        SwitchboardClient c;
        QCOMPARE(connectWith(c, QStringLiteral("not-a-credential-%1").arg(i)).code, ErrorCode::Unauthenticated);
    }
    SwitchboardClient c;
    const Error throttled = connectWith(c, good);
    QCOMPARE(throttled.code, ErrorCode::RateLimited);
    QVERIFY(throttled.details.value(QStringLiteral("retryAfterMs")).toLongLong() > 20000);
    QVERIFY2(throttled.message.contains(QLatin1String("too many failed authentications")), qPrintable(throttled.message));
    QVERIFY(!m_daemon.stderrText().contains(QLatin1String("not-a-credential-")));
}

QTEST_GUILESS_MAIN(tst_AuthProviders)
#include "tst_authproviders.moc"
