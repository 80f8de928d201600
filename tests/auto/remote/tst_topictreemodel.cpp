// SPDX-License-Identifier: Apache-2.0
#include <topictreemodel.h>

#include <snapshotlistmodel.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using sb::remote::TopicTreeModel;
using sb::remote::SnapshotListModel;

namespace {
QList<QVariantMap> rows(const QStringList &topics)
{
    QList<QVariantMap> out;
    for (const QString &t : topics)
        out.append({{QStringLiteral("topic"), t}, {QStringLiteral("inRate"), 1.5}});
    return out;
}
// "a(b(c*),d*)": children in order, * marks a topic node.
QString shape(const TopicTreeModel &m, const QModelIndex &parent = QModelIndex())
{
    QStringList parts;
    for (int r = 0; r < m.rowCount(parent); ++r) {
        const QModelIndex i = m.index(r, 0, parent);
        QString s = i.data(TopicTreeModel::SegmentRole).toString();
        if (m.rowCount(i) > 0)
            s += QLatin1Char('(') + shape(m, i) + QLatin1Char(')');
        if (i.data(TopicTreeModel::IsTopicRole).toBool())
            s += QLatin1Char('*');
        parts << s;
    }
    return parts.join(u',');
}
QStringList L(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *s : list)
        out << QString::fromLatin1(s);
    return out;
}
} // namespace

class tst_TopicTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void build_data();
    void build();
    void newTopicsInsertInPlace();
    void bulkInsertSendsFewSignals();
    void sourceRolesReachTopicNodes();
};

void tst_TopicTreeModel::build_data()
{
    QTest::addColumn<QStringList>("topics");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("count");
    const QStringList all = L({"sensor.2.temp", "sensor.1.temp", "plant.line1.state", "sensor.1.humidity", "sensor"});
    QTest::addRow("all, sorted") << all << QString() << QStringLiteral("plant(line1(state*)),sensor(1(humidity*,temp*),2(temp*))*") << 5;
    QTest::addRow("pattern") << all << QStringLiteral("sensor.*.temp") << QStringLiteral("sensor(1(temp*),2(temp*))") << 2;
    QTest::addRow("tail pattern") << all << QStringLiteral("plant.>") << QStringLiteral("plant(line1(state*))") << 1;
    QTest::addRow("text") << all << QStringLiteral("humid") << QStringLiteral("sensor(1(humidity*))") << 1;
    QTest::addRow("nothing") << all << QStringLiteral("zzz") << QString() << 0;
}

void tst_TopicTreeModel::build()
{
    QFETCH(QStringList, topics);
    QFETCH(QString, filter);
    QFETCH(QString, expected);
    QFETCH(int, count);
    SnapshotListModel source("topic", {"inRate"});
    source.setRows(rows(topics));
    TopicTreeModel tree;
    QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tree.setSourceModel(&source);
    tree.setFilterText(filter);
    QCOMPARE(shape(tree), expected);
    QCOMPARE(tree.topicCount(), count);
}

void tst_TopicTreeModel::newTopicsInsertInPlace()
{
    SnapshotListModel source("topic", {"inRate"});
    source.setRows(rows(L({"a.b", "c"})));
    TopicTreeModel tree;
    QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tree.setSourceModel(&source);
    QSignalSpy reset(&tree, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&tree, &QAbstractItemModel::rowsInserted);
    source.setRows(rows(L({"a.b", "c", "a.a", "b.x.y"})));
    QCOMPARE(reset.count(), 0); // open branches stay open
    QCOMPARE(inserted.count(), 2); // a.a under a; b (with b.x and b.x.y) under the root
    QCOMPARE(shape(tree), QStringLiteral("a(a*,b*),b(x(y*)),c*"));
    QCOMPARE(tree.index(0, 0).data(TopicTreeModel::TopicsBelowRole).toInt(), 2);
    // A removal rebuilds (row numbers of the source moved).
    source.setRows(rows(L({"c", "b.x.y"})));
    QTRY_COMPARE(reset.count(), 1); // two runs removed, one rebuild
    QCOMPARE(shape(tree), QStringLiteral("b(x(y*)),c*"));
}

void tst_TopicTreeModel::bulkInsertSendsFewSignals()
{
    // 10 new branches of 100 topics, 100 topics into an existing branch (between its children),
    // all in one snapshot: a replica is sent one message per signal, so signals go per run and
    // per recounted branch, never per topic.
    SnapshotListModel source("topic", {"inRate"});
    source.setRows(rows(L({"old.a050", "old.b", "keep"})));
    TopicTreeModel tree;
    QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
    tree.setSourceModel(&source);
    QSignalSpy inserted(&tree, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&tree, &QAbstractItemModel::dataChanged);
    QStringList topics{QStringLiteral("old.a050"), QStringLiteral("old.b"), QStringLiteral("keep")};
    for (int b = 0; b < 10; ++b) {
        for (int t = 0; t < 100; ++t)
            topics << QStringLiteral("new%1.t%2").arg(b).arg(t, 3, 10, QLatin1Char('0'));
    }
    for (int t = 0; t < 100; ++t)
        topics << QStringLiteral("old.a%1").arg(t * 2 + 1, 3, 10, QLatin1Char('0')); // odd: around a050
    source.setRows(rows(topics));
    QCOMPARE(tree.topicCount(), 1103);
    // The root: one run of 10 new branches; "old": the odd a0xx before a050, those after it.
    QCOMPARE(inserted.count(), 3);
    QCOMPARE(changed.count(), 1); // only "old" existed and was recounted
    const QModelIndex old = tree.indexOfTopic(QStringLiteral("old.b")).parent();
    QCOMPARE(old.data(TopicTreeModel::TopicsBelowRole).toInt(), 102);
    QCOMPARE(tree.rowCount(old), 102);
    QCOMPARE(tree.index(0, 0, old).data(TopicTreeModel::SegmentRole).toString(), QStringLiteral("a001"));
    QCOMPARE(tree.index(25, 0, old).data(TopicTreeModel::SegmentRole).toString(), QStringLiteral("a050"));
    QCOMPARE(tree.index(101, 0, old).data(TopicTreeModel::SegmentRole).toString(), QStringLiteral("b"));
    const QModelIndex n3 = tree.indexOfTopic(QStringLiteral("new3.t042")).parent();
    QCOMPARE(n3.data(TopicTreeModel::SegmentRole).toString(), QStringLiteral("new3"));
    QCOMPARE(tree.rowCount(n3), 100);
    QCOMPARE(tree.index(42, 0, n3).data(TopicTreeModel::TopicRole).toString(), QStringLiteral("new3.t042"));
    QCOMPARE(tree.rowCount(), 12); // keep, new0..new9, old
}

void tst_TopicTreeModel::sourceRolesReachTopicNodes()
{
    SnapshotListModel source("topic", {"inRate"});
    source.setRows(rows(L({"x.y"})));
    TopicTreeModel tree;
    tree.setSourceModel(&source);
    const QModelIndex y = tree.indexOfTopic(QStringLiteral("x.y"));
    QVERIFY(y.isValid());
    QCOMPARE(tree.value(y, QStringLiteral("inRate")).toDouble(), 1.5);
    QCOMPARE(tree.value(y, QStringLiteral("path")).toString(), QStringLiteral("x.y"));
    QVERIFY(!tree.value(tree.indexOfTopic(QStringLiteral("x")), QStringLiteral("inRate")).isValid()); // a prefix only
    // Counter changes are not announced (the tree is for finding topics), but reads are current.
    QSignalSpy changed(&tree, &QAbstractItemModel::dataChanged);
    QList<QVariantMap> next = rows(L({"x.y"}));
    next[0][QStringLiteral("inRate")] = 9.0;
    source.setRows(next);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(tree.value(y, QStringLiteral("inRate")).toDouble(), 9.0);
}

QTEST_GUILESS_MAIN(tst_TopicTreeModel)
#include "tst_topictreemodel.moc"
