#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Print the routes a lab member received from the route server, normalized.

usage: ribdump.py TYPE AF PEER -- CLI...
  TYPE  bird | frr | gobgp | openbgpd | exabgp
  AF    4 | 6
  PEER  the route server's address for that AF: only paths learned from it
  CLI   the member's CLI command prefix (e.g. `ip netns exec NS birdc -s SOCK`);
        for exabgp the path of the rib.json kept by members/exabgp-rib.py

One line per path (an ADD-PATH member may list a prefix more than once):
  prefix|as_path|next_hop|med|communities|large_communities
as_path: ASNs separated by spaces; next_hop: the global next hop; med "-"
when absent; communities "a:b,c:d" and large communities "a:b:c,..." sorted
numerically, "-" when absent.  Lines are sorted.
"""
import json
import re
import signal
import subprocess
import sys


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          timeout=20).stdout


def comm_key(c):
    return tuple(int(x) for x in c.split(":"))


# Well-known communities (RFC 1997, 7999, 8326) as FRR ("noExport") and
# bgpctl ("NO_EXPORT") name them: shown as numbers like the others.
WELL_KNOWN = {"gracefulshutdown": "65535:0", "blackhole": "65535:666",
              "noexport": "65535:65281", "noadvertise": "65535:65282",
              "noexportsubconfed": "65535:65283", "localas": "65535:65283",
              "nopeer": "65535:65284"}


def comm_num(c):
    return WELL_KNOWN.get(c.replace("_", "").replace("-", "").lower(), c)


def line(prefix, aspath, nexthop, med, comms, lcomms):
    comms = ",".join(sorted(set(comm_num(c) for c in comms), key=comm_key)) or "-"
    lcomms = ",".join(sorted(set(lcomms), key=comm_key)) or "-"
    med = "-" if med is None else str(med)
    aspath = " ".join(str(a) for a in aspath) or "-"
    return f"{prefix}|{aspath}|{nexthop or '-'}|{med}|{comms}|{lcomms}"


def is_global(addr):
    return not addr.lower().startswith("fe80")


# --------------------------------------------------------------------- BIRD
def bird(af, peer, cli):
    """`birdc show route all protocol rsN` (text)."""
    out = run(cli + ["show", "route", "all", "protocol", f"rs{af}"])
    res, cur, prefix = [], None, None
    start = re.compile(r"^(\S+)?\s+(unicast|blackhole|unreachable|prohibited)\s+\[(\S+)")

    def flush():
        if cur is not None:
            res.append(line(cur["prefix"], cur["aspath"], cur["nh"], cur["med"],
                            cur["comms"], cur["lcomms"]))

    for raw in out.splitlines():
        m = start.match(raw)
        if m:
            flush()
            if m.group(1):
                prefix = m.group(1)
            cur = {"prefix": prefix, "aspath": [], "nh": None, "med": None,
                   "comms": [], "lcomms": []}
            continue
        if cur is None:
            continue
        s = raw.strip()
        if s.startswith("BGP.as_path:"):
            cur["aspath"] = [int(x) for x in re.findall(r"\d+", s.split(":", 1)[1])]
        elif s.startswith("BGP.next_hop:"):
            hops = [h for h in s.split(":", 1)[1].split() if is_global(h)]
            cur["nh"] = hops[0] if hops else None
        elif s.startswith("BGP.med:"):
            cur["med"] = int(s.split(":", 1)[1])
        elif s.startswith("BGP.community:"):
            cur["comms"] = ["%s:%s" % t for t in
                            re.findall(r"\((\d+),\s*(\d+)\)", s)]
        elif s.startswith("BGP.large_community:"):
            cur["lcomms"] = ["%s:%s:%s" % t for t in
                             re.findall(r"\((\d+),\s*(\d+),\s*(\d+)\)", s)]
    flush()
    return res


# --------------------------------------------------------------------- FRR
def json_docs(text):
    """vtysh with several -c prints JSON documents back to back."""
    dec, i, docs = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        doc, i = dec.raw_decode(text, i)
        docs.append(doc)


def frr(af, peer, cli):
    fam = f"ipv{af} unicast"
    table = json.loads(run(cli + ["-c", f"show bgp {fam} json"]))
    prefixes = [p for p, paths in table.get("routes", {}).items()
                if any(x.get("peerId") == peer for x in paths)]
    res = []
    # the table view lacks communities: ask per prefix, 50 at a time
    for i in range(0, len(prefixes), 50):
        args = []
        for p in prefixes[i:i + 50]:
            args += ["-c", f"show bgp {fam} {p} json"]
        for doc in json_docs(run(cli + args)):
            for path in doc.get("paths", []):
                if path.get("peer", {}).get("peerId") != peer:
                    continue
                hops = [h["ip"] for h in path.get("nexthops", [])
                        if h.get("scope", "global") == "global"]
                aspath = [int(x) for x in re.findall(r"\d+", path.get("aspath", {}).get("string", ""))]
                res.append(line(doc["prefix"], aspath, hops[0] if hops else None,
                                path.get("metric", path.get("med")),
                                path.get("community", {}).get("list", []),
                                path.get("largeCommunity", {}).get("list", [])))
    return res


# --------------------------------------------------------------------- GoBGP
def gobgp(af, peer, cli):
    rib = json.loads(run(cli + ["global", "rib", "-a", f"ipv{af}", "-j"]) or "{}")
    res = []
    for prefix, paths in rib.items():
        for p in paths:
            if p.get("neighbor-ip") != peer:
                continue
            aspath, nh, med, comms, lcomms = [], None, None, [], []
            for a in p.get("attrs", []):
                t = a.get("type")
                if t == 2:
                    for seg in a.get("as_paths", []):
                        aspath += seg.get("asns", [])
                elif t == 3:
                    nh = a.get("nexthop")
                elif t == 14 and nh is None:
                    nh = a.get("nexthop")
                elif t == 4:
                    med = a.get("metric")
                elif t == 8:
                    comms = ["%d:%d" % (c >> 16, c & 0xffff) for c in a.get("communities", [])]
                elif t == 32:
                    lcomms = ["%d:%d:%d" % (v["ASN"], v["LocalData1"], v["LocalData2"])
                              for v in a.get("value", [])]
            res.append(line(prefix, aspath, nh, med, comms, lcomms))
    return res


# --------------------------------------------------------------------- OpenBGPD
def openbgpd(af, peer, cli):
    fam = "inet6" if af == "6" else "inet"
    out = json.loads(run(cli + ["-j", "show", "rib", "detail", fam]) or "{}")
    res = []
    for r in out.get("rib", []):
        if r.get("neighbor", {}).get("remote_addr") != peer:
            continue
        aspath = [int(x) for x in re.findall(r"\d+", r.get("aspath", ""))]
        # bgpctl shows "metric": 0 when the route has no MED: the lab's
        # routes never use MED 0, so 0 is taken as "absent"
        res.append(line(r["prefix"], aspath, r.get("exit_nexthop"), r.get("metric") or None,
                        r.get("communities", []), r.get("large_communities", [])))
    return res


# --------------------------------------------------------------------- ExaBGP
def exabgp(af, peer, cli):
    with open(cli[0]) as f:
        rib = json.load(f)
    p = rib.get("peers", {}).get(peer, {})
    res = []
    for prefix, paths in p.get("routes", {}).get(f"ipv{af} unicast", {}).items():
        for path in paths:
            a = path.get("attributes", {})
            aspath = a.get("as-path", [])
            if isinstance(aspath, dict):          # AS_SETs etc.
                aspath = [x for seg in aspath.values() for x in seg.get("value", [])]
            res.append(line(prefix, aspath, path.get("next-hop"), a.get("med"),
                            ["%d:%d" % tuple(c) for c in a.get("community", [])],
                            ["%d:%d:%d" % tuple(c) for c in a.get("large-community", [])]))
    return res


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)     # `| grep -q` is fine
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.exit(__doc__)
    kind, af, peer, cli = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[5:]
    try:
        lines = globals()[kind](af, peer, cli)
    except subprocess.CalledProcessError as e:
        sys.exit(f"ribdump: {' '.join(e.cmd)}: exit {e.returncode}: {e.stderr.strip()}")
    for s in sorted(lines):
        print(s)


if __name__ == "__main__":
    main()
