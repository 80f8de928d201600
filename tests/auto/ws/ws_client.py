#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# A third-party WebSocket client (python3-websockets 10.4) against switchboardd, for tst_websocket:
# subscribe with a filter, publish with and without an acknowledgement, a request answered by a
# second client, a refused subscription, bad JSON, unsubscribe; ping/pong is the library's own.
# Usage: ws_client.py <ws://host:port/api/v1/ws?...> [token] [deflate]. With "deflate" the hub must
# have agreed to permessage-deflate (the library offers it). Exit 0 when everything held.
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


async def main(url, token, deflate):
    headers = {"Authorization": "Bearer " + token} if token else {}
    async with websockets.connect(url, extra_headers=headers) as ws, \
            websockets.connect(url, extra_headers=headers) as responder:
        agreed = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        expect(("permessage-deflate" in agreed) == deflate, "extensions: %r" % agreed)
        await ws.send(json.dumps({"type": "subscribe", "messageId": "hot", "topic": "sensors.*",
                                  "filter": "data.t > 30", "event_types": ["reading"]}))
        r = await recv_json(ws)
        expect(r == {"type": "response", "correlationId": "hot", "data": {"subscription": "hot"}}, r)

        await ws.send(json.dumps({"type": "event", "topic": "sensors.a", "action": "reading", "data": {"t": 10}}))
        await ws.send(json.dumps({"type": "event", "messageId": "e2", "topic": "sensors.a", "action": "reading",
                                  "data": {"t": 35}}))
        got = [await recv_json(ws), await recv_json(ws)]
        delivery = next(m for m in got if m.get("type") == "event")
        ack = next(m for m in got if m.get("type") == "response")
        expect(delivery["subscription"] == "hot" and delivery["data"] == {"t": 35}, delivery)
        expect(ack["correlationId"] == "e2" and ack["data"]["deliveries"] >= 1, ack)  # the test's watcher too

        # A request answered by the other client.
        await responder.send(json.dumps({"type": "subscribe", "messageId": "svc", "topic": "math.double"}))
        expect((await recv_json(responder))["data"]["subscription"] == "svc", "responder subscribed")
        await ws.send(json.dumps({"type": "request", "messageId": "q1", "topic": "math.double", "data": {"n": 21},
                                  "timeout": 3000}))
        rq = await recv_json(responder)
        expect(rq["type"] == "request" and rq["data"] == {"n": 21}, rq)
        await responder.send(json.dumps({"type": "response", "correlationId": rq["messageId"], "topic": "math.double",
                                         "data": {"n": 42}}))
        reply = await recv_json(ws)
        expect(reply["type"] == "response" and reply["correlationId"] == "q1" and reply["data"] == {"n": 42}, reply)

        await ws.send(json.dumps({"type": "subscribe", "messageId": "bad", "topic": "sensors.*", "filter": "data.t = 1"}))
        r = await recv_json(ws)
        expect(r["error"]["code"] == "BAD_MESSAGE" and r["error"]["details"]["position"] == 8, r)
        await ws.send("not json")
        r = await recv_json(ws)
        expect(r["error"]["code"] == "BAD_MESSAGE", r)

        await ws.send(json.dumps({"type": "unsubscribe", "messageId": "u1", "subscription": "hot"}))
        r = await recv_json(ws)
        expect(r["data"] == {"subscription": "hot", "ended": True}, r)
        await ws.send(json.dumps({"type": "event", "messageId": "e3", "topic": "sensors.a", "action": "reading",
                                  "data": {"t": 99}}))
        r = await recv_json(ws)
        expect(r["type"] == "response" and r["correlationId"] == "e3", "nothing delivered after unsubscribe: %s" % r)

        await asyncio.sleep(1.5)  # the hub pings a silent client; the library answers
        expect(ws.open, "still open after the hub's pings")
    print("OK", flush=True)


asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "", len(sys.argv) > 3 and sys.argv[3] == "deflate"))
