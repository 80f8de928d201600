// SPDX-License-Identifier: Apache-2.0
// The pages' QML logic against the real controller (Hub) and its embedded hub: what a page sends,
// where it shows the hub's answer, what a click on a row fills in.
import QtQuick
import QtQuick.Controls
import QtTest
import Switchboard.Console
import Switchboard.Console.Backend

Item {
    id: root
    width: 1000
    height: 700

    Component { id: channelsPage; ChannelsPage { width: root.width; height: root.height } }
    Component { id: publishPage; PublishPage { width: root.width; height: root.height } }
    Component { id: connectionsPage; ConnectionsPage { width: root.width; height: root.height } }

    SignalSpy { id: finished; target: Hub; signalName: "actionFinished" }

    // The result of the newest actionFinished(action, result) for \a action, or null.
    function resultOf(action) {
        for (let i = finished.count - 1; i >= 0; --i) {
            if (finished.signalArguments[i][0] === action)
                return finished.signalArguments[i][1]
        }
        return null
    }

    TestCase {
        name: "ChannelsPage"
        when: windowShown

        function init() { finished.clear() }

        function test_validationErrorAtItsField() {
            const page = createTemporaryObject(channelsPage, root)
            verify(page)
            findChild(page, "channelName").text = "qml-orders"
            findChild(page, "channelMaxSize").text = "huge"
            const sizeError = findChild(page, "maxSizeError")
            verify(!sizeError.visible)
            mouseClick(findChild(page, "createChannel"))
            tryVerify(() => resultOf("createChannel") !== null, 5000)
            const r = resultOf("createChannel")
            compare(r.ok, false)
            compare(r.code, "INVALID_CONFIG")
            // Under the size field, not under the name or the form.
            tryVerify(() => sizeError.visible, 2000)
            compare(sizeError.text, r.message)
            verify(!findChild(page, "nameError").visible)
            verify(!findChild(page, "formError").visible)
            compare(page.status, "INVALID_CONFIG")

            // Corrected, it is created and the error goes.
            finished.clear()
            findChild(page, "channelMaxSize").text = "2048"
            mouseClick(findChild(page, "createChannel"))
            tryCompare(page, "status", "Saved qml-orders", 5000)
            verify(!sizeError.visible)
            compare(resultOf("createChannel").channel["max-message-size"], 2048)
        }

        function test_nameErrorAndFormError() {
            const page = createTemporaryObject(channelsPage, root)
            findChild(page, "channelName").text = "no spaces"
            mouseClick(findChild(page, "createChannel"))
            tryVerify(() => findChild(page, "nameError").visible, 5000)
            // Deleting a channel that does not exist: an error with no field, shown for the form.
            finished.clear()
            findChild(page, "channelName").text = "never-made"
            mouseClick(findChild(page, "deleteChannel"))
            tryVerify(() => findChild(page, "formError").visible, 5000)
            compare(page.status, resultOf("deleteChannel").code)
            verify(!findChild(page, "nameError").visible)
        }

        function test_rowClickFillsTheForm() {
            Hub.createChannel({ "name": "qml-jobs", "type": "queue", "description": "work items", "max-message-size": 512 })
            tryVerify(() => resultOf("createChannel") !== null && resultOf("createChannel").ok, 5000)
            const page = createTemporaryObject(channelsPage, root)
            const list = findChild(page, "channelList")
            let row = -1
            tryVerify(() => {
                for (let i = 0; i < list.count; ++i) {
                    const item = list.itemAtIndex(i)
                    if (item && item.text.indexOf("qml-jobs") === 0) { row = i; return true }
                }
                return false
            }, 5000)
            // The list gets the room the form leaves (it once got none: a layout fills by default).
            tryVerify(() => list.width > page.width / 2, 2000)
            tryVerify(() => list.itemAtIndex(row).rowMaxSize === 512, 5000) // the row's data has arrived
            mouseClick(list.itemAtIndex(row))
            compare(findChild(page, "channelName").text, "qml-jobs")
            compare(findChild(page, "channelType").currentText, "queue")
            compare(findChild(page, "channelDescription").text, "work items")
            compare(findChild(page, "channelMaxSize").text, "512")
        }
    }

    TestCase {
        name: "PublishPage"
        when: windowShown

        function init() { finished.clear() }

        function test_publishSendsWhatTheFieldsSay() {
            const page = createTemporaryObject(publishPage, root)
            findChild(page, "publishTopic").text = "qml.test.value"
            findChild(page, "publishPayload").text = "{\"v\": 1}"
            mouseClick(findChild(page, "publishButton"))
            tryVerify(() => resultOf("publish") !== null, 5000)
            const r = resultOf("publish")
            verify(r.ok, JSON.stringify(r))
            verify(r.id.length > 0)
            tryVerify(() => page.result.indexOf(r.id) >= 0, 2000)
            // The hub counted it under that topic.
            tryVerify(() => Hub.stats.topics > 0, 5000)
        }

        function test_badTopicShowsTheHubsError() {
            const page = createTemporaryObject(publishPage, root)
            findChild(page, "publishTopic").text = "bad topic!"
            mouseClick(findChild(page, "publishButton"))
            tryVerify(() => resultOf("publish") !== null, 5000)
            const r = resultOf("publish")
            compare(r.ok, false)
            tryCompare(page, "result", r.code + ": " + r.message, 2000)
        }
    }

    TestCase {
        name: "ConnectionsPage"
        when: windowShown

        // Every cell shows its own column of its own row (they once all read row "column number").
        function test_cellsShowTheirRow() {
            const page = createTemporaryObject(connectionsPage, root)
            const list = findChild(page, "connectionList")
            // Rows are rebuilt when a snapshot arrives (slow under ASan): look the row and its
            // cells up afresh on every try, and read them together.
            const cell = (name) => {
                const row = list.itemAtIndex(0)
                const c = row ? findChild(row, name) : null
                return c ? c.text : undefined
            }
            tryVerify(() => list.count > 0 && cell("cell_protocol") === "native+tcp", 5000, cell("cell_protocol"))
            tryVerify(() => String(cell("cell_peer")).indexOf("127.0.0.1:") === 0, 5000, cell("cell_peer"))
            tryVerify(() => cell("cell_identity") === "anonymous", 5000, cell("cell_identity"))
            tryVerify(() => String(cell("cell_id")).length > 0 && cell("cell_id") !== undefined, 5000)
            tryVerify(() => cell("cell_inRate") === "0.0", 5000, cell("cell_inRate"))
        }
    }
}
