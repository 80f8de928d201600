// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/error.h>

#include <QObject>
#include <QStringList>
#include <QTextStream>
#include <QVariantMap>
#include <functional>

namespace sb::remote {
class RemoteClient;
}

namespace sb::sbctl {

// Exit codes, stable for scripts (sysexits where one fits).
enum ExitCode {
    ExitOk = 0,
    ExitFailed = 1,       // the hub refused or could not do the command (the error says why)
    ExitUsage = 64,       // bad command line
    ExitUnavailable = 69, // no hub at the address
    ExitTimeout = 75,     // the hub did not answer in time (EX_TEMPFAIL)
    ExitNoPermission = 77 // token missing, wrong or without the role (EX_NOPERM)
};

// One table or status cell: numbers with one decimal, maps and lists as compact JSON, yes/no.
QString cell(const QVariant &v);
// Removes "--name value" (or "--name=value") from args; returns the value, or def when absent.
// *present tells whether the option was given; a missing value is reported through *error.
QString takeOption(QStringList &args, const QString &name, const QString &def = {}, bool *present = nullptr,
                   QString *error = nullptr);
bool takeFlag(QStringList &args, const QString &name);

// The sbctl command line: a replica of a hub's remote-control API, one command per run.
//   sbctl [--hub ADDRESS] [--token-file FILE] [--ca FILE] [--json] [--timeout MS] COMMAND ...
// Human-readable tables by default; --json prints one JSON document (watch: one per line).
class Sbctl : public QObject
{
    Q_OBJECT

public:
    Sbctl(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    int run(const QStringList &arguments);
    static QString usage();

private:
    int fail(const Error &error);
    int usageError(const QString &why);
    int printResult(const QVariantMap &answer, const std::function<void(const QVariantMap &)> &human);
    int status();
    int listRows(const QString &collection, const QString &filter, int limit, const QStringList &columns);
    int channels(QStringList args);
    int publish(QStringList args);
    int deadLetters(QStringList args);
    int connections(QStringList args);
    int watch(QStringList args);
    int keys(QStringList args); // sbctlkeys.cpp
    int messages(QStringList args); // sbctljournal.cpp
    int timeline(QStringList args);
    int durables(QStringList args);
    int journal(QStringList args);
    int replay(QStringList args); // sbctlreplay.cpp
    int replayStart(QStringList args);
    int followReplay(const QString &id);
    void printTable(const QVariantList &rows, const QStringList &columns);

    QTextStream &m_out;
    QTextStream &m_err;
    remote::RemoteClient *m_client = nullptr;
    bool m_json = false;
    int m_timeoutMs = 10000;
};

} // namespace sb::sbctl
