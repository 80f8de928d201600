// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    id: page
    objectName: "publishPage"
    title: qsTr("Publish")
    background: Rectangle { color: Theme.window }
    property string result
    Connections {
        target: Hub
        function onActionFinished(action, r) {
            if (action === "publish")
                page.result = r.ok ? qsTr("Published %1 to %n subscriber(s)", "", r.delivered).arg(r.id) : r.code + ": " + r.message
            else if (action === "request")
                page.result = r.ok ? qsTr("Request %1 sent, waiting for the answer").arg(r.correlationId) : r.code + ": " + r.message
            else if (action === "requestFinished")
                page.result = r.ok ? qsTr("Answer in %1 ms: %2").arg(r.latencyMs).arg(r.responseText) : r.code + ": " + r.message
        }
    }
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        GridLayout {
            columns: 2
            Layout.fillWidth: true
            Label { text: qsTr("Topic"); color: Theme.text }
            TextField { id: topic; objectName: "publishTopic"; Layout.fillWidth: true; placeholderText: "sensor.1.temp"; Accessible.name: qsTr("Topic") }
            Label { text: qsTr("Channel"); color: Theme.text }
            TextField { id: channel; Layout.fillWidth: true; placeholderText: qsTr("(default topic space)"); Accessible.name: qsTr("Channel") }
            Label { text: qsTr("Content type"); color: Theme.text }
            TextField { id: contentType; Layout.fillWidth: true; text: "application/json"; Accessible.name: qsTr("Content type") }
            Label { text: qsTr("Request timeout (ms)"); color: Theme.text }
            SpinBox { id: timeout; from: 1; to: 300000; value: 5000; editable: true; Accessible.name: qsTr("Request timeout") }
        }
        Label { text: qsTr("Payload"); color: Theme.text }
        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TextArea {
                id: payload
                objectName: "publishPayload"
                font.family: "monospace"
                color: Theme.text
                text: "{\"value\": 21.5}"
                Accessible.name: qsTr("Payload")
                background: Rectangle { color: Theme.base; border.color: Theme.grid }
            }
        }
        RowLayout {
            function message() {
                const m = { "topic": topic.text, "payload": payload.text }
                if (channel.text.length > 0) m.channel = channel.text
                if (contentType.text.length > 0) m.contentType = contentType.text
                return m
            }
            Button { objectName: "publishButton"; text: qsTr("Publish (Ctrl+Return)"); onClicked: Hub.publish(parent.message()) }
            Button { text: qsTr("Send as request"); onClicked: Hub.request(parent.message(), timeout.value) }
            Shortcut { sequence: "Ctrl+Return"; enabled: page.visible; onActivated: Hub.publish(parent.message()) }
        }
        Label { objectName: "publishResult"; text: page.result; color: Theme.muted }
    }
}
