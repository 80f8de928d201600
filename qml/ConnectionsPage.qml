// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    objectName: "connectionsPage"
    title: qsTr("Connections")
    background: Rectangle { color: Theme.window }
    property string sortRole: "id"
    property bool ascending: true
    readonly property var columns: [
        { role: "id", title: qsTr("Id"), width: 0.16 }, { role: "protocol", title: qsTr("Protocol"), width: 0.1 },
        { role: "peer", title: qsTr("Peer"), width: 0.16 }, { role: "identity", title: qsTr("Identity"), width: 0.1 },
        { role: "subscriptions", title: qsTr("Subs"), width: 0.06 }, { role: "inRate", title: qsTr("In/s"), width: 0.08 },
        { role: "outRate", title: qsTr("Out/s"), width: 0.08 }, { role: "metadata", title: qsTr("Metadata"), width: 0.14 }]
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        Row {
            Repeater {
                model: columns
                delegate: Button {
                    width: (parent.parent.width - 100) * modelData.width
                    flat: true
                    text: modelData.title + (sortRole === modelData.role ? (ascending ? " ▲" : " ▼") : "")
                    Accessible.name: qsTr("Sort by %1").arg(modelData.title)
                    onClicked: {
                        ascending = sortRole === modelData.role ? !ascending : true
                        sortRole = modelData.role
                        Hub.sortConnections(sortRole, ascending)
                    }
                }
            }
        }
        ListView {
            objectName: "connectionList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Hub.connections
            ScrollBar.vertical: ScrollBar {}
            delegate: RowLayout {
                id: connectionRow
                // The row's roles, for the cells below (inside the Repeater, "model" and "index"
                // are the column's). Bound, so the cells follow the row's snapshot updates.
                readonly property var row: model
                width: ListView.view.width
                Repeater {
                    model: columns
                    delegate: Label {
                        objectName: "cell_" + modelData.role
                        Layout.preferredWidth: (connectionRow.width - 100) * modelData.width
                        elide: Text.ElideRight
                        color: Theme.text
                        text: {
                            const v = connectionRow.row[modelData.role]
                            if (v === undefined || v === null)
                                return ""
                            return typeof v === "number" && modelData.role.endsWith("Rate") ? v.toFixed(1) : String(v)
                        }
                    }
                }
                Button {
                    text: qsTr("Close")
                    Accessible.name: qsTr("Close connection %1").arg(model.id)
                    onClicked: Hub.closeConnection(model.id, qsTr("closed from the console"))
                }
            }
        }
        Label { text: qsTr("%n connection(s)", "", Hub.stats.connections || 0); color: Theme.muted }
    }
}
