// SPDX-License-Identifier: Apache-2.0
#include <topicsmodel.h>

#include <switchboard/stats.h>

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace sb;
using sb::remote::TopicsModel;

class tst_TopicsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsFollowStats();
    void onlyChangedRowsAreAnnounced();
    void removedTopicsGo();
    void hundredThousandTopics();
};

void tst_TopicsModel::rowsFollowStats()
{
    Stats stats;
    TopicsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatsEntry &a = stats.entry(Stats::Topic, QStringLiteral("sensor.1.temp"));
    a.total.in = 3;
    Message last;
    last.setPayload("{\"v\":1}");
    last.setContentType(QStringLiteral("application/json"));
    a.lastMessage = last;
    a.lastAt = 1234;
    a.lastSize = 7;
    stats.entry(Stats::Topic, QStringLiteral("sensor.2.temp"));
    QCOMPARE(model.refresh(stats), 2);
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex i = model.index(model.data(model.index(0), TopicsModel::TopicRole).toString() == QLatin1String("sensor.1.temp") ? 0 : 1);
    QCOMPARE(i.data(TopicsModel::InRole).toULongLong(), quint64(3));
    QCOMPARE(i.data(TopicsModel::LastPayloadRole).toByteArray(), QByteArray("{\"v\":1}"));
    QCOMPARE(i.data(TopicsModel::LastContentTypeRole).toString(), QStringLiteral("application/json"));
    QCOMPARE(i.data(TopicsModel::LastAtRole).toLongLong(), qint64(1234));
    QCOMPARE(model.roleNames().value(TopicsModel::LastPayloadRole), QByteArray("lastPayload"));
}

void tst_TopicsModel::onlyChangedRowsAreAnnounced()
{
    Stats stats;
    TopicsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 10; ++i)
        stats.entry(Stats::Topic, QStringLiteral("t.%1").arg(i));
    model.refresh(stats);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QCOMPARE(model.refresh(stats), 0);
    QCOMPARE(changed.count(), 0);
    const QModelIndex first = model.index(3);
    const QString topic = first.data(TopicsModel::TopicRole).toString();
    ++stats.entry(Stats::Topic, topic).total.in;
    QCOMPARE(model.refresh(stats), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 3);
    QCOMPARE(changed.first().at(1).toModelIndex().row(), 3);
}

void tst_TopicsModel::removedTopicsGo()
{
    Stats stats;
    TopicsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 6; ++i)
        stats.entry(Stats::Topic, QStringLiteral("t.%1").arg(i));
    model.refresh(stats);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    const QString gone1 = model.index(1).data(TopicsModel::TopicRole).toString();
    const QString gone2 = model.index(4).data(TopicsModel::TopicRole).toString();
    stats.remove(Stats::Topic, gone1);
    stats.remove(Stats::Topic, gone2);
    model.refresh(stats);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(removed.count(), 2);
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString t = model.index(r).data(TopicsModel::TopicRole).toString();
        QVERIFY(t != gone1 && t != gone2);
    }
}

void tst_TopicsModel::hundredThousandTopics()
{
    // The console's scale target: every one of 100,000 topics changed in one snapshot. Checks that
    // all are announced; the time is printed for information (bench/console-bench measures).
    Stats stats;
    stats.setMaxTopicBytes(256 * 1024 * 1024); // the default 16 MiB holds ~27,000 topics
    for (int i = 0; i < 100000; ++i)
        stats.entry(Stats::Topic, QStringLiteral("sensor.%1.temp").arg(i));
    TopicsModel model;
    QElapsedTimer t;
    t.start();
    QCOMPARE(model.refresh(stats), 100000);
    const qint64 first = t.restart();
    stats.forEach(Stats::Topic, [](const QString &, const StatsEntry &) {});
    for (int i = 0; i < 100000; ++i)
        ++stats.entry(Stats::Topic, QStringLiteral("sensor.%1.temp").arg(i)).total.in;
    t.restart();
    QCOMPARE(model.refresh(stats), 100000);
    const qint64 update = t.elapsed();
    qInfo("100,000 topics: first snapshot %lld ms, all-changed snapshot %lld ms", first, update);
}

QTEST_GUILESS_MAIN(tst_TopicsModel)
#include "tst_topicsmodel.moc"
