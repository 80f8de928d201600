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
    HubBook {
        id: book
        onTokenLoaded: (hub, value) => { if (hub === address.editText) token.text = value }
        onKeychainUnavailable: (hub, message) => { keychainNote.text = message; keychainChoice.open() }
    }
    ColumnLayout {
        anchors.fill: parent
        Label { text: qsTr("Address: local:<socket> or tls://host:port"); color: Theme.text }
        ComboBox {
            id: address
            objectName: "hubAddress"
            Layout.fillWidth: true
            editable: true
            model: book.hubs.map(h => h.address).concat(book.hubs.length === 0 ? ["local:switchboard-control"] : [])
            Accessible.name: qsTr("Hub address")
            onActivated: {
                const h = book.hubs[currentIndex]
                ca.text = h ? h.caFile : ""
                token.text = ""
                if (h && h.tokenSaved)
                    book.loadToken(h.address)
            }
        }
        Label { text: qsTr("Token (needed over TLS)"); color: Theme.text }
        TextField { id: token; Layout.fillWidth: true; echoMode: TextInput.Password; Accessible.name: qsTr("Token") }
        Label { text: qsTr("CA certificate file (for a self-signed hub)"); color: Theme.text }
        TextField { id: ca; Layout.fillWidth: true; Accessible.name: qsTr("CA certificate file") }
        CheckBox { id: saveToken; text: qsTr("Save the token in the system keychain"); checked: true }
        RowLayout {
            Button {
                text: qsTr("Connect")
                onClicked: {
                    Hub.connectToHub(address.editText, token.text, ca.text)
                    book.remember(address.editText, ca.text, token.text, saveToken.checked)
                    dialog.close()
                }
            }
            Button {
                text: qsTr("Forget this hub")
                onClicked: book.forget(address.editText)
            }
            Button {
                text: qsTr("Use an embedded hub")
                onClicked: { Hub.connectEmbedded(); dialog.close() }
            }
        }
    }

    Dialog {
        id: keychainChoice
        title: qsTr("The token was not saved")
        modal: true
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: 460
        Label { id: keychainNote; width: parent.width; wrapMode: Text.Wrap; color: Theme.text }
        footer: DialogButtonBox {
            Button { text: qsTr("Stay connected without saving it"); DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole }
            Button { text: qsTr("Disconnect"); DialogButtonBox.buttonRole: DialogButtonBox.RejectRole }
        }
        onRejected: Hub.disconnectFromHub()
    }
}
