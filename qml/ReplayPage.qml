// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

// Replays what a channel stored. The timeline shows how many messages were stored in each span of
// time; dragging over it selects the range to replay (a click while a replay runs seeks there).
// Speed (0.1x to 100x with the original gaps, or as fast as possible), target (the original
// topics, remapped ones, or one subscription), start / pause / resume / stop, progress in messages
// and in original time, and the replay's own measured timing error.
Page {
    id: page
    objectName: "replayPage"
    title: qsTr("Replay")
    background: Rectangle { color: Theme.window }
    readonly property var replay: Hub.replay
    readonly property var status: replay.replay
    // The selection on the timeline, in ms since the epoch (0: none, the whole stored range).
    property real selFrom: 0
    property real selTo: 0
    readonly property int buckets: 120
    readonly property var speeds: ["0.1", "0.5", "1", "2", "5", "10", "100", "max"]

    function timeText(ms) { return ms > 0 ? new Date(ms).toISOString().replace("T", " ").replace("Z", "") : "" }
    function loadTimeline() {
        replay.channel = channelField.text
        replay.topic = topicField.text
        selFrom = 0
        selTo = 0
        replay.loadTimeline(0, 0, buckets)
    }
    // The time at x on the timeline.
    function timeAt(x) {
        const span = replay.timelineTo - replay.timelineFrom + 1
        return Math.round(replay.timelineFrom + Math.max(0, Math.min(1, x / chart.width)) * span)
    }
    function xOf(ms) {
        const span = replay.timelineTo - replay.timelineFrom + 1
        return span > 0 ? (ms - replay.timelineFrom) / span * chart.width : 0
    }
    // What the form says, as the hub's replay options.
    function options() {
        const o = { "channel": replay.channel, "topic": replay.topic, "speed": speedBox.speed === "max" ? "max" : Number(speedBox.speed) }
        if (selFrom > 0) o.from = Math.round(selFrom)
        if (selTo > 0) o.to = Math.round(selTo)
        if (targetBox.currentIndex === 1)
            o.remap = { "from": remapFrom.text, "to": remapTo.text }
        else if (targetBox.currentIndex === 2)
            o.subscription = subscriptionField.text
        if (storeBox.checked) o.store = true
        return o
    }
    // About how many messages the selection holds, from the timeline's bars it overlaps.
    readonly property real expected: {
        const counts = replay.counts
        if (selTo <= selFrom)
            return replay.total
        let n = 0
        for (let i = 0; i < counts.length; ++i) {
            const start = replay.timelineFrom + i * replay.bucketMs
            if (start + replay.bucketMs > selFrom && start <= selTo)
                n += counts[i]
        }
        return n
    }
    // How far the replay is through the selected range of original time, 0 to 1.
    readonly property real progress: {
        if (!status.id)
            return 0
        if (status.state === "finished")
            return 1
        const from = status.options.from > 0 ? status.options.from : replay.firstTime
        const to = status.options.to > 0 ? status.options.to : replay.lastTime
        return to > from && status.originalTime > 0 ? Math.max(0, Math.min(1, (status.originalTime - from) / (to - from))) : 0
    }

    Shortcut { enabled: page.visible; sequence: "Ctrl+Return"; onActivated: page.replay.start(page.options()) }
    Shortcut {
        enabled: page.visible && page.replay.active
        sequence: "Ctrl+P"
        onActivated: page.status.state === "paused" ? page.replay.resume() : page.replay.pause()
    }
    Shortcut { enabled: page.visible && page.replay.active; sequence: "Ctrl+."; onActivated: page.replay.stop() }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        spacing: Theme.spacing
        RowLayout {
            Layout.fillWidth: true
            ChannelField {
                id: channelField
                objectName: "replayChannel"
                Layout.preferredWidth: 180
                text: page.replay.channel
                Accessible.name: qsTr("Channel to replay")
                onAccepted: page.loadTimeline()
            }
            TextField {
                id: topicField
                objectName: "replayTopic"
                Layout.preferredWidth: 180
                text: page.replay.topic
                placeholderText: qsTr("Topic pattern, e.g. orders.>")
                Accessible.name: qsTr("Topic pattern to replay")
                onAccepted: page.loadTimeline()
            }
            Button { objectName: "loadTimeline"; text: qsTr("Show timeline"); onClicked: page.loadTimeline() }
            Button {
                text: qsTr("Zoom to selection")
                enabled: page.selTo > page.selFrom
                onClicked: page.replay.loadTimeline(Math.round(page.selFrom), Math.round(page.selTo), page.buckets)
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "timelineSummary"
                color: Theme.muted
                text: page.replay.counts.length === 0 ? qsTr("No timeline yet")
                      : qsTr("%n message(s)%1 from %2 to %3, %4 ms a bar", "", page.replay.total)
                        .arg(page.replay.estimated ? qsTr(" (estimated)") : "")
                        .arg(page.timeText(page.replay.timelineFrom)).arg(page.timeText(page.replay.timelineTo))
                        .arg(page.replay.bucketMs)
            }
        }
        // The timeline: a bar per span of time, the selection over it, the replay's position.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 160
            color: Theme.base
            border.color: Theme.grid
            Item {
                id: chart
                objectName: "timeline"
                anchors.fill: parent
                anchors.margins: 4
                Accessible.role: Accessible.Chart
                Accessible.name: qsTr("Stored messages over time")
                Repeater {
                    objectName: "timelineBars"
                    model: page.replay.counts
                    Rectangle {
                        readonly property real share: page.replay.peak > 0 ? modelData / page.replay.peak : 0
                        x: index * chart.width / Math.max(1, page.replay.counts.length)
                        width: Math.max(1, chart.width / Math.max(1, page.replay.counts.length) - 1)
                        height: modelData > 0 ? Math.max(2, share * chart.height) : 0
                        y: chart.height - height
                        color: Theme.accent
                        opacity: 0.8
                    }
                }
                Rectangle {
                    objectName: "timelineSelection"
                    visible: page.selTo > page.selFrom
                    x: page.xOf(page.selFrom)
                    width: Math.max(2, page.xOf(page.selTo) - x)
                    height: chart.height
                    color: Theme.good
                    opacity: 0.25
                }
                Rectangle {
                    objectName: "replayCursor"
                    visible: page.replay.active && page.status.originalTime > 0
                    x: page.xOf(page.status.originalTime || 0)
                    width: 2
                    height: chart.height
                    color: Theme.bad
                }
                MouseArea {
                    id: dragArea
                    objectName: "timelineMouse"
                    anchors.fill: parent
                    property real pressX: 0
                    onPressed: (mouse) => { pressX = mouse.x }
                    onPositionChanged: (mouse) => {
                        page.selFrom = page.timeAt(Math.min(pressX, mouse.x))
                        page.selTo = page.timeAt(Math.max(pressX, mouse.x))
                    }
                    onReleased: (mouse) => {
                        if (Math.abs(mouse.x - pressX) >= 3)
                            return
                        if (page.replay.active)
                            page.replay.seek(page.timeAt(mouse.x)) // a click while replaying: go there
                        else {
                            page.selFrom = 0 // a click: the whole range again
                            page.selTo = 0
                        }
                    }
                }
            }
        }
        Label {
            objectName: "selectionLabel"
            color: Theme.text
            text: page.selTo > page.selFrom ? qsTr("Selected: %1 to %2").arg(page.timeText(page.selFrom)).arg(page.timeText(page.selTo))
                                            : qsTr("Selected: everything stored (drag over the timeline to choose a range)")
        }
        GridLayout {
            columns: 4
            Label { text: qsTr("Speed"); color: Theme.text }
            ComboBox {
                id: speedBox
                objectName: "replaySpeed"
                model: page.speeds.map((s) => s === "max" ? qsTr("max") : s + "×")
                currentIndex: 2
                readonly property string speed: page.speeds[currentIndex]
                Accessible.name: qsTr("Replay speed")
            }
            Label { text: qsTr("Target"); color: Theme.text }
            ComboBox {
                id: targetBox
                objectName: "replayTarget"
                Layout.preferredWidth: 260
                model: [qsTr("The original topics"), qsTr("Remapped topics"), qsTr("One subscription")]
                Accessible.name: qsTr("Replay target")
            }
            Label { text: qsTr("Remap"); color: Theme.text; visible: targetBox.currentIndex === 1 }
            TextField { id: remapFrom; objectName: "remapFrom"; visible: targetBox.currentIndex === 1; placeholderText: "orders.>"; Accessible.name: qsTr("Remap from") }
            Label { text: "→"; color: Theme.text; visible: targetBox.currentIndex === 1 }
            TextField { id: remapTo; objectName: "remapTo"; visible: targetBox.currentIndex === 1; placeholderText: "replay.orders.>"; Accessible.name: qsTr("Remap to") }
            Label { text: qsTr("Subscription id"); color: Theme.text; visible: targetBox.currentIndex === 2 }
            TextField { id: subscriptionField; objectName: "replaySubscription"; visible: targetBox.currentIndex === 2; Accessible.name: qsTr("Subscription id") }
            CheckBox { id: storeBox; text: qsTr("Store the replayed messages again"); Layout.columnSpan: 2 }
        }
        RowLayout {
            Button {
                objectName: "replayStart"
                text: qsTr("Start (Ctrl+Enter)")
                onClicked: page.replay.start(page.options())
            }
            Button {
                objectName: "replayPause"
                enabled: page.replay.active
                text: page.status.state === "paused" ? qsTr("Resume (Ctrl+P)") : qsTr("Pause (Ctrl+P)")
                onClicked: page.status.state === "paused" ? page.replay.resume() : page.replay.pause()
            }
            Button {
                objectName: "replayStop"
                enabled: page.replay.active
                text: qsTr("Stop (Ctrl+.)")
                onClicked: page.replay.stop()
            }
            Button {
                objectName: "replaySeek"
                enabled: page.replay.active && page.selFrom > 0
                text: qsTr("Seek to the selection's start")
                onClicked: page.replay.seek(Math.round(page.selFrom))
            }
        }
        ProgressBar {
            objectName: "replayProgress"
            Layout.fillWidth: true
            value: page.progress
        }
        Label {
            objectName: "replayStatus"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.text
            text: !page.status.id ? qsTr("No replay yet.")
                  : qsTr("Replay %1: %2 · %n message(s) sent of about %3 · original time %4", "", page.status.sent)
                    .arg(page.status.id).arg(page.status.state).arg(page.expected).arg(page.timeText(page.status.originalTime))
        }
        Label {
            objectName: "replayTiming"
            Layout.fillWidth: true
            color: Theme.muted
            text: !page.status.timing || page.status.timing.samples === 0 ? qsTr("Timing error: not measured yet (as fast as possible, or no gap replayed)")
                  : qsTr("Timing error over %1 gap(s): p50 %2 µs, p99 %3 µs, max %4 µs; drift %5 ms")
                    .arg(page.status.timing.samples).arg(Math.round(page.status.timing.p50Us)).arg(Math.round(page.status.timing.p99Us))
                    .arg(Math.round(page.status.timing.maxUs)).arg(Number(page.status.timing.driftMs).toFixed(2))
        }
        Label {
            objectName: "replayError"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: page.replay.errorCode.length > 0 || (page.status.error !== undefined)
            color: Theme.bad
            text: page.replay.errorCode.length > 0 ? page.replay.errorCode + ": " + page.replay.errorText
                  : page.status.error ? page.status.error.code + ": " + page.status.error.message : ""
        }
        Item { Layout.fillHeight: true }
    }
}
