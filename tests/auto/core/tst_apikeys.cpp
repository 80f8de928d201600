// SPDX-License-Identifier: Apache-2.0
// API keys: the store keeps only scrypt hashes (file mode 0600, atomic rewrite), the provider
// recognises "sbk_<id>_<secret>", caches a verified secret for a bounded time, and refuses a revoked
// key at once; connections that used a revoked key are closed by the hub.
#include <switchboard/apikeyprovider.h>
#include <switchboard/authchain.h>
#include <switchboard/connection.h>
#include <switchboard/hub.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

namespace {

class FakeConnection : public Connection
{
public:
    explicit FakeConnection(const QString &id) : Connection(id, QStringLiteral("native"), QStringLiteral("127.0.0.1:1")) {}
    void close(const Error &reason) override { closedWith = reason; }
    Error closedWith;

protected:
    void drain() override {}
};

AuthRequest withCredential(const QByteArray &credential, const QString &peer = QStringLiteral("127.0.0.9"))
{
    AuthRequest r;
    r.credential = credential;
    r.peerAddress = peer;
    r.protocol = QStringLiteral("native");
    return r;
}

// Cheap scrypt for the tests (the default costs ~16 MiB and tens of ms per verification).
ApiKeyStore::Cost cheap()
{
    return {1024, 8, 1};
}

} // namespace

class tst_ApiKeys : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void storeKeepsOnlyHashes();
    void providerVerifiesAndCaches();
    void revokedKeyFailsAndDropsConnections();
    void chainThrottlesFailures();
    void brokenFileKeepsKeys();
};

void tst_ApiKeys::parse_data()
{
    QTest::addColumn<QByteArray>("credential");
    QTest::addColumn<bool>("ok");
    QTest::addRow("good") << QByteArray("sbk_0123456789abcdef_c2VjcmV0") << true;
    QTest::addRow("secret with underscores") << QByteArray("sbk_0123456789abcdef_a_b_c") << true;
    QTest::addRow("no prefix") << QByteArray("0123456789abcdef_secret") << false;
    QTest::addRow("short id") << QByteArray("sbk_0123_secret") << false;
    QTest::addRow("upper-case id") << QByteArray("sbk_0123456789ABCDEF_secret") << false;
    QTest::addRow("no secret") << QByteArray("sbk_0123456789abcdef_") << false;
    QTest::addRow("a JWT") << QByteArray("eyJhbGciOiJIUzI1NiJ9.e30.sig") << false;
    QTest::addRow("huge") << QByteArray("sbk_0123456789abcdef_") + QByteArray(1000, 'x') << false;
}

void tst_ApiKeys::parse()
{
    QFETCH(QByteArray, credential);
    QFETCH(bool, ok);
    QString id;
    QByteArray secret;
    QCOMPARE(ApiKeyStore::parse(credential, &id, &secret), ok);
    if (ok)
        QCOMPARE(id, QStringLiteral("0123456789abcdef"));
}

void tst_ApiKeys::storeKeepsOnlyHashes()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("keys.json"));
    ApiKeyStore store(path);
    store.setCost(cheap());
    QVERIFY(store.load()); // no file yet: empty
    const Result<ApiKeyStore::Created> c = store.create(QStringLiteral("rest-gw"), {QStringLiteral("publisher")});
    QVERIFY2(c, qPrintable(c.errorString()));
    QVERIFY(c->secret.startsWith(QByteArray("sbk_" + c->key.id.toLatin1() + "_")));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    // The secret is base64url, which has '_' in its alphabet: it starts after "sbk_<id>_", not at
    // the last '_' (that once left a two-character tail that the file's hashes happened to hold).
    const QByteArray secretPart = c->secret.mid(QByteArray("sbk_" + c->key.id.toLatin1() + "_").size());
    QVERIFY(secretPart.size() >= 16);
    QVERIFY(!text.contains(secretPart));
    QVERIFY(text.contains("scrypt$1024$8$1$"));
    QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());

    ApiKeyStore again(path);
    QVERIFY(again.load());
    QCOMPARE(again.size(), 1);
    const ApiKeyStore::Key *k = again.find(c->key.id);
    QVERIFY(k);
    QCOMPARE(k->name, QStringLiteral("rest-gw"));
    QCOMPARE(k->roles, QStringList{QStringLiteral("publisher")});
    QString id;
    QByteArray secret;
    QVERIFY(ApiKeyStore::parse(c->secret, &id, &secret));
    QVERIFY(ApiKeyStore::matches(*k, secret));
    QVERIFY(!ApiKeyStore::matches(*k, secret + "x"));
    QCOMPARE(store.create(QString(), {}).error().code, ErrorCode::BadMessage);
}

void tst_ApiKeys::providerVerifiesAndCaches()
{
    auto store = std::make_shared<ApiKeyStore>();
    store->setCost(cheap());
    const QByteArray key = store->create(QStringLiteral("rest-gw"), {QStringLiteral("publisher")})->secret;
    ApiKeyProvider provider(store, {60000, 2});
    QVERIFY(!provider.verify(withCredential("not-a-key")).has_value()); // another provider's
    const auto ok = provider.verify(withCredential(key));
    QVERIFY(ok.has_value() && ok->ok());
    QCOMPARE(ok->value().name, QStringLiteral("rest-gw"));
    QCOMPARE(ok->value().provider, QStringLiteral("api-key"));
    QCOMPARE(ok->value().roles, QStringList{QStringLiteral("publisher")});
    QCOMPARE(provider.cachedCount(), 1);
    QVERIFY(provider.verify(withCredential(key))->ok()); // from the cache

    // A wrong secret for a known id is refused even with the right secret cached.
    QByteArray wrong = key;
    wrong[wrong.size() - 1] = wrong.back() == 'A' ? 'B' : 'A';
    const auto bad = provider.verify(withCredential(wrong));
    QVERIFY(bad.has_value());
    QCOMPARE(bad->error().code, ErrorCode::Unauthenticated);
    QVERIFY(!bad->error().message.contains(QString::fromLatin1(wrong)));
    QVERIFY(bad->error().message.contains(QLatin1String("wrong secret")));
    // Unknown id.
    const auto unknown = provider.verify(withCredential("sbk_ffffffffffffffff_secret"));
    QCOMPARE(unknown->error().code, ErrorCode::Unauthenticated);
    // The key of another user name.
    AuthRequest other = withCredential(key);
    other.user = QStringLiteral("mallory");
    QCOMPARE(provider.verify(other)->error().code, ErrorCode::Unauthenticated);
    // The cache is bounded.
    for (int i = 0; i < 3; ++i)
        QVERIFY(provider.verify(withCredential(store->create(QStringLiteral("k%1").arg(i), {})->secret))->ok());
    QCOMPARE(provider.cachedCount(), 2);
}

void tst_ApiKeys::revokedKeyFailsAndDropsConnections()
{
    auto store = std::make_shared<ApiKeyStore>();
    store->setCost(cheap());
    const ApiKeyStore::Created c = store->create(QStringLiteral("rest-gw"), {}).value();
    auto provider = std::make_shared<ApiKeyProvider>(store);
    AuthChain chain;
    chain.addProvider(provider);
    Hub hub;
    hub.setAuthenticator(&chain);
    FakeConnection a(QStringLiteral("native-1")), b(QStringLiteral("native-2"));
    hub.registerConnection(&a);
    hub.registerConnection(&b);
    const Result<Identity> id = chain.authenticate(withCredential(c.secret));
    QVERIFY(id);
    a.setIdentity(id.value());
    QVERIFY(store->revoke(c.key.id));
    QCOMPARE(store->revoke(c.key.id).error().code, ErrorCode::NotFound);
    // Cached or not, the revoked key fails at once...
    QCOMPARE(chain.authenticate(withCredential(c.secret)).error().code, ErrorCode::Unauthenticated);
    // ...and the hub closes what it opened.
    QCOMPARE(hub.closeConnectionsOf(QStringLiteral("api-key"), c.key.id,
                                    Error(ErrorCode::Unauthenticated, QStringLiteral("API key revoked"))),
             1);
    QCOMPARE(a.closedWith.code, ErrorCode::Unauthenticated);
    QCOMPARE(b.closedWith.code, ErrorCode::None);
    hub.unregisterConnection(&a);
    hub.unregisterConnection(&b);
}

void tst_ApiKeys::chainThrottlesFailures()
{
    auto store = std::make_shared<ApiKeyStore>();
    store->setCost(cheap());
    const QByteArray key = store->create(QStringLiteral("rest-gw"), {}).value().secret;
    AuthChain chain;
    chain.addProvider(std::make_shared<ApiKeyProvider>(store));
    chain.setThrottle({2, 60000, 600000, 100});
    const QByteArray wrong = "sbk_ffffffffffffffff_nope";
    QCOMPARE(chain.authenticate(withCredential(wrong)).error().code, ErrorCode::Unauthenticated);
    QCOMPARE(chain.authenticate(withCredential(wrong)).error().code, ErrorCode::Unauthenticated);
    QCOMPARE(chain.authenticate(withCredential("garbage")).error().code, ErrorCode::Unauthenticated); // the 3rd: now throttled
    const Result<Identity> throttled = chain.authenticate(withCredential(key));
    QCOMPARE(throttled.error().code, ErrorCode::RateLimited); // even the right key waits
    QVERIFY(throttled.error().details.value(QStringLiteral("retryAfterMs")).toLongLong() > 50000);
    // Another peer is not affected, and in-process callers (no peer) never wait.
    QVERIFY(chain.authenticate(withCredential(key, QStringLiteral("127.0.0.10"))));
    QVERIFY(chain.authenticate(withCredential(key, QString())));
    const QVariantMap stats = chain.stats();
    QCOMPARE(stats.value(QStringLiteral("failed")).toInt(), 3);
    QCOMPARE(stats.value(QStringLiteral("throttled")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("succeeded")).toInt(), 2);
    QCOMPARE(stats.value(QStringLiteral("byProvider")).toMap().value(QStringLiteral("api-key")).toMap().value(QStringLiteral("failed")).toInt(), 2);
}

void tst_ApiKeys::brokenFileKeepsKeys()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("keys.json"));
    ApiKeyStore store(path);
    store.setCost(cheap());
    QVERIFY(store.create(QStringLiteral("a"), {}));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("{not json");
    f.close();
    const Status st = store.load();
    QCOMPARE(st.error().code, ErrorCode::InvalidConfig);
    QVERIFY(st.error().message.contains(path));
    QCOMPARE(store.size(), 1);
}

QTEST_GUILESS_MAIN(tst_ApiKeys)
#include "tst_apikeys.moc"
