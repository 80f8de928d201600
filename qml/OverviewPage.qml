// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Switchboard.Console.Backend

Page {
    objectName: "overviewPage"
    title: qsTr("Overview")
    background: Rectangle { color: Theme.window }
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing * 2
        spacing: Theme.spacing
        GridLayout {
            columns: 6
            Layout.fillWidth: true
            StatTile { label: qsTr("In msg/s"); value: Number(Hub.stats.inRate || 0).toLocaleString(Qt.locale(), "f", 0) }
            StatTile { label: qsTr("Out msg/s"); value: Number(Hub.stats.outRate || 0).toLocaleString(Qt.locale(), "f", 0) }
            StatTile { label: qsTr("Connections"); value: Hub.stats.connections || 0 }
            StatTile { label: qsTr("Topics"); value: Hub.stats.topics || 0 }
            StatTile { label: qsTr("Errors"); value: Hub.stats.errors || 0; valueColor: (Hub.stats.errors || 0) > 0 ? Theme.bad : Theme.text }
            StatTile { label: qsTr("Dead letters"); value: Hub.stats.deadLetters || 0; valueColor: (Hub.stats.deadLetters || 0) > 0 ? Theme.bad : Theme.text }
            StatTile { label: qsTr("Refused"); value: Hub.stats.refused || 0; valueColor: (Hub.stats.refused || 0) > 0 ? Theme.bad : Theme.text }
            StatTile { label: qsTr("Failed logins"); value: Hub.stats.authFailed || 0; valueColor: (Hub.stats.authFailed || 0) > 0 ? Theme.bad : Theme.text }
            // The journal and durable subscriptions, while the hub uses a journal: red when it
            // failed (nothing is acknowledged), the bad colour too when it is low on space.
            StatTile {
                objectName: "journalTile"
                readonly property var journal: Hub.stats.journal || ({})
                visible: !!journal.kind
                label: qsTr("Journal")
                value: journal.failed ? qsTr("failed: %1").arg(journal.error || "")
                                      : qsTr("%1 messages, %2 of %3 MB").arg(journal.messages || 0)
                                            .arg(Number((journal.bytes || 0) / 1048576).toLocaleString(Qt.locale(), "f", 1))
                                            .arg(Number((journal.budgetBytes || 0) / 1048576).toLocaleString(Qt.locale(), "f", 0))
                valueColor: journal.failed || journal.lowSpace ? Theme.bad : Theme.text
            }
            StatTile {
                objectName: "durablesTile"
                visible: !!(Hub.stats.journal && Hub.stats.journal.kind)
                label: qsTr("Durable subscriptions")
                value: qsTr("%1 (%2 waiting for an ack)").arg(Hub.stats.durables || 0).arg(Hub.stats.durableWaiting || 0)
            }
            StatTile {
                label: qsTr("Buffers")
                value: qsTr("%1 of %2 MB").arg(Number((Hub.stats.bufferedBytes || 0) / 1048576).toLocaleString(Qt.locale(), "f", 1))
                                          .arg(Number((Hub.stats.bufferLimit || 0) / 1048576).toLocaleString(Qt.locale(), "f", 0))
            }
        }
        Label { text: qsTr("Throughput over the last minutes (green: in, blue: out)"); color: Theme.muted }
        RateChart {
            objectName: "rateChart"
            Layout.fillWidth: true
            Layout.fillHeight: true
            inSamples: Hub.inHistory
            outSamples: Hub.outHistory
            inColor: Theme.good
            outColor: Theme.accent
            gridColor: Theme.grid
            textColor: Theme.muted
            Accessible.role: Accessible.Chart
            Accessible.name: qsTr("Throughput chart")
        }
        // One line per protocol: what came in through it (REST calls for http), its errors, and
        // where its endpoints listen.
        Repeater {
            objectName: "protocolRows"
            model: Hub.plugins
            delegate: Label {
                objectName: "protocolRow"
                required property var modelData
                Layout.fillWidth: true
                elide: Text.ElideRight
                color: modelData.loaded ? Theme.text : Theme.muted
                text: {
                    let where = []
                    for (const e of (modelData.endpoints || [])) {
                        where = where.concat(e.addresses || [])
                        if (e.tcp) where.push(e.tcp)
                        if (e.local) where.push(e.local)
                    }
                    return modelData.loaded
                        ? qsTr("%1: %2 msg/s in, %3 in total, %4 errors, on %5").arg(modelData.id)
                              .arg(Number(modelData.inRate || 0).toLocaleString(Qt.locale(), "f", 0))
                              .arg(modelData.in || 0).arg(modelData.errors || 0).arg(where.join(", "))
                        : qsTr("%1: not running").arg(modelData.id)
                }
            }
        }
        Label {
            text: qsTr("Hub %1, version %2, %3").arg(Hub.hubName).arg(Hub.version).arg(Hub.embedded ? qsTr("embedded in this console") : Hub.address)
            color: Theme.muted
        }
    }
}
