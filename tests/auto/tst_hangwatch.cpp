// SPDX-License-Identifier: Apache-2.0
// The hang watchdog the integration tests link: its dump names a hung child and shows its stack,
// and a test that runs past its limit ends in a dump and an abort instead of ctest's silent kill.
#include "hangwatch.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>

#include <unistd.h>

using namespace sb::test;

class tst_HangWatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dumpShowsChildStack();
    void hangEndsInDumpAndAbort();
    void hangHelper();

private:
    static bool haveGdb() { return !qEnvironmentVariableIsSet("SB_HANGWATCH_GDB") && !QStandardPaths::findExecutable(QStringLiteral("gdb")).isEmpty(); }
};

void tst_HangWatch::dumpShowsChildStack()
{
    QProcess sleeper;
    sleeper.start(QStringLiteral("sleep"), {QStringLiteral("120")});
    QVERIFY(sleeper.waitForStarted(10000));
    const qint64 pid = sleeper.processId();
    // QProcess reports "started" when exec closes its pipe, a moment before the kernel has set up
    // the new image's arguments: wait until /proc shows them, as a hung child long since would.
    const auto argumentsShown = [pid] {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        return cmdline.open(QIODevice::ReadOnly) && !cmdline.readAll().isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(argumentsShown(), 10000);
    QTemporaryFile out;
    QVERIFY(out.open());
    HangWatch::dumpProcess(pid, out.handle());
    out.seek(0);
    const QByteArray dump = out.readAll();
    sleeper.kill();
    sleeper.waitForFinished(10000);
    QVERIFY2(QString::fromUtf8(dump).contains(QRegularExpression(QStringLiteral("=== hangwatch: process %1: \\S*sleep 120").arg(pid))),
             dump.constData());
    QVERIFY2(dump.contains(" wchan "), dump.constData());
    if (haveGdb()) {
        QVERIFY2(dump.contains("#0 "), dump.constData());
        QVERIFY2(dump.contains("sleep"), dump.constData()); // clock_nanosleep, nanosleep...
    }
}

void tst_HangWatch::hangEndsInDumpAndAbort()
{
    QProcess helper;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SB_HANGWATCH_TIMEOUT_S"), QStringLiteral("120"));
    env.insert(QStringLiteral("SB_HANGWATCH_FUNCTION_TIMEOUT_S"), QStringLiteral("2"));
    env.insert(QStringLiteral("SB_HANGWATCH_SELFTEST"), QStringLiteral("1"));
    helper.setProcessEnvironment(env);
    helper.start(QCoreApplication::applicationFilePath(), {QStringLiteral("hangHelper")});
    QVERIFY(helper.waitForStarted(10000));
    const qint64 helperPid = helper.processId();
    QVERIFY2(helper.waitForFinished(150000), "the watchdog did not end the hung helper");
    const QByteArray out = helper.readAllStandardOutput();
    const QByteArray err = helper.readAllStandardError();
    QCOMPARE(helper.exitStatus(), QProcess::CrashExit);
    const qsizetype at = out.indexOf("child pid ");
    QVERIFY2(at >= 0, out.constData());
    const QByteArray child = out.mid(at + 10, out.indexOf('\n', at) - at - 10);
    QVERIFY2(err.contains("hangwatch: the test function ran longer than SB_HANGWATCH_FUNCTION_TIMEOUT_S=2 s (last test function started: hangHelper)"),
             err.constData());
    QVERIFY2(err.contains(QByteArray("registered children: " + child + " (sleep)")), err.constData());
    QVERIFY2(QString::fromUtf8(err).contains(QRegularExpression(QStringLiteral("=== hangwatch: process %1: \\S*sleep 120").arg(QString::fromLatin1(child)))),
             err.constData());
    QVERIFY2(err.contains(QByteArray("=== hangwatch: process " + QByteArray::number(helperPid))), err.constData());
    if (haveGdb()) {
        QVERIFY2(err.contains("#0 "), err.constData());
        QVERIFY2(err.contains("tst_HangWatch::hangHelper"), err.constData()); // the test's own frame
    }
    QVERIFY(err.contains("hangwatch: aborting"));
}

// Run only by hangEndsInDumpAndAbort, in a child process: a test function that hangs.
void tst_HangWatch::hangHelper()
{
    if (!qEnvironmentVariableIsSet("SB_HANGWATCH_SELFTEST"))
        QSKIP("only run by hangEndsInDumpAndAbort");
    HangWatch::testFunctionStarted(QTest::currentTestFunction());
    QProcess sleeper;
    sleeper.start(QStringLiteral("sleep"), {QStringLiteral("120")});
    QVERIFY(sleeper.waitForStarted(10000));
    HangWatch::registerChild(sleeper.processId(), "sleep");
    printf("child pid %lld\n", sleeper.processId());
    fflush(stdout);
    QThread::sleep(100); // the hang: the watchdog ends it after 2 s
    QFAIL("the watchdog did not fire");
}

QTEST_GUILESS_MAIN(tst_HangWatch)
#include "tst_hangwatch.moc"
