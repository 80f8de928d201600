// SPDX-License-Identifier: Apache-2.0
// Qt Quick Test for the console's QML: the pages' own logic (how they compose what they send,
// where they show a hub's validation error, what a click on a row fills in) against the real
// controller and an embedded hub. The test files are tests/auto/console/qml/tst_*.qml.
#include <consolecontroller.h>
#include <consoletypes.h>
#include <switchboardclient.h>

#include <QFile>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QQuickWindow>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Switchboard_ConsolePlugin)

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable()
    {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        qputenv("SWITCHBOARD_PLUGIN_PATH", SB_PLUGIN_DIR); // the embedded hub's native plugin, from the build tree
        // The embedded hub keeps its journal under $XDG_DATA_HOME: a directory of this run's, not
        // the user's (stored messages of an earlier run would be counted again).
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_data.path()));
        m_hub = new sb::console::ConsoleController(this);
        sb::console::registerConsoleTypes(m_hub);
        m_hub->connectEmbedded();
        if (!QTest::qWaitFor([this] { return m_hub->state() == QLatin1String("ready"); }, 10000))
            qFatal("tst_qml: the embedded hub did not become ready (state %s)", qPrintable(m_hub->state()));
        // A device on the hub's native TCP endpoint, for the Connections page.
        QString tcp;
        for (const QVariant &p : m_hub->plugins()) {
            for (const QVariant &e : p.toMap().value(QStringLiteral("endpoints")).toList()) {
                if (!e.toMap().value(QStringLiteral("tcp")).toString().isEmpty()) // native's; http has none
                    tcp = e.toMap().value(QStringLiteral("tcp")).toString();
            }
        }
        m_device = new sb::SwitchboardClient(this);
        m_device->connectToHub(QStringLiteral("tcp://") + tcp);
        if (tcp.isEmpty() || !QTest::qWaitFor([this] { return m_device->isConnected(); }, 10000))
            qFatal("tst_qml: no device connection to the embedded hub (endpoint \"%s\")", qPrintable(tcp));
    }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(QStringLiteral("qrc:/qt/qml")); }
    void cleanupTestCase()
    {
        m_device->disconnectFromHub();
        m_hub->disconnectFromHub();
    }

private:
    sb::console::ConsoleController *m_hub = nullptr;
    sb::SwitchboardClient *m_device = nullptr;
    QTemporaryDir m_data;
};

QUICK_TEST_MAIN_WITH_SETUP(console, Setup)

#include "tst_qml.moc"
