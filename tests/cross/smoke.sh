#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The board packages' smoke test (CI, issue #17): the switchboard .deb built for ARCH is unpacked
# into a scratch directory and its own switchboardd and sbctl run under qemu-user against the
# sysroot's libraries (binfmt_misc is not assumed: qemu is started explicitly). The daemon loads
# the default plugins (native, http) on free loopback ports; sbctl watches a topic while sbctl
# publishes to it until the message comes back; the REST API answers /health and takes a publish
# that the watch receives too. Nothing is installed on the machine.
# Usage: tests/cross/smoke.sh ARCH DEB_DIR [SYSROOT]
set -euo pipefail
arch=${1:?usage: smoke.sh arm64|armhf DEB_DIR [SYSROOT]}
debdir=${2:?usage: smoke.sh arm64|armhf DEB_DIR [SYSROOT]}
sysroot=${3:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/sysroot-bookworm-$arch}
case "$arch" in
arm64) qemu=qemu-aarch64 triplet=aarch64-linux-gnu ;;
armhf) qemu=qemu-arm triplet=arm-linux-gnueabihf ;;
*) echo "smoke.sh: unknown architecture \"$arch\"" >&2; exit 64 ;;
esac
# The emulator cmake/cross/qemu.sh fetched (qemu-user 10), else the machine's.
[ -x "$(dirname "$sysroot")/qemu-bookworm-backports/usr/bin/$qemu" ] &&
    qemu="$(dirname "$sysroot")/qemu-bookworm-backports/usr/bin/$qemu"
fail() { echo "FAIL!  : $*" >&2; [ -f "$work/daemon.log" ] && tail -20 "$work/daemon.log" >&2; exit 1; }
pass() { echo "PASS   : $*"; }

deb=$(ls "$debdir"/switchboard_*_"$arch".deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "smoke.sh: no switchboard_*_$arch.deb in $debdir" >&2; exit 66; }
work=$(mktemp -d)
daemon_pid=""
cleanup() {
    [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
dpkg-deb -x "$deb" "$work/root"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || fail "$deb is not built for $arch"
file -L "$work/root/usr/bin/switchboardd" | grep -q "ELF" || fail "no switchboardd in $deb"
depends=$(dpkg-deb -f "$deb" Depends)
if grep -Eq 'libqt6(gui|qml|quick)|libgl|libx11|libxcb|keychain' <<<"$depends"; then
    fail "the hub package pulls a GUI library: $depends"
fi
file -L "$work/root/usr/bin/switchboardd" | grep -q "not stripped" && fail "switchboardd in $deb is not stripped"
size=$(dpkg-deb -f "$deb" Installed-Size)
# nats-server's package installs 12.7 MB (issue #17's goal: the hub's at most that).
[ "$size" -le 12400 ] || fail "$deb installs $size KiB, over nats-server's 12.7 MB"
pass "$(basename "$deb"): $arch, stripped, installs $size KiB (nats-server: 12,400 KiB), no GUI library in Depends"

# The package's own library and plugins, the sysroot's everything else.
export QEMU_LD_PREFIX=$sysroot
# Qt finds its plugins (the TLS backend) in the sysroot: qemu's -L does not redirect directory listings.
export QEMU_SET_ENV="LD_LIBRARY_PATH=$work/root/usr/lib/$triplet,QT_PLUGIN_PATH=$sysroot/usr/lib/$triplet/qt6/plugins"
export SWITCHBOARD_PLUGIN_PATH=$work/root/usr/lib/$triplet/switchboard/plugins
[ -d "$SWITCHBOARD_PLUGIN_PATH" ] || SWITCHBOARD_PLUGIN_PATH=$(dirname "$(find "$work/root" -name 'switchboard_native*.so' | head -1)")
run() { "$qemu" "$work/root/usr/bin/$1" "${@:2}"; }

read -r native http < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
cat >"$work/switchboardd.yaml" <<YAML
communication:
  protocols: [native, http]
  native: {tcp: "127.0.0.1:$native", local: "$work/switchboard.sock"}
  http: {listeners: [{address: "127.0.0.1:$http"}]}
remote: {local: "$work/control.sock"}
YAML
hub=(--hub "local:$work/control.sock" --timeout 20000)

run switchboardd --version | grep -q '^switchboardd ' || fail "switchboardd --version"
# qemu itself in the background (not a subshell): SIGTERM below reaches the emulated daemon.
"$qemu" "$work/root/usr/bin/switchboardd" --config "$work/switchboardd.yaml" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 120); do
    run sbctl "${hub[@]}" status >"$work/status" 2>/dev/null && break
    kill -0 "$daemon_pid" 2>/dev/null || fail "switchboardd ($arch) exited while starting"
    sleep 0.5
done
grep -qi "native" "$work/status" || fail "sbctl status under $qemu: no hub or no native plugin"
pass "switchboardd ($arch, from $(basename "$deb")) started under $qemu; sbctl status answers"

curl -fsS "http://127.0.0.1:$http/health" >"$work/health" || fail "GET /health on the emulated REST API"
pass "REST /health: $(head -c 80 "$work/health")"

# Until the watch has taken one message from each publisher, publish again (a watch subscribes
# asynchronously: the first publishes may come before it).
"$qemu" "$work/root/usr/bin/sbctl" "${hub[@]}" watch 'smoke.>' --count 2 >"$work/watch" 2>&1 &
watch_pid=$!
for i in $(seq 1 60); do
    grep -q "from-sbctl" "$work/watch" || run sbctl "${hub[@]}" publish smoke.sbctl "from-sbctl-$i" >/dev/null
    grep -q "from-rest" "$work/watch" ||
        curl -fsS -X POST -H 'Content-Type: application/json' \
            --data "{\"topic\":\"smoke.rest\",\"payload\":\"from-rest-$i\"}" \
            "http://127.0.0.1:$http/api/v1/events" >/dev/null || true
    kill -0 "$watch_pid" 2>/dev/null || break
    sleep 0.5
done
wait "$watch_pid" || fail "sbctl watch ($arch): $(cat "$work/watch")"
grep -q "from-sbctl" "$work/watch" || fail "the watch did not receive sbctl's publish: $(cat "$work/watch")"
grep -q "from-rest" "$work/watch" || fail "the watch did not receive the REST publish: $(cat "$work/watch")"
pass "published by sbctl and over REST, received by sbctl watch, all on $arch under $qemu"

kill -TERM "$daemon_pid"
wait "$daemon_pid" && status=0 || status=$?
daemon_pid=""
[ "$status" -eq 0 ] || fail "switchboardd ($arch) exited with $status on SIGTERM"
pass "switchboardd ($arch) stopped cleanly on SIGTERM"
