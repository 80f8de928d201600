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
    readonly property string selectedTopic: Hub.selectedTopic
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
                text: filter.text.length === 0 ? qsTr("%n topic(s)", "", Hub.stats.topics || 0)
                      : Hub.topics.filterIsPattern ? qsTr("%n topic(s) match the pattern", "", Hub.topics.total)
                      : qsTr("%n topic(s) contain the text", "", Hub.topics.total)
                color: Theme.muted
            }
            // With a filter: the hub's matches (at most 1000, sorted).
            ListView {
                id: results
                objectName: "topicResults"
                visible: filter.text.length > 0
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: Hub.topics
                reuseItems: true
                ScrollBar.vertical: ScrollBar {}
                delegate: ItemDelegate {
                    width: ListView.view.width
                    highlighted: model.topic === page.selectedTopic
                    text: qsTr("%1   %2 msg/s").arg(model.topic).arg(Number(model.inRate).toFixed(1))
                    Accessible.name: qsTr("Topic %1").arg(model.topic)
                    onClicked: Hub.selectedTopic = model.topic
                }
            }
            // Without: the tree, fetched from the hub branch by branch as it is opened.
            TreeView {
                id: tree
                objectName: "topicTree"
                visible: filter.text.length === 0
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: Hub.topicTree
                ScrollBar.vertical: ScrollBar {}
                delegate: TreeViewDelegate {
                    implicitWidth: tree.width
                    highlighted: model.isTopic === true && model.path === page.selectedTopic

                    Accessible.name: model.isTopic ? qsTr("Topic %1").arg(model.path) : qsTr("Topics under %1").arg(model.path)
                    onClicked: {
                        if (model.isTopic)
                            Hub.selectedTopic = model.path
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
            Label {
                objectName: "selectedTopicRates"
                visible: page.selectedTopic.length > 0 && Hub.selectedTopicRow.topic !== undefined
                text: qsTr("in %1 msg/s, out %2 msg/s, %3 messages").arg(Number(Hub.selectedTopicRow.inRate || 0).toFixed(1))
                      .arg(Number(Hub.selectedTopicRow.outRate || 0).toFixed(1)).arg(Hub.selectedTopicRow.in || 0)
                color: Theme.muted
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
                    text: Hub.selectedTopicRow.lastPayload !== undefined ? Payload.format(Hub.selectedTopicRow.lastPayload, mode.currentIndex) : ""
                    background: Rectangle { color: Theme.base; border.color: Theme.grid }
                }
            }
        }
    }
}
