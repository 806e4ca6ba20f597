#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench/filters.py — the data of the IXP filter profile (workloads W1F, W2F).

usage: bgpload --print-table --config SESSIONS.conf |
       bench/filters.py --members members.tsv --out DIR [--roas N] [--invalid PCT]
                        [--irr-pad N] [--seed N] [--rs-as ASN]

Reads bgpload's synthesised tables (prefix|as_path|med|communities|large, the
first AS of the path is the announcing member's) and the workload's
members.tsv (role addr asn prefixes expect), and writes to DIR:

  vrps.json        RPKI: rpki-client's JSON ({"roas": [{asn, prefix, maxLength,
                   ta}]}) with --roas ROAs (500,000): one per announced route
                   (prefix, maxLength = its length, its origin), so routes are
                   VALID, except --invalid % (1) of every member's routes, whose
                   ROA names another AS (INVALID, rejected by both route
                   servers); the rest is filler: random prefixes that overlap
                   no announced route and no bogon.  When the routes outnumber
                   --roas (W2: 1,000,000 routes), about --roas of them, taken
                   as whole trees of nested routes, get a ROA and the others
                   are NOT FOUND (accepted).
  irr.rpsl         IRR: an RPSL dump, one route: object per announced route
                   (origin: the route's origin AS) and one as-set AS-M<asn> per
                   member listing its AS and the origins of its table; the member with the
                   largest table gets filler route objects (origin: its own AS)
                   up to --irr-pad (50,000) route objects.
  bird-data.conf   the same data for BIRD 2, as arouteserver renders it: one
                   `define AS_SET_M<asn>_asns` and `AS_SET_M<asn>_prefixes_4`
                   per member (exact prefixes: allow_longer_prefixes False),
                   `roa4 table RPKI4` filled by a static protocol with one
                   `route P max L as A;` per ROA.
  accepted.tsv     asn announced accepted rejected-by-reason, from this script's
                   own evaluation of every filter (bogons, prefix length, AS_PATH
                   length, invalid ASNs, IRR origin and prefix, RFC 6811 over
                   vrps.json): what both route servers must pass.
  stats.json       counts (ROAs, route objects, IRR list sizes, INVALIDs).

Deterministic for given inputs and --seed.
"""
import argparse
import bisect
import ipaddress
import json
import os
import random
import sys
from array import array

# arouteserver's IPv4 bogons (ixpd's built-in list, src/config/bogons.c): (net, len, exact)
BOGONS4 = [("0.0.0.0", 0, True), ("0.0.0.0", 8, False), ("10.0.0.0", 8, False),
           ("127.0.0.0", 8, False), ("169.254.0.0", 16, False), ("172.16.0.0", 12, False),
           ("192.0.2.0", 24, False), ("192.88.99.0", 24, False), ("192.168.0.0", 16, False),
           ("198.18.0.0", 15, False), ("198.51.100.0", 24, False), ("203.0.113.0", 24, False),
           ("224.0.0.0", 3, False), ("100.64.0.0", 10, False)]
# arouteserver's invalid ASNs in an AS_PATH (reject_invalid_as_in_as_path)
INVALID_ASNS = [(0, 0), (23456, 23456), (64496, 131071), (4200000000, 4294967295)]
PREF_LEN = (8, 24)            # general.yml ipv4_pref_len
MAX_AS_PATH_LEN = 32
# trust anchors of rpki-client's output that arouteserver's default
# allowed_trust_anchors accepts (ixpd applies that list to vrp_file)
TAS_ALLOWED = ["ripe", "apnic", "lacnic", "afrinic"]


def ip2int(s):
    return int(ipaddress.IPv4Address(s))


def int2ip(n):
    return str(ipaddress.IPv4Address(n))


def mask(n, length):
    return n & (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF if length else 0


BOGON_NETS = [(ip2int(a), l, e) for a, l, e in BOGONS4]


def is_bogon(net, length):
    for b, bl, exact in BOGON_NETS:
        if exact:
            if net == b and length == bl:
                return True
        elif length >= bl and mask(net, bl) == b:
            return True
    return False


def overlaps_bogon(net, length):
    end = net + (1 << (32 - length))
    for b, bl, exact in BOGON_NETS:
        if exact:
            continue
        if b < end and net < b + (1 << (32 - bl)):
            return True
    return False


def invalid_asn(a):
    return any(lo <= a <= hi for lo, hi in INVALID_ASNS)


class Routes:
    """Every announced route, in columns (1,000,000 routes in W2)."""

    def __init__(self):
        self.net = array("I")
        self.len = array("B")
        self.origin = array("I")
        self.member = array("I")
        self.path_reject = array("B")   # 0, or the AS_PATH check that fails

    def add(self, net, length, path):
        self.net.append(net)
        self.len.append(length)
        self.origin.append(path[-1])
        self.member.append(path[0])
        r = 0
        if len(path) > MAX_AS_PATH_LEN:
            r = 1
        elif any(invalid_asn(a) for a in path):
            r = 2
        self.path_reject.append(r)

    def __len__(self):
        return len(self.net)


def read_table(f):
    rt = Routes()
    for line in f:
        fields = line.rstrip("\n").split("|")
        if len(fields) < 2 or "/" not in fields[0]:
            continue
        p, l = fields[0].split("/")
        rt.add(ip2int(p), int(l), [int(a) for a in fields[1].split()])
    return rt


def read_members(path):
    members = []
    with open(path) as f:
        for line in f:
            v = line.split()
            if len(v) >= 4:
                members.append({"role": v[0], "addr": v[1], "asn": int(v[2]), "prefixes": int(v[3])})
    return members


def public_asn(rng):
    while True:
        a = rng.randrange(1000, 49000) if rng.random() < 0.6 else rng.randrange(131072, 270000)
        if not invalid_asn(a):
            return a


def build_roas(rt, args, rng):
    """{(net, len): [(asn, maxlen)]}, and the indexes of the routes made INVALID."""
    n = len(rt)
    covered = list(range(n))
    if n > args.roas:
        # a random part of the routes, taken by whole trees (a route and
        # the announced routes inside it): an uncovered route inside a
        # covered one would be INVALID, not NOT FOUND
        order = sorted(range(n), key=lambda i: (rt.net[i], rt.len[i]))
        trees, end = [], -1
        for i in order:
            if rt.net[i] >= end:
                trees.append([])
                end = rt.net[i] + (1 << (32 - rt.len[i]))
            trees[-1].append(i)
        rng.shuffle(trees)
        covered = []
        for t in trees:
            if len(covered) >= args.roas:
                break
            covered.extend(t)
        covered.sort()
    # args.invalid % of every member's routes, among those given a ROA
    by_member = {}
    for i in covered:
        by_member.setdefault(rt.member[i], []).append(i)
    invalid = set()
    for m in sorted(by_member):
        idx = by_member[m]
        k = round(len(idx) * args.invalid / 100)
        invalid.update(rng.sample(idx, k))
    roas = {}
    for i in covered:
        key = (rt.net[i], rt.len[i])
        if i in invalid:
            asn = rt.origin[i]
            while asn == rt.origin[i]:
                asn = public_asn(rng)
        else:
            asn = rt.origin[i]
        roas.setdefault(key, []).append((asn, rt.len[i]))
    # filler: random prefixes overlapping no announced route and no bogon
    starts = sorted(zip(rt.net, rt.len))
    keys = [s[0] for s in starts]
    announced = set(starts)
    lens = [24] * 50 + [23] * 10 + [22] * 15 + [21] * 6 + [20] * 8 + [19] * 4 + [18] * 3 + [17] * 2 + [16] * 2
    filler = args.roas - len(covered)
    while filler > 0:
        length = rng.choice(lens)
        net = mask(rng.getrandbits(32), length)
        if (net, length) in roas or overlaps_bogon(net, length):
            continue
        end = net + (1 << (32 - length))
        j = bisect.bisect_left(keys, net)
        if j < len(keys) and keys[j] < end:
            continue                  # an announced route starts inside
        if any((mask(net, l), l) in announced for l in range(8, length + 1)):
            continue                  # an announced route contains it
        maxlen = min(24, length + rng.choice([0, 0, 0, 1, 2, 8]))
        roas[(net, length)] = [(public_asn(rng), maxlen)]
        filler -= 1
    return roas, invalid


def rov(roas, roa_lens, net, length, origin):
    """RFC 6811: 0 not found, 1 valid, 2 invalid."""
    found = False
    for l in roa_lens:
        if l > length:
            break
        for asn, maxlen in roas.get((mask(net, l), l), ()):
            found = True
            if asn == origin and length <= maxlen:
                return 1
    return 2 if found else 0


def build_irr(rt, members, args, rng):
    """as-sets {member: sorted origins}, route objects [(net, len, origin)]."""
    # every member has an as-set (AS-M<asn>): its own AS and the origins
    # of its table (a sink's holds its AS alone)
    origins = {m["asn"]: {m["asn"]} for m in members}
    for i in range(len(rt)):
        origins[rt.member[i]].add(rt.origin[i])
    objs = set(zip(rt.net, rt.len, rt.origin))
    senders = [m for m in members if m["prefixes"] > 0]
    if senders:
        big = max(senders, key=lambda m: m["prefixes"])
        have = sum(1 for i in range(len(rt)) if rt.member[i] == big["asn"])
        pad = args.irr_pad - have
        while pad > 0:
            net = mask(rng.getrandbits(32), 24)
            if overlaps_bogon(net, 24) or (net, 24, big["asn"]) in objs:
                continue
            objs.add((net, 24, big["asn"]))
            pad -= 1
    return {m: sorted(o) for m, o in origins.items()}, sorted(objs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--roas", type=int, default=500000)
    ap.add_argument("--invalid", type=float, default=1.0)
    ap.add_argument("--irr-pad", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rs-as", type=int, default=59900)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    members = read_members(args.members)
    rt = read_table(sys.stdin)
    os.makedirs(args.out, exist_ok=True)

    roas, invalid = build_roas(rt, args, rng)
    as_sets, objs = build_irr(rt, members, args, rng)

    # IRR expansion, as both route servers see it: AS<asn> + AS-M<asn>
    by_origin = {}
    for net, length, origin in objs:
        by_origin.setdefault(origin, []).append((net, length))
    expanded = {}
    for m in members:
        asns = as_sets[m["asn"]]
        pfx = sorted({p for a in asns for p in by_origin.get(a, ())})
        expanded[m["asn"]] = (asns, pfx)

    # every filter, in arouteserver's order, per route
    roa_lens = sorted({l for _, l in roas})
    reasons = ["bogon", "prefix_len", "as_path_len", "invalid_asn", "irr_origin", "irr_prefix", "rpki_invalid"]
    acc = {m["asn"]: {"announced": 0, "accepted": 0, **{r: 0 for r in reasons}} for m in members}
    irr_sets = {a: (set(e[0]), set(e[1])) for a, e in expanded.items()}
    rov_count = [0, 0, 0]
    for i in range(len(rt)):
        a = acc[rt.member[i]]
        a["announced"] += 1
        net, length, origin = rt.net[i], rt.len[i], rt.origin[i]
        st = rov(roas, roa_lens, net, length, origin)
        rov_count[st] += 1
        if not PREF_LEN[0] <= length <= PREF_LEN[1]:
            r = "prefix_len"
        elif is_bogon(net, length):
            r = "bogon"
        elif rt.path_reject[i]:
            r = "as_path_len" if rt.path_reject[i] == 1 else "invalid_asn"
        elif origin not in irr_sets[rt.member[i]][0]:
            r = "irr_origin"
        elif (net, length) not in irr_sets[rt.member[i]][1]:
            r = "irr_prefix"
        elif st == 2:
            r = "rpki_invalid"
        else:
            r = None
        if r:
            a[r] += 1
        else:
            a["accepted"] += 1

    out = args.out
    with open(os.path.join(out, "vrps.json"), "w") as f:
        f.write('{"metadata": {"generator": "bench/filters.py"},\n "roas": [\n')
        first = True
        for (net, length), lst in sorted(roas.items()):
            for asn, maxlen in lst:
                ta = TAS_ALLOWED[(net >> 24) % len(TAS_ALLOWED)]
                f.write(("" if first else ",\n") + '  {"asn": %d, "prefix": "%s/%d", "maxLength": %d, "ta": "%s"}'
                        % (asn, int2ip(net), length, maxlen, ta))
                first = False
        f.write("\n]}\n")
    with open(os.path.join(out, "irr.rpsl"), "w") as f:
        f.write("# bench/filters.py: route objects of every member's table, an as-set per member\n\n")
        for m in members:
            # continuation lines of 16 members (a W2 feeder's set has
            # ~30,000: one line would exceed ixpd's 64 KiB line limit)
            asns = [f"AS{a}" for a in as_sets[m["asn"]]]
            ms = ",\n         ".join(", ".join(asns[k:k + 16]) for k in range(0, len(asns), 16))
            f.write(f"as-set:  AS-M{m['asn']}\ndescr:   benchmark member AS{m['asn']}\n"
                    f"members: {ms}\nsource:  BENCH\n\n")
        for net, length, origin in objs:
            f.write(f"route:   {int2ip(net)}/{length}\norigin:  AS{origin}\nsource:  BENCH\n\n")
    with open(os.path.join(out, "bird-data.conf"), "w") as f:
        f.write("# bench/filters.py: IRR data (arouteserver's irrdb.j2 shape) and ROAs (rpki.j2)\n")
        for m in members:
            asns, pfx = expanded[m["asn"]]
            f.write(f"define AS_SET_M{m['asn']}_asns = [\n\t" + ",\n\t".join(map(str, asns)) + "\n];\n")
            # an empty list matches nothing (arouteserver comments the
            # check out); a prefix no member announces keeps the syntax
            ents = [f"{int2ip(n)}/{l}" for n, l in pfx] or ["0.0.0.0/32"]
            f.write(f"define AS_SET_M{m['asn']}_prefixes_4 = [\n\t" + ",\n\t".join(ents) + "\n];\n")
        f.write("\nroa4 table RPKI4;\nprotocol static rpki_roas {\n\troa4 { table RPKI4; };\n")
        for (net, length), lst in sorted(roas.items()):
            for asn, maxlen in lst:
                f.write(f"\troute {int2ip(net)}/{length} max {maxlen} as {asn};\n")
        f.write("}\n")
    with open(os.path.join(out, "accepted.tsv"), "w") as f:
        f.write("asn\tannounced\taccepted\t" + "\t".join(reasons) + "\n")
        for m in members:
            a = acc[m["asn"]]
            f.write(f"{m['asn']}\t{a['announced']}\t{a['accepted']}\t" + "\t".join(str(a[r]) for r in reasons) + "\n")
    nroas = sum(len(v) for v in roas.values())
    stats = {
        "routes": len(rt), "roas": nroas, "roas_covering_routes": len(rt) - rov_count[0],
        "rov": {"valid": rov_count[1], "not_found": rov_count[0], "invalid": rov_count[2]},
        "invalid_made": len(invalid),
        "route_objects": len(objs), "as_sets": len(as_sets),
        "irr_prefixes_max": max((len(e[1]) for e in expanded.values()), default=0),
        "irr_origins_max": max((len(e[0]) for e in expanded.values()), default=0),
        "accepted": sum(a["accepted"] for a in acc.values()),
        "rejected": {r: sum(a[r] for a in acc.values()) for r in reasons},
    }
    with open(os.path.join(out, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
        f.write("\n")
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
