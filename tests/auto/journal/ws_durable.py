#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# A durable subscription over WebSocket with a third-party client (python3-websockets), for
# tst_journaldaemon: publish to a persistent channel (answered once stored), receive with x-sb-seq,
# acknowledge some, reconnect, get again what was not acknowledged.
# Usage: ws_durable.py <ws://host:port/api/v1/ws>. Exit 0 and "OK" when everything held.
import asyncio
import json
import sys

import websockets


def expect(cond, what):
    if not cond:
        print("FAILED:", what, flush=True)
        sys.exit(1)


async def recv_json(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def subscribe(ws):
    await ws.send(json.dumps({"type": "subscribe", "messageId": "wsd", "channel": "orders", "topic": ">",
                              "durable": "ws-durable", "from_start": True}))
    r = await recv_json(ws)
    expect(r.get("data") == {"subscription": "wsd"}, r)


async def main(url):
    async with websockets.connect(url) as ws:
        await subscribe(ws)
        for i in range(3):
            await ws.send(json.dumps({"type": "event", "messageId": "p%d" % i, "channel": "orders",
                                      "topic": "order.ws", "data": {"n": i}}))
        deliveries, answers = [], []
        while len(deliveries) < 3 or len(answers) < 3:
            m = await recv_json(ws)
            (deliveries if m.get("type") == "event" else answers).append(m)
        expect(all("error" not in a for a in answers), answers)
        expect([d["data"]["n"] for d in deliveries] == [0, 1, 2], deliveries)
        seqs = [d["headers"]["x-sb-seq"] for d in deliveries]
        for i, seq in enumerate(seqs[:2]):
            await ws.send(json.dumps({"type": "ack", "messageId": "a%d" % i, "subscription": "wsd", "seq": seq}))
            r = await recv_json(ws)
            expect(r.get("correlationId") == "a%d" % i and r["data"]["seq"] == seq, r)
        await ws.send(json.dumps({"type": "ack", "messageId": "bad", "subscription": "wsd", "seq": 999999}))
        r = await recv_json(ws)
        expect(r["error"]["code"] == "NOT_FOUND", r)
        await ws.send(json.dumps({"type": "ack", "messageId": "bad2", "subscription": "wsd"}))
        r = await recv_json(ws)
        expect(r["error"]["code"] == "BAD_MESSAGE", r)
        # Numbers that are not sequence numbers: fractions, past 64 bits, zero, negative.
        for i, bad in enumerate(["1e300", "2.5", "18446744073709551616", "0", "-1"]):
            await ws.send('{"type": "ack", "messageId": "n%d", "subscription": "wsd", "seq": %s}' % (i, bad))
            r = await recv_json(ws)
            expect(r.get("correlationId") == "n%d" % i and r["error"]["code"] == "BAD_MESSAGE", (bad, r))
        # An exact integer past 2^53 is a sequence number (no delivery has it).
        await ws.send('{"type": "ack", "messageId": "big", "subscription": "wsd", "seq": 9007199254740993}')
        r = await recv_json(ws)
        expect(r["error"]["code"] == "NOT_FOUND", r)
    # Back after a disconnect: the one not acknowledged comes again, with a higher attempt.
    async with websockets.connect(url) as ws:
        await subscribe(ws)
        m = await recv_json(ws)
        expect(m["type"] == "event" and m["data"] == {"n": 2} and m["headers"]["x-sb-seq"] == seqs[2], m)
        await ws.send(json.dumps({"type": "ack", "subscription": "wsd", "seq": int(seqs[2])}))
        await ws.send(json.dumps({"type": "event", "messageId": "p3", "channel": "orders", "topic": "order.ws",
                                  "data": {"n": 3}}))
        got = [await recv_json(ws), await recv_json(ws)]
        expect(any(g.get("type") == "event" and g["data"] == {"n": 3} for g in got), got)
    print("OK", flush=True)


asyncio.run(main(sys.argv[1]))
