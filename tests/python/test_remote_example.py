#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Runs examples/python/switchboard_remote.py against a real switchboardd it starts itself:
private config, local sockets in a temporary directory, a token required on the control socket.
Usage: test_remote_example.py <switchboardd> <example.py>"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

daemon, example = sys.argv[1], sys.argv[2]
failures = []


def check(condition, what):
    print(("PASS   : " if condition else "FAIL!  : ") + what)
    if not condition:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    token = b"py-s3cret"
    token_file = os.path.join(tmp, "token")
    with open(token_file, "wb") as f:
        f.write(token + b"\n")
    control = os.path.join(tmp, "control.sock")
    config = os.path.join(tmp, "switchboardd.yaml")
    with open(config, "w") as f:
        f.write(f"""communication:
  protocols: [native]
  native:
    tcp: "127.0.0.1:0"
    local: "{tmp}/sb.sock"
auth:
  tokens:
    - {{name: ops, token-sha256: {hashlib.sha256(token).hexdigest()}, roles: [admin]}}
journal:
  path: "{tmp}/journal"
remote:
  local: "{control}"
  local-requires-token: true
  snapshot-interval-ms: 100
""")
    log = open(os.path.join(tmp, "daemon.log"), "w+")
    proc = subprocess.Popen([daemon, "--config", config], stderr=log)
    try:
        deadline = time.time() + 20
        while time.time() < deadline and not os.path.exists(control):
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        check(os.path.exists(control), "the daemon opened its control socket")
        hub = "local:" + control
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

        run = subprocess.run(["/usr/bin/python3", example, "--hub", hub, "--token-file", token_file, "demo"],
                             capture_output=True, text=True, timeout=60, env=env)
        check(run.returncode == 0, f"demo exits 0 (got {run.returncode}; stderr: {run.stderr.strip()})")
        check("created channel py-demo" in run.stdout, "demo created its channel")
        check("topic py.demo.hello in=1 last=hello from Python" in run.stdout, "demo saw its topic with the last payload")
        check("deleted channel py-demo" in run.stdout, "demo deleted its channel")
        check("finished: sent 1 from py-ledger" in run.stdout, f"demo replayed its stored message ({run.stdout!r})")

        run = subprocess.run(["/usr/bin/python3", example, "--hub", hub, "--token-file", token_file, "status"],
                             capture_output=True, text=True, timeout=60, env=env)
        check(run.returncode == 0, f"status exits 0 (got {run.returncode})")
        status = json.loads(run.stdout) if run.returncode == 0 else {}
        check(status.get("stats", {}).get("in", 0) >= 1, "status shows the message the demo published")
        check(status.get("stats", {}).get("channels", -1) == 0, "status shows the demo channel gone")

        run = subprocess.run(["/usr/bin/python3", example, "--hub", hub, "status"],
                             capture_output=True, text=True, timeout=60, env=env)
        check(run.returncode == 77, f"no token: exit 77 (got {run.returncode})")
        check("UNAUTHENTICATED" in run.stderr, "no token: the error names UNAUTHENTICATED")

        run = subprocess.run(["/usr/bin/python3", example, "--hub", "local:" + os.path.join(tmp, "none.sock"), "status"],
                             capture_output=True, text=True, timeout=60, env=env)
        check(run.returncode == 69, f"no hub: exit 69 (got {run.returncode})")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = -1
        check(code == 0, f"the daemon stopped cleanly (exit {code})")
        if failures:
            log.seek(0)
            print(log.read()[-3000:])

print(f"Totals: {len(failures)} failed")
sys.exit(1 if failures else 0)
