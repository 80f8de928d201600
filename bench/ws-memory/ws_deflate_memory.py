#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# The memory cost of a WebSocket connection to switchboardd with and without permessage-deflate
# (issue #14): for each configuration, starts the daemon on a free loopback port, opens N clients
# (python3-websockets, which offers permessage-deflate), has each subscribe and exchange one
# message (so both of its zlib streams exist), and prints the daemon's RSS growth per connection.
# Usage: ws_deflate_memory.py [path/to/switchboardd] [connections]
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import websockets

DAEMON = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../build/default/bin/switchboardd")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 500
CONFIGS = [
    ("off", "{}"),
    ("deflate, window 15, mem-level 8", "{permessage-deflate: {enabled: true}}"),
    ("deflate, window 12, mem-level 5", "{permessage-deflate: {enabled: true, window-bits: 12, mem-level: 5}}"),
    ("deflate, no context takeover", "{permessage-deflate: {enabled: true, context-takeover: false}}"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


async def clients(port, n):
    conns = []
    for i in range(n):
        ws = await websockets.connect("ws://127.0.0.1:%d/api/v1/ws" % port, max_queue=4)
        await ws.send(json.dumps({"type": "subscribe", "messageId": "s", "topic": "m.%d" % i}))
        await ws.recv()
        await ws.send(json.dumps({"type": "event", "messageId": "e", "topic": "m.%d" % i, "data": {"x": "y" * 200}}))
        await ws.recv()
        await ws.recv()
        conns.append(ws)
    return conns


async def measure(label, ws_section):
    port = free_port()
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "sb.yaml")
        with open(conf, "w") as f:
            f.write("communication:\n  native: {tcp: \"127.0.0.1:%d\"}\n  http:\n    listeners: [{address: \"127.0.0.1:%d\"}]\n"
                    "    ws: {max-connections: 100000, max-connections-per-address: 100000}\n"
                    "    max-connections: 100000\n    max-connections-per-address: 100000\n"
                    "log: {level: warning}\n" % (free_port(), port))
            f.write("")
        # the ws map: merge the deflate settings in
        with open(conf) as f:
            text = f.read().replace("ws: {max-connections: 100000, max-connections-per-address: 100000}",
                                    "ws: {max-connections: 100000, max-connections-per-address: 100000%s}"
                                    % ("" if ws_section == "{}" else ", " + ws_section[1:-1]))
        with open(conf, "w") as f:
            f.write(text)
        p = subprocess.Popen([DAEMON, "--config", conf], stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.8)
            await clients(port, 5)  # warm up: code paths, allocator arenas
            before = rss_kb(p.pid)
            conns = await clients(port, N)
            time.sleep(0.5)
            after = rss_kb(p.pid)
            print("%-36s %6d connections  RSS %7d -> %7d kB  %6.1f kB per connection"
                  % (label, N, before, after, (after - before) / N), flush=True)
            for c in conns:
                await c.close()
        finally:
            p.terminate()
            p.wait()


async def main():
    for label, section in CONFIGS:
        await measure(label, section)


asyncio.run(main())
