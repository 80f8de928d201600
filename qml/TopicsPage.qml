// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    objectName: "topicsPage"
    title: qsTr("Topics")
    background: Rectangle { color: Theme.window }
    property int selected: -1
    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        spacing: Theme.spacing
        ColumnLayout {
            Layout.fillHeight: true
            Layout.fillWidth: true
            Layout.preferredWidth: 600
            TextField {
                id: filter
                objectName: "topicFilter"
                Layout.fillWidth: true
                placeholderText: qsTr("Filter: sensor.*.temp, plant.> or any text")
                Accessible.name: qsTr("Topic filter")
                onTextChanged: Hub.topics.filterText = text
            }
            Label {
                text: Hub.topics.filterIsPattern ? qsTr("%n topic(s) match the pattern", "", Hub.topics.count)
                                                 : qsTr("%n topic(s)", "", Hub.topics.count)
                color: Theme.muted
            }
            ListView {
                id: list
                objectName: "topicList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: Hub.topics
                reuseItems: true
                currentIndex: selected
                ScrollBar.vertical: ScrollBar {}
                delegate: ItemDelegate {
                    width: ListView.view.width
                    highlighted: ListView.isCurrentItem
                    text: model.topic + "    " + Number(model.inRate).toLocaleString(Qt.locale(), "f", 1) + qsTr(" msg/s")
                    Accessible.name: qsTr("Topic %1").arg(model.topic)
                    onClicked: selected = index
                }
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Label {
                text: selected >= 0 ? Hub.topics.get(selected, "topic") : qsTr("Select a topic to see its last message")
                font.bold: true
                color: Theme.text
            }
            ComboBox {
                id: mode
                objectName: "payloadMode"
                model: [qsTr("Auto"), qsTr("JSON"), qsTr("Text"), qsTr("Hex")]
                Accessible.name: qsTr("Payload format")
            }
            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    objectName: "payloadView"
                    readOnly: true
                    font.family: "monospace"
                    color: Theme.text
                    Accessible.name: qsTr("Last payload")
                    text: selected >= 0 && list.count > selected && Hub.stats !== undefined
                          ? Payload.format(Hub.topics.get(selected, "lastPayload"), mode.currentIndex) : ""
                    background: Rectangle { color: Theme.base; border.color: Theme.grid }
                }
            }
        }
    }
}
