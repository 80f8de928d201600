// SPDX-License-Identifier: Apache-2.0
// switchboard: the operator console. Thin: options, then the QML module over ConsoleController.
#include "consolecontroller.h"
#include "consoletypes.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTranslator>
#include <QtQml/qqmlextensionplugin.h>

#include <memory>
#include <utility>

Q_IMPORT_QML_PLUGIN(Switchboard_ConsolePlugin)

namespace {

// One line on stderr when the window first reaches the screen: the console's start-up time, which
// an operator on a slow board (and console-bench --startup) can read without a profiler.
void reportFirstFrame(QQuickWindow *window, const QElapsedTimer &sinceMain)
{
    auto done = std::make_shared<bool>(false);
    // frameSwapped comes from the render thread where there is one: queued to the GUI thread.
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [done, sinceMain] {
        if (std::exchange(*done, true))
            return;
        qInfo("switchboard: first frame %lld ms after start", static_cast<long long>(sinceMain.elapsed()));
    }, Qt::QueuedConnection);
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("switchboard"));
    QGuiApplication::setOrganizationName(QStringLiteral("Switchboard"));
    QGuiApplication::setApplicationVersion(QStringLiteral(SWITCHBOARD_VERSION));

    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("switchboard"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "The Switchboard operator console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption hubOpt(QStringLiteral("hub"),
                                    QCoreApplication::translate("main", "Hub address: local:<socket> or tls://host:port "
                                                                        "(default: a hub embedded in the console)."),
                                    QStringLiteral("address"));
    const QCommandLineOption tokenOpt(QStringLiteral("token-file"), QCoreApplication::translate("main", "File with the hub's token."),
                                      QStringLiteral("file"));
    const QCommandLineOption caOpt(QStringLiteral("ca"), QCoreApplication::translate("main", "CA certificate for a self-signed hub."),
                                   QStringLiteral("file"));
    parser.addOptions({hubOpt, tokenOpt, caOpt});
    parser.process(app);

    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    sb::console::ConsoleController controller;
    sb::console::registerConsoleTypes(&controller);
    if (parser.isSet(hubOpt)) {
        QByteArray token = qgetenv("SWITCHBOARD_TOKEN");
        if (parser.isSet(tokenOpt)) {
            QFile f(parser.value(tokenOpt));
            if (!f.open(QIODevice::ReadOnly)) {
                fprintf(stderr, "switchboard: cannot read %s: %s\n", qPrintable(f.fileName()), qPrintable(f.errorString()));
                return 64;
            }
            token = f.readAll().trimmed();
        }
        controller.connectToHub(parser.value(hubOpt), QString::fromUtf8(token), parser.value(caOpt));
    } else {
        controller.connectEmbedded();
    }

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(70); },
                     Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Switchboard/Console/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 70;
    if (auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst()))
        reportFirstFrame(window, sinceMain);
    return app.exec();
}
