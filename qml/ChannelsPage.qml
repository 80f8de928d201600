// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    id: page
    objectName: "channelsPage"
    title: qsTr("Channels")
    background: Rectangle { color: Theme.window }
    property var errors: ({})
    property string status
    Connections {
        target: Hub
        function onActionFinished(action, result) {
            if (action !== "createChannel" && action !== "updateChannel" && action !== "deleteChannel")
                return
            const e = {}
            if (!result.ok) {
                e[(result.details && result.details.key) ? result.details.key : "form"] = result.message
                page.status = result.code
            } else {
                page.status = action === "deleteChannel" ? qsTr("Deleted %1").arg(result.name)
                                                         : qsTr("Saved %1").arg(result.channel.name)
            }
            page.errors = e
        }
    }
    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        spacing: Theme.spacing * 2
        ListView {
            id: list
            objectName: "channelList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Hub.channels
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                // Bound here, so a remote model fetches them with the row: a role read only in
                // onClicked may not have arrived yet, and the form kept its old value.
                readonly property string rowName: model.name ?? ""
                readonly property string rowType: model.type ?? ""
                readonly property string rowDescription: model.description ?? ""
                readonly property var rowMaxSize: model.maxMessageSize
                readonly property var rowTtl: model.ttlMs
                width: ListView.view.width
                text: rowName + "  (" + rowType + ")  " + rowDescription
                Accessible.name: qsTr("Channel %1").arg(rowName)
                onClicked: {
                    nameField.text = rowName
                    typeBox.currentIndex = typeBox.find(rowType)
                    descriptionField.text = rowDescription
                    maxSizeField.text = rowMaxSize === undefined ? "0" : String(rowMaxSize)
                    ttlField.text = rowTtl === undefined ? "0" : String(rowTtl)
                    page.errors = ({})
                }
            }
        }
        ColumnLayout {
            // A layout fills by default: without this the form took the whole row and the list none.
            Layout.fillWidth: false
            Layout.preferredWidth: 320
            Layout.alignment: Qt.AlignTop
            Label { text: qsTr("Name"); color: Theme.text }
            TextField { id: nameField; objectName: "channelName"; Layout.fillWidth: true; Accessible.name: qsTr("Channel name") }
            FieldError { objectName: "nameError"; message: page.errors.name || ""; Layout.fillWidth: true }
            Label { text: qsTr("Type"); color: Theme.text }
            ComboBox { id: typeBox; objectName: "channelType"; Layout.fillWidth: true; model: ["topic", "broadcast", "queue", "point-to-point"]; Accessible.name: qsTr("Channel type") }
            FieldError { message: page.errors.type || ""; Layout.fillWidth: true }
            Label { text: qsTr("Description"); color: Theme.text }
            TextField { id: descriptionField; objectName: "channelDescription"; Layout.fillWidth: true; Accessible.name: qsTr("Description") }
            Label { text: qsTr("Max message size (bytes, 0: hub limit)"); color: Theme.text }
            TextField { id: maxSizeField; objectName: "channelMaxSize"; Layout.fillWidth: true; text: "0"; Accessible.name: qsTr("Max message size") }
            FieldError { objectName: "maxSizeError"; message: page.errors["max-message-size"] || ""; Layout.fillWidth: true }
            Label { text: qsTr("TTL (ms, 0: none)"); color: Theme.text }
            TextField { id: ttlField; Layout.fillWidth: true; text: "0"; Accessible.name: qsTr("Time to live") }
            FieldError { message: page.errors["ttl-ms"] || ""; Layout.fillWidth: true }
            FieldError { objectName: "formError"; message: page.errors.form || ""; Layout.fillWidth: true }
            RowLayout {
                function config() {
                    return { "name": nameField.text, "type": typeBox.currentText, "description": descriptionField.text,
                             "max-message-size": maxSizeField.text, "ttl-ms": ttlField.text }
                }
                Button { objectName: "createChannel"; text: qsTr("Create"); onClicked: Hub.createChannel(parent.config()) }
                Button { text: qsTr("Update"); onClicked: Hub.updateChannel(parent.config()) }
                Button { objectName: "deleteChannel"; text: qsTr("Delete"); onClicked: Hub.deleteChannel(nameField.text) }
            }
            Label { text: page.status; color: Theme.muted }
        }
    }
}
