// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: tile
    property string label
    property string value
    property color valueColor: Theme.text
    Accessible.role: Accessible.StaticText
    Accessible.name: label + ": " + value
    background: Rectangle { color: Theme.base; radius: 6; border.color: Theme.grid }
    Layout.fillWidth: true
    ColumnLayout {
        Label { text: tile.label; color: Theme.muted; font.pixelSize: 12 }
        Label { text: tile.value; color: tile.valueColor; font.pixelSize: 22; font.bold: true }
    }
}
