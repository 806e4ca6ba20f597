#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""What every member of a lab exchange must hold, and whether it does: the
judge of the drills (tests/integration/t_drill_*.sh).

usage:
  drill.py expected WORLD NAME AF
      the normalized routes (lib.sh's prefix|as_path|next_hop|med|
      communities|large_communities lines, sorted) member NAME must hold
      for AF (4|6): every route of every other member that is up
  drill.py rs-converged WORLD NEIGHBORS_JSON [-v]
      exit 0 when the route server (`ixpctl --json show neighbors`) has
      every session of the members that are up Established, has received
      each one's table and exported to each one the others' tables, and
      has no session with a member that is gone; -v: what is not there yet
  drill.py riblogs WORLD DIR [--no-drop NAME,...] [--eor] [--empty]
      checks what every bgpload member that is up holds (its --rib-log
      files DIR/ADDR.log): exactly the others' routes (prefix, next hop,
      MED, AS_PATH); --no-drop: these members' sessions never went down
      (no D line); --eor: every session received End-of-RIB after its
      last (re)start; --empty: the bgpload members that are gone hold
      nothing.  One line per session, the first differences, and exit 1
      on any failure
  drill.py schedule SEED DURATION HOLD NAME...
      a random link flap schedule for the NAMEd members: lines
      "SECONDS NAME down|up", sorted; each member starts after 0-8 s, is
      down for 0.3-2.5 x HOLD (a third of the outages end before a hold
      timer can expire, the others after), then up for 3-20 s, and so on;
      every member is up again by DURATION
  drill.py pick SEED K NAME...
      K of the NAMEs, chosen at random (the same for the same SEED)

WORLD is written by lib.sh's lab_world: lines
  member|NAME|TYPE|ASN|V4|V6|up-or-gone
  route|NAME|PREFIX|AS_PATH|MED|COMMUNITIES|LARGE_COMMUNITIES
("-" for an absent attribute, lists comma separated, AS_PATH space
separated).
"""
import json
import random
import sys


def comm_key(c):
    return tuple(int(x) for x in c.split(":"))


def norm_list(v):
    if v in ("", "-"):
        return "-"
    return ",".join(sorted(set(v.split(",")), key=comm_key))


class World:
    def __init__(self, path):
        self.members, self.routes = {}, []
        with open(path) as f:
            for line in f:
                p = line.rstrip("\n").split("|")
                if p[0] == "member":
                    self.members[p[1]] = {"type": p[2], "asn": int(p[3]), "v4": p[4],
                                          "v6": p[5], "up": p[6] == "up"}
                elif p[0] == "route":
                    self.routes.append({"owner": p[1], "prefix": p[2], "aspath": p[3],
                                        "med": p[4], "comms": norm_list(p[5]),
                                        "lcomms": norm_list(p[6]),
                                        "af": 6 if ":" in p[2] else 4})

    def addr(self, name, af):
        return self.members[name]["v6" if af == 6 else "v4"]

    def owned(self, name, af):
        return [r for r in self.routes if r["owner"] == name and r["af"] == af]

    def expected(self, name, af):
        """Routes name must hold for af: those of every other member up."""
        return [r for r in self.routes
                if r["af"] == af and r["owner"] != name and self.members[r["owner"]]["up"]]

    def line(self, r):
        return "|".join([r["prefix"], r["aspath"], self.addr(r["owner"], r["af"]), r["med"],
                         r["comms"], r["lcomms"]])


def cmd_expected(args):
    w = World(args[0])
    for line in sorted(w.line(r) for r in w.expected(args[1], int(args[2]))):
        print(line)
    return 0


def cmd_rs_converged(args):
    w = World(args[0])
    verbose = "-v" in args[2:]
    with open(args[1]) as f:
        neigh = {n["address"]: n for n in json.load(f)["neighbors"]}
    off = []
    for name, m in w.members.items():
        for af in (4, 6):
            n = neigh.get(w.addr(name, af))
            if n is None:
                off.append(f"{name} IPv{af}: no such neighbor")
                continue
            est = n["state"] == "Established"
            if not m["up"]:
                if est:
                    off.append(f"{name} IPv{af} ({n['address']}): gone, still Established")
                continue
            want_in, want_out = len(w.owned(name, af)), len(w.expected(name, af))
            r = n.get("routes", {})
            if not est:
                off.append(f"{name} IPv{af} ({n['address']}): {n['state']}")
            elif r.get("accepted") != want_in or r.get("received") != want_in:
                off.append(f"{name} IPv{af}: received {r.get('received')} accepted "
                           f"{r.get('accepted')}, table {want_in}")
            elif r.get("exported") != want_out:
                off.append(f"{name} IPv{af}: exported {r.get('exported')}, others' {want_out}")
            elif n.get("output_queue_bytes", 0):
                off.append(f"{name} IPv{af}: {n['output_queue_bytes']} bytes queued")
    if verbose:
        for o in off[:20]:
            print(o)
        if len(off) > 20:
            print(f"... and {len(off) - 20} more")
    return 1 if off else 0


def read_riblog(path):
    """What the log says the receiver holds at the end: prefix -> (next
    hop, MED, AS_PATH); the D lines (sessions lost); End-of-RIB seen after
    the last D (or the start)."""
    held, drops, eor = {}, 0, False
    with open(path) as f:
        for raw in f:
            p = raw.rstrip("\n").split(" ", 4)
            if p[0] == "A":
                held[p[1]] = (p[2], p[3], p[4] if len(p) > 4 else "")
            elif p[0] == "W":
                held.pop(p[1], None)
            elif p[0] == "D":
                held, drops, eor = {}, drops + 1, False
            elif p[0] == "E":
                eor = True
    return held, drops, eor


def cmd_riblogs(args):
    w = World(args[0])
    logdir = args[1]
    no_drop, want_eor, gone_empty = set(), False, False
    i = 2
    while i < len(args):
        if args[i] == "--no-drop":
            no_drop = set(x for x in args[i + 1].split(",") if x)
            i += 2
        elif args[i] == "--eor":
            want_eor, i = True, i + 1
        elif args[i] == "--empty":
            gone_empty, i = True, i + 1
        else:
            print(f"riblogs: unknown argument {args[i]}", file=sys.stderr)
            return 2
    bad = 0
    total = {"sessions": 0, "exact": 0, "drops": 0, "routes": 0}
    for name, m in sorted(w.members.items()):
        if m["type"] != "bgpload" or not (m["up"] or gone_empty):
            continue
        for af in (4, 6):
            addr = w.addr(name, af)
            try:
                held, drops, eor = read_riblog(f"{logdir}/{addr}.log")
            except OSError as e:
                print(f"{name} IPv{af} {addr}: no RIB log ({e.strerror})")
                bad += 1
                continue
            if not m["up"]:
                if held:
                    bad += 1
                    print(f"{name} IPv{af} {addr}: gone, still holds {len(held)} routes")
                continue
            want = {r["prefix"]: (w.addr(r["owner"], af), r["med"], r["aspath"])
                    for r in w.expected(name, af)}
            missing = sorted(set(want) - set(held))
            extra = sorted(set(held) - set(want))
            wrong = sorted(p for p in set(want) & set(held) if want[p] != held[p])
            problems = []
            if missing:
                problems.append(f"{len(missing)} missing (e.g. {missing[0]} "
                                f"{' '.join(want[missing[0]])})")
            if extra:
                problems.append(f"{len(extra)} not announced by any member up (stale; e.g. "
                                f"{extra[0]} {' '.join(held[extra[0]])})")
            if wrong:
                problems.append(f"{len(wrong)} with other attributes (e.g. {wrong[0]}: "
                                f"{' '.join(held[wrong[0]])}, want {' '.join(want[wrong[0]])})")
            if name in no_drop and drops:
                problems.append(f"session went down {drops} times, its link never did")
            if want_eor and not eor:
                problems.append("no End-of-RIB since its session last came up")
            total["sessions"] += 1
            total["drops"] += drops
            total["routes"] += len(held)
            if problems:
                bad += 1
                print(f"{name} IPv{af} {addr}: " + "; ".join(problems))
            else:
                total["exact"] += 1
    print(f"bgpload members: {total['exact']}/{total['sessions']} sessions hold exactly the "
          f"others' routes ({total['routes']} routes in all); {total['drops']} session losses "
          f"in their logs")
    return 1 if bad else 0


def cmd_schedule(args):
    seed, duration, hold = int(args[0]), float(args[1]), float(args[2])
    rnd = random.Random(seed)
    events = []
    for name in args[3:]:
        t = rnd.uniform(0, 8)
        while t < duration - 1:
            down = rnd.uniform(0.3 * hold, 2.5 * hold)
            events.append((t, name, "down"))
            t = min(t + down, duration)
            events.append((t, name, "up"))
            t += rnd.uniform(3, 20)
    for t, name, what in sorted(events, key=lambda e: (e[0], e[1])):
        print(f"{t:.1f} {name} {what}")
    return 0


def cmd_pick(args):
    rnd = random.Random(int(args[0]))
    print(" ".join(sorted(rnd.sample(args[2:], int(args[1])), key=lambda n: (len(n), n))))
    return 0


def main(argv):
    cmds = {"expected": (cmd_expected, 3), "rs-converged": (cmd_rs_converged, 2),
            "riblogs": (cmd_riblogs, 2), "schedule": (cmd_schedule, 4), "pick": (cmd_pick, 3)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 < cmds[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[1]][0](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
