#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Switchboard developer entry point: installs missing Debian packages, configures, builds,
# then runs the daemon (`./dev.sh run`) or every test (`./dev.sh test`).
#   ./dev.sh run  [-- args]          build (preset "default"), then the console where there is a display
#                                    (its own embedded hub), else switchboardd on its built-in defaults
#   ./dev.sh test [--asan]           build and run ctest (preset "default", or "asan": ASan + UBSan)
#   ./dev.sh bench [sb-bench args]   build and run bench/sb-bench (switchboardd vs nats-server and redis-server)
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(cmake ninja-build g++ ccache pkg-config qt6-base-dev qt6-base-dev-tools libyaml-cpp-dev openssl libssl-dev
          libnats-dev libhiredis-dev nats-server redis-server
          qt6-remoteobjects-dev python3-pyqt6.qtremoteobjects dpkg-dev file iproute2 util-linux
          qt6-declarative-dev qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
          qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtqml-workerscript
          qt6-tools-dev qt6-l10n-tools libgl-dev qtkeychain-qt6-dev qml6-module-qttest
          gdb)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "dev.sh: installing missing packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        # nats-server and redis-server are for bench/sb-bench, which starts its own on free ports.
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

build() {
    local preset=$1
    cmake --preset "$preset"
    cmake --build --preset "$preset"
}

cmd=${1:-run}
shift || true
case "$cmd" in
run)
    [ "${1:-}" = "--" ] && shift
    install_missing
    build default
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        # The console with a hub embedded in it (native protocol on a free loopback port).
        exec build/default/bin/switchboard "$@"
    fi
    # Headless: the daemon on its built-in defaults (in-process bus, native protocol on
    # 127.0.0.1:7400 and a local socket, remote control on local:switchboard-control).
    exec build/default/bin/switchboardd "$@"
    ;;
bench)
    install_missing
    build default
    exec build/default/bin/sb-bench "$@"
    ;;
test)
    preset=default
    if [ "${1:-}" = "--asan" ]; then preset=asan; fi
    install_missing
    build "$preset"
    ctest --preset "$preset"
    ;;
*)
    echo "usage: ./dev.sh run [-- args] | ./dev.sh test [--asan] | ./dev.sh bench [args]" >&2
    exit 64
    ;;
esac
