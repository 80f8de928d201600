// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

// Durable subscriptions: where each one is in the journal, what it still has to read (its
// backlog, counted up to a cap), what waits for an ack, and what it delivered, redelivered,
// dead-lettered or found expired. Deleting one forgets its position.
Page {
    objectName: "durablesPage"
    title: qsTr("Durables")
    background: Rectangle { color: Theme.window }
    readonly property var columns: [
        { role: "name", title: qsTr("Name"), width: 0.14 }, { role: "channel", title: qsTr("Channel"), width: 0.1 },
        { role: "pattern", title: qsTr("Pattern"), width: 0.1 }, { role: "position", title: qsTr("Position"), width: 0.08 },
        { role: "backlog", title: qsTr("Backlog"), width: 0.08 }, { role: "waitingForAck", title: qsTr("Waiting for ack"), width: 0.09 },
        { role: "subscribers", title: qsTr("Subscribers"), width: 0.07 }, { role: "delivered", title: qsTr("Delivered"), width: 0.07 },
        { role: "redelivered", title: qsTr("Redelivered"), width: 0.07 }, { role: "deadLettered", title: qsTr("Dead-lettered"), width: 0.07 },
        { role: "expired", title: qsTr("Expired"), width: 0.06 }]

    function cellText(row, role) {
        const v = row[role]
        if (v === undefined || v === null)
            return ""
        if (role === "backlog")
            return v < 0 ? qsTr("unknown") : (row.backlogCapped ? qsTr("%1 or more").arg(v) : String(v))
        if (role === "pattern" && String(v).length === 0)
            return qsTr("(all)")
        return String(v)
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        Row {
            Repeater {
                model: columns
                delegate: Label {
                    width: (parent.parent.width - 100) * modelData.width
                    text: modelData.title
                    font.bold: true
                    color: Theme.text
                    elide: Text.ElideRight
                }
            }
        }
        ListView {
            objectName: "durableList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Hub.durables
            ScrollBar.vertical: ScrollBar {}
            delegate: RowLayout {
                id: durableRow
                readonly property var row: model
                width: ListView.view.width
                spacing: 0 // the cells line up under the headers
                Repeater {
                    model: columns
                    delegate: Label {
                        objectName: "cell_" + modelData.role
                        Layout.preferredWidth: (durableRow.width - 100) * modelData.width
                        elide: Text.ElideRight
                        color: modelData.role === "backlog" && durableRow.row.backlogCapped ? Theme.bad : Theme.text
                        text: cellText(durableRow.row, modelData.role)
                    }
                }
                Button {
                    text: qsTr("Delete")
                    Accessible.name: qsTr("Delete durable subscription %1").arg(model.name)
                    onClicked: Hub.deleteDurable(model.name)
                }
            }
        }
        Label {
            objectName: "durablesFooter"
            text: qsTr("%n durable subscription(s), %1 deliveries waiting for an ack", "", Hub.stats.durables || 0)
                  .arg(Hub.stats.durableWaiting || 0)
            color: Theme.muted
        }
    }
}
