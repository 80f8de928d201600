#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the DEB and TGZ packages from a build tree, unpacks the .deb into a scratch root (no dpkg -i:
# the test machine stays untouched), checks what it ships, then starts the packaged daemon with the
# shipped /etc config in a private user, mount and network namespace (its own /run and loopback)
# and asks the packaged sbctl for its status over the shipped control socket.
# Usage: test_package.sh <build dir>
set -euo pipefail
build=$1
out=$(mktemp -d)
daemon_pid=""
cleanup() { rm -rf "$out"; }
trap cleanup EXIT
fail() { echo "FAIL!  : $*"; exit 1; }
pass() { echo "PASS   : $*"; }

(cd "$build" && cpack -G "DEB;TGZ" -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack"; }
deb=$(ls "$out"/switchboard_*.deb)
console_deb=$(ls "$out"/switchboard-console_*.deb)
tgz=$(ls "$out"/*.tar.gz)
pass "cpack made $(basename "$deb"), $(basename "$console_deb") and $(basename "$tgz")"

# Stripped binaries, debug information in -dbgsym, and an installed size a board can afford: at
# most nats-server's (12.7 MB installed, Debian 12). Not for a sanitizer build (asan preset): its
# binaries carry the sanitizers' runtime hooks and are no one's package.
sanitized=false
grep -q '^SWITCHBOARD_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && sanitized=true
if $sanitized; then
    echo "SKIP   : package size and stripping: a sanitizer build"
else
dbgsym=$(ls "$out"/switchboard-dbgsym_*.ddeb 2>/dev/null) || fail "no switchboard-dbgsym package: $(ls "$out")"
ls "$out"/switchboard-console-dbgsym_*.ddeb >/dev/null 2>&1 || fail "no switchboard-console-dbgsym package"
size_kb=$(dpkg-deb -f "$deb" Installed-Size)
[ "$size_kb" -le 12700 ] || fail "switchboard installs $size_kb kB (at most 12,700: nats-server's)"
dbg_files=$(dpkg-deb -c "$dbgsym")
grep -q '/usr/lib/debug/.build-id/.*\.debug$' <<<"$dbg_files" || fail "the dbgsym package has no .build-id debug files"
pass "stripped: switchboard installs $size_kb kB, debug information in $(basename "$dbgsym") ($(du -k "$dbgsym" | cut -f1) kB)"
fi

info=$(dpkg-deb -I "$deb")
grep -q '^ Package: switchboard$' <<<"$info" || fail "package name"
grep -Eq '^ Depends:.*libqt6core6' <<<"$info" || fail "shlibdeps: no Qt dependency in: $(grep Depends <<<"$info")"
grep -Eq '^ Depends:.*adduser' <<<"$info" || fail "depends on adduser for its postinst"
if grep -Eq '^ Depends:.*(libqt6gui6|libqt6quick6)' <<<"$info"; then fail "the hub package pulls in GUI libraries"; fi
console_info=$(dpkg-deb -I "$console_deb")
grep -Eq '^ Depends:.*switchboard \(= ' <<<"$console_info" || fail "the console does not depend on the hub package"
grep -Eq '^ Depends:.*qml6-module-qtquick-controls' <<<"$console_info" || fail "the console lacks its QML module dependencies"
console_files=$(dpkg-deb -c "$console_deb")
grep -q './usr/bin/switchboard$' <<<"$console_files" || fail "the console package lacks /usr/bin/switchboard"
pass "control: names and dependencies (the hub without GUI libraries, the console with its QML modules)"

root="$out/root"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$root/DEBIAN"
libdir=$(cd "$root/usr/lib" && ls -d */ | grep -m1 linux-gnu | tr -d /)
for f in usr/bin/switchboardd usr/bin/sbctl etc/switchboard/switchboardd.yaml usr/lib/systemd/system/switchboardd.service \
         "usr/lib/$libdir/libswitchboard.so.0" "usr/lib/$libdir/switchboard/plugins/switchboard_native.so"; do
    [ -e "$root/$f" ] || fail "the package lacks /$f (it has: $(cd "$root" && find . -type f | sort | tr '\n' ' '))"
done
$sanitized || for f in usr/bin/switchboardd usr/bin/sbctl "usr/lib/$libdir/libswitchboard.so.0"; do
    file -L "$root/$f" | grep -q ', stripped' || fail "/$f is not stripped: $(file -L "$root/$f")"
done
pass "files: daemon, sbctl, library, native plugin, config, unit$($sanitized || echo ' (stripped)')"
grep -qx /etc/switchboard/switchboardd.yaml "$root/DEBIAN/conffiles" || fail "the config is not a conffile"
grep -q 'adduser --system' "$root/DEBIAN/postinst" || fail "postinst does not create the service user"
unit="$root/usr/lib/systemd/system/switchboardd.service"
grep -qx 'User=switchboard' "$unit" || fail "the unit does not run as its own user"
grep -qx 'Restart=on-failure' "$unit" || fail "the unit does not restart on failure"
grep -qx 'ExecStart=/usr/bin/switchboardd --config /etc/switchboard/switchboardd.yaml' "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
grep -qx 'RuntimeDirectory=switchboard' "$unit" || fail "the unit does not create /run/switchboard"
grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
grep -q '^WatchdogSec=' "$unit" || fail "the unit has no watchdog"
pass "conffiles, postinst and systemd unit"

# The unit's hardening, as systemd scores it (0 is locked down, 10 exposed); docs/CONTRACTS.md
# records the score.
if command -v systemd-analyze >/dev/null && systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    # Offline analysis reads the unit from a root where its ExecStart exists.
    score=$(systemd-analyze security --offline=true --root="$root" switchboardd.service 2>/dev/null \
            | sed -n 's/.*Overall exposure level for switchboardd.service: \([0-9.]*\).*/\1/p')
    [ -n "$score" ] || score=$(systemd-analyze security --offline=true "$unit" 2>/dev/null \
            | sed -n 's/.*Overall exposure level for switchboardd.service: \([0-9.]*\).*/\1/p')
    [ -n "$score" ] || fail "systemd-analyze security did not score the unit"
    awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "systemd-analyze security: exposure $score (at most 2.0)"
    pass "systemd-analyze security: exposure $score"
else
    echo "SKIP   : systemd-analyze security --offline is not available here"
fi

contents=$(tar -tzf "$tgz")
grep -q '/bin/switchboardd$' <<<"$contents" || fail "the TGZ lacks bin/switchboardd"
grep -q '/bin/sbctl$' <<<"$contents" || fail "the TGZ lacks bin/sbctl"
grep -q '/bin/switchboard$' <<<"$contents" || fail "the TGZ lacks bin/switchboard"
mkdir -p "$out/tgz" && tar -xzf "$tgz" -C "$out/tgz" --wildcards '*/bin/switchboardd'
$sanitized || file -L "$out"/tgz/*/bin/switchboardd | grep -q ', stripped' || fail "the TGZ's switchboardd is not stripped"
pass "TGZ contents$($sanitized || echo ' (stripped)')"

"$root/usr/bin/switchboardd" --config "$root/etc/switchboard/switchboardd.yaml" --check-config >"$out/check.txt" 2>&1 \
    || { cat "$out/check.txt"; fail "the shipped config does not pass --check-config with the packaged plugins"; }
pass "--check-config: $(cat "$out/check.txt")"

# The shipped config names /run/switchboard and fixed ports: give the daemon its own /run and
# loopback so nothing on this machine is touched or in the way.
if ! unshare -rnm true 2>/dev/null; then
    echo "SKIP   : start under the shipped config: user namespaces are not available here"
    exit 0
fi
cat >"$out/inside.sh" <<INSIDE
set -eu
mount -t tmpfs tmpfs /run
mkdir -p /run/switchboard
ip link set lo up
"$root/usr/bin/switchboardd" --config "$root/etc/switchboard/switchboardd.yaml" 2>"$out/daemon.log" &
pid=\$!
for i in \$(seq 1 100); do
    grep -q '"remote control listening"' "$out/daemon.log" 2>/dev/null && break
    kill -0 \$pid 2>/dev/null || break
    sleep 0.1
done
status=0
"$root/usr/bin/sbctl" --hub local:/run/switchboard/control.sock --json status >"$out/status.json" 2>"$out/sbctl.err" || status=\$?
kill -TERM \$pid
wait \$pid
echo "daemon-exit=\$? sbctl-exit=\$status"
INSIDE
result=$(unshare -rnm bash "$out/inside.sh") || { cat "$out/daemon.log"; fail "the packaged daemon did not run: $result"; }
[ "$result" = "daemon-exit=0 sbctl-exit=0" ] || { cat "$out/daemon.log" "$out/sbctl.err"; fail "$result"; }
grep -q '"native"' "$out/status.json" || fail "sbctl status does not list the native plugin: $(cat "$out/status.json")"
grep -q '"msg":"switchboardd started"' "$out/daemon.log" || fail "no start line in the log"
pass "the packaged daemon starts with the shipped config, serves sbctl on /run/switchboard/control.sock, stops cleanly"
echo "Totals: all passed"
