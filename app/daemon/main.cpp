// SPDX-License-Identifier: Apache-2.0
// switchboardd: the headless hub.
#include "daemon.h"
#include "journaldlog.h"
#include "jsonlog.h"
#include "signalwatcher.h"
#include "systemdnotifier.h"

#include <switchboard/hub.h>
#include <switchboard/bus.h>
#include <switchboard/stats.h>

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

#ifdef SWITCHBOARD_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

using namespace sb::daemon;

namespace {
// The allocator this binary runs on, for the start-up log ("jemalloc 5.3.0-0-g54eaed1d" or "glibc").
QString allocatorName()
{
#ifdef SWITCHBOARD_WITH_JEMALLOC
    const char *version = nullptr;
    size_t size = sizeof version;
    if (mallctl("version", &version, &size, nullptr, 0) == 0 && version)
        return QStringLiteral("jemalloc ") + QString::fromLatin1(version);
    return QStringLiteral("jemalloc");
#else
    return QStringLiteral("glibc");
#endif
}
} // namespace

int main(int argc, char *argv[])
{
    // The headless hub needs nothing from GLib: Qt's own UNIX event dispatcher costs less per
    // wake-up and per socket-notifier toggle (an unbuffered socket toggles its read notifier on
    // every read). QT_NO_GLIB set to an empty value keeps the GLib dispatcher.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("switchboardd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Switchboard communication hub (headless daemon)"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOpt(QStringLiteral("config"),
                                       QStringLiteral("YAML configuration file (default: built-in embedded defaults, "
                                                      "or $SWITCHBOARD_CONFIG)."),
                                       QStringLiteral("file"));
    const QCommandLineOption checkOpt(QStringLiteral("check-config"),
                                      QStringLiteral("Validate the configuration and plugins, then exit."));
    const QCommandLineOption pluginOpt(QStringLiteral("plugin-path"),
                                       QStringLiteral("Extra directory to search for protocol plugins."),
                                       QStringLiteral("dir"));
    const QCommandLineOption logOpt(QStringLiteral("log-level"),
                                    QStringLiteral("debug, info, warning or error (overrides the config)."),
                                    QStringLiteral("level"));
    parser.addOptions({configOpt, checkOpt, pluginOpt, logOpt});
    if (!parser.parse(app.arguments())) {
        fprintf(stderr, "switchboardd: %s\n", qPrintable(parser.errorText()));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(ExitOk);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    QString configPath = parser.value(configOpt);
    if (configPath.isEmpty())
        configPath = qEnvironmentVariable("SWITCHBOARD_CONFIG");
    sb::Result<DaemonConfig> config = configPath.isEmpty() ? sb::Result<DaemonConfig>(DaemonConfig::defaults())
                                                           : DaemonConfig::fromFile(configPath);
    const QString level = parser.isSet(logOpt) ? parser.value(logOpt) : (config ? config->logLevel : QStringLiteral("info"));
    // Run by systemd with stderr to the journal: entries with fields (SB_*), not JSON lines.
    if (JournaldLog::stderrIsJournal())
        JsonLog::setSink(&JournaldLog::send);
    JsonLog::install(level);
    if (!config) {
        JsonLog::event("error", QStringLiteral("invalid configuration"),
                       {{QStringLiteral("code"), config.error().codeName()},
                        {QStringLiteral("reason"), config.error().message}});
        fprintf(stdout, "%s\n", qPrintable(config.error().toString()));
        return ExitConfig;
    }

    Daemon daemon(config.value(), parser.values(pluginOpt));
    if (parser.isSet(checkOpt)) {
        const sb::Status st = daemon.check();
        if (!st) {
            fprintf(stdout, "%s\n", qPrintable(st.error().toString()));
            return exitCodeFor(st.error());
        }
        fprintf(stdout, "%s: configuration OK\n", qPrintable(config->sourceName));
        return ExitOk;
    }

    // Under systemd (Type=notify): ready, reloading, stopping, a status line, the watchdog.
    SystemdNotifier systemd;
    systemd.setStatusSource([&daemon] {
        const QVariantMap s = daemon.hub()->bus()->stats()->globalSnapshot();
        return QStringLiteral("%1 connection(s), %2 msg/s in, %3 msg/s out")
            .arg(daemon.hub()->connections().size())
            .arg(s.value(QStringLiteral("inRate")).toDouble(), 0, 'f', 0)
            .arg(s.value(QStringLiteral("outRate")).toDouble(), 0, 'f', 0);
    });
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminateRequested, &daemon, [&daemon, &systemd] {
        systemd.stopping();
        daemon.shutdown();
    });
    QObject::connect(&daemon, &Daemon::finished, &app, &QCoreApplication::exit);
    // SIGHUP (systemctl reload) re-reads the file; a bad file is refused and changes nothing.
    QObject::connect(&signalWatcher, &SignalWatcher::reloadRequested, &daemon, [&daemon, &systemd] {
        systemd.reloading();
        const sb::Result<QVariantMap> r = daemon.reload();
        if (!r)
            JsonLog::event("error", QStringLiteral("reload refused"),
                           {{QStringLiteral("code"), r.error().codeName()}, {QStringLiteral("reason"), r.error().message}});
        systemd.ready();
    });
    if (const sb::Status st = daemon.start(); !st) {
        JsonLog::event("error", QStringLiteral("cannot start"),
                       {{QStringLiteral("code"), st.error().codeName()}, {QStringLiteral("reason"), st.error().message}});
        return exitCodeFor(st.error());
    }
    systemd.ready();
    JsonLog::event("info", QStringLiteral("memory allocator"), {{QStringLiteral("allocator"), allocatorName()}});
    if (systemd.active())
        JsonLog::event("info", QStringLiteral("systemd notified"), {{QStringLiteral("watchdogUsec"), systemd.watchdogUsec()}});
    return app.exec();
}
