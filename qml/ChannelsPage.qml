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
                width: ListView.view.width
                text: model.name + "  (" + model.type + ")  " + model.description
                Accessible.name: qsTr("Channel %1").arg(model.name)
                onClicked: {
                    nameField.text = model.name
                    typeBox.currentIndex = typeBox.find(model.type)
                    descriptionField.text = model.description
                    maxSizeField.text = model.maxMessageSize
                    ttlField.text = model.ttlMs
                    page.errors = ({})
                }
            }
        }
        ColumnLayout {
            Layout.preferredWidth: 320
            Layout.alignment: Qt.AlignTop
            Label { text: qsTr("Name"); color: Theme.text }
            TextField { id: nameField; objectName: "channelName"; Layout.fillWidth: true; Accessible.name: qsTr("Channel name") }
            FieldError { message: page.errors.name || ""; Layout.fillWidth: true }
            Label { text: qsTr("Type"); color: Theme.text }
            ComboBox { id: typeBox; Layout.fillWidth: true; model: ["topic", "broadcast", "queue", "point-to-point"]; Accessible.name: qsTr("Channel type") }
            FieldError { message: page.errors.type || ""; Layout.fillWidth: true }
            Label { text: qsTr("Description"); color: Theme.text }
            TextField { id: descriptionField; Layout.fillWidth: true; Accessible.name: qsTr("Description") }
            Label { text: qsTr("Max message size (bytes, 0: hub limit)"); color: Theme.text }
            TextField { id: maxSizeField; objectName: "channelMaxSize"; Layout.fillWidth: true; text: "0"; Accessible.name: qsTr("Max message size") }
            FieldError { objectName: "maxSizeError"; message: page.errors["max-message-size"] || ""; Layout.fillWidth: true }
            Label { text: qsTr("TTL (ms, 0: none)"); color: Theme.text }
            TextField { id: ttlField; Layout.fillWidth: true; text: "0"; Accessible.name: qsTr("Time to live") }
            FieldError { message: page.errors["ttl-ms"] || ""; Layout.fillWidth: true }
            FieldError { message: page.errors.form || ""; Layout.fillWidth: true }
            RowLayout {
                function config() {
                    return { "name": nameField.text, "type": typeBox.currentText, "description": descriptionField.text,
                             "max-message-size": maxSizeField.text, "ttl-ms": ttlField.text }
                }
                Button { objectName: "createChannel"; text: qsTr("Create"); onClicked: Hub.createChannel(parent.config()) }
                Button { text: qsTr("Update"); onClicked: Hub.updateChannel(parent.config()) }
                Button { text: qsTr("Delete"); onClicked: Hub.deleteChannel(nameField.text) }
            }
            Label { text: page.status; color: Theme.muted }
        }
    }
}
