// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    id: page
    objectName: "topicsPage"
    title: qsTr("Topics")
    background: Rectangle { color: Theme.window }
    property string selectedTopic
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
                onTextChanged: { Hub.topics.filterText = text; Hub.topicTree.filterText = text }
            }
            Label {
                text: Hub.topics.filterIsPattern ? qsTr("%n topic(s) match the pattern", "", Hub.topicTree.topicCount)
                                                 : qsTr("%n topic(s)", "", Hub.topicTree.topicCount)
                color: Theme.muted
            }
            TreeView {
                id: tree
                objectName: "topicTree"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: Hub.topicTree
                ScrollBar.vertical: ScrollBar {}
                delegate: TreeViewDelegate {
                    implicitWidth: tree.width
                    highlighted: model.path === page.selectedTopic
                    Accessible.name: model.isTopic ? qsTr("Topic %1").arg(model.path) : qsTr("Topics under %1").arg(model.path)
                    onClicked: {
                        if (model.isTopic)
                            page.selectedTopic = model.path
                        if (hasChildren)
                            tree.toggleExpanded(row)
                    }
                }
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Label {
                text: page.selectedTopic.length > 0 ? page.selectedTopic : qsTr("Select a topic to see its last message")
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
                    // Re-read at every snapshot (Hub.stats changes then).
                    text: page.selectedTopic.length > 0 && Hub.stats !== undefined
                          ? Payload.format(Hub.topicTree.value(Hub.topicTree.indexOfTopic(page.selectedTopic), "lastPayload"), mode.currentIndex)
                          : ""
                    background: Rectangle { color: Theme.base; border.color: Theme.grid }
                }
            }
        }
    }
}
