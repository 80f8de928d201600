// SPDX-License-Identifier: Apache-2.0
#include <switchboard/endpoint.h>
#include <switchboard/hub.h>
#include <switchboard/pluginhost.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace sb;

class tst_PluginHost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void refusesIncompatibleAndKeepsOthers();
    void refusal_data();
    void refusal();
    void badConfigIsRefused_data();
    void badConfigIsRefused();
    void createsNativeEndpoint();
    void envPathComesFirst();

private:
    QTemporaryDir m_junk;
    QStringList paths() const { return {m_junk.path(), QStringLiteral(SB_TEST_PLUGIN_DIR), QStringLiteral(SB_BUILD_PLUGIN_DIR)}; }
};

void tst_PluginHost::initTestCase()
{
    QVERIFY(m_junk.isValid());
    // A file that looks like a library but is not one (a truncated download, say).
    QFile junk(m_junk.filePath(QStringLiteral("libbroken.so")));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("\x7f" "ELF this is not really a shared object");
}

void tst_PluginHost::refusesIncompatibleAndKeepsOthers()
{
    PluginHost host;
    host.setSearchPaths(paths());
    host.scan();
    QStringList ids;
    for (const PluginInfo &p : host.available())
        ids << p.id;
    ids.sort();
    QCOMPARE(ids, (QStringList{QStringLiteral("http"), QStringLiteral("native")}));
    QVERIFY(host.info(QStringLiteral("http")).value().configKeys.contains(QStringLiteral("listeners")));
    const PluginInfo native = host.info(QStringLiteral("native")).value();
    QCOMPARE(native.interfaceVersion, ProtocolPluginInterfaceVersion);
    QVERIFY(native.configKeys.contains(QStringLiteral("tcp")));
    QCOMPARE(host.errors().size(), 3);
}

void tst_PluginHost::refusal_data()
{
    QTest::addColumn<QString>("plugin");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("future interface") << "incompatible" << ErrorCode::PluginIncompatible << "interface version 99";
    QTest::addRow("other IID") << "wrongiid" << ErrorCode::PluginIncompatible << "org.example.SomethingElse/1";
    QTest::addRow("not a plugin") << "libbroken.so" << ErrorCode::PluginLoadFailed << "not a Qt plugin";
}

void tst_PluginHost::refusal()
{
    QFETCH(QString, plugin);
    QFETCH(ErrorCode, code);
    QFETCH(QString, mentions);
    PluginHost host;
    host.setSearchPaths(paths());
    host.scan();
    bool found = false;
    for (const PluginLoadError &e : host.errors()) {
        if (e.plugin != plugin)
            continue;
        found = true;
        QCOMPARE(e.error.code, code);
        QVERIFY2(e.error.message.contains(mentions), qPrintable(e.error.message));
        QVERIFY(e.error.message.contains(plugin));
    }
    QVERIFY(found);
    // Asking for the refused plugin gives the recorded reason; the library is never instantiated
    // (the incompatible plugin's constructor would abort the test).
    Result<ProtocolPlugin *> r = host.load(plugin);
    QVERIFY(!r);
    QCOMPARE(r.error().code, code);
}

void tst_PluginHost::badConfigIsRefused_data()
{
    QTest::addColumn<QVariantMap>("config");
    QTest::addColumn<QString>("mentions");
    QTest::addRow("unknown key") << QVariantMap{{QStringLiteral("tpc"), QStringLiteral("127.0.0.1:1")}} << "tpc";
    QTest::addRow("bad address") << QVariantMap{{QStringLiteral("tcp"), QStringLiteral("localhost")}} << "host:port";
    QTest::addRow("nothing to listen on") << QVariantMap{} << "nothing to listen on";
    QTest::addRow("bad queue") << QVariantMap{{QStringLiteral("tcp"), QStringLiteral("127.0.0.1:0")},
                                              {QStringLiteral("queue"), QVariantMap{{QStringLiteral("overflow"), QStringLiteral("explode")}}}}
                               << "explode";
}

void tst_PluginHost::badConfigIsRefused()
{
    QFETCH(QVariantMap, config);
    QFETCH(QString, mentions);
    PluginHost host;
    host.setSearchPaths(paths());
    host.scan();
    Hub hub;
    Result<Endpoint *> r = host.createEndpoint(QStringLiteral("native"), config, &hub, &hub);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::InvalidConfig);
    QVERIFY2(r.error().message.contains(mentions), qPrintable(r.error().message));
    QCOMPARE(r.error().details.value(QStringLiteral("plugin")).toString(), QStringLiteral("native"));
}

void tst_PluginHost::createsNativeEndpoint()
{
    PluginHost host;
    host.setSearchPaths(paths());
    host.scan();
    Hub hub;
    Result<Endpoint *> r = host.createEndpoint(
        QStringLiteral("native"), {{QStringLiteral("tcp"), QStringLiteral("127.0.0.1:0")}}, &hub, &hub);
    QVERIFY2(r, qPrintable(r.errorString()));
    QVERIFY(r.value()->start());
    QCOMPARE(r.value()->state(), Endpoint::State::Running);
    QVERIFY(r.value()->health().value(QStringLiteral("tcp")).toString().startsWith(QLatin1String("127.0.0.1:")));
    r.value()->stop();
}

void tst_PluginHost::envPathComesFirst()
{
    qputenv("SWITCHBOARD_PLUGIN_PATH", "/opt/a:/opt/b");
    const QStringList p = PluginHost::defaultSearchPaths();
    QCOMPARE(p.value(0), QStringLiteral("/opt/a"));
    QCOMPARE(p.value(1), QStringLiteral("/opt/b"));
    QVERIFY(p.size() >= 3);
    qunsetenv("SWITCHBOARD_PLUGIN_PATH");
}

QTEST_GUILESS_MAIN(tst_PluginHost)
#include "tst_pluginhost.moc"
