#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Drive a running switchboardd from Python through its remote-control API (Qt Remote Objects).

Uses Debian's PyQt6 (python3-pyqt6.qtremoteobjects); no module from PyPI. The hub speaks one
line of handshake before Qt Remote Objects takes over the socket:
    replica -> hub:  b"SBRC/1 <token>\\n"
    hub -> replica:  b"OK <hub name>\\n"   or   b"ERR <CODE> <message>\\n"
PyQt6 cannot read a slot's pending reply, so slots are called by name through call(); the answer
comes back as the answered(callId, answer) signal. Properties (stats, plugins) read directly.

    /usr/bin/python3 switchboard_remote.py --hub local:switchboard-control status
    /usr/bin/python3 switchboard_remote.py --hub local:/run/switchboard/control.sock --token-file t demo
    /usr/bin/python3 switchboard_remote.py --hub tls://board.local:7411 --ca hub.pem --token-file t status
    /usr/bin/python3 switchboard_remote.py --token-file t replay orders --speed 2 --remap "orders.>=replay.orders.>"

Exit codes follow sbctl: 0 ok, 1 refused by the hub, 69 no hub, 75 timeout, 77 not authorized.
"""

import argparse
import json
import sys
import uuid

from PyQt6.QtCore import QCoreApplication, QMetaObject, Qt, QTimer, Q_ARG, qInstallMessageHandler
from PyQt6.QtNetwork import QLocalSocket, QSslCertificate, QSslSocket
from PyQt6.QtRemoteObjects import QRemoteObjectNode
from PyQt6.QtTest import QSignalSpy, QTest

# Wrapping a dynamic replica in Python asks for its meta-object before the hub has sent it; Qt
# warns about that although nothing is wrong. Everything else Qt says is passed on.
def _quiet_dynamic_warning(mode, context, message):
    if "Dynamic metaobject is not assigned" not in message and "This may cause issues" not in message:
        print(message, file=sys.stderr)


EXIT_CODES = {"NOT_CONNECTED": 69, "TIMEOUT": 75, "UNAUTHENTICATED": 77, "FORBIDDEN": 77}


class HubError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def exit_code(self):
        return EXIT_CODES.get(self.code, 1)


class SwitchboardRemote:
    """A replica of one hub's remote-control API."""

    def __init__(self, address, token=b"", ca_file=None, timeout_ms=10000):
        self.timeout_ms = timeout_ms
        self.socket = self._connect(address, ca_file)
        self._write_line(b"SBRC/1 " + token + b"\n")
        answer = self._read_line()
        if answer.startswith(b"ERR "):
            code, _, message = answer[4:].decode().partition(" ")
            raise HubError(code, message)
        if not answer.startswith(b"OK"):
            raise HubError("BAD_FRAME", f"{address} did not answer like a Switchboard hub")
        self.hub_name = answer[3:].decode()
        self.node = QRemoteObjectNode()
        self.node.addClientSideConnection(self.socket)
        self.api = self.node.acquireDynamic("Switchboard")
        if not self.api.waitForSource(timeout_ms):
            raise HubError("TIMEOUT", "the hub did not share its API in time")
        meta = self.api.metaObject()
        self._answered = meta.method(meta.indexOfSignal(b"answered(QString,QVariantMap)"))

    def _connect(self, address, ca_file):
        if address.startswith("local:"):
            sock = QLocalSocket()
            sock.connectToServer(address[len("local:"):])
            if not sock.waitForConnected(self.timeout_ms):
                raise HubError("NOT_CONNECTED", f"cannot reach the hub at {address}: {sock.errorString()}")
            return sock
        if address.startswith("tls://"):
            host, _, port = address[len("tls://"):].rpartition(":")
            sock = QSslSocket()
            if ca_file:
                config = sock.sslConfiguration()
                config.addCaCertificates(QSslCertificate.fromPath(ca_file))
                sock.setSslConfiguration(config)
            sock.connectToHostEncrypted(host, int(port))
            if not sock.waitForEncrypted(self.timeout_ms):
                raise HubError("NOT_CONNECTED", f"no TLS session with {address}: {sock.errorString()}")
            return sock
        raise HubError("INVALID_CONFIG", f'"{address}" is not a hub address: use local:<name> or tls://host:port')

    def _write_line(self, data):
        self.socket.write(data)
        self.socket.flush()

    def _read_line(self):
        while not self.socket.canReadLine():
            if not self.socket.waitForReadyRead(self.timeout_ms):
                raise HubError("NOT_CONNECTED", "the hub closed the connection during the handshake")
        return bytes(self.socket.readLine()).rstrip(b"\r\n")

    def prop(self, name):
        return self.api.property(name)

    def call(self, method, **args):
        """Runs one slot of the API by name and returns its answer map; raises HubError on refusal."""
        call_id = str(uuid.uuid4())
        spy = QSignalSpy(self.api, self._answered)
        QMetaObject.invokeMethod(self.api, "call", Qt.ConnectionType.DirectConnection,
                                 Q_ARG(str, call_id), Q_ARG(str, method), Q_ARG("QVariantMap", args))
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.start(self.timeout_ms)
        while deadline.isActive():
            for i in range(len(spy)):
                if spy[i][0] == call_id:
                    answer = spy[i][1]
                    if not answer.get("ok"):
                        raise HubError(answer.get("code", "INTERNAL"), answer.get("message", ""))
                    return answer
            spy.wait(min(200, max(1, deadline.remainingTime())))
        raise HubError("TIMEOUT", f"no answer to {method} within {self.timeout_ms} ms")


def replay(hub, args):
    """Starts a replay of stored messages and prints its progress once a second until it ends."""
    options = {"channel": args.channel, "speed": args.speed if args.speed == "max" else float(args.speed)}
    if args.topic:
        options["topic"] = args.topic
    if args.remap:
        frm, _, to = args.remap.partition("=")
        options["remap"] = {"from": frm, "to": to}
    status = hub.call("startReplay", options=options)
    replay_id = status["id"]
    while True:
        status = hub.call("replay", id=replay_id)
        timing = status.get("timing", {})
        print(f"replay {replay_id} {status['state']}: sent {status['sent']}, at seq {status['position']}, "
              f"late p99 {timing.get('p99Us', 0) / 1000:.2f} ms", flush=True)
        if status["state"] in ("finished", "stopped", "failed"):
            break
        QTest.qWait(1000)
    if status["state"] == "failed":
        error = status.get("error", {})
        raise HubError(error.get("code", "INTERNAL"), error.get("message", "the replay failed"))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="local:switchboard-control")
    parser.add_argument("--token-file")
    parser.add_argument("--ca")
    parser.add_argument("command", choices=["status", "demo", "replay"])
    parser.add_argument("channel", nargs="?", default="", help="replay: the channel whose stored messages are replayed")
    parser.add_argument("--topic", help="replay: a topic pattern")
    parser.add_argument("--speed", default="1", help="replay: 0.1 to 100, or max")
    parser.add_argument("--remap", help="replay: FROM=TO, e.g. orders.>=replay.orders.>")
    args = parser.parse_args()
    qInstallMessageHandler(_quiet_dynamic_warning)
    app = QCoreApplication(sys.argv[:1])  # noqa: F841 (the event loop the sockets need)
    token = open(args.token_file, "rb").read().strip() if args.token_file else b""
    try:
        hub = SwitchboardRemote(args.hub, token, args.ca)
        if args.command == "status":
            print(json.dumps({"hub": hub.hub_name, "version": hub.prop("version"), "stats": hub.prop("stats")},
                             sort_keys=True))
            return 0
        if args.command == "replay":
            return replay(hub, args)
        # demo: a channel, a message, the topic it created, then tidy up.
        hub.call("createChannel", config={"name": "py-demo", "type": "broadcast", "description": "from Python"})
        print("created channel py-demo")
        published = hub.call("publish", message={"topic": "py.demo.hello", "payload": "hello from Python"})
        print(f"published {published['id']} to {published['delivered']} subscriber(s)")
        topics = hub.call("list", collection="topics", filter="py.>")
        for row in topics["rows"]:
            print(f"topic {row['topic']} in={row['in']} last={bytes(row['lastPayload']).decode()}")
        # A persistent channel: a stored message, replayed into other topics as fast as possible.
        hub.call("createChannel", config={"name": "py-ledger", "type": "topic", "persistent": True})
        hub.call("publish", message={"channel": "py-ledger", "topic": "entry.1", "payload": "kept"})
        while not hub.call("storedMessages", channel="py-ledger", query={})["rows"]:
            QTest.qWait(20)  # stored by the journal's writer a moment later; a replay reads what is stored
        replayed = hub.call("startReplay", options={"channel": "py-ledger", "speed": "max",
                                                    "remap": {"from": "entry.>", "to": "replayed.>"}})
        while replayed["state"] in ("running", "paused"):
            QTest.qWait(50)
            replayed = hub.call("replay", id=replayed["id"])
        print(f"replay {replayed['id']} {replayed['state']}: sent {replayed['sent']} from py-ledger")
        hub.call("deleteChannel", name="py-ledger")
        channels = hub.call("list", collection="channels")
        print("channels: " + ", ".join(row["name"] for row in channels["rows"]))
        hub.call("deleteChannel", name="py-demo")
        print("deleted channel py-demo")
        return 0
    except HubError as e:
        print(f"switchboard_remote: {e}", file=sys.stderr)
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
