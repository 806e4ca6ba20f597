#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""rfc4271_model: an independent model of RFC 4271 §9.1.2.2 for a route
server, and the tables to check a route server against it.

Written from the RFC's text, not from ixpd's code.  A route server
(RFC 7947) gives every member, for every prefix, the best of the paths the
*other* members announced (no path hiding); with no policy in play every
path has the same degree of preference, so the procedure is:

  (a) the paths with the fewest ASes in AS_PATH (an AS_SET counts 1,
      confederation segments 0 -- the tables here have none);
  (b) of those, the lowest ORIGIN (IGP < EGP < INCOMPLETE);
  (c) of those, within each group of paths from one neighbour AS (the
      left-most AS of the path) only the paths with the group's lowest MED
      stay, a missing MED counting as 0 -- groups are not compared with
      each other;
  (d)-(e) do not apply (every path is external, no IGP cost);
  (f) of the rest, the lowest BGP identifier of the announcing member;
  (g) then the lowest peer address.

usage:
  rfc4271_model.py tables OUTDIR (--mrt FILE | --synthetic) [--seed N] [--twins N]
      Writes OUTDIR/members (ADDR ASN BGP_ID, one member a line: one per
      original peer of the MRT RIB, plus --twins members that copy a peer's
      AS and routes under another address and identifier) and two tables in
      bgpload's --table format: OUTDIR/recorded.table (the peers' routes
      with their MEDs as recorded; twins silent) and OUTDIR/meds.table (the
      peers' and the twins' routes with MEDs drawn at random, some paths
      prepended), where MED decides between the members of one AS.
  rfc4271_model.py sessions OUTDIR TABLE
      Prints bgpload --session values, one a line: a member session each, with
      its BGP identifier and the number of prefixes it must end up holding.
  rfc4271_model.py check OUTDIR TABLE LOGDIR [--label NAME] [--show N]
      Reads what every member received (bgpload --rib-log files in LOGDIR),
      computes the model's choice for every member and prefix and compares.
      Exit status 1 if any member holds another path than the model's (or a
      prefix it should not hold, or lacks one it should).
"""
import argparse
import collections
import ipaddress
import os
import random
import subprocess
import sys

from drill import read_riblog    # the harness's reader of bgpload's RIB logs

LAN_FIRST = ipaddress.IPv4Address("192.0.2.10")
ORIGINS = {"IGP": 0, "EGP": 1, "INCOMPLETE": 2}

# Prefixes any IXP import policy rejects (RFC 6890 special-purpose space,
# multicast, reserved): left out so that every route of the table is
# accepted and the decision alone is under test.
BOGONS = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4")]


class Path:
    __slots__ = ("member", "as_path", "origin", "med")

    def __init__(self, member, as_path, origin, med):
        self.member, self.as_path, self.origin, self.med = member, as_path, origin, med

    def length(self):
        # an AS_SET is written as one token, {a,b,c}: it counts 1 like an AS
        return len(self.as_path.split())

    def neighbour_as(self):
        first = self.as_path.split()[0] if self.as_path else ""
        return "" if not first or first.startswith("{") else first

    def med_or_zero(self):
        return 0 if self.med == "-" else int(self.med)


def acceptable(prefix):
    net = ipaddress.ip_network(prefix)
    return net.version == 4 and 8 <= net.prefixlen <= 24 and not any(net.subnet_of(b) for b in BOGONS)


def best(paths, members):
    """§9.1.2.2 over a set of paths, as a sequence of eliminations."""
    shortest = min(p.length() for p in paths)
    paths = [p for p in paths if p.length() == shortest]
    lowest = min(ORIGINS[p.origin] for p in paths)
    paths = [p for p in paths if ORIGINS[p.origin] == lowest]
    group_med = {}
    for p in paths:
        n = p.neighbour_as()
        group_med[n] = min(group_med.get(n, p.med_or_zero()), p.med_or_zero())
    paths = [p for p in paths if p.med_or_zero() == group_med[p.neighbour_as()]]
    return min(paths, key=lambda p: (members[p.member]["id"], ipaddress.ip_address(p.member)))


def read_members(outdir):
    members = {}
    with open(os.path.join(outdir, "members")) as f:
        for line in f:
            addr, asn, bgp_id = line.split()
            members[addr] = {"asn": int(asn), "id": int(ipaddress.IPv4Address(bgp_id)), "bgp_id": bgp_id}
    return members


def read_table(path):
    """prefix -> [Path]"""
    table = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                addr, prefix, as_path, origin, med = line.split("|")
                table[prefix].append(Path(addr, as_path, origin, med))
    return table


def write_table(path, routes):
    with open(path, "w") as f:
        for addr, prefix, as_path, origin, med in routes:
            f.write(f"{addr}|{prefix}|{as_path}|{origin}|{med}\n")


# ------------------------------------------------------------------ tables

def mrt_routes(path):
    """(peer address, peer AS) -> [(prefix, as_path, origin, med)] from
    `bgpdump -m` of a TABLE_DUMP_V2 RIB."""
    out = subprocess.run(["bgpdump", "-m", path], capture_output=True, text=True, check=True).stdout
    peers = collections.defaultdict(list)
    for line in out.splitlines():
        f = line.split("|")
        if len(f) < 11 or f[0] != "TABLE_DUMP2" or not f[6] or not acceptable(f[5]):
            continue
        # bgpdump prints an absent MED as 0, which is what it counts as
        med = "-" if f[10] == "0" else f[10]
        peers[(f[3], int(f[4]))].append((f[5], f[6], f[7], med))
    return peers


def synthetic_routes(rng):
    """A small table of the same shape: 24 peers of 18 ASes, 3,000
    prefixes, each announced by several peers with paths of 1-5 ASes."""
    public = [a for a in range(1000, 64000) if a != 23456]      # not AS_TRANS
    ases = rng.sample(public, 18)
    owners = [(f"peer{i}", ases[i % len(ases)]) for i in range(24)]
    upstream = rng.sample(public, 40)
    peers = collections.defaultdict(list)
    for k in range(3000):
        prefix = f"{45 + k // 4096}.{(k // 16) % 256}.{(k % 16) * 16}.0/20"
        origin_as = rng.choice(upstream)
        for owner in rng.sample(owners, rng.randint(1, 8)):
            middle = rng.sample(upstream, rng.randint(0, 3))
            as_path = " ".join(str(a) for a in [owner[1], *middle, origin_as])
            origin = rng.choices(list(ORIGINS), weights=[8, 1, 2])[0]
            med = rng.choice(["-", "-", "0", "10", "100"])
            peers[owner].append((prefix, as_path, origin, med))
    return peers


def random_med(rng):
    return rng.choice(["-", "0", "5", "10", "50", "100", "2593", "13813"])


def make_tables(args):
    rng = random.Random(args.seed)
    peers = mrt_routes(args.mrt) if args.mrt else synthetic_routes(rng)
    owners = sorted(peers, key=lambda o: (-len(peers[o]), str(o[0])))
    twins = owners[:args.twins]
    everyone = owners + [("twin", o[1]) for o in twins]
    # identifiers in an order unrelated to the addresses, so (f) and (g)
    # disagree and the order paths arrive in says nothing
    ids = rng.sample(range(1, 250), len(everyone))
    members, addr_of = [], {}
    for i, owner in enumerate(everyone):
        addr = str(LAN_FIRST + i)
        members.append((addr, owner[1], f"10.0.0.{ids[i]}"))
        addr_of[i] = addr
    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "members"), "w") as f:
        for m in members:
            f.write("%s %d %s\n" % m)
    recorded, meds = [], []
    for i, owner in enumerate(owners):
        for prefix, as_path, origin, med in peers[owner]:
            recorded.append((addr_of[i], prefix, as_path, origin, med))
    for i, owner in enumerate(everyone):
        source = peers[owner] if i < len(owners) else peers[twins[i - len(owners)]]
        for prefix, as_path, origin, _ in source:
            if rng.random() < 0.15:
                as_path = f"{owner[1]} {as_path}"
            meds.append((addr_of[i], prefix, as_path, origin, random_med(rng)))
    write_table(os.path.join(args.outdir, "recorded.table"), recorded)
    write_table(os.path.join(args.outdir, "meds.table"), meds)
    print(f"{len(owners)} peers + {len(twins)} twins; recorded: {len(recorded)} routes, "
          f"with MEDs that matter: {len(meds)} routes")


# --------------------------------------------------------------- sessions

def expected_prefixes(table, addr):
    return sum(1 for paths in table.values() if any(p.member != addr for p in paths))


def sessions(args):
    members = read_members(args.outdir)
    table = read_table(args.table)
    for addr, m in members.items():
        print(f"member,{addr},{m['asn']},id={m['bgp_id']},expect={expected_prefixes(table, addr)}")


# ------------------------------------------------------------------ check

def received(logdir, addr):
    """What a member holds at the end: prefix -> (next hop, MED, AS_PATH)."""
    return read_riblog(os.path.join(logdir, f"{addr}.log"))[0]


def check(args):
    members = read_members(args.outdir)
    table = read_table(args.table)
    diffs, choices, contested = [], 0, 0
    for addr in members:
        held = received(args.logdir, addr)
        for prefix, paths in table.items():
            eligible = [p for p in paths if p.member != addr]
            want = best(eligible, members) if eligible else None
            got = held.pop(prefix, None)
            choices += 1
            contested += len(eligible) > 1
            if (want.member if want else None) != (got[0] if got else None):
                diffs.append((addr, prefix, want, got, eligible))
        for prefix, got in held.items():
            diffs.append((addr, prefix, None, got, []))
    label = args.label
    print(f"{label}: {len(members)} receivers, {len(table)} prefixes, {choices} choices "
          f"({contested} among several paths): {len(diffs)} differ from RFC 4271 §9.1.2.2")
    for addr, prefix, want, got, eligible in diffs[:args.show]:
        print(f"  receiver {addr} {prefix}: RFC picks "
              f"{want.member if want else 'nothing'}, {label} sent {got[0] if got else 'nothing'}")
        top = min((p.length(), ORIGINS[p.origin]) for p in eligible) if eligible else None
        for p in sorted(eligible, key=lambda p: members[p.member]["id"]):
            if (p.length(), ORIGINS[p.origin]) != top:
                continue        # out at (a) or (b)
            print(f"      from {p.member} AS{members[p.member]['asn']} id {members[p.member]['bgp_id']}: "
                  f"path [{p.as_path}] {p.origin} MED {p.med}")
    if len(diffs) > args.show:
        print(f"  ... and {len(diffs) - args.show} more")
    print(f"FIGURE decision_{label}_differences={len(diffs)}")
    return 1 if diffs else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tables")
    t.add_argument("outdir")
    src = t.add_mutually_exclusive_group(required=True)
    src.add_argument("--mrt")
    src.add_argument("--synthetic", action="store_true")
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--twins", type=int, default=12)
    s = sub.add_parser("sessions")
    s.add_argument("outdir")
    s.add_argument("table")
    c = sub.add_parser("check")
    c.add_argument("outdir")
    c.add_argument("table")
    c.add_argument("logdir")
    c.add_argument("--label", default="route-server")
    c.add_argument("--show", type=int, default=10)
    args = ap.parse_args()
    if args.cmd == "tables":
        make_tables(args)
        return 0
    if args.cmd == "sessions":
        sessions(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
