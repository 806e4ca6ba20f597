#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""probe: what a looking glass and a monitoring system ask of a route
server, timed (bench/lib.sh bench_probe, workloads V1 and V2).

  probe.py http BASE_URL BIG_MEMBER_ADDR      ixpd's HTTP server
  probe.py bird CONTROL_SOCKET BIG_MEMBER_PROTOCOL  BIRD's control socket
  probe.py dump-ixpd IXPCTL SOCKET FILE        ixpctl dump rib FILE
  probe.py dump-bird CONTROL_SOCKET FILE       birdc mrt dump table master4 to FILE

Each request is timed from sending it to its last byte, one at a time over
a fresh connection (as a looking glass or a scraper does), ROUNDS times;
prints {"probe": {NAME: {"n", "p50_ms", "p99_ms", "per_s", "bytes"}}}.
For BIRD the same information comes from `show protocols all` (what
birdwatcher and bird_exporter ask) and `show route protocol P all`."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

ROUNDS = {"protocols": 30, "routes_10k": 10, "metrics": 30}


def summary(times, nbytes):
    times = sorted(times)
    pct = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return {"n": len(times), "p50_ms": round(pct(0.5) * 1000, 2), "p99_ms": round(pct(0.99) * 1000, 2),
            "per_s": round(len(times) / sum(times), 2), "bytes": nbytes}


def timed(fetch, rounds):
    times, size = [], 0
    for _ in range(rounds):
        t = time.monotonic()
        size = len(fetch())
        times.append(time.monotonic() - t)
    return summary(times, size)


def http(base, big):
    pid = "N" + big.replace(".", "_").replace(":", "_")
    get = lambda path: lambda: urllib.request.urlopen(base + path, timeout=600).read()
    routes = json.loads(get("/api/birdwatcher/routes/protocol/" + pid)())["routes"]
    out = {"protocols": timed(get("/api/birdwatcher/protocols/bgp"), ROUNDS["protocols"]),
           "routes_10k": timed(get("/api/birdwatcher/routes/protocol/" + pid), ROUNDS["routes_10k"]),
           "metrics": timed(get("/metrics"), ROUNDS["metrics"])}
    out["routes_10k"]["routes"] = len(routes)
    return out


def bird_cmd(path, cmd):
    """One command over BIRD's CLI socket: the whole reply, to its 0000 line
    (or an error code line)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    buf = b""
    while b"\n" not in buf:                  # the greeting, 0001 BIRD x ready.
        buf += s.recv(65536)
    s.sendall(cmd.encode() + b"\n")
    buf = b""
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
        tail = buf[-4096:]
        if b"\n0000 " in tail or tail.startswith(b"0000") or any(
                line[:1] in (b"8", b"9") and line[4:5] == b" " for line in tail.split(b"\n")[-3:]):
            break
    s.close()
    return buf


def bird(path, name):
    out = {"protocols": timed(lambda: bird_cmd(path, "show protocols all"), ROUNDS["protocols"]),
           "routes_10k": timed(lambda: bird_cmd(path, "show route protocol %s all" % name), ROUNDS["routes_10k"]),
           "metrics": timed(lambda: bird_cmd(path, "show protocols all"), ROUNDS["metrics"])}
    out["routes_10k"]["routes"] = bird_cmd(path, "show route protocol %s all" % name).count(b"\n1007-")
    out["routes_10k"]["protocol"] = name
    return out


def dump_ixpd(ixpctl, sock, path):
    t = time.monotonic()
    subprocess.run([ixpctl, "-s", sock, "dump", "rib", path], check=True, stdout=subprocess.DEVNULL)
    return {"rib_dump": {"seconds": round(time.monotonic() - t, 3), "bytes": os.path.getsize(path)}}


def dump_bird(sock, path):
    t = time.monotonic()
    reply = bird_cmd(sock, 'mrt dump table "master4" to "%s"' % path)
    # the dump runs as a task after the command returns: wait for the file
    # to stop growing
    last, stable, grew = -1, 0, time.monotonic()
    while stable < 50:                       # 0.5 s without growth
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if size != last or size == 0:
            stable, grew = 0, time.monotonic()
        else:
            stable += 1
        last = size
        time.sleep(0.01)
    return {"rib_dump": {"seconds": round(grew - t, 3), "bytes": last,
                         "reply": reply.decode(errors="replace")[:200]}}


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    probe = {"http": http, "bird": bird, "dump-ixpd": dump_ixpd, "dump-bird": dump_bird}[mode](*args)
    print(json.dumps({"probe": probe}))


main()
