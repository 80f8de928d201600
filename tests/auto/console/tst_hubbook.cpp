// SPDX-License-Identifier: Apache-2.0
// Remembered hubs in the settings, tokens in the keychain; with no keychain service (as on this
// headless test machine) saving a token is refused with an explanation and nothing lands on disk.
#include <hubbook.h>

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using sb::console::HubBook;

class tst_HubBook : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rememberAndForget();
    void tokenGoesToKeychainOrIsRefused();
};

void tst_HubBook::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("SwitchboardTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_hubbook"));
    QSettings().clear();
}

void tst_HubBook::rememberAndForget()
{
    HubBook book;
    QSignalSpy changed(&book, &HubBook::hubsChanged);
    book.remember(QStringLiteral("tls://a.example:7411"), QStringLiteral("/etc/a.pem"), QString(), false);
    book.remember(QStringLiteral("local:/run/switchboard/control.sock"), QString(), QString(), false);
    book.remember(QStringLiteral("tls://a.example:7411"), QStringLiteral("/etc/a2.pem"), QString(), false);
    QCOMPARE(changed.count(), 3);
    const QVariantList hubs = book.hubs();
    QCOMPARE(hubs.size(), 2); // no duplicates; the latest use comes first
    QCOMPARE(hubs.at(0).toMap().value(QStringLiteral("address")).toString(), QStringLiteral("tls://a.example:7411"));
    QCOMPARE(hubs.at(0).toMap().value(QStringLiteral("caFile")).toString(), QStringLiteral("/etc/a2.pem"));
    QCOMPARE(hubs.at(0).toMap().value(QStringLiteral("tokenSaved")).toBool(), false);
    book.forget(QStringLiteral("tls://a.example:7411"));
    QCOMPARE(book.hubs().size(), 1);
    QCOMPARE(book.hubs().at(0).toMap().value(QStringLiteral("address")).toString(), QStringLiteral("local:/run/switchboard/control.sock"));
}

void tst_HubBook::tokenGoesToKeychainOrIsRefused()
{
    HubBook book;
    QSignalSpy saved(&book, &HubBook::tokenSaved);
    QSignalSpy refused(&book, &HubBook::keychainUnavailable);
    const QString address = QStringLiteral("tls://board.example:7411");
    book.remember(address, QString(), QStringLiteral("s3cret-token"), true);
    QTRY_VERIFY_WITH_TIMEOUT(saved.count() + refused.count() == 1, 30000);

    // The token never lands in the settings, whatever the keychain said.
    QDirIterator it(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            QVERIFY2(!f.readAll().contains("s3cret-token"), qPrintable(f.fileName()));
    }

    QSignalSpy loaded(&book, &HubBook::tokenLoaded);
    QSignalSpy unavailable(&book, &HubBook::tokenUnavailable);
    book.loadToken(address);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + unavailable.count() == 1, 30000);
    if (refused.count() == 1) {
        qInfo("no keychain service here: %s", qPrintable(refused.first().at(1).toString()));
        QVERIFY(refused.first().at(1).toString().contains(QLatin1String("keychain")));
        QCOMPARE(book.hubs().at(0).toMap().value(QStringLiteral("tokenSaved")).toBool(), false);
        QCOMPARE(unavailable.count(), 1);
        QVERIFY(!unavailable.first().at(1).toString().isEmpty());
    } else {
        QCOMPARE(book.hubs().at(0).toMap().value(QStringLiteral("tokenSaved")).toBool(), true);
        QCOMPARE(loaded.first().at(1).toString(), QStringLiteral("s3cret-token"));
        book.forget(address);
    }
}

QTEST_GUILESS_MAIN(tst_HubBook)
#include "tst_hubbook.moc"
