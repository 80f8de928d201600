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
    Component { id: messagesPage; MessagesPage { width: root.width; height: root.height } }
    Component { id: replayPage; ReplayPage { width: root.width; height: root.height } }

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

    // A persistent channel with stored messages, made once for the Messages and Replay cases:
    // \a n JSON messages on "qml-ledger", topics stock.even / stock.odd, \a gapMs apart; \a tc
    // is the TestCase that waits and checks.
    property int ledgerStored: 0
    function fillLedger(tc, n, gapMs) {
        if (ledgerStored === 0) {
            finished.clear()
            Hub.createChannel({ "name": "qml-ledger", "type": "topic", "persistent": "true" })
            tc.tryVerify(() => resultOf("createChannel") !== null, 5000)
            tc.verify(resultOf("createChannel").ok, JSON.stringify(resultOf("createChannel")))
        }
        for (let i = 0; i < n; ++i) {
            finished.clear()
            Hub.publish({ "channel": "qml-ledger", "topic": (ledgerStored % 2 ? "stock.odd" : "stock.even"),
                          "payload": JSON.stringify({ "n": ledgerStored }), "contentType": "application/json" })
            tc.tryVerify(() => resultOf("publish") !== null, 5000)
            tc.verify(resultOf("publish").ok, JSON.stringify(resultOf("publish")))
            ++ledgerStored
            if (gapMs > 0)
                tc.wait(gapMs)
        }
        finished.clear()
    }

    TestCase {
        name: "MessagesPage"
        when: windowShown

        function initTestCase() { if (root.ledgerStored < 120) root.fillLedger(this, 120 - root.ledgerStored, 0) }
        function init() { finished.clear() }

        // Shows what the page's fields ask for and waits for the hub's answer (the model is the
        // console's one: until then it holds the previous page).
        function show(page) {
            page.load()
            tryVerify(() => !Hub.storedMessages.busy, 5000)
        }

        function test_pagesThroughWhatIsStored() {
            const page = createTemporaryObject(messagesPage, root)
            const list = findChild(page, "storedList")
            findChild(page, "messagesChannel").text = "qml-ledger"
            show(page) // 100 a page
            tryCompare(list, "count", 100, 5000)
            compare(Hub.storedMessages.page, 1)
            verify(Hub.storedMessages.hasNext)
            verify(!Hub.storedMessages.hasPrevious)
            compare(Hub.storedMessages.messageAt(0).message.topic, "stock.even")
            mouseClick(findChild(page, "messagesNext"))
            tryVerify(() => !Hub.storedMessages.busy && Hub.storedMessages.page === 2, 5000)
            compare(list.count, root.ledgerStored - 100) // the Replay cases may have run first // the Replay cases may have run first
            compare(Hub.storedMessages.page, 2)
            verify(!Hub.storedMessages.hasNext)
            compare(findChild(page, "messagesPageNumber").text, "Page 2")
            // The first message of page 2 is the 101st stored: {"n": 100}.
            compare(JSON.parse(Hub.storedMessages.payloadText(0, 1)).n, 100)
            mouseClick(findChild(page, "messagesPrevious"))
            tryCompare(Hub.storedMessages, "page", 1, 5000)
            compare(list.count, 100)
            // By topic: only stock.odd.
            findChild(page, "messagesTopic").text = "stock.odd"
            show(page)
            const odd = Math.floor(root.ledgerStored / 2)
            tryVerify(() => list.count === odd && Hub.storedMessages.messageAt(odd - 1).message.topic === "stock.odd", 5000)
        }

        function test_inspectsAsJsonTextAndHex() {
            const page = createTemporaryObject(messagesPage, root)
            findChild(page, "messagesChannel").text = "qml-ledger"
            findChild(page, "messagesTopic").text = ""
            show(page)
            const payload = findChild(page, "storedPayload")
            tryVerify(() => payload.text.indexOf("\"n\": 0") >= 0, 5000, payload.text) // JSON, pretty
            const modes = findChild(page, "payloadMode")
            modes.currentIndex = 3 // hex
            tryVerify(() => payload.text.indexOf("7b 22 6e 22") >= 0, 2000, payload.text) // {"n"
            modes.currentIndex = 2 // text
            compare(payload.text, "{\"n\":0}")
            verify(findChild(page, "storedHeader").text.indexOf("application/json") >= 0)
        }

        // The button beside the channel field lists the hub's channels; picking one shows it.
        function test_pickAChannel() {
            const page = createTemporaryObject(messagesPage, root)
            tryVerify(() => Hub.channels.rowCount() === 1, 5000) // qml-ledger (the Channels case runs later)
            const field = findChild(page, "messagesChannel")
            field.text = ""
            mouseClick(findChild(field, "channelPicker"))
            wait(200) // the menu opens
            keyClick(Qt.Key_Down)
            keyClick(Qt.Key_Return)
            tryCompare(field, "text", "qml-ledger", 2000)
            tryVerify(() => !Hub.storedMessages.busy && Hub.storedMessages.channel === "qml-ledger"
                      && findChild(page, "storedList").count === 100, 5000)
        }

        function test_errorsSayWhy() {
            const page = createTemporaryObject(messagesPage, root)
            findChild(page, "messagesChannel").text = "no-such-channel"
            show(page)
            const error = findChild(page, "messagesError")
            tryVerify(() => error.visible && error.text.indexOf("CHANNEL_NOT_FOUND") === 0, 5000, error.text)
            findChild(page, "messagesChannel").text = "qml-ledger"
            findChild(page, "messagesFrom").text = "last tuesday"
            show(page)
            tryVerify(() => error.text.indexOf("last tuesday") >= 0, 2000, error.text)
            findChild(page, "messagesFrom").text = ""
            findChild(page, "messagesTopic").text = "bad..pattern"
            show(page)
            tryVerify(() => error.text.indexOf("INVALID_TOPIC") === 0, 5000, error.text)
        }

        function test_publishAgainAndReplayFromHere() {
            const page = createTemporaryObject(messagesPage, root)
            findChild(page, "messagesChannel").text = "qml-ledger"
            findChild(page, "messagesTopic").text = ""
            show(page)
            tryCompare(findChild(page, "storedList"), "count", 100, 5000)
            mouseClick(findChild(page, "republishButton"))
            tryVerify(() => resultOf("republish") !== null, 5000)
            const r = resultOf("republish")
            verify(r.ok, JSON.stringify(r))
            compare(r.options["after-seq"], String(Number(Hub.storedMessages.messageAt(0).seq) - 1))
            compare(r.options["to-seq"], Hub.storedMessages.messageAt(0).seq)
            tryVerify(() => page.status.indexOf(r.id) >= 0, 2000, page.status)
            let asked = 0
            page.replayRequested.connect(() => ++asked)
            mouseClick(findChild(page, "replayFromHere"))
            compare(asked, 1)
            tryVerify(() => Hub.replay.replay.id !== undefined && Hub.replay.replay.options.channel === "qml-ledger", 5000)
            Hub.replay.stop()
        }
    }

    TestCase {
        name: "ReplayPage"
        when: windowShown

        function initTestCase() { if (root.ledgerStored < 120) root.fillLedger(this, 120 - root.ledgerStored, 0) }

        function showTimeline(page) {
            findChild(page, "replayChannel").text = "qml-ledger"
            findChild(page, "replayTopic").text = ""
            mouseClick(findChild(page, "loadTimeline"))
            tryVerify(() => Hub.replay.total === root.ledgerStored && Hub.replay.counts.length > 0, 5000,
                      Hub.replay.total + " of " + root.ledgerStored)
        }

        function test_timelineAndSelection() {
            const page = createTemporaryObject(replayPage, root)
            showTimeline(page)
            let sum = 0
            for (let i = 0; i < Hub.replay.counts.length; ++i)
                sum += Hub.replay.counts[i]
            compare(sum, root.ledgerStored)
            verify(findChild(page, "timelineSummary").text.indexOf(String(root.ledgerStored)) === 0)
            // Drag over the middle half of the timeline: that span is selected.
            const chart = findChild(page, "timeline")
            mousePress(chart, chart.width / 4, chart.height / 2)
            mouseMove(chart, chart.width / 2, chart.height / 2)
            mouseMove(chart, chart.width * 3 / 4, chart.height / 2)
            mouseRelease(chart, chart.width * 3 / 4, chart.height / 2)
            verify(page.selFrom > Hub.replay.timelineFrom && page.selTo < Hub.replay.timelineTo && page.selFrom < page.selTo)
            verify(findChild(page, "timelineSelection").visible)
            compare(page.options().from, Math.round(page.selFrom))
            verify(page.expected <= root.ledgerStored)
            // A click without a drag: everything again.
            mouseClick(chart, 10, 10)
            compare(page.selTo, 0)
            verify(page.options().from === undefined)
        }

        function test_replaysAsFastAsPossible() {
            const page = createTemporaryObject(replayPage, root)
            showTimeline(page)
            findChild(page, "replaySpeed").currentIndex = 7 // max
            findChild(page, "replayTarget").currentIndex = 1
            findChild(page, "remapFrom").text = "stock.>"
            findChild(page, "remapTo").text = "qml.replayed.>"
            mouseClick(findChild(page, "replayStart"))
            tryVerify(() => Hub.replay.replay.state === "finished", 10000, JSON.stringify(Hub.replay.replay))
            compare(Hub.replay.replay.sent, root.ledgerStored)
            compare(findChild(page, "replayProgress").value, 1)
            compare(page.expected, root.ledgerStored) // no selection: everything on the timeline
            const line = findChild(page, "replayStatus").text
            verify(line.indexOf("finished") >= 0 && line.indexOf(" sent of about " + root.ledgerStored) >= 0, line)
            verify(!findChild(page, "replayError").visible)
        }

        function test_refusalIsShown() {
            const page = createTemporaryObject(replayPage, root)
            showTimeline(page)
            findChild(page, "replayTarget").currentIndex = 1
            findChild(page, "remapFrom").text = "stock.>"
            findChild(page, "remapTo").text = "not.a.prefix" // both must end in ">"
            mouseClick(findChild(page, "replayStart"))
            const error = findChild(page, "replayError")
            tryVerify(() => error.visible && error.text.indexOf("BAD_MESSAGE") === 0 && error.text.indexOf("remap") > 0, 5000, error.text)
        }

        // Pause, resume, seek (a click on the timeline) and stop on a slow replay: messages
        // stored 300 ms apart, replayed at 0.1x.
        function test_pauseResumeSeekStop() {
            root.fillLedger(this, 3, 300)
            const page = createTemporaryObject(replayPage, root)
            showTimeline(page)
            findChild(page, "replaySpeed").currentIndex = 0 // 0.1x
            findChild(page, "replayTarget").currentIndex = 1
            findChild(page, "remapFrom").text = "stock.>"
            findChild(page, "remapTo").text = "qml.slow.>"
            // The last two messages (300 ms apart): select from just before the first of them.
            page.selFrom = Hub.replay.lastTime - 450
            page.selTo = Hub.replay.lastTime
            mouseClick(findChild(page, "replayStart"))
            tryVerify(() => Hub.replay.replay.state === "running" && Hub.replay.replay.sent >= 1, 5000, JSON.stringify(Hub.replay.replay))
            verify(Hub.replay.active)
            const pause = findChild(page, "replayPause")
            mouseClick(pause)
            tryVerify(() => Hub.replay.replay.state === "paused", 5000)
            compare(pause.text.indexOf("Resume"), 0)
            mouseClick(pause)
            tryVerify(() => Hub.replay.replay.state === "running", 5000)
            // Seek back to the selection's start: the first message again, at once (the next
            // one is 3 s away at 0.1x).
            const sent = Hub.replay.replay.sent
            mouseClick(findChild(page, "replaySeek"))
            tryVerify(() => Hub.replay.replay.sent === sent + 1, 2500, JSON.stringify(Hub.replay.replay))
            mouseClick(findChild(page, "replayStop"))
            tryVerify(() => Hub.replay.replay.state === "stopped", 5000)
            verify(!Hub.replay.active)
            verify(findChild(page, "replayTiming").text.length > 0)
        }
    }

    // Runs first (Qt Quick Test runs the cases of a file last to first): a channel created while
    // the console's model replicas are still starting. Qt 6.4's replica then applied the new rows
    // and overwrote them with the older size it was sent, and Channels and Connections stayed empty
    // for good; RemoteClient checks each list model against the hub and acquires it again.
    TestCase {
        name: "ModelReplicas"
        when: windowShown

        function test_rowsChangedWhileConnectingAreShown() {
            finished.clear()
            Hub.createChannel({ "name": "qml-early", "type": "topic" })
            tryVerify(() => resultOf("createChannel") !== null && resultOf("createChannel").ok, 5000)
            tryVerify(() => Hub.stats.channels === 1 && Hub.stats.connections === 1, 5000)
            tryVerify(() => Hub.channels.rowCount() === Hub.stats.channels, 10000, "channels: " + Hub.channels.rowCount())
            tryVerify(() => Hub.connections.rowCount() === Hub.stats.connections, 10000, "connections: " + Hub.connections.rowCount())
            tryVerify(() => Hub.rowValue(Hub.channels, 0, "name") === "qml-early", 5000)
            Hub.deleteChannel("qml-early")
            tryVerify(() => Hub.channels.rowCount() === 0, 5000)
        }
    }
}
