// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    objectName: "requestsPage"
    title: qsTr("Requests")
    background: Rectangle { color: Theme.window }
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        Label { text: qsTr("Requests through this hub, newest first, paired with their answers by correlation id"); color: Theme.muted }
        ListView {
            objectName: "requestList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Hub.requests
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                width: ListView.view.width
                text: model.topic + "  " + model.correlationId + "  " + qsTr("from %1").arg(model.origin) + "  "
                      + (model.state === "answered" ? qsTr("answered in %1 ms").arg(model.latencyMs)
                         : model.state === "unanswered" ? qsTr("no answer (timed out)") : qsTr("waiting"))
                Accessible.name: qsTr("Request %1, %2").arg(model.correlationId).arg(model.state)
            }
        }
    }
}
