// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

// What a channel stored, a page at a time (the journal reads a page after a sequence number, so
// the millionth page costs what the first does): by topic pattern and from a time. A click shows
// one message as JSON, text or hex with its headers; it can be published again, or replayed from.
Page {
    id: page
    objectName: "messagesPage"
    title: qsTr("Messages")
    background: Rectangle { color: Theme.window }
    readonly property var messages: Hub.storedMessages
    property int selectedRow: -1
    property string status     // what the last action did
    property string formError  // what is wrong with the fields
    // Asks the Replay page to start from a message (Main.qml switches to it).
    signal replayRequested()

    // "2026-11-30T12:00:00Z" or milliseconds since the epoch -> ms; 0 for empty; -1 when unreadable.
    function parseTime(text) {
        const t = text.trim()
        if (t.length === 0)
            return 0
        if (/^[0-9]+$/.test(t))
            return Number(t)
        const ms = Date.parse(t)
        return isNaN(ms) ? -1 : ms
    }
    function load() {
        const from = parseTime(fromField.text)
        if (from < 0) {
            page.formError = qsTr("From: \"%1\" is not a time (2026-11-30T12:00:00Z or milliseconds since the epoch)").arg(fromField.text)
            return
        }
        page.formError = ""
        page.status = ""
        page.selectedRow = -1
        messages.channel = channelField.text
        messages.topic = topicField.text
        messages.fromMs = from
        messages.pageSize = Number(pageSizeBox.currentText)
        messages.reload()
    }

    Connections {
        target: Hub
        function onActionFinished(action, result) {
            if (action === "republish")
                page.status = result.ok ? qsTr("Published again as replay %1").arg(result.id) : result.code + ": " + result.message
        }
    }
    Connections {
        target: page.messages
        function onPageChanged() {
            page.selectedRow = -1 // a new page: what depends on the row is read again
            page.selectedRow = page.messages.rowCount() > 0 ? 0 : -1
        }
    }
    Shortcut { enabled: page.visible; sequence: "Ctrl+Return"; onActivated: page.load() }
    Shortcut { enabled: page.visible && page.messages.hasNext; sequence: StandardKey.MoveToNextPage; onActivated: page.messages.nextPage() }
    Shortcut { enabled: page.visible && page.messages.hasPrevious; sequence: StandardKey.MoveToPreviousPage; onActivated: page.messages.previousPage() }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            ChannelField {
                id: channelField
                objectName: "messagesChannel"
                Layout.preferredWidth: 200
                Accessible.name: qsTr("Channel")
                onAccepted: page.load()
            }
            TextField {
                id: topicField
                objectName: "messagesTopic"
                Layout.preferredWidth: 180
                placeholderText: qsTr("Topic pattern, e.g. orders.>")
                Accessible.name: qsTr("Topic pattern")
                onAccepted: page.load()
            }
            TextField {
                id: fromField
                objectName: "messagesFrom"
                Layout.preferredWidth: 200
                placeholderText: qsTr("From (2026-11-30T12:00:00Z)")
                Accessible.name: qsTr("Stored from")
                onAccepted: page.load()
            }
            ComboBox {
                id: pageSizeBox
                model: ["50", "100", "500", "1000"]
                currentIndex: 1
                Accessible.name: qsTr("Messages per page")
            }
            Button { objectName: "messagesLoad"; text: qsTr("Show (Ctrl+Enter)"); onClicked: page.load() }
            Item { Layout.fillWidth: true }
        }
        Label {
            objectName: "messagesError"
            readonly property bool bad: page.formError.length > 0 || page.messages.errorCode.length > 0
            visible: bad || page.status.length > 0
            text: page.formError.length > 0 ? page.formError
                  : page.messages.errorCode.length > 0 ? page.messages.errorCode + ": " + page.messages.errorText : page.status
            color: bad ? Theme.bad : Theme.muted
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            ListView {
                id: list
                objectName: "storedList"
                SplitView.preferredWidth: parent.width * 0.55
                clip: true
                model: page.messages
                currentIndex: page.selectedRow
                ScrollBar.vertical: ScrollBar {}
                delegate: ItemDelegate {
                    width: ListView.view.width
                    highlighted: index === page.selectedRow
                    text: "#" + model.seq + "  " + model.storedAtText + "  " + model.topic + "  " + model.preview
                    Accessible.name: qsTr("Stored message %1 on %2").arg(model.seq).arg(model.topic)
                    onClicked: page.selectedRow = index
                }
                Label {
                    anchors.centerIn: parent
                    visible: list.count === 0
                    text: page.messages.page > 0 ? qsTr("Nothing stored matches.") : qsTr("Pick a channel and press Show.")
                    color: Theme.muted
                }
            }
            ColumnLayout {
                SplitView.fillWidth: true
                readonly property var stored: page.selectedRow >= 0 ? page.messages.messageAt(page.selectedRow) : ({})
                id: inspector
                TabBar {
                    id: modeBar
                    objectName: "payloadMode"
                    Layout.fillWidth: true
                    TabButton { text: qsTr("Auto") }
                    TabButton { text: qsTr("JSON") }
                    TabButton { text: qsTr("Text") }
                    TabButton { text: qsTr("Hex") }
                }
                Label {
                    objectName: "storedHeader"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Theme.text
                    text: inspector.stored.message === undefined ? ""
                          : qsTr("#%1 stored %2 · id %3 · %4 · headers: %5")
                            .arg(inspector.stored.seq).arg(new Date(inspector.stored.storedAt).toISOString())
                            .arg(inspector.stored.message.messageId).arg(inspector.stored.message.contentType || qsTr("no content type"))
                            .arg(JSON.stringify(inspector.stored.message.headers || {}))
                }
                ScrollView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    TextArea {
                        objectName: "storedPayload"
                        readOnly: true
                        font.family: "monospace"
                        color: Theme.text
                        text: page.selectedRow >= 0 && page.messages.page > 0 ? page.messages.payloadText(page.selectedRow, modeBar.currentIndex) : ""
                        Accessible.name: qsTr("Payload")
                        background: Rectangle { color: Theme.base; border.color: Theme.grid }
                    }
                }
                RowLayout {
                    Button {
                        objectName: "republishButton"
                        text: qsTr("Publish again")
                        enabled: page.selectedRow >= 0
                        onClicked: Hub.republishStored(page.messages.channel, inspector.stored.seq)
                    }
                    Button {
                        objectName: "replayFromHere"
                        text: qsTr("Replay from here…")
                        enabled: page.selectedRow >= 0
                        onClicked: {
                            Hub.replay.channel = page.messages.channel
                            Hub.replay.topic = page.messages.topic
                            Hub.replay.start({ "channel": page.messages.channel, "topic": page.messages.topic,
                                               "after-seq": String(Number(inspector.stored.seq) - 1), "speed": 1 })
                            page.replayRequested()
                        }
                    }
                }
            }
        }
        RowLayout {
            Button {
                objectName: "messagesPrevious"
                text: qsTr("Previous (PgUp)")
                enabled: page.messages.hasPrevious && !page.messages.busy
                onClicked: page.messages.previousPage()
            }
            Label { objectName: "messagesPageNumber"; text: qsTr("Page %1").arg(Math.max(page.messages.page, 1)); color: Theme.text }
            Button {
                objectName: "messagesNext"
                text: qsTr("Next (PgDown)")
                enabled: page.messages.hasNext && !page.messages.busy
                onClicked: page.messages.nextPage()
            }
        }
    }
}
