#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes the start-up order files next to this script: the functions of switchboardd,
# libswitchboard and the native and HTTP plugins that run while the daemon starts on the shipped
# configuration, is probed once (a TCP connection, GET /health, sbctl status) and sits idle.
# sb_startup_order() (SwitchboardMacros.cmake) hands them to the linker (lld's
# --symbol-ordering-file), which packs those functions at the start of .text: the kernel maps a
# library's pages 64 KiB around each page fault, so start-up code spread over the whole text made
# all of it resident (bench/README.md, session 17). The files are sorted (the order within the
# packed code matters little), so a new run differs only where start-up did. A stale file is
# harmless (a renamed function is only left in place); regenerate after start-up code changes.
# Needs valgrind and python3. Usage: generate.sh <build dir>   (./dev.sh startup-order)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: generate.sh <build dir>}" && pwd)
work=$(mktemp -d)
trap 'pkill -f "callgrind-out-file=$work" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/run"
read -r native http < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
# The shipped configuration (resources/switchboardd.yaml: native and http, the remote API, a
# channel, limits) on ports and paths of its own: the daemon starts, is probed as a supervisor or a
# benchmark would (a TCP connection that closes, GET /health, sbctl status), and idles; 25 s in all.
sed -e "s|127.0.0.1:7400|127.0.0.1:$native|; s|127.0.0.1:7480|127.0.0.1:$http|; s|/run/switchboard/|$work/run/|g" \
    "$here/../../resources/switchboardd.yaml" >"$work/switchboardd.yaml"
(cd "$work" && HOME="$work/home" XDG_RUNTIME_DIR="$work/run" \
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/cg.out" \
    "$build/bin/switchboardd" --config "$work/switchboardd.yaml" >"$work/valgrind.log" 2>&1 &)
sleep 12
python3 - "$native" "$http" <<'PY'
import socket, sys
native, http = int(sys.argv[1]), int(sys.argv[2])
socket.create_connection(("127.0.0.1", native), timeout=10).close()
with socket.create_connection(("127.0.0.1", http), timeout=10) as s:
    s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    while s.recv(65536):
        pass
PY
"$build/bin/sbctl" --hub "local:$work/run/control.sock" status >/dev/null || true
sleep 13
callgrind_control -d >/dev/null
sleep 2
pkill -TERM -f "callgrind-out-file=$work" || true
sleep 3
python3 - "$work/cg.out.1" "$here" <<'PY'
import re, sys
# callgrind's format compresses names: "(id) name" the first time, "(id)" after.
names = {"ob": {}, "fn": {}}
def name(kind, text):
    m = re.match(r"\((\d+)\)(?: (.*))?$", text)
    if not m:
        return text
    if m.group(2) is not None:
        names[kind][m.group(1)] = m.group(2)
    return names[kind].get(m.group(1))
targets = {"bin/switchboardd": "switchboardd", "lib/libswitchboard.so": "switchboard",
           "/switchboard_http.so": "switchboard_http", "/switchboard_native.so": "switchboard_native"}
order = {t: [] for t in targets.values()}
seen = set()
ob = None
for line in open(sys.argv[1], errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("ob="):
        ob = name("ob", line[3:])
    elif line.startswith("cob="):
        name("ob", line[4:])
    elif line.startswith("cfn="):
        name("fn", line[4:])
    elif line.startswith("fn="):
        fn = name("fn", line[3:])
        target = next((t for k, t in targets.items() if ob and k in ob), None)
        if target and fn and not fn.startswith(("0x", "(")) and (target, fn) not in seen:
            seen.add((target, fn))
            order[target].append(fn)
for target, fns in order.items():
    if not fns:
        sys.exit("generate.sh: callgrind saw nothing of " + target)
    with open(f"{sys.argv[2]}/{target}.txt", "w") as f:
        f.write("".join(fn + "\n" for fn in sorted(fns)))  # sorted: a new run differs only where start-up did
    print(f"{target}: {len(fns)} functions")
PY
