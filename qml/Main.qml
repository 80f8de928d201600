// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 1200
    height: 760
    visible: true
    title: qsTr("Switchboard console") + (Hub.hubName.length > 0 ? " — " + Hub.hubName : "")
    color: Theme.window
    palette.window: Theme.window
    palette.base: Theme.base
    palette.text: Theme.text
    palette.windowText: Theme.text
    palette.buttonText: Theme.text
    palette.button: Theme.base
    palette.highlight: Theme.accent

    property alias currentPage: tabs.currentIndex

    header: ToolBar {
        background: Rectangle { color: Theme.base }
        RowLayout {
            anchors.fill: parent
            Label {
                objectName: "connectionState"
                Layout.leftMargin: Theme.spacing
                text: Hub.state === "ready" ? qsTr("Connected to %1").arg(Hub.embedded ? qsTr("the embedded hub") : Hub.address)
                      : Hub.state === "connecting" ? qsTr("Connecting to %1…").arg(Hub.address)
                      : Hub.state === "failed" ? qsTr("Not connected: %1 (%2)").arg(Hub.errorText).arg(Hub.errorCode)
                      : qsTr("Not connected")
                color: Hub.state === "failed" ? Theme.bad : Theme.text
                Accessible.name: text
            }
            Item { Layout.fillWidth: true }
            ToolButton { text: qsTr("Connect… (Ctrl+K)"); onClicked: connectDialog.open() }
            ToolButton { text: Theme.dark ? qsTr("Light (Ctrl+D)") : qsTr("Dark (Ctrl+D)"); onClicked: Theme.dark = !Theme.dark }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        TabBar {
            id: tabs
            objectName: "pageTabs"
            Layout.fillWidth: true
            Repeater {
                model: [qsTr("Overview"), qsTr("Topics"), qsTr("Connections"), qsTr("Channels"), qsTr("Dead letters"),
                        qsTr("Publish"), qsTr("Requests"), qsTr("Durables"), qsTr("Messages"), qsTr("Replay")]
                TabButton { text: modelData + "  (Ctrl+" + ((index + 1) % 10) + ")"; Accessible.name: modelData }
            }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex
            OverviewPage {}
            TopicsPage {}
            ConnectionsPage {}
            ChannelsPage {}
            DeadLettersPage {}
            PublishPage {}
            RequestsPage {}
            DurablesPage {}
            MessagesPage { onReplayRequested: tabs.currentIndex = 9 }
            ReplayPage {}
        }
    }

    Repeater {
        model: 10
        Item {
            Shortcut { sequence: "Ctrl+" + ((index + 1) % 10); onActivated: tabs.currentIndex = index }
        }
    }
    Shortcut { sequence: "Ctrl+K"; onActivated: connectDialog.open() }
    Shortcut { sequence: "Ctrl+D"; onActivated: Theme.dark = !Theme.dark }
    Shortcut { sequence: StandardKey.Quit; onActivated: Qt.quit() }

    ConnectDialog { id: connectDialog; anchors.centerIn: parent; width: 480 }
}
