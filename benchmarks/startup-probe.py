#!/usr/bin/env python3
"""Start the gateway and time its console, for benchmarks/startup.sh (a benchmark helper, not a test).

    startup-probe.py HOME PORT JAVA [JVM options...] -jar JAR

Starts JAVA in HOME (stdout and stderr to HOME/out.log), writes its PID to HOME/pid at once (the caller stops it),
then polls http://127.0.0.1:PORT/system/console/bundles every 10 ms from this one process: first without
credentials until the console answers 401, then with the password from HOME/console-password until it answers 200.
Prints "ms_to_401 ms_to_200" (0 for a step not reached in 30 s or when the gateway exited) measured from the launch.

Why not curl in a shell loop: on this two-core machine each curl (a fork, an exec, a TLS library's start) every
20 ms took CPU the starting JVM needed, and slowed the start it measured (docs/benchmarks.md, "Start-up").
"""
import base64
import http.client
import os
import subprocess
import sys
import time

home, port, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t0 = time.monotonic()
with open(os.path.join(home, "out.log"), "wb") as log:
    proc = subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
with open(os.path.join(home, "pid.tmp"), "w") as f:
    f.write(str(proc.pid))
os.replace(os.path.join(home, "pid.tmp"), os.path.join(home, "pid"))


def status(auth):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/system/console/bundles", headers={"Authorization": auth} if auth else {})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return 0
    finally:
        conn.close()


def password():
    try:
        with open(os.path.join(home, "console-password")) as f:
            for line in f:
                if line.startswith("password="):
                    return line[len("password="):].strip()
    except OSError:
        pass
    return None


challenge = ready = 0
deadline = t0 + 30
while time.monotonic() < deadline and proc.poll() is None:
    if not challenge and status(None) == 401:
        challenge = round((time.monotonic() - t0) * 1000)
    if challenge:
        pw = password()
        if pw is not None:
            auth = "Basic " + base64.b64encode(("admin:" + pw).encode()).decode()
            if status(auth) == 200:
                ready = round((time.monotonic() - t0) * 1000)
                break
    time.sleep(0.01)
print(challenge, ready)
