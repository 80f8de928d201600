#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# switchboardd's logs under systemd go to journald in its native protocol, with fields. In a private
# user and mount namespace (its own /run, nothing of the machine's touched), a stand-in for journald
# binds /run/systemd/journal/socket and records what arrives; switchboardd runs with stderr to a
# file that $JOURNAL_STREAM names, as systemd's StandardError=journal does. Then: entries with
# MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and SB_* fields arrive, and stderr stays empty. With
# $JOURNAL_STREAM naming another file (stderr redirected by someone else), JSON lines as before.
# Usage: test_journald.sh <switchboardd>
set -euo pipefail
daemon=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL!  : $*"; exit 1; }
pass() { echo "PASS   : $*"; }

if ! unshare -rm true 2>/dev/null; then
    echo "SKIP   : user and mount namespaces are not available here"
    exit 0
fi
command -v python3 >/dev/null || { echo "SKIP   : no python3 for the stand-in journald"; exit 0; }

# Everything under the namespace's own /run (and its own loopback): nothing of the machine's in the way.
cat >"$out/switchboardd.yaml" <<'YAML'
communication:
  protocols: [native, http]
  native: {tcp: "127.0.0.1:7400", local: "/run/switchboard/switchboard.sock"}
  http: {listeners: [{address: "127.0.0.1:7480"}]}
remote: {local: "/run/switchboard/control.sock"}
YAML

cat >"$out/journald.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
open(sys.argv[2], "w").close()  # bound: switchboardd may start
with open(sys.argv[1], "ab") as f:
    while True:
        data = s.recv(1 << 20)
        f.write(len(data).to_bytes(4, "little") + data)
        f.flush()
PY

cat >"$out/inside.sh" <<INSIDE
set -eu
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/journal /run/switchboard
python3 "$out/journald.py" "$out/entries.bin" "$out/bound" &
jpid=\$!
for i in \$(seq 1 100); do [ -e "$out/bound" ] && break; sleep 0.05; done
run() { # run <stderr file> <JOURNAL_STREAM file>
    : >"\$2"
    stream=\$(stat -c '%d:%i' "\$2")
    JOURNAL_STREAM=\$stream "$daemon" --config "$out/switchboardd.yaml" 2>"\$1" &
    pid=\$!
    sleep 1.5
    kill -TERM \$pid
    wait \$pid || true
}
run "$out/stderr-journal.txt" "$out/stderr-journal.txt"
run "$out/stderr-other.txt" "$out/elsewhere.txt"
kill \$jpid
INSIDE
# The daemon's defaults listen on 127.0.0.1:7400/7480: a network namespace of its own too.
unshare -rnm bash -c "ip link set lo up; bash '$out/inside.sh'" || fail "the namespace run failed"

python3 - "$out/entries.bin" >"$out/entries.txt" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
i = 0
while i + 4 <= len(data):
    n = int.from_bytes(data[i:i + 4], "little"); i += 4
    print(data[i:i + n].decode("utf-8", "replace").replace("\n", " | ")); i += n
PY
entries=$(wc -l <"$out/entries.txt")
[ "$entries" -gt 3 ] || fail "journald got $entries entries: $(cat "$out/entries.txt")"
grep -q 'MESSAGE=listening | PRIORITY=6 | SYSLOG_IDENTIFIER=switchboardd | SB_CATEGORY=switchboard.daemon' "$out/entries.txt" \
    || fail "no 'listening' entry with its priority and identifier: $(head -5 "$out/entries.txt")"
grep -q 'MESSAGE=listening.*SB_TCP=127.0.0.1:7400' "$out/entries.txt" || fail "the entry's fields are not SB_* fields"
grep -q 'MESSAGE=switchboardd started.*SB_PROTOCOLS=' "$out/entries.txt" || fail "no 'switchboardd started' entry with SB_PROTOCOLS"
grep -q 'MESSAGE=stopped | PRIORITY=6' "$out/entries.txt" || fail "no 'stopped' entry"
pass "journald: $entries entries with MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and SB_* fields"
[ ! -s "$out/stderr-journal.txt" ] || fail "stderr got lines while journald took them: $(head -3 "$out/stderr-journal.txt")"
pass "nothing on stderr meanwhile"
grep -q '"msg":"listening"' "$out/stderr-other.txt" || fail "with JOURNAL_STREAM naming another file, no JSON lines: $(head -3 "$out/stderr-other.txt")"
pass "stderr redirected elsewhere: JSON lines"
