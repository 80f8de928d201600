// SPDX-License-Identifier: Apache-2.0
#include "jwttestsigner.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <switchboard/jwks.h>
#include <switchboard/jwtprovider.h>

using namespace sb;
using sbtest::JwtTestSigner;

namespace {

const QString kIssuer = QStringLiteral("https://issuer.test");
const QString kHmacIssuer = QStringLiteral("https://hmac.test");
const QString kAudience = QStringLiteral("switchboard");

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

QJsonObject claims(const QString &iss = kIssuer)
{
    return { { QStringLiteral("iss"), iss }, { QStringLiteral("aud"), kAudience },
        { QStringLiteral("sub"), QStringLiteral("alice") }, { QStringLiteral("exp"), now() + 300 },
        { QStringLiteral("roles"), QJsonArray { QStringLiteral("publisher"), QStringLiteral("reader") } } };
}

QJsonObject with(QJsonObject o, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull()) // with(c, "exp", {}): no exp
        o.remove(key);
    else
        o.insert(key, value);
    return o;
}

QByteArray jwks(const QJsonArray &keys)
{
    return QJsonDocument(QJsonObject { { QStringLiteral("keys"), keys } }).toJson(QJsonDocument::Compact);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

std::optional<Result<Identity>> check(const JwtProvider &p, const QByteArray &token, const QString &user = {})
{
    AuthRequest request;
    request.credential = token;
    request.user = user;
    request.protocol = QStringLiteral("native");
    return p.verify(request);
}

bool accepted(const JwtProvider &p, const QByteArray &token)
{
    const std::optional<Result<Identity>> v = check(p, token);
    return v && v->ok();
}

// A refusal must be UNAUTHENTICATED and must not echo the token or any of its segments.
bool refusedCleanly(const std::optional<Result<Identity>> &verdict, const QByteArray &token)
{
    if (!verdict || verdict->ok() || verdict->error().code != ErrorCode::Unauthenticated)
        return false;
    const QString text = verdict->error().toString();
    if (text.contains(QString::fromLatin1(token)))
        return false;
    for (const QByteArray &segment : token.split('.')) {
        if (segment.size() >= 8 && text.contains(QString::fromLatin1(segment)))
            return false;
    }
    return true;
}

// A JWKS over HTTP on 127.0.0.1: answers every GET with the current body and status.
class JwksServer : public QObject
{
public:
    QByteArray body;
    int status = 200;
    int requests = 0;

    JwksServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    m_pending[s] += s->readAll();
                    if (!m_pending[s].contains("\r\n\r\n"))
                        return;
                    m_pending.remove(s);
                    ++requests;
                    s->write("HTTP/1.1 " + QByteArray::number(status)
                        + " X\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\nContent-Length: "
                        + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/jwks.json").arg(port())); }

private:
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_pending;
};

} // namespace

class tst_JwtProvider : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void validAlgorithms_data();
    void validAlgorithms();
    void refused_data();
    void refused();
    void leeway();
    void audienceAndTyp();
    void rolesFromScope();
    void notAJwt_data();
    void notAJwt();
    void garbage_data();
    void garbage();
    void jwksParsing();
    void jwksFileRotation();
    void secretFileFromCredentialsDirectory();
    void config_data();
    void config();
    void jwksUri();
    void jwksUriUnknownKidRefetch();

private:
    std::shared_ptr<JwtProvider> makeProvider(const JwtProvider::Options &options);
    JwtProvider::Options standardOptions(qint64 leewayMs = 30000);

    QTemporaryDir m_dir;
    JwtTestSigner m_rsa, m_rsa2, m_ec256, m_ec384, m_hs256, m_hs384, m_hs512;
    std::shared_ptr<JwtProvider> m_provider;
};

void tst_JwtProvider::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_rsa = JwtTestSigner::rsa();
    m_rsa2 = JwtTestSigner::rsa();
    m_ec256 = JwtTestSigner::ec("P-256");
    m_ec384 = JwtTestSigner::ec("P-384");
    QVERIFY(!m_rsa.isNull() && !m_rsa2.isNull() && !m_ec256.isNull() && !m_ec384.isNull());
    m_hs256 = JwtTestSigner::hmac(QByteArray(32, 'a') + "256");
    m_hs384 = JwtTestSigner::hmac(QByteArray(48, 'b') + "384");
    m_hs512 = JwtTestSigner::hmac(QByteArray(64, 'c') + "512");
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("hs256.key")), QByteArray(32, 'a') + "256\n"));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("hs384.key")), QByteArray(48, 'b') + "384"));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("hs512.key")), QByteArray(64, 'c') + "512"));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("rsa.pem")), m_rsa.publicPem()));
    // One RSA key under three kids, each pinned to its own algorithm.
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("jwks.json")),
        jwks({ m_rsa.publicJwk(QStringLiteral("r256"), QStringLiteral("RS256"), QStringLiteral("sig")),
            m_rsa.publicJwk(QStringLiteral("r384"), QStringLiteral("RS384")),
            m_rsa.publicJwk(QStringLiteral("r512"), QStringLiteral("RS512")),
            m_ec256.publicJwk(QStringLiteral("e256"), QStringLiteral("ES256")),
            m_ec384.publicJwk(QStringLiteral("e384"), QStringLiteral("ES384")) })));
    auto p = JwtProvider::create(standardOptions());
    QVERIFY2(p, qPrintable(p.errorString()));
    m_provider = p.value();
}

JwtProvider::Options tst_JwtProvider::standardOptions(qint64 leewayMs)
{
    JwtProvider::Options options;
    JwtProvider::Issuer a;
    a.issuer = kIssuer;
    a.audiences = { kAudience };
    a.leewayMs = leewayMs;
    a.jwksFile = m_dir.filePath(QStringLiteral("jwks.json"));
    options.issuers.append(a);
    JwtProvider::Issuer h;
    h.issuer = kHmacIssuer;
    h.audiences = { kAudience };
    h.leewayMs = leewayMs;
    h.keys = { { QStringLiteral("h256"), JwtAlgorithm::HS256, m_dir.filePath(QStringLiteral("hs256.key")), {} },
        { QStringLiteral("h384"), JwtAlgorithm::HS384, m_dir.filePath(QStringLiteral("hs384.key")), {} },
        { QStringLiteral("h512"), JwtAlgorithm::HS512, m_dir.filePath(QStringLiteral("hs512.key")), {} },
        { QStringLiteral("pem256"), JwtAlgorithm::RS256, {}, m_dir.filePath(QStringLiteral("rsa.pem")) } };
    options.issuers.append(h);
    return options;
}

std::shared_ptr<JwtProvider> tst_JwtProvider::makeProvider(const JwtProvider::Options &options)
{
    auto p = JwtProvider::create(options);
    if (!p)
        qWarning() << p.errorString();
    return p ? p.value() : nullptr;
}

void tst_JwtProvider::validAlgorithms_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QString>("kid");
    QTest::addColumn<QString>("issuer");
    QTest::addRow("HS256") << "HS256"
                           << "h256" << kHmacIssuer;
    QTest::addRow("HS384") << "HS384"
                           << "h384" << kHmacIssuer;
    QTest::addRow("HS512") << "HS512"
                           << "h512" << kHmacIssuer;
    QTest::addRow("RS256") << "RS256"
                           << "r256" << kIssuer;
    QTest::addRow("RS384") << "RS384"
                           << "r384" << kIssuer;
    QTest::addRow("RS512") << "RS512"
                           << "r512" << kIssuer;
    QTest::addRow("ES256") << "ES256"
                           << "e256" << kIssuer;
    QTest::addRow("ES384") << "ES384"
                           << "e384" << kIssuer;
    QTest::addRow("RS256 PEM key") << "RS256"
                                   << "pem256" << kHmacIssuer;
}

void tst_JwtProvider::validAlgorithms()
{
    QFETCH(QString, alg);
    QFETCH(QString, kid);
    QFETCH(QString, issuer);
    const JwtTestSigner &signer = alg == QLatin1String("HS256") ? m_hs256
        : alg == QLatin1String("HS384")                         ? m_hs384
        : alg == QLatin1String("HS512")                         ? m_hs512
        : alg == QLatin1String("ES256")                         ? m_ec256
        : alg == QLatin1String("ES384")                         ? m_ec384
                                                                : m_rsa;
    const QJsonObject c = claims(issuer);
    const QByteArray token = signer.token(alg, kid, c, { { QStringLiteral("typ"), QStringLiteral("JWT") } });
    auto v = check(*m_provider, token, QStringLiteral("alice"));
    QVERIFY(v.has_value());
    QVERIFY2(v->ok(), qPrintable(v->errorString()));
    QCOMPARE(v->value().name, QStringLiteral("alice"));
    QVERIFY(v->value().authenticated);
    QCOMPARE(v->value().roles, (QStringList { QStringLiteral("publisher"), QStringLiteral("reader") }));
    QCOMPARE(v->value().provider, QStringLiteral("jwt"));
    QCOMPARE(v->value().credentialId, kid);
    QCOMPARE(v->value().expiresAtMs, qint64(c.value(QLatin1String("exp")).toDouble()) * 1000);

    // With a jti, that is what revocation matches.
    const QByteArray withJti = signer.token(alg, kid, with(c, QStringLiteral("jti"), QStringLiteral("t-42")));
    v = check(*m_provider, withJti);
    QVERIFY(v && v->ok());
    QCOMPARE(v->value().credentialId, QStringLiteral("t-42"));
}

void tst_JwtProvider::refused_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("why"); // a word the message must contain
    const QJsonObject c = claims();
    const QByteArray good = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), c);
    QVERIFY(accepted(*m_provider, good));

    // alg none: an unsigned token, with and without a key id, and spelled differently.
    const QByteArray noneInput = JwtTestSigner::base64Url(R"({"alg":"none","kid":"r256"})") + '.'
        + JwtTestSigner::base64Url(QJsonDocument(c).toJson(QJsonDocument::Compact));
    QTest::addRow("alg none") << QByteArray(noneInput + '.') << QString() << "none";
    QTest::addRow("alg none with a signature") << QByteArray(noneInput + ".c2ln") << QString() << "none";
    const QByteArray noneUpper = JwtTestSigner::base64Url(R"({"alg":"NONE"})") + '.'
        + JwtTestSigner::base64Url(QJsonDocument(c).toJson(QJsonDocument::Compact)) + '.';
    QTest::addRow("alg NONE") << noneUpper << QString() << "none";

    // Key confusion: HS256 with the RSA key's public PEM as HMAC secret, against the RS256 key.
    const JwtTestSigner pemAsSecret = JwtTestSigner::hmac(m_rsa.publicPem());
    QTest::addRow("HS256 signed with the RSA public key")
        << pemAsSecret.token(QStringLiteral("HS256"), QStringLiteral("r256"), c) << QString() << "alg";
    QTest::addRow("HS256 with the PEM, PEM-configured key")
        << pemAsSecret.token(QStringLiteral("HS256"), QStringLiteral("pem256"), claims(kHmacIssuer)) << QString()
        << "alg";
    QTest::addRow("RS512 on an RS256 key")
        << m_rsa.token(QStringLiteral("RS512"), QStringLiteral("r256"), c) << QString() << "alg";
    QTest::addRow("ES384 on an ES256 key")
        << m_ec384.token(QStringLiteral("ES384"), QStringLiteral("e256"), c) << QString() << "alg";
    QTest::addRow("unsupported alg PS256") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), c, { { QStringLiteral("alg"), QStringLiteral("PS256") } })
                                           << QString() << "supported";

    QByteArray badSig = good;
    badSig[badSig.size() - 5] = badSig[badSig.size() - 5] == 'A' ? 'B' : 'A';
    QTest::addRow("bad signature") << badSig << QString() << "signature";
    QTest::addRow("signed by another key")
        << m_rsa2.token(QStringLiteral("RS256"), QStringLiteral("r256"), c) << QString() << "signature";
    const QList<QByteArray> parts = good.split('.');
    const QByteArray tampered = parts[0] + '.'
        + JwtTestSigner::base64Url(
            QJsonDocument(with(c, QStringLiteral("sub"), QStringLiteral("root"))).toJson(QJsonDocument::Compact))
        + '.' + parts[2];
    QTest::addRow("claims changed after signing") << tampered << QString() << "signature";
    QByteArray ecShort = m_ec256.token(QStringLiteral("ES256"), QStringLiteral("e256"), c);
    ecShort.chop(4);
    QTest::addRow("ES256 signature cut short") << ecShort << QString() << "signature";

    QTest::addRow("crit header") << m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), c,
        { { QStringLiteral("crit"), QJsonArray { QStringLiteral("exp") } } })
                                 << QString() << "crit";
    QTest::addRow("typ other") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), c, { { QStringLiteral("typ"), QStringLiteral("dpop+jwt") } })
                               << QString() << "typ";
    QTest::addRow("unknown kid") << m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r999"), c) << QString()
                                 << "kid";
    QTest::addRow("no kid, several keys") << m_rsa.token(QStringLiteral("RS256"), QString(), c) << QString() << "kid";
    QTest::addRow("wrong issuer") << m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"),
        with(c, QStringLiteral("iss"), QStringLiteral("https://evil.test")))
                                  << QString() << "issuer";
    QTest::addRow("no issuer") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("iss"), {}))
                               << QString() << "iss";
    QTest::addRow("expired") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("exp"), now() - 120))
                             << QString() << "expired";
    QTest::addRow("exp not a number") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("exp"), QString::number(now() + 300)))
                                      << QString() << "exp";
    QTest::addRow("no exp") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("exp"), {}))
                            << QString() << "exp";
    QTest::addRow("not yet valid") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("nbf"), now() + 600))
                                   << QString() << "before";
    QTest::addRow("another audience (string)") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("aud"), QStringLiteral("billing")))
                                               << QString() << "audience";
    QTest::addRow("another audience (array)") << m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"),
        with(c, QStringLiteral("aud"), QJsonArray { QStringLiteral("billing"), QStringLiteral("crm") }))
                                              << QString() << "audience";
    QTest::addRow("no audience") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("aud"), {}))
                                 << QString() << "aud";
    QTest::addRow("no subject") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("sub"), {}))
                                << QString() << "sub";
    QTest::addRow("roles not strings") << m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("roles"), QJsonArray { 1, 2 }))
                                       << QString() << "roles";
    QTest::addRow("another user's token") << good << "bob"
                                          << "user";
}

void tst_JwtProvider::refused()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, user);
    QFETCH(QString, why);
    const auto verdict = check(*m_provider, token, user);
    QVERIFY(verdict.has_value());
    QVERIFY2(refusedCleanly(verdict, token), verdict->ok() ? "accepted" : qPrintable(verdict->errorString()));
    QVERIFY2(verdict->error().message.contains(why, Qt::CaseInsensitive), qPrintable(verdict->errorString()));
}

void tst_JwtProvider::leeway()
{
    const QJsonObject c = claims();
    const QByteArray expiredRecently
        = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("exp"), now() - 10));
    const QByteArray validSoon
        = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("nbf"), now() + 10));
    QVERIFY(accepted(*m_provider, expiredRecently)); // 30 s leeway
    QVERIFY(accepted(*m_provider, validSoon));
    auto strict = makeProvider(standardOptions(0));
    QVERIFY(strict);
    QVERIFY(refusedCleanly(check(*strict, expiredRecently), expiredRecently));
    QVERIFY(refusedCleanly(check(*strict, validSoon), validSoon));

    // require-exp off: a token without exp is accepted and never expires.
    JwtProvider::Options options = standardOptions();
    options.issuers[0].requireExp = false;
    auto lenient = makeProvider(options);
    QVERIFY(lenient);
    auto v = check(
        *lenient, m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), with(c, QStringLiteral("exp"), {})));
    QVERIFY(v);
    QVERIFY2(v->ok(), qPrintable(v->errorString()));
    QCOMPARE(v->value().expiresAtMs, qint64(0));
}

void tst_JwtProvider::audienceAndTyp()
{
    const QJsonObject c = with(claims(), QStringLiteral("aud"), QJsonArray { QStringLiteral("billing"), kAudience });
    QVERIFY(accepted(*m_provider, m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), c)));
    for (const char *typ : { "at+jwt", "AT+JWT", "application/at+jwt", "jwt" }) {
        const QByteArray token = m_ec256.token(
            QStringLiteral("ES256"), QStringLiteral("e256"), c, { { QStringLiteral("typ"), QLatin1String(typ) } });
        QVERIFY2(accepted(*m_provider, token), typ);
    }
}

void tst_JwtProvider::rolesFromScope()
{
    // An OAuth2 access token (RFC 9068): typ at+jwt, the roles in "scope", the subject in client_id.
    JwtProvider::Options options = standardOptions();
    options.issuers[0].rolesClaim = QStringLiteral("scope");
    options.issuers[0].nameClaim = QStringLiteral("client_id");
    auto p = makeProvider(options);
    QVERIFY(p);
    QJsonObject c = with(claims(), QStringLiteral("scope"), QStringLiteral("publish  subscribe admin"));
    c = with(c, QStringLiteral("client_id"), QStringLiteral("gateway-7"));
    const QByteArray token = m_rsa.token(
        QStringLiteral("RS256"), QStringLiteral("r256"), c, { { QStringLiteral("typ"), QStringLiteral("at+jwt") } });
    auto v = check(*p, token);
    QVERIFY(v && v->ok());
    QCOMPARE(v->value().name, QStringLiteral("gateway-7"));
    QCOMPARE(v->value().roles,
        (QStringList { QStringLiteral("publish"), QStringLiteral("subscribe"), QStringLiteral("admin") }));

    // A nested claim by path (Keycloak's realm_access.roles).
    options.issuers[0].rolesClaim = QStringLiteral("realm_access.roles");
    p = makeProvider(options);
    QVERIFY(p);
    c = with(c, QStringLiteral("realm_access"),
        QJsonObject { { QStringLiteral("roles"), QJsonArray { QStringLiteral("ops") } } });
    v = check(*p, m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), c));
    QVERIFY(v && v->ok());
    QCOMPARE(v->value().roles, QStringList { QStringLiteral("ops") });
}

void tst_JwtProvider::notAJwt_data()
{
    QTest::addColumn<QByteArray>("credential");
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("plain token") << QByteArray("s3cret");
    QTest::addRow("API key") << QByteArray("sb_live_4f9a8b7c6d5e");
    QTest::addRow("dotted opaque token") << QByteArray("abc.def.ghi");
    QTest::addRow("two dots, not base64") << QByteArray("a b.c.d");
    QTest::addRow("header not an object")
        << QByteArray(sbtest::JwtTestSigner::base64Url("[{\"alg\":\"RS256\"}]") + ".e30.AAAA");
}

void tst_JwtProvider::notAJwt()
{
    QFETCH(QByteArray, credential);
    QVERIFY(!check(*m_provider, credential).has_value());
}

void tst_JwtProvider::garbage_data()
{
    QTest::addColumn<QByteArray>("token");
    const QByteArray good = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("r256"), claims());
    const QList<QByteArray> p = good.split('.');
    QTest::addRow("oversize") << QByteArray(good + QByteArray(20 * 1024, 'A'));
    QTest::addRow("oversize payload") << QByteArray(p[0] + '.' + QByteArray(17 * 1024, 'A') + '.' + p[2]);
    QTest::addRow("two segments") << QByteArray(p[0] + '.' + p[1]);
    QTest::addRow("four segments") << QByteArray(good + ".AAAA");
    QTest::addRow("JWE (five segments)") << QByteArray(p[0] + ".a.b.c.d");
    QTest::addRow("padding") << QByteArray(p[0] + "==." + p[1] + '.' + p[2]);
    QTest::addRow("standard base64 alphabet") << QByteArray(p[0] + '.' + p[1] + "+/." + p[2]);
    QTest::addRow("header not JSON") << QByteArray("eyJub3QganNvbg." + p[1] + '.' + p[2]);
    QTest::addRow("payload not an object") << QByteArray(p[0] + '.' + JwtTestSigner::base64Url("[1,2]") + '.' + p[2]);
    // The same signature bytes with non-zero unused bits in the last character: one value, one text.
    const QByteArray alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    QByteArray nonCanonical = good;
    nonCanonical[nonCanonical.size() - 1] = alphabet.at(alphabet.indexOf(good.back()) + 1);
    QTest::addRow("non-canonical base64url") << nonCanonical;
    QTest::addRow("empty signature") << QByteArray(p[0] + '.' + p[1] + '.');
}

void tst_JwtProvider::garbage()
{
    QFETCH(QByteArray, token);
    const auto verdict = check(*m_provider, token);
    QVERIFY(verdict.has_value());
    QVERIFY2(refusedCleanly(verdict, token), verdict->ok() ? "accepted" : qPrintable(verdict->errorString()));
}

void tst_JwtProvider::jwksParsing()
{
    const QList<JwtAlgorithm> rs256 = { JwtAlgorithm::RS256 };
    const QList<JwtAlgorithm> all = jwtAlgorithms();
    // A JWK without alg takes the issuer's one algorithm for its key type.
    auto set = Jwks::fromJson(jwks({ m_rsa.publicJwk(QStringLiteral("k"), {}) }), rs256);
    QVERIFY2(set, qPrintable(set.errorString()));
    QCOMPARE(set->keys().first().algorithm(), JwtAlgorithm::RS256);
    // With several possible algorithms it is refused; so is every other unusable JWK, and the set
    // keeps the usable ones.
    QJsonObject oct { { QStringLiteral("kty"), QStringLiteral("oct") },
        { QStringLiteral("k"), QStringLiteral("c2VjcmV0") }, { QStringLiteral("kid"), QStringLiteral("o") } };
    QJsonObject badN = m_rsa.publicJwk(QStringLiteral("n"), QStringLiteral("RS256"));
    badN.insert(QStringLiteral("n"), QStringLiteral("AQAB"));
    QJsonObject offCurve = m_ec256.publicJwk(QStringLiteral("c"), QStringLiteral("ES256"));
    offCurve.insert(QStringLiteral("y"), offCurve.value(QLatin1String("x")));
    set = Jwks::fromJson(jwks({ m_rsa.publicJwk(QStringLiteral("noalg"), {}),
                             m_rsa.publicJwk(QStringLiteral("enc"), QStringLiteral("RS256"), QStringLiteral("enc")),
                             oct, m_ec256.publicJwk(QStringLiteral("curve"), QStringLiteral("ES384")), badN, offCurve,
                             QJsonObject { { QStringLiteral("kty"), QStringLiteral("OKP") } },
                             m_ec384.publicJwk(QStringLiteral("ok"), QStringLiteral("ES384")) }),
        all);
    QVERIFY2(set, qPrintable(set.errorString()));
    QCOMPARE(set->kids(), QStringList { QStringLiteral("ok") });
    QCOMPARE(set->skipped().size(), 7);
    // Nothing usable, a repeated kid, not a JWKS: errors.
    QCOMPARE(Jwks::fromJson(jwks({ oct }), all).error().code, ErrorCode::InvalidConfig);
    QVERIFY(!Jwks::fromJson(jwks({ m_ec384.publicJwk(QStringLiteral("a"), QStringLiteral("ES384")),
                                m_rsa.publicJwk(QStringLiteral("a"), QStringLiteral("RS256")) }),
        all));
    QVERIFY(!Jwks::fromJson("{\"keys\": 1}", all));
    QVERIFY(!Jwks::fromJson("not json", all));
    QVERIFY(!Jwks::fromJson(QByteArray(Jwks::MaxDocumentBytes + 1, ' '), all));
    // A weak RSA key is refused.
    const JwtTestSigner weak = JwtTestSigner::rsa(1024);
    QVERIFY(!JwtKey::fromJwk(weak.publicJwk(QStringLiteral("w"), QStringLiteral("RS256")), all));
    QVERIFY(!JwtKey::fromPem(QStringLiteral("w"), JwtAlgorithm::RS256, weak.publicPem()));
    // Keys and algorithms must match; short HMAC secrets are refused.
    QVERIFY(!JwtKey::fromPem(QStringLiteral("x"), JwtAlgorithm::ES256, m_rsa.publicPem()));
    QVERIFY(!JwtKey::fromPem(QStringLiteral("x"), JwtAlgorithm::ES384, m_ec256.publicPem()));
    QVERIFY(!JwtKey::fromPem(QStringLiteral("x"), JwtAlgorithm::HS256, m_rsa.publicPem()));
    QVERIFY(JwtKey::fromPem(QStringLiteral("x"), JwtAlgorithm::ES256, m_ec256.publicPem()));
    QVERIFY(!JwtKey::fromSecret(QStringLiteral("x"), JwtAlgorithm::HS256, QByteArray(31, 's')));
    QVERIFY(!JwtKey::fromSecret(QStringLiteral("x"), JwtAlgorithm::HS512, QByteArray(63, 's')));
    QVERIFY(!JwtKey::fromSecret(QStringLiteral("x"), JwtAlgorithm::RS256, QByteArray(300, 's')));
}

void tst_JwtProvider::jwksFileRotation()
{
    const QString path = m_dir.filePath(QStringLiteral("rotating.json"));
    QVERIFY(writeFile(path, jwks({ m_rsa.publicJwk(QStringLiteral("k1"), QStringLiteral("RS256")) })));
    JwtProvider::Options options;
    JwtProvider::Issuer is;
    is.issuer = kIssuer;
    is.audiences = { kAudience };
    is.jwksFile = path;
    options.issuers.append(is);
    auto p = makeProvider(options);
    QVERIFY(p);
    const QByteArray t1 = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("k1"), claims());
    const QByteArray t2 = m_rsa2.token(QStringLiteral("RS256"), QStringLiteral("k2"), claims());
    QVERIFY(accepted(*p, t1));
    QVERIFY(refusedCleanly(check(*p, t2), t2));

    QVERIFY(writeFile(path, jwks({ m_rsa2.publicJwk(QStringLiteral("k2"), QStringLiteral("RS256")) })));
    QVERIFY(p->reload());
    QVERIFY(refusedCleanly(check(*p, t1), t1)); // rotated out
    QVERIFY(accepted(*p, t2));

    // A broken file, or one without a usable key, keeps the old set and says why.
    QVERIFY(writeFile(path, "{\"keys\": [ {\"kty\": \"RSA\""));
    Status st = p->reload();
    QVERIFY(!st);
    QCOMPARE(st.error().code, ErrorCode::InvalidConfig);
    QVERIFY(st.error().message.contains(path));
    QVERIFY(accepted(*p, t2));
    QVERIFY(writeFile(
        path, jwks({ m_rsa.publicJwk(QStringLiteral("k1"), QStringLiteral("RS256"), QStringLiteral("enc")) })));
    QVERIFY(!p->reload());
    QVERIFY(accepted(*p, t2));
    QVERIFY(refusedCleanly(check(*p, t1), t1));
    QVERIFY(QFile::remove(path));
    QVERIFY(!p->reload());
    QVERIFY(accepted(*p, t2));
    QCOMPARE(
        p->status().first().toMap().value(QStringLiteral("keys")).toStringList(), QStringList { QStringLiteral("k2") });

    // A bad file at start is an error.
    QVERIFY(!JwtProvider::create(options));
}

void tst_JwtProvider::secretFileFromCredentialsDirectory()
{
    QTemporaryDir creds;
    QVERIFY(creds.isValid());
    const QByteArray secret = QByteArray(40, 'z');
    QVERIFY(writeFile(creds.filePath(QStringLiteral("jwt-hmac")), secret + "\r\n"));
    auto parsed = JwtProvider::fromVariantMap(
        { QVariantMap { { QStringLiteral("issuer"), kHmacIssuer },
            { QStringLiteral("audience"), QVariantList { kAudience, QStringLiteral("other") } },
            { QStringLiteral("keys"),
                QVariantList { QVariantMap { { QStringLiteral("kid"), QStringLiteral("s1") },
                    { QStringLiteral("alg"), QStringLiteral("HS256") },
                    { QStringLiteral("secret-file"), QStringLiteral("jwt-hmac") } } } } } },
        QStringLiteral("auth.jwt"));
    QVERIFY2(parsed, qPrintable(parsed.errorString()));
    qputenv("CREDENTIALS_DIRECTORY", creds.path().toLocal8Bit());
    auto p = JwtProvider::create(parsed.value());
    qunsetenv("CREDENTIALS_DIRECTORY");
    QVERIFY2(p, qPrintable(p.errorString()));
    const QByteArray token
        = JwtTestSigner::hmac(secret).token(QStringLiteral("HS256"), QStringLiteral("s1"), claims(kHmacIssuer));
    QVERIFY(accepted(*p.value(), token));
    // Without the directory the relative path is not found.
    auto missing = JwtProvider::create(parsed.value());
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::InvalidConfig);
    QVERIFY(!missing.errorString().contains(QString::fromLatin1(secret)));
}

void tst_JwtProvider::config_data()
{
    QTest::addColumn<QVariantMap>("issuer");
    QTest::addColumn<QString>("errorKey"); // empty: valid
    const QVariantMap base { { QStringLiteral("issuer"), kIssuer }, { QStringLiteral("audience"), kAudience },
        { QStringLiteral("jwks-file"), QStringLiteral("/etc/switchboard/jwks.json") } };
    auto edit = [](QVariantMap m, const QString &k, const QVariant &v) {
        if (v.isValid())
            m.insert(k, v);
        else
            m.remove(k);
        return m;
    };
    QTest::addRow("minimal") << base << QString();
    QTest::addRow("everything") << edit(edit(edit(edit(edit(base, QStringLiteral("leeway"), QStringLiteral("1m")),
                                                      QStringLiteral("roles-claim"), QStringLiteral("scope")),
                                                 QStringLiteral("algorithms"), QStringList { QStringLiteral("RS256") }),
                                            QStringLiteral("require-exp"), QStringLiteral("false")),
        QStringLiteral("name-claim"), QStringLiteral("client_id"))
                                << QString();
    QTest::addRow("https uri") << edit(edit(edit(base, QStringLiteral("jwks-file"), {}), QStringLiteral("jwks-uri"),
                                           QStringLiteral("https://login.example.com/.well-known/jwks.json")),
        QStringLiteral("jwks-refresh"), QStringLiteral("5m"))
                               << QString();
    QTest::addRow("no issuer") << edit(base, QStringLiteral("issuer"), {}) << "auth.jwt[0].issuer";
    QTest::addRow("no audience") << edit(base, QStringLiteral("audience"), {}) << "auth.jwt[0].audience";
    QTest::addRow("no keys") << edit(base, QStringLiteral("jwks-file"), {}) << "auth.jwt[0]";
    QTest::addRow("two key sources") << edit(base, QStringLiteral("jwks-uri"), QStringLiteral("https://a.test/jwks"))
                                     << "auth.jwt[0]";
    QTest::addRow("http to another host") << edit(
        edit(base, QStringLiteral("jwks-file"), {}), QStringLiteral("jwks-uri"), QStringLiteral("http://idp.test/jwks"))
                                          << "auth.jwt[0].jwks-uri";
    QTest::addRow("refresh without uri") << edit(base, QStringLiteral("jwks-refresh"), QStringLiteral("5m"))
                                         << "auth.jwt[0].jwks-refresh";
    QTest::addRow("bad leeway") << edit(base, QStringLiteral("leeway"), QStringLiteral("soon")) << "auth.jwt[0].leeway";
    QTest::addRow("alg none") << edit(base, QStringLiteral("algorithms"), QStringList { QStringLiteral("none") })
                              << "auth.jwt[0].algorithms[0]";
    QTest::addRow("unknown key") << edit(base, QStringLiteral("secret"), QStringLiteral("x")) << "auth.jwt[0].secret";
    const QVariantMap key { { QStringLiteral("kid"), QStringLiteral("a") },
        { QStringLiteral("alg"), QStringLiteral("HS256") }, { QStringLiteral("secret-file"), QStringLiteral("hmac") } };
    const QVariantMap withKeys = edit(base, QStringLiteral("jwks-file"), {});
    QTest::addRow("keys") << edit(withKeys, QStringLiteral("keys"), QVariantList { key }) << QString();
    QTest::addRow("plain secret") << edit(withKeys, QStringLiteral("keys"),
        QVariantList { edit(key, QStringLiteral("secret"), QStringLiteral("hunter2")) })
                                  << "auth.jwt[0].keys[0].secret";
    QTest::addRow("key without alg") << edit(
        withKeys, QStringLiteral("keys"), QVariantList { edit(key, QStringLiteral("alg"), {}) })
                                     << "auth.jwt[0].keys[0].alg";
    QTest::addRow("HS256 with a public key") << edit(withKeys, QStringLiteral("keys"),
        QVariantList { edit(edit(key, QStringLiteral("secret-file"), {}), QStringLiteral("public-key-file"),
            QStringLiteral("k.pem")) }) << "auth.jwt[0].keys[0].public-key-file";
    QTest::addRow("duplicate kid") << edit(withKeys, QStringLiteral("keys"), QVariantList { key, key })
                                   << "auth.jwt[0].keys[1].kid";
    QTest::addRow("key outside algorithms") << edit(edit(withKeys, QStringLiteral("keys"), QVariantList { key }),
        QStringLiteral("algorithms"), QStringList { QStringLiteral("RS256") })
                                            << "auth.jwt[0].keys[0].alg";
}

void tst_JwtProvider::config()
{
    QFETCH(QVariantMap, issuer);
    QFETCH(QString, errorKey);
    const auto parsed = JwtProvider::fromVariantMap({ issuer }, QStringLiteral("auth.jwt"));
    if (errorKey.isEmpty()) {
        QVERIFY2(parsed, qPrintable(parsed.errorString()));
        QCOMPARE(parsed->issuers.size(), 1);
        return;
    }
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().code, ErrorCode::InvalidConfig);
    QCOMPARE(parsed.error().details.value(QStringLiteral("key")).toString(), errorKey);
    QVERIFY2(parsed.error().message.startsWith(errorKey + QStringLiteral(": ")), qPrintable(parsed.errorString()));
    QVERIFY(!parsed.error().message.contains(QStringLiteral("hunter2")));
}

void tst_JwtProvider::jwksUri()
{
    JwksServer server;
    server.body = jwks({ m_rsa.publicJwk(QStringLiteral("k1"), QStringLiteral("RS256")) });
    QVERIFY(server.listen());
    const quint16 port = server.port();
    JwtProvider::Options options;
    JwtProvider::Issuer is;
    is.issuer = kIssuer;
    is.audiences = { kAudience };
    is.jwksUri = server.url();
    is.jwksRefreshMs = 400;
    is.jwksRetryInitialMs = 25;
    options.issuers.append(is);
    auto p = makeProvider(options);
    QVERIFY(p);
    const QByteArray t1 = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("k1"), claims());
    const QByteArray t2 = m_rsa2.token(QStringLiteral("RS256"), QStringLiteral("k2"), claims());
    QTRY_VERIFY(accepted(*p, t1));

    // Refresh: the server rotates, the hub follows.
    server.body = jwks({ m_rsa2.publicJwk(QStringLiteral("k2"), QStringLiteral("RS256")) });
    QTRY_VERIFY(accepted(*p, t2));
    QVERIFY(refusedCleanly(check(*p, t1), t1));

    // The server answers with errors, then goes away: the last good set stays, retries back off
    // (25 ms doubling up to the 400 ms refresh).
    server.status = 500;
    QTRY_VERIFY(p->status().first().toMap().value(QStringLiteral("failures")).toInt() >= 1);
    QVERIFY(p->status().first().toMap().value(QStringLiteral("lastError")).toString().contains(QStringLiteral("500")));
    server.close();
    QTRY_COMPARE(p->status().first().toMap().value(QStringLiteral("backoffMs")).toLongLong(), qint64(400));
    QVERIFY(p->status().first().toMap().value(QStringLiteral("failures")).toInt() >= 5);
    QVERIFY(accepted(*p, t2));
    QVERIFY(refusedCleanly(check(*p, t1), t1));
    // A document that is not a key set is a failure too, not a new (empty) set.
    server.status = 200;
    server.body = "<html>maintenance</html>";
    QVERIFY(server.listen(port));
    const int before = server.requests;
    QTRY_VERIFY(server.requests > before);
    QVERIFY(accepted(*p, t2));
    // Back: the next retry picks up the new set.
    server.body = jwks({ m_rsa.publicJwk(QStringLiteral("k1"), QStringLiteral("RS256")) });
    QTRY_VERIFY(accepted(*p, t1));
    QCOMPARE(p->status().first().toMap().value(QStringLiteral("backoffMs")).toLongLong(), qint64(0));
    QVERIFY(p->status().first().toMap().value(QStringLiteral("lastError")).toString().isEmpty());
}

void tst_JwtProvider::jwksUriUnknownKidRefetch()
{
    // Refresh every 10 minutes; a kid the set lacks asks for one early fetch.
    JwksServer server;
    server.body = jwks({ m_rsa.publicJwk(QStringLiteral("k1"), QStringLiteral("RS256")) });
    QVERIFY(server.listen());
    JwtProvider::Options options;
    JwtProvider::Issuer is;
    is.issuer = kIssuer;
    is.audiences = { kAudience };
    is.jwksUri = server.url();
    options.issuers.append(is);
    auto p = makeProvider(options);
    QVERIFY(p);
    const QByteArray t1 = m_rsa.token(QStringLiteral("RS256"), QStringLiteral("k1"), claims());
    const QByteArray t2 = m_rsa2.token(QStringLiteral("RS256"), QStringLiteral("k2"), claims());
    // Before the first fetch completes, tokens are refused, not waved through.
    QVERIFY(refusedCleanly(check(*p, t1), t1));
    QTRY_VERIFY(accepted(*p, t1));
    QCOMPARE(server.requests, 1);

    server.body = jwks({ m_rsa.publicJwk(QStringLiteral("k1"), QStringLiteral("RS256")),
        m_rsa2.publicJwk(QStringLiteral("k2"), QStringLiteral("RS256")) });
    QVERIFY(refusedCleanly(check(*p, t2), t2)); // refused now, fetched behind it
    QTRY_VERIFY(accepted(*p, t2));
    QCOMPARE(server.requests, 2);
    // Rate-limited: more unknown kids do not hammer the issuer.
    const QByteArray t3 = m_rsa2.token(QStringLiteral("RS256"), QStringLiteral("k3"), claims());
    for (int i = 0; i < 5; ++i)
        QVERIFY(refusedCleanly(check(*p, t3), t3));
    // reload() (SIGHUP) fetches at once; its answer proves no other fetch was made before it.
    QVERIFY(p->reload());
    QTRY_COMPARE(p->status().first().toMap().value(QStringLiteral("fetches")).toInt(), 3);
    QTRY_COMPARE(server.requests, 3);
}

QTEST_GUILESS_MAIN(tst_JwtProvider)
#include "tst_jwtprovider.moc"
