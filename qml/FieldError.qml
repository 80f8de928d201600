// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls

// A validation message under the field it is about; empty when there is none.
Label {
    property string message
    visible: message.length > 0
    text: message
    color: Theme.bad
    wrapMode: Text.Wrap
    font.pixelSize: 12
    Accessible.role: Accessible.AlertMessage
    Accessible.name: message
}
