// SPDX-License-Identifier: Apache-2.0
pragma Singleton
import QtQuick

// Light and dark colours; Ctrl+D switches. Presentation only.
QtObject {
    property bool dark: false
    readonly property color window: dark ? "#1e1f22" : "#f6f7f9"
    readonly property color base: dark ? "#2b2d31" : "#ffffff"
    readonly property color text: dark ? "#e6e6e6" : "#1f2328"
    readonly property color muted: dark ? "#9aa0a6" : "#59636e"
    readonly property color accent: dark ? "#6ea8fe" : "#1565c0"
    readonly property color good: dark ? "#81c784" : "#2e7d32"
    readonly property color bad: dark ? "#ef9a9a" : "#c62828"
    readonly property color grid: dark ? "#44474d" : "#d0d7de"
    readonly property int spacing: 8
}
