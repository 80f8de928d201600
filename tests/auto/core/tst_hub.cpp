// SPDX-License-Identifier: Apache-2.0
#include <switchboard/connection.h>
#include <switchboard/hub.h>

#include <QSignalSpy>
#include <QTest>


using namespace sb;

namespace {
class FakeConnection : public Connection
{
public:
    FakeConnection(const QString &id, const QString &protocol) : Connection(id, protocol, QStringLiteral("peer")) {}
    void close(const Error &reason) override { closedWith = reason; }
    Error closedWith;
    int received = 0;

protected:
    void drain() override
    {
        std::deque<Delivery> out;
        received += takePending(out, 1 << 30);
        quint64 bytes = 0;
        for (const Delivery &d : out)
            bytes += quint64(d.message.payload().size());
        countOut(out.size(), bytes);
    }
};
} // namespace

class tst_Hub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void registryAndStats();
    void closeConnection();
};

void tst_Hub::registryAndStats()
{
    Hub hub;
    QSignalSpy added(&hub, &Hub::connectionAdded);
    QSignalSpy removed(&hub, &Hub::connectionRemoved);
    FakeConnection a(hub.nextConnectionId(QStringLiteral("fake")), QStringLiteral("fake+tcp"));
    FakeConnection b(hub.nextConnectionId(QStringLiteral("fake")), QStringLiteral("fake+local"));
    QVERIFY(a.id() != b.id());
    hub.registerConnection(&a);
    hub.registerConnection(&b);
    QCOMPARE(added.size(), 2);
    QCOMPARE(hub.connection(a.id()), &a);
    QCOMPARE(a.deadLetterStore(), hub.bus()->deadLetters());

    QVERIFY(hub.bus()->subscribe(&b, {QStringLiteral("t")}, &b));
    QCOMPARE(b.subscriptionCount(), 1);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(hub.bus()->publish(Message(MessageType::Event, QStringLiteral("t"), "1234"), &a).value(), 1);
    QTRY_COMPARE(b.received, 3);

    Stats *stats = hub.bus()->stats();
    QCOMPARE(stats->find(Stats::Connection, a.id())->total.in, 3u);
    QCOMPARE(stats->find(Stats::Connection, a.id())->total.bytesIn, 12u);
    QCOMPARE(stats->find(Stats::Connection, b.id())->total.out, 3u);
    // Both connections count towards their plugin.
    QCOMPARE(stats->find(Stats::Plugin, QStringLiteral("fake"))->total.in, 3u);
    QCOMPARE(stats->find(Stats::Plugin, QStringLiteral("fake"))->total.out, 3u);
    stats->tick();
    QCOMPARE(stats->snapshot(Stats::Connection).value(a.id()).toMap().value(QStringLiteral("inRate")).toList().first().toDouble(), 3.0);
    QCOMPARE(a.toVariantMap().value(QStringLiteral("protocol")).toString(), QStringLiteral("fake+tcp"));

    hub.unregisterConnection(&b);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(hub.bus()->subscriptionCount(), 0);
    QVERIFY(!stats->find(Stats::Connection, b.id()));
    QCOMPARE(hub.connections().size(), 1);
    hub.unregisterConnection(&a);
    QVariantMap health = hub.health();
    QCOMPARE(health.value(QStringLiteral("connections")).toInt(), 0);
}

void tst_Hub::closeConnection()
{
    Hub hub;
    FakeConnection a(QStringLiteral("fake-1"), QStringLiteral("fake"));
    hub.registerConnection(&a);
    QCOMPARE(hub.closeConnection(QStringLiteral("nope"), Error()).error().code, ErrorCode::NotFound);
    QVERIFY(hub.closeConnection(a.id(), Error(ErrorCode::Forbidden, QStringLiteral("operator said so"))));
    QCOMPARE(a.closedWith.code, ErrorCode::Forbidden);
    hub.unregisterConnection(&a);
}

QTEST_GUILESS_MAIN(tst_Hub)
#include "tst_hub.moc"

