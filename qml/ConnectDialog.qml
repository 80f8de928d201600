// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Dialog {
    id: dialog
    objectName: "connectDialog"
    title: qsTr("Connect to a hub")
    modal: true
    standardButtons: Dialog.Cancel
    ColumnLayout {
        anchors.fill: parent
        Label { text: qsTr("Address: local:<socket> or tls://host:port"); color: Theme.text }
        TextField { id: address; Layout.fillWidth: true; text: "local:switchboard-control"; Accessible.name: qsTr("Hub address") }
        Label { text: qsTr("Token (needed over TLS)"); color: Theme.text }
        TextField { id: token; Layout.fillWidth: true; echoMode: TextInput.Password; Accessible.name: qsTr("Token") }
        Label { text: qsTr("CA certificate file (for a self-signed hub)"); color: Theme.text }
        TextField { id: ca; Layout.fillWidth: true; Accessible.name: qsTr("CA certificate file") }
        RowLayout {
            Button {
                text: qsTr("Connect")
                onClicked: { Hub.connectToHub(address.text, token.text, ca.text); dialog.close() }
            }
            Button {
                text: qsTr("Use an embedded hub")
                onClicked: { Hub.connectEmbedded(); dialog.close() }
            }
        }
    }
}
