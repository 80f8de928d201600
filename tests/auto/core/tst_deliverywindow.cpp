// SPDX-License-Identifier: Apache-2.0
#include <switchboard/deliverywindow.h>

#include <QTest>

using namespace sb;

class tst_DeliveryWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void takesOnlyWhatWasDelivered();
    void boundedByCountAndBytes();
    void disabled();
};

static Message msg(const QString &id, int size = 10)
{
    Message m(MessageType::Event, QStringLiteral("t"), QByteArray(size, 'x'));
    m.setId(id);
    return m;
}

void tst_DeliveryWindow::takesOnlyWhatWasDelivered()
{
    DeliveryWindow w;
    w.remember(1, msg(QStringLiteral("a")));
    w.remember(2, msg(QStringLiteral("b")));
    QVERIFY(!w.take(2, QStringLiteral("a")));      // wrong subscription
    QVERIFY(!w.take(1, QStringLiteral("made-up")));  // never delivered
    std::optional<Message> a = w.take(1, QStringLiteral("a"));
    QVERIFY(a);
    QCOMPARE(a->id(), QStringLiteral("a"));
    QVERIFY(!w.take(1, QStringLiteral("a"))); // once
    QCOMPARE(w.size(), 2);                     // the hole stays until evicted
    QVERIFY(w.take(2, QStringLiteral("b")));
}

void tst_DeliveryWindow::boundedByCountAndBytes()
{
    DeliveryWindow w;
    w.setLimits({3, 1 << 20});
    for (int i = 0; i < 10; ++i)
        w.remember(1, msg(QString::number(i)));
    QCOMPARE(w.size(), 3);
    QVERIFY(!w.take(1, QStringLiteral("6")));
    QVERIFY(w.take(1, QStringLiteral("7")));
    QVERIFY(w.take(1, QStringLiteral("9")));

    DeliveryWindow b;
    const qint64 one = msg(QStringLiteral("x"), 1000).byteSize();
    b.setLimits({100, one * 2});
    for (int i = 0; i < 5; ++i)
        b.remember(1, msg(QString::number(i), 1000));
    QVERIFY(b.bytes() <= one * 2);
    QCOMPARE(b.size(), 2);
    QVERIFY(b.take(1, QStringLiteral("4")));
    b.remember(1, msg(QStringLiteral("big"), 10000)); // larger than the window: not held
    QVERIFY(!b.take(1, QStringLiteral("big")));
    // Shrinking keeps the newest.
    w.setLimits({1, 1 << 20});
    QVERIFY(w.size() <= 1);
}

void tst_DeliveryWindow::disabled()
{
    DeliveryWindow w;
    w.setLimits({0, 1 << 20});
    w.remember(1, msg(QStringLiteral("a")));
    QCOMPARE(w.size(), 0);
    QVERIFY(!w.take(1, QStringLiteral("a")));
}

QTEST_GUILESS_MAIN(tst_DeliveryWindow)
#include "tst_deliverywindow.moc"
