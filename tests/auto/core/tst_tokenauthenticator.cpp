// SPDX-License-Identifier: Apache-2.0
#include <switchboard/tokenauthenticator.h>

#include <QTest>

using namespace sb;

class tst_TokenAuthenticator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void authenticate_data();
    void authenticate();
};

void tst_TokenAuthenticator::authenticate_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("identity"); // empty: refused
    QTest::addRow("right token") << QString() << QByteArray("s3cret") << "sensor-gw";
    QTest::addRow("right token and user") << "sensor-gw" << QByteArray("s3cret") << "sensor-gw";
    QTest::addRow("other token") << QString() << QByteArray("0ther") << "console";
    QTest::addRow("token of another user") << "console" << QByteArray("s3cret") << "";
    QTest::addRow("wrong token") << QString() << QByteArray("s3cret!") << "";
    QTest::addRow("no token") << "sensor-gw" << QByteArray() << "";
}

void tst_TokenAuthenticator::authenticate()
{
    QFETCH(QString, user);
    QFETCH(QByteArray, token);
    QFETCH(QString, identity);
    TokenAuthenticator auth;
    auth.addToken(QStringLiteral("sensor-gw"), TokenAuthenticator::digestHex("s3cret"), {QStringLiteral("publisher")});
    auth.addToken(QStringLiteral("console"), TokenAuthenticator::digestHex("0ther"));
    QCOMPARE(TokenAuthenticator::digestHex("hello"),
             QByteArray("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    AuthRequest request;
    request.user = user;
    request.credential = token;
    std::optional<Result<Identity>> verdict = auth.verify(request);
    // A token it does not hold is not its to judge (the chain asks the next provider); a token it
    // holds presented under another user's name is refused.
    if (identity.isEmpty()) {
        if (QByteArray(QTest::currentDataTag()) == "token of another user") {
            QVERIFY(verdict.has_value());
            QCOMPARE(verdict->error().code, ErrorCode::Unauthenticated);
        } else {
            QVERIFY(!verdict.has_value());
        }
        return;
    }
    QVERIFY(verdict.has_value());
    Result<Identity> r = *verdict;
    QVERIFY2(r, qPrintable(r.errorString()));
    QCOMPARE(r->name, identity);
    QVERIFY(r->authenticated);
    QCOMPARE(r->provider, QStringLiteral("token"));
}

QTEST_GUILESS_MAIN(tst_TokenAuthenticator)
#include "tst_tokenauthenticator.moc"
