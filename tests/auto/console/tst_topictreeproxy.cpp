// SPDX-License-Identifier: Apache-2.0
// The Topics page's label model: labels from the segment, isTopic and topicsBelow roles, and a
// change of any of those announced as a change of the label (a remote model's rows arrive late).
#include <topictreeproxy.h>

#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

using sb::console::TopicTreeProxy;

namespace {
enum Role { Segment = Qt::UserRole, IsTopic, TopicsBelow };

QStandardItemModel *makeSource(QObject *parent)
{
    auto *m = new QStandardItemModel(parent);
    m->setItemRoleNames({{Qt::DisplayRole, "display"}, {Segment, "segment"}, {IsTopic, "isTopic"}, {TopicsBelow, "topicsBelow"}});
    return m;
}
} // namespace

class tst_TopicTreeProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labels_data()
    {
        QTest::addColumn<QString>("segment");
        QTest::addColumn<bool>("isTopic");
        QTest::addColumn<int>("below");
        QTest::addColumn<QString>("label");
        QTest::addRow("leaf topic") << "temp" << true << 0 << "temp";
        QTest::addRow("branch") << "sensor" << false << 42 << "sensor  (42 topic(s))";
        QTest::addRow("topic with topics below") << "a" << true << 2 << "a  (2 topic(s))";
    }
    void labels()
    {
        QFETCH(QString, segment);
        QFETCH(bool, isTopic);
        QFETCH(int, below);
        QFETCH(QString, label);
        QStandardItemModel *source = makeSource(this);
        auto *item = new QStandardItem;
        item->setData(segment, Segment);
        item->setData(isTopic, IsTopic);
        item->setData(below, TopicsBelow);
        source->appendRow(item);
        TopicTreeProxy proxy;
        proxy.setSourceModel(source);
        QCOMPARE(proxy.index(0, 0).data(Qt::DisplayRole).toString(), label);
        QCOMPARE(proxy.value(proxy.index(0, 0), QStringLiteral("segment")).toString(), segment);
    }
    void lateRolesChangeTheLabel()
    {
        QStandardItemModel *source = makeSource(this);
        auto *parentItem = new QStandardItem;
        parentItem->setData(QStringLiteral("sensor"), Segment);
        source->appendRow(parentItem);
        parentItem->appendRow(new QStandardItem); // a child whose data has not arrived yet
        TopicTreeProxy proxy;
        proxy.setSourceModel(source);
        const QModelIndex child = proxy.index(0, 0, proxy.index(0, 0));
        QCOMPARE(child.data().toString(), QStringLiteral("  (0 topic(s))"));
        QSignalSpy changed(&proxy, &QAbstractItemModel::dataChanged);
        source->itemFromIndex(source->index(0, 0, source->index(0, 0)))->setData(QStringLiteral("temp"), Segment);
        bool labelAnnounced = false;
        for (const QList<QVariant> &args : std::as_const(changed))
            labelAnnounced |= args.at(0).toModelIndex() == child && args.at(2).value<QList<int>>().contains(Qt::DisplayRole);
        QVERIFY(labelAnnounced);
        QCOMPARE(child.data().toString(), QStringLiteral("temp  (0 topic(s))"));
        // A new source: the old one no longer reaches the proxy.
        QStandardItemModel *other = makeSource(this);
        proxy.setSourceModel(other);
        changed.clear();
        source->itemFromIndex(source->index(0, 0))->setData(QStringLiteral("x"), Segment);
        QCOMPARE(changed.count(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_TopicTreeProxy)
#include "tst_topictreeproxy.moc"
