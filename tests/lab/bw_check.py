#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bw_check: checks birdwatcher API responses against what Alice-LG
(single_table mode) parses -- the envelope, every field's JSON type, the
time layouts -- and, when given the recorded birdwatcher responses
(../shared/data/birdwatcher), that every field both have has the same JSON
type.  The rules are those of ../shared/docs/ixp-platform-anchors.md §1.2.

usage: bw_check.py ENDPOINT_KIND FILE [RECORDED_DIR]
  ENDPOINT_KIND: status | protocols | short | routes | count
Prints nothing and exits 0 when the response holds; else prints each
problem and exits 1."""
import json
import re
import sys
from datetime import datetime

SHORT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")   # servertime_short as documented
problems = []


def fail(msg):
    problems.append(msg)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def rfc3339(v, where):
    if not isinstance(v, str):
        fail(f"{where}: not a string")
        return
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        fail(f"{where}: {v!r} is not RFC 3339")


def short_time(v, where):
    if not isinstance(v, str) or not SHORT.match(v):
        fail(f"{where}: {v!r} is not YYYY-MM-DD HH:MM:SS")


def envelope(d):
    api = d.get("api")
    if not isinstance(api, dict):
        fail("no api object")
        return
    if not isinstance(api.get("Version"), str):
        fail("api.Version is not a string")
    if not isinstance(api.get("result_from_cache"), bool):
        fail("api.result_from_cache is not a bool")
    cs = api.get("cache_status", {})
    rfc3339(cs.get("cached_at", {}).get("date"), "api.cache_status.cached_at.date")
    if "ttl" in d:
        rfc3339(d["ttl"], "ttl")


def same_types(ours, recorded, where):
    """Every key both have has the same JSON type, recursively."""
    if isinstance(recorded, dict) and isinstance(ours, dict):
        for k, v in recorded.items():
            if k in ours:
                same_types(ours[k], v, f"{where}.{k}")
        return
    kind = lambda v: "number" if is_num(v) else type(v).__name__
    if kind(ours) != kind(recorded):
        fail(f"{where}: {kind(ours)} where birdwatcher has {kind(recorded)}")
    elif isinstance(recorded, list) and recorded and ours:
        same_types(ours[0], recorded[0], where + "[0]")


def check_status(d):
    st = d.get("status")
    if not isinstance(st, dict):
        fail("no status object")
        return
    for k in ("current_server", "last_reboot", "last_reconfig"):
        short_time(st.get(k), f"status.{k}")
    for k in ("version", "message", "router_id"):
        if not isinstance(st.get(k), str):
            fail(f"status.{k} is not a string")


def check_protocols(d, recorded):
    ps = d.get("protocols")
    if not isinstance(ps, dict):
        fail("protocols is not an object keyed by protocol id")
        return
    if not ps:
        fail("no protocols")
    for pid, p in ps.items():
        w = f"protocols.{pid}"
        if not re.match(r"^[A-Za-z0-9_:.]{1,80}$", pid):
            fail(f"{w}: id outside birdwatcher's charset")
        if p.get("protocol") != pid:
            fail(f"{w}.protocol is not its key")
        r = p.get("routes")
        if not isinstance(r, dict):
            fail(f"{w}.routes is not an object")
            continue
        for k in ("imported", "filtered", "exported", "preferred"):
            if not is_num(r.get(k)):
                fail(f"{w}.routes.{k} is not a number")
        if not is_num(p.get("neighbor_as")):
            fail(f"{w}.neighbor_as is not a number")
        for k in ("neighbor_address", "state", "description", "last_error", "bird_protocol", "table"):
            if not isinstance(p.get(k), str):
                fail(f"{w}.{k} is not a string")
        short_time(p.get("state_changed"), f"{w}.state_changed")
        if recorded:
            same_types(p, next(iter(recorded["protocols"].values())), w)


def check_short(d):
    ps = d.get("protocols")
    if not isinstance(ps, dict) or not ps:
        fail("protocols is not a non-empty object")
        return
    for pid, p in ps.items():
        if not isinstance(p.get("state"), str):
            fail(f"protocols.{pid}.state is not a string")
        short_time(p.get("since"), f"protocols.{pid}.since")


def check_route(r, i, recorded):
    w = f"routes[{i}]"
    for k in ("network", "gateway", "learnt_from", "from_protocol", "interface"):
        if not isinstance(r.get(k), str):
            fail(f"{w}.{k} is not a string")
    if r.get("gateway") != r.get("learnt_from"):
        fail(f"{w}: gateway and learnt_from differ (Alice's single_table joins on them)")
    if not is_num(r.get("metric")):
        fail(f"{w}.metric is not a number")
    if not isinstance(r.get("primary"), bool):
        fail(f"{w}.primary is not a bool")
    if not (isinstance(r.get("type"), list) and all(isinstance(t, str) for t in r["type"])):
        fail(f"{w}.type is not a list of strings")
    short_time(r.get("age"), f"{w}.age")
    b = r.get("bgp")
    if not isinstance(b, dict):
        fail(f"{w}.bgp is not an object")
        return
    ap = b.get("as_path")
    if not (isinstance(ap, list) and all(isinstance(a, str) and a.isdigit() for a in ap)):
        fail(f"{w}.bgp.as_path is not a list of digit strings")
    for k in ("local_pref", "med", "otc"):
        if k in b and not (isinstance(b[k], str) and b[k].isdigit()):
            fail(f"{w}.bgp.{k} is not a decimal string")
    if not isinstance(b.get("local_pref"), str):
        fail(f"{w}.bgp.local_pref missing")
    for k in ("origin", "next_hop"):
        if not isinstance(b.get(k), str):
            fail(f"{w}.bgp.{k} is not a string")
    for k, n in (("communities", 2), ("large_communities", 3)):
        for c in b.get(k, []):
            if not (isinstance(c, list) and len(c) == n and all(is_num(x) for x in c)):
                fail(f"{w}.bgp.{k}: {c!r} is not {n} numbers")
    for c in b.get("ext_communities", []):
        if not (isinstance(c, list) and len(c) == 3 and all(isinstance(x, str) for x in c)):
            fail(f"{w}.bgp.ext_communities: {c!r} is not 3 strings")
    if recorded:
        same_types(r, recorded["routes"][0], w)


def check_routes(d, recorded):
    rs = d.get("routes")
    if not isinstance(rs, list):
        fail("routes is not a list")
        return
    for i, r in enumerate(rs):
        check_route(r, i, recorded)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    rec_dir = sys.argv[3] if len(sys.argv) > 3 else None
    d = json.load(open(path))
    envelope(d)
    if "error" in d:
        fail(f"error response: {d['error']}")
    rec = lambda f: json.load(open(f"{rec_dir}/{f}")) if rec_dir else None
    if kind == "status":
        check_status(d)
    elif kind == "protocols":
        check_protocols(d, rec("protocols_bgp.json"))
    elif kind == "short":
        check_short(d)
    elif kind == "routes":
        check_routes(d, rec("routes_protocol.json"))
    elif kind == "count":
        if not is_num(d.get("routes")):
            fail("routes is not a number")
    else:
        fail(f"unknown kind {kind}")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
