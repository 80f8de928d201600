// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    id: page
    objectName: "deadLettersPage"
    title: qsTr("Dead letters")
    background: Rectangle { color: Theme.window }
    property string selectedId
    property string detail
    property string status
    Connections {
        target: Hub
        function onActionFinished(action, result) {
            if (action === "inspectDeadLetter")
                page.detail = result.ok ? JSON.stringify(result.deadLetter, null, 2) : result.message
            else if (action === "requeueDeadLetter")
                page.status = result.ok ? qsTr("Requeued: %n delivery(ies)", "", result.delivered) : result.code + ": " + result.message
            else if (action === "purgeDeadLetters")
                page.status = result.ok ? qsTr("Purged %n dead letter(s)", "", result.purged) : result.message
        }
    }
    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        spacing: Theme.spacing
        ColumnLayout {
            Layout.fillHeight: true
            Layout.fillWidth: true
            Layout.preferredWidth: 550
            ListView {
                objectName: "deadLetterList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: Hub.deadLetters
                ScrollBar.vertical: ScrollBar {}
                delegate: ItemDelegate {
                    // Bound, so a remote model fetches it with the row (see ChannelsPage).
                    readonly property string rowTopic: model.topic ?? ""
                    width: ListView.view.width
                    highlighted: model.id === page.selectedId
                    text: "#" + model.id + "  " + model.reason + "  " + model.destination + "  " + model.detail
                    Accessible.name: qsTr("Dead letter %1, %2").arg(model.id).arg(model.reason)
                    onClicked: {
                        page.selectedId = model.id
                        topicEdit.text = rowTopic
                        Hub.inspectDeadLetter(model.id)
                    }
                }
            }
            RowLayout {
                Button {
                    text: qsTr("Purge selected")
                    enabled: page.selectedId.length > 0
                    onClicked: Hub.purgeDeadLetters([page.selectedId])
                }
                Button { text: qsTr("Purge all"); onClicked: Hub.purgeDeadLetters([]) }
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    readOnly: true
                    text: page.detail
                    font.family: "monospace"
                    color: Theme.text
                    Accessible.name: qsTr("Dead letter details")
                    background: Rectangle { color: Theme.base; border.color: Theme.grid }
                }
            }
            Label { text: qsTr("Requeue to the original destination, optionally with another topic or payload:"); color: Theme.text; wrapMode: Text.Wrap; Layout.fillWidth: true }
            TextField { id: topicEdit; Layout.fillWidth: true; placeholderText: qsTr("Topic"); Accessible.name: qsTr("Requeue topic") }
            TextField { id: payloadEdit; Layout.fillWidth: true; placeholderText: qsTr("Payload (empty: unchanged)"); Accessible.name: qsTr("Requeue payload") }
            Button {
                text: qsTr("Requeue")
                enabled: page.selectedId.length > 0
                onClicked: {
                    const edits = {}
                    if (topicEdit.text.length > 0) edits.topic = topicEdit.text
                    if (payloadEdit.text.length > 0) edits.payload = payloadEdit.text
                    Hub.requeueDeadLetter(page.selectedId, edits)
                }
            }
            Label { text: page.status; color: Theme.muted }
        }
    }
}
