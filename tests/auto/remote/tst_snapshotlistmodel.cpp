// SPDX-License-Identifier: Apache-2.0
#include <snapshotlistmodel.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using sb::remote::SnapshotListModel;

namespace {
QStringList L(std::initializer_list<const char *> keys)
{
    QStringList out;
    for (const char *k : keys)
        out << QString::fromLatin1(k);
    return out;
}
QList<QVariantMap> rowsOf(const QStringList &keys, int value = 0)
{
    QList<QVariantMap> rows;
    for (const QString &k : keys)
        rows.append({{QStringLiteral("name"), k}, {QStringLiteral("value"), value}});
    return rows;
}
QStringList keysOf(const SnapshotListModel &m)
{
    QStringList keys;
    for (int r = 0; r < m.rowCount(); ++r)
        keys << m.data(m.index(r), Qt::DisplayRole).toString();
    return keys;
}
} // namespace

class tst_SnapshotListModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roles();
    void diff_data();
    void diff();
    void changedRowsOnly();
};

void tst_SnapshotListModel::roles()
{
    SnapshotListModel m("name", {"value", "rate"});
    QAbstractItemModelTester tester(&m);
    const QHash<int, QByteArray> names = m.roleNames();
    QCOMPARE(names.value(Qt::UserRole), QByteArray("name")); // the key role comes first
    QCOMPARE(names.value(Qt::UserRole + 1), QByteArray("value"));
    QCOMPARE(m.roleFor("rate"), Qt::UserRole + 2);
    QCOMPARE(m.roleFor("nope"), -1);
    m.setRows({{{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("value"), 7}}});
    QCOMPARE(m.data(m.index(0), m.roleFor("value")).toInt(), 7);
    QVERIFY(!m.data(m.index(0), Qt::UserRole + 99).isValid());
}

void tst_SnapshotListModel::diff_data()
{
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QStringList>("after");
    QTest::addColumn<QStringList>("expected"); // kept rows keep their place; new ones are appended
    QTest::addColumn<int>("inserted"); // rowsInserted signals: one per contiguous run
    QTest::addColumn<int>("removed");  // rowsRemoved signals: one per contiguous run

    QTest::addRow("empty to rows") << QStringList() << L({"a", "b"}) << L({"a", "b"}) << 1 << 0;
    QTest::addRow("rows to empty") << L({"a", "b"}) << QStringList() << QStringList() << 0 << 1;
    QTest::addRow("same") << L({"a", "b"}) << L({"a", "b"}) << L({"a", "b"}) << 0 << 0;
    QTest::addRow("reordered keeps order") << L({"a", "b"}) << L({"b", "a"}) << L({"a", "b"}) << 0 << 0;
    QTest::addRow("middle removed") << L({"a", "b", "c"}) << L({"a", "c"}) << L({"a", "c"}) << 0 << 1;
    QTest::addRow("two runs removed") << L({"a", "b", "c", "d", "e"}) << L({"a", "c", "e"})
                                      << L({"a", "c", "e"}) << 0 << 2;
    QTest::addRow("append and remove") << L({"a", "b"}) << L({"c", "b", "d"}) << L({"b", "c", "d"})
                                       << 1 << 1;
    QTest::addRow("duplicate key in snapshot") << QStringList() << L({"a", "a", "b"}) << L({"a", "b"}) << 1 << 0;
}

void tst_SnapshotListModel::diff()
{
    QFETCH(QStringList, before);
    QFETCH(QStringList, after);
    QFETCH(QStringList, expected);
    QFETCH(int, inserted);
    QFETCH(int, removed);

    SnapshotListModel m("name", {"value"});
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRows(rowsOf(before));
    QSignalSpy ins(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy rem(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    m.setRows(rowsOf(after));
    QCOMPARE(keysOf(m), expected);
    QCOMPARE(ins.count(), inserted);
    QCOMPARE(rem.count(), removed);
    QCOMPARE(reset.count(), 0); // views keep their place: never a reset
    for (int r = 0; r < m.rowCount(); ++r)
        QCOMPARE(m.indexOfKey(expected.at(r)), r);
}

void tst_SnapshotListModel::changedRowsOnly()
{
    SnapshotListModel m("name", {"value"});
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setRows(rowsOf(L({"a", "b", "c", "d"})));
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.setRows(rowsOf(L({"a", "b", "c", "d"})));
    QCOMPARE(changed.count(), 0);

    QList<QVariantMap> next = rowsOf(L({"a", "b", "c", "d"}));
    next[1][QStringLiteral("value")] = 1;
    next[2][QStringLiteral("value")] = 1;
    m.setRows(next);
    QCOMPARE(changed.count(), 1); // one run: rows 1..2
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 2);
    QCOMPARE(m.data(m.index(2), m.roleFor("value")).toInt(), 1);
}

QTEST_GUILESS_MAIN(tst_SnapshotListModel)
#include "tst_snapshotlistmodel.moc"
