// SPDX-License-Identifier: Apache-2.0
#include <switchboard/connection.h>
#include <switchboard/hub.h>

#include <QDateTime>
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
        DeliveryQueue out;
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
    void errorCapClosesConnection();
    void expiredCredentialCloses();
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

// A connection that keeps causing errors (here: publishes the ACL refuses) is closed with
// RATE_LIMITED once past limits.connection-errors, and the hub counts it; below the cap nothing
// happens, and a cap of 0 turns it off.
void tst_Hub::errorCapClosesConnection()
{
    Hub hub;
    BusLimits limits;
    limits.connectionErrorsPerSecond = 5; // a burst of 10
    hub.bus()->setLimits(limits);
    FakeConnection a(QStringLiteral("fake-1"), QStringLiteral("fake"));
    hub.registerConnection(&a);
    const Message reserved(MessageType::Event, QStringLiteral("$sb.x"), "p"); // anonymous may not
    for (int i = 0; i < 10; ++i)
        QCOMPARE(hub.bus()->publish(reserved, &a).error().code, ErrorCode::Forbidden);
    QCoreApplication::processEvents();
    QVERIFY(!a.errorCapReached());
    QCOMPARE(a.closedWith.code, ErrorCode::None);
    QSignalSpy exceeded(&a, &Connection::errorCapExceeded);
    QCOMPARE(hub.bus()->publish(reserved, &a).error().code, ErrorCode::Forbidden); // the 11th
    QVERIFY(a.errorCapReached());
    QCOMPARE(exceeded.size(), 1);
    QCOMPARE(a.closedWith.code, ErrorCode::None); // not from inside the bus call...
    QTRY_COMPARE(a.closedWith.code, ErrorCode::RateLimited); // ...but on the next turn
    QVERIFY2(a.closedWith.message.contains(QLatin1String("limits.connection-errors")), qPrintable(a.closedWith.message));
    QCOMPARE(hub.bus()->refusals().errorCapClosed, quint64(1));
    QCOMPARE(hub.bus()->refusals().toVariantMap().value(QStringLiteral("errorCapClosed")).toULongLong(), 1u);
    QCOMPARE(a.counters().errors, 11u);
    hub.unregisterConnection(&a);

    limits.connectionErrorsPerSecond = 0;
    hub.bus()->setLimits(limits);
    FakeConnection b(QStringLiteral("fake-2"), QStringLiteral("fake"));
    hub.registerConnection(&b);
    for (int i = 0; i < 1000; ++i)
        b.countError();
    QVERIFY(!b.errorCapReached());
    QCoreApplication::processEvents();
    QCOMPARE(b.closedWith.code, ErrorCode::None);
    hub.unregisterConnection(&b);
}

// A credential that expires (a JWT's exp, a client certificate's end) closes its connection with
// UNAUTHENTICATED when it does; a new identity without an end disarms it.
void tst_Hub::expiredCredentialCloses()
{
    FakeConnection a(QStringLiteral("fake-1"), QStringLiteral("fake"));
    Identity soon(QStringLiteral("robot-7"), true);
    soon.provider = QStringLiteral("jwt");
    soon.expiresAtMs = QDateTime::currentMSecsSinceEpoch() + 150;
    a.setIdentity(soon);
    QCOMPARE(a.closedWith.code, ErrorCode::None);
    QTRY_COMPARE(a.closedWith.code, ErrorCode::Unauthenticated);
    QVERIFY2(a.closedWith.message.contains(QLatin1String("expired")), qPrintable(a.closedWith.message));

    FakeConnection b(QStringLiteral("fake-2"), QStringLiteral("fake"));
    soon.expiresAtMs = QDateTime::currentMSecsSinceEpoch() + 150;
    b.setIdentity(soon);
    b.setIdentity(Identity(QStringLiteral("robot-7"), true)); // re-authenticated, no end
    QTest::qWait(300);
    QCOMPARE(b.closedWith.code, ErrorCode::None);
}

QTEST_GUILESS_MAIN(tst_Hub)
#include "tst_hub.moc"

