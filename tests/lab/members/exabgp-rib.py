#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""ExaBGP API process "rib": keeps the member's view of its received routes.

ExaBGP has no RIB one could query, so this process reads the parsed JSON
messages ExaBGP writes to it (neighbor-changes + received updates/refreshes)
and keeps DIR/rib.json up to date (written atomically after every message):

  {"peers": {"192.0.2.1": {"state": "up", "updates": 3, "refreshes": 0,
              "routes": {"ipv4 unicast": {"45.65.0.0/22": [
                  {"path-id": null, "next-hop": "192.0.2.11",
                   "attributes": {...exabgp json attributes...}}]}}}}}

Every raw message is also appended to DIR/messages.log for diagnostics.
"""
import json
import os
import sys

out_dir = sys.argv[1]
rib_path = os.path.join(out_dir, "rib.json")
peers = {}


def peer(addr):
    return peers.setdefault(addr, {"state": "down", "updates": 0,
                                   "refreshes": 0, "routes": {}})


def save():
    tmp = rib_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"peers": peers}, f, indent=1, sort_keys=True)
    os.replace(tmp, rib_path)


def nlri_key(entry):
    """(prefix, path-id) of an announce/withdraw entry."""
    if isinstance(entry, dict):
        return entry.get("nlri"), entry.get("path-information")
    return str(entry), None


def handle(msg):
    kind = msg.get("type")
    nb = msg.get("neighbor", {})
    addr = nb.get("address", {}).get("peer")
    if addr is None:
        return
    p = peer(addr)
    if kind == "state":
        p["state"] = nb.get("state", "unknown")
        if p["state"] != "up":
            p["routes"] = {}
    elif kind == "refresh":
        p["refreshes"] += 1
    elif kind == "update":
        p["updates"] += 1
        upd = nb.get("message", {}).get("update", {})
        attrs = upd.get("attribute", {})
        for family, entries in upd.get("withdraw", {}).items():
            table = p["routes"].setdefault(family, {})
            for e in entries:
                prefix, pid = nlri_key(e)
                paths = [x for x in table.get(prefix, []) if x["path-id"] != pid]
                if paths:
                    table[prefix] = paths
                else:
                    table.pop(prefix, None)
        for family, by_nh in upd.get("announce", {}).items():
            table = p["routes"].setdefault(family, {})
            if not isinstance(by_nh, dict):
                continue
            # An IPv6 next hop of global + link-local address is reported
            # as two next hops announcing the same NLRI: keep the global one.
            seen = set()
            for nexthop, entries in sorted(by_nh.items(),
                                           key=lambda kv: kv[0].lower().startswith("fe80")):
                if not isinstance(entries, list):
                    continue
                for e in entries:
                    prefix, pid = nlri_key(e)
                    if prefix is None or (prefix, pid) in seen:
                        continue
                    seen.add((prefix, pid))
                    paths = [x for x in table.get(prefix, []) if x["path-id"] != pid]
                    paths.append({"path-id": pid, "next-hop": nexthop,
                                  "attributes": attrs})
                    table[prefix] = paths


def main():
    save()
    log = open(os.path.join(out_dir, "messages.log"), "a")
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        log.write(line + "\n")
        log.flush()
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        handle(msg)
        save()


if __name__ == "__main__":
    main()
