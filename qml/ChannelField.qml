// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

// A channel's name: typed, or picked from the hub's channels (the button beside it). Empty means
// the default topic space. A plain field: what was typed stays when the hub's list changes.
RowLayout {
    id: field
    property alias text: input.text
    signal accepted()
    spacing: 0
    TextField {
        id: input
        Layout.fillWidth: true
        placeholderText: qsTr("Channel (empty: default space)")
        Accessible.name: qsTr("Channel")
        onAccepted: field.accepted()
    }
    ToolButton {
        objectName: "channelPicker"
        text: "▾"
        Accessible.name: qsTr("Pick a channel")
        onClicked: picker.open()
        Menu {
            id: picker
            y: parent.height
            Instantiator {
                model: Hub.channels
                delegate: MenuItem {
                    required property string name
                    text: name
                    onTriggered: { input.text = name; field.accepted() }
                }
                onObjectAdded: (index, object) => picker.insertItem(index, object)
                onObjectRemoved: (index, object) => picker.removeItem(object)
            }
        }
    }
}
