// SPDX-License-Identifier: Apache-2.0
#include <switchboard/topic.h>
#include <switchboard/topictrie.h>

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

using namespace sb;

class tst_TopicTrie : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void match_data();
    void match();
    void agreesWithBruteForce();
    void removePrunes();
    void removeUnknown();
};

using Ids = QVector<SubscriptionId>;

static Ids sorted(Ids v)
{
    std::sort(v.begin(), v.end());
    return v;
}

void tst_TopicTrie::match_data()
{
    QTest::addColumn<QStringList>("patterns"); // id = index + 1
    QTest::addColumn<QString>("topic");
    QTest::addColumn<Ids>("expected");
    const QStringList p{QStringLiteral("sensor.1.temp"), QStringLiteral("sensor.*.temp"), QStringLiteral("sensor.>"),
                        QStringLiteral(">"), QStringLiteral("sensor.*"), QStringLiteral("*.*.temp")};
    QTest::addRow("all kinds") << p << "sensor.1.temp" << Ids{1, 2, 3, 4, 6};
    QTest::addRow("other sensor") << p << "sensor.2.temp" << Ids{2, 3, 4, 6};
    QTest::addRow("two segments") << p << "sensor.2" << Ids{3, 4, 5};
    QTest::addRow("one segment") << p << "sensor" << Ids{4};
    QTest::addRow("unrelated") << p << "actuator.1.temp" << Ids{4, 6};
    QTest::addRow("duplicates stay separate") << QStringList{QStringLiteral("a"), QStringLiteral("a")} << "a"
                                              << Ids{1, 2};
}

void tst_TopicTrie::match()
{
    QFETCH(QStringList, patterns);
    QFETCH(QString, topic);
    QFETCH(Ids, expected);
    TopicTrie trie;
    for (int i = 0; i < patterns.size(); ++i)
        trie.insert(patterns[i], SubscriptionId(i + 1));
    Ids out;
    trie.match(topic, out);
    QCOMPARE(sorted(out), expected);
}

void tst_TopicTrie::agreesWithBruteForce()
{
    QRandomGenerator rng(7);
    const QStringList words{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
    auto randomName = [&](bool wildcards) {
        QStringList segs;
        const int depth = 1 + int(rng.bounded(4));
        for (int i = 0; i < depth; ++i) {
            const int r = int(rng.bounded(10));
            if (wildcards && r == 0 && i == depth - 1)
                segs << QStringLiteral(">");
            else if (wildcards && r < 3)
                segs << QStringLiteral("*");
            else
                segs << words[int(rng.bounded(3))];
        }
        return segs.join(QLatin1Char('.'));
    };
    QStringList patterns;
    TopicTrie trie;
    for (int i = 0; i < 400; ++i) {
        patterns << randomName(true);
        QVERIFY(Topic::validatePattern(patterns.last()));
        trie.insert(patterns.last(), SubscriptionId(i + 1));
    }
    for (int t = 0; t < 300; ++t) {
        const QString topic = randomName(false);
        Ids expected;
        for (int i = 0; i < patterns.size(); ++i) {
            if (Topic::matches(patterns[i], topic))
                expected << SubscriptionId(i + 1);
        }
        Ids out;
        trie.match(topic, out);
        QCOMPARE(sorted(out), expected);
    }
}

void tst_TopicTrie::removePrunes()
{
    TopicTrie trie;
    trie.insert(QStringLiteral("a.*.c"), 1);
    trie.insert(QStringLiteral("a.>"), 2);
    trie.insert(QStringLiteral("a.b.c"), 3);
    QCOMPARE(trie.size(), 3);
    QVERIFY(trie.remove(QStringLiteral("a.*.c"), 1));
    QVERIFY(trie.remove(QStringLiteral("a.b.c"), 3));
    Ids out;
    trie.match(QStringLiteral("a.b.c"), out);
    QCOMPARE(out, Ids{2});
    QVERIFY(trie.remove(QStringLiteral("a.>"), 2));
    QCOMPARE(trie.size(), 0);
    out.clear();
    trie.match(QStringLiteral("a.b.c"), out);
    QVERIFY(out.isEmpty());
}

void tst_TopicTrie::removeUnknown()
{
    TopicTrie trie;
    trie.insert(QStringLiteral("a.b"), 1);
    QVERIFY(!trie.remove(QStringLiteral("a.b"), 2));
    QVERIFY(!trie.remove(QStringLiteral("a.c"), 1));
    QVERIFY(!trie.remove(QStringLiteral("a.*"), 1));
    QCOMPARE(trie.size(), 1);
}

QTEST_GUILESS_MAIN(tst_TopicTrie)
#include "tst_topictrie.moc"
