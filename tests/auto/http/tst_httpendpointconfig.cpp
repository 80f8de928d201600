// SPDX-License-Identifier: Apache-2.0
// communication.http's parser (plugins/http/httpendpointconfig.cpp): defaults and io-threads.
#include "httpendpointconfig.h"

#include <QTest>
#include <QThread>

using namespace sb;
using namespace sb::http;

class tst_HttpEndpointConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults()
    {
        const Result<HttpEndpointConfig> c = HttpEndpointConfig::fromVariantMap({});
        QVERIFY2(c, qPrintable(c.errorString()));
        QCOMPARE(c->listeners.size(), 1);
        QCOMPARE(c->listeners.first().address, QStringLiteral("127.0.0.1:7480"));
        // "auto": one I/O thread from 4 cores on, or from 2 on jemalloc (bench/README.md has the
        // measurement behind it). This test runs on glibc's malloc.
        QVERIFY(!HttpEndpointConfig::runsOnJemalloc());
        QCOMPARE(c->ioThreads, QThread::idealThreadCount() >= 4 ? 1 : 0);
    }

    void ioThreads_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<int>("expected");
        QTest::newRow("0") << QVariant(0) << 0;
        QTest::newRow("2") << QVariant(2) << 2;
        QTest::newRow("string 3") << QVariant(QStringLiteral("3")) << 3;
        QTest::newRow("64") << QVariant(64) << 64;
        QTest::newRow("auto") << QVariant(QStringLiteral("auto")) << HttpEndpointConfig::defaultIoThreads();
    }

    void ioThreads()
    {
        QFETCH(QVariant, value);
        QFETCH(int, expected);
        const Result<HttpEndpointConfig> c = HttpEndpointConfig::fromVariantMap({{QStringLiteral("io-threads"), value}});
        QVERIFY2(c, qPrintable(c.errorString()));
        QCOMPARE(c->ioThreads, expected);
    }

    void badIoThreads_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::newRow("negative") << QVariant(-1);
        QTest::newRow("too many") << QVariant(65);
        QTest::newRow("word") << QVariant(QStringLiteral("many"));
        QTest::newRow("fraction") << QVariant(QStringLiteral("1.5"));
        QTest::newRow("fraction as a number") << QVariant(1.5);
    }

    void badIoThreads()
    {
        QFETCH(QVariant, value);
        const Result<HttpEndpointConfig> c = HttpEndpointConfig::fromVariantMap({{QStringLiteral("io-threads"), value}});
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::InvalidConfig);
        QCOMPARE(c.error().details.value(QStringLiteral("key")).toString(), QStringLiteral("http.io-threads"));
        QVERIFY2(c.error().message.contains(QLatin1String("\"auto\" or an integer from 0")), qPrintable(c.error().message));
    }

    void unknownKeyNamesIoThreads()
    {
        const Result<HttpEndpointConfig> c = HttpEndpointConfig::fromVariantMap({{QStringLiteral("io-thread"), 1}});
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(c.error().message.contains(QLatin1String("io-threads")), qPrintable(c.error().message));
    }
};

QTEST_GUILESS_MAIN(tst_HttpEndpointConfig)
#include "tst_httpendpointconfig.moc"
