// SPDX-License-Identifier: Apache-2.0
// The console's translations: both catalogues complete, the German one loads from the resources
// and translates, and no user-visible prose in the QML sits outside qsTr().
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QTranslator>

class tst_Translations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void catalogueComplete_data();
    void catalogueComplete();
    void germanLoads();
    void noBareProseInQml();
};

void tst_Translations::catalogueComplete_data()
{
    QTest::addColumn<QString>("file");
    QTest::addRow("en") << QStringLiteral(SB_SOURCE_DIR "/translations/switchboard_en.ts");
    QTest::addRow("de") << QStringLiteral(SB_SOURCE_DIR "/translations/switchboard_de.ts");
}

void tst_Translations::catalogueComplete()
{
    QFETCH(QString, file);
    QFile f(file);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
    const QByteArray ts = f.readAll();
    QVERIFY(ts.count("<message") > 50);
    QCOMPARE(ts.count("type=\"unfinished\""), 0);
    QCOMPARE(ts.count("type=\"vanished\"") + ts.count("type=\"obsolete\""), 0);
}

void tst_Translations::germanLoads()
{
    QTranslator de;
    QVERIFY(de.load(QStringLiteral(":/i18n/switchboard_de.qm")));
    QCOMPARE(de.translate("Main", "Overview"), QStringLiteral("Übersicht"));
    QCOMPARE(de.translate("TopicsPage", "%n topic(s)", nullptr, 2), QStringLiteral("%n Themen"));
    QTranslator en;
    QVERIFY(en.load(QStringLiteral(":/i18n/switchboard_en.qm")));
    QCOMPARE(en.translate("TopicsPage", "%n topic(s)", nullptr, 1), QStringLiteral("%n topic"));
}

void tst_Translations::noBareProseInQml()
{
    // A string literal with two words in a visible property is prose and must go through qsTr().
    static const QRegularExpression prose(
        QStringLiteral("(text|title|placeholderText|Accessible\\.name|ToolTip\\.text)\\s*:\\s*\"[^\"]*[A-Za-z]+ [A-Za-z]+[^\"]*\""));
    QStringList offenders;
    QDirIterator it(QStringLiteral(SB_SOURCE_DIR "/qml"), {QStringLiteral("*.qml")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        int line = 0;
        for (const QByteArray &l : f.readAll().split('\n')) {
            ++line;
            if (prose.match(QString::fromUtf8(l)).hasMatch())
                offenders << QStringLiteral("%1:%2").arg(QFileInfo(f).fileName()).arg(line);
        }
    }
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(u' ')));
}

QTEST_GUILESS_MAIN(tst_Translations)
#include "tst_translations.moc"
