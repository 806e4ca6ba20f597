#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench/report.py RESULTS.jsonl BENCH_DIR — medians, ratios, RESULTS.md, results.png.

Reads the JSON lines bench/run appends (one per run).  For each workload and
route server the most recent scale factor is reported, with the medians of
its most recent runs (at most --runs, default 3) that finished; DNF and
pending runs are listed with their reasons.  Writes BENCH_DIR/RESULTS.md and,
with gnuplot, BENCH_DIR/results.png (data in BENCH_DIR/out/plot.dat).
"""
import json
import os
import statistics
import subprocess
import sys

RS_ORDER = ["ceiling", "ixpd", "bird", "openbgpd", "frr", "gobgp"]
RS_NAME = {"ceiling": "ceiling (no RS)", "ixpd": "ixpd", "bird": "BIRD 2", "openbgpd": "OpenBGPD",
           "frr": "FRR", "gobgp": "GoBGP"}
WL_ORDER = ["W1", "W2", "W3", "W4", "W5", "smoke"]
MAX_RUNS = 3


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def select(rows):
    """{(w, rs): [rows of the latest scale, most recent MAX_RUNS]}"""
    by = {}
    for r in rows:
        by.setdefault((r["workload"], r["rs"]), []).append(r)
    out = {}
    for k, rs in by.items():
        scale = rs[-1]["scale"]
        same = [r for r in rs if r["scale"] == scale]
        out[k] = same[-MAX_RUNS:]
    return out


def med(rows, key):
    v = [r[key] for r in rows if r["status"] == "ok" and r.get(key) is not None]
    return statistics.median(v) if v else None


def churn_pct(rows, which):
    v = []
    for r in rows:
        c = r.get("churn") or {}
        if r["status"] == "ok" and c.get(which) is not None:
            v.append(c[which])   # bgpload's churn_delay_ms: p50, p90, p99, max (ms)
    return statistics.median(v) if v else None


def fmt(v, nd=2):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.{nd}f}" if v >= 0.01 or v == 0 else f"{v:.3f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


FILTER_WL = [("W1F", "W1"), ("W2F", "W2")]


def filters_section(md, sel):
    """W1F/W2F: the workloads with the IXP filter profile, against the
    unfiltered W1/W2 of the same route server and against BIRD."""
    present = [(wf, w) for wf, w in FILTER_WL if any((wf, rs) in sel for rs in ("ixpd", "bird"))]
    if not present:
        return
    md.append("## With IXP filters\n")
    md.append("W1F and W2F are W1 and W2 with arouteserver's default import filters on, for ixpd "
              "(`bench/rs/ixpd-general-filters.yml`) and for BIRD 2 with the filters arouteserver "
              "generates, written out (`bench/rs/bird-filters*.conf.in`): NEXT_HOP strict, AS_PATH "
              "length and left-most AS, invalid ASNs, bogons, prefix length, IRR origin and prefix "
              "(RPSL dump / per-member prefix sets), RPKI origin validation rejecting INVALIDs (VRP "
              "file / `roa4` table filled by a static protocol), max-prefix above the table size, "
              "informational communities added; data from `bench/filters.py` (bench/README.md). "
              "**×unfiltered** = this figure / the same route server's W1 or W2 figure above; "
              "**×BIRD** = ixpd / BIRD with filters.  **load** = from starting the route server to "
              "its filter data being in use (not part of conv).  **rejected** = routes the route "
              "server rejected (as RPKI INVALID) / what the generator expects.\n")
    for wf, w in present:
        rows = {rs: sel.get((wf, rs), []) for rs in ("ixpd", "bird")}
        any_row = next(r for rr in rows.values() for r in rr)
        f = any_row.get("filters") or {}
        md.append(f"### {wf}: {w} with IXP filters\n")
        md.append(f"Data: {f.get('roas', 0):,} ROAs, {f.get('route_objects', 0):,} route objects, largest "
                  f"IRR prefix list {f.get('irr_prefixes_max', 0):,}; {f.get('expected_rpki_invalid', 0):,} routes "
                  f"made RPKI INVALID on purpose (rejected: {f.get('expected_rejected', 0):,} expected).\n")
        md.append("| route server | scale | runs ok | conv s | ×unfiltered | ×BIRD | RSS MB | ×unfiltered | ×BIRD "
                  "| CPU s | ×unfiltered | ×BIRD | load s | rejected (RPKI) / expected |")
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        b = rows["bird"]
        notes = []
        for rs in ("ixpd", "bird"):
            rr = rows[rs]
            if not rr:
                continue
            ok = [r for r in rr if r["status"] == "ok"]
            base = [r for r in sel.get((w, rs), []) if r["scale"] == rr[-1]["scale"]]
            vals = []
            for key in ("conv_s", "rs_hwm_mb", "rs_cpu_s"):
                v = med(rr, key)
                vals.append(fmt(v, 1) if key == "rs_hwm_mb" else fmt(v))
                vals.append(ratio(v, med(base, key)) if base else "–")
                same = b and b[-1]["scale"] == rr[-1]["scale"]
                vals.append(ratio(v, med(b, key)) if same else "–")
            rej = [r.get("filters") or {} for r in ok]
            rej_s = ", ".join(sorted({f"{x.get('rs_rejected')} ({x.get('rs_rejected_rpki')}) / "
                                      f"{x.get('expected_rejected')}" for x in rej})) or "–"
            md.append(f"| {RS_NAME[rs]} | {rr[-1]['scale']:g} | {len(ok)}/{len(rr)} | " + " | ".join(vals)
                      + f" | {fmt(med(rr, 'data_load_s'))} | {rej_s} |")
            for r in rr:
                if r["status"] != "ok":
                    notes.append(f"- {RS_NAME[rs]} run {r['run']} (scale {r['scale']:g}): **{r['status']}** — {r['reason']}")
            if not base:
                notes.append(f"- {RS_NAME[rs]}: no unfiltered {w} run at scale {rr[-1]['scale']:g} to compare with")
        md.append("")
        if notes:
            md.extend(notes)
            md.append("")


def main():
    results, bench = sys.argv[1], sys.argv[2]
    out_dir = os.path.join(bench, "out")
    rows = load(results) if os.path.exists(results) else []
    sel = select(rows)
    wls = [w for w in WL_ORDER if any(k[0] == w for k in sel)]
    md = []
    md.append("# ixpd route-server benchmark — results\n")
    md.append("Generated by `bench/run` (`bench/report.py`) from `bench/out/results.jsonl`; "
              "how to rerun: `bench/README.md`.  Every figure is the **median of the runs** "
              "listed in the `runs` column (ok/total); ratios are to BIRD 2 (×BIRD: >1 = slower "
              "or bigger than BIRD) and, for convergence time, to the harness ceiling "
              "(×ceiling: how much longer than bgpload feeding its own sinks with no route "
              "server in between).\n")
    findings = read(os.path.join(bench, "findings.md"))
    if findings:
        md.append(findings + "\n")
    md.append("## Machine and versions\n")
    md.append("```\n" + read(os.path.join(out_dir, "machine.txt"), "(unknown)") + "\n```\n")
    md.append("```\n" + read(os.path.join(out_dir, "versions.txt"), "(unknown)") + "\n```\n")
    md.append("## Results\n")
    md.append("Columns: **conv** = time from the first UPDATE any member sent to every "
              "receiving member holding its complete table (bgpload's clock); **RSS** = peak "
              "resident memory (VmHWM) summed over all the route server's processes; **CPU** = "
              "utime+stime of those processes from just before bgpload started to the end of "
              "the run; churn **p50/p99** = propagation delay of churn changes through the "
              "route server; **reload** = from the reload command to every member holding the "
              "new policy's table.\n")
    plot = {}
    for w in wls:
        rss = [rs for rs in RS_ORDER if (w, rs) in sel]
        if not rss:
            continue
        desc = next((r["desc"] for rs in rss for r in sel[(w, rs)] if r.get("desc")), "")
        md.append(f"### {w}: {desc.split(', scaled')[0]}\n")
        bird = sel.get((w, "bird"), [])
        ceil = sel.get((w, "ceiling"), [])
        b_conv, b_rss, b_cpu = med(bird, "conv_s"), med(bird, "rs_hwm_mb"), med(bird, "rs_cpu_s")
        c_conv = med(ceil, "conv_s")
        churn = w == "W4"
        reload = w == "W5"
        hdr = "| route server | scale | runs ok | conv s | ×BIRD | ×ceiling | RSS MB | ×BIRD | CPU s | ×BIRD |"
        sep = "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
        if churn:
            hdr += " churn p50 ms | churn p99 ms |"
            sep += "---:|---:|"
        if reload:
            hdr += " reload s | ×BIRD |"
            sep += "---:|---:|"
        md.append(hdr)
        md.append(sep)
        notes = []
        for rs in rss:
            rr = sel[(w, rs)]
            ok = [r for r in rr if r["status"] == "ok"]
            conv, rmb, cpu = med(rr, "conv_s"), med(rr, "rs_hwm_mb"), med(rr, "rs_cpu_s")
            scale = rr[-1]["scale"]
            if ok:
                line = (f"| {RS_NAME[rs]} | {scale:g} | {len(ok)}/{len(rr)} | {fmt(conv)} | "
                        f"{ratio(conv, b_conv) if scale == (bird[-1]['scale'] if bird else None) else '(scaled)'} | "
                        f"{ratio(conv, c_conv) if ceil and scale == ceil[-1]['scale'] else '–'} | ")
                if rs == "ceiling":
                    line += "– | – | – | – |"
                else:
                    same = bird and scale == bird[-1]["scale"]
                    line += (f"{fmt(rmb, 1)} | {ratio(rmb, b_rss) if same else '(scaled)'} | {fmt(cpu)} | "
                             f"{ratio(cpu, b_cpu) if same else '(scaled)'} |")
                if churn:
                    line += f" {fmt(churn_pct(rr, 'p50'), 1)} | {fmt(churn_pct(rr, 'p99'), 1)} |"
                if reload:
                    rl = med(rr, "reload_s")
                    line += f" {fmt(rl)} | {ratio(rl, med(bird, 'reload_s'))} |"
                plot.setdefault(w, {})[rs] = (conv, rmb if rs != "ceiling" else None, scale)
            else:
                st = rr[-1]["status"]
                line = f"| {RS_NAME[rs]} | {scale:g} | 0/{len(rr)} | **{st}** | | | | | | |"
                if churn:
                    line += " | |"
                if reload:
                    line += " | |"
            md.append(line)
            for r in rr:
                if r["status"] != "ok":
                    notes.append(f"- {RS_NAME[rs]} run {r['run']} (scale {r['scale']:g}): **{r['status']}** — {r['reason']}")
            dups = [r.get("duplicates") or 0 for r in ok]
            if dups and max(dups) > 0:
                n = sum(1 for d in dups if d > 0)
                notes.append(f"- {RS_NAME[rs]}: announced routes members already held again in {n} of "
                             f"{len(dups)} runs (up to {max(dups)} duplicate announcements in a run, all members)")
            dig = [r.get("digest_ok") for r in ok if r.get("digest_ok") is not None]
            if dig and not all(dig):
                why = {"frr": "FRR sends every member its own routes back, which the digest counts; see the findings",
                       "openbgpd": "next hops from members on another /24 rewritten; see the findings"}.get(
                           rs, "attributes or next hop changed")
                notes.append(f"- {RS_NAME[rs]}: transparency digest mismatch ({why})")
        md.append("")
        if notes:
            md.extend(notes)
            md.append("")
    filters_section(md, sel)
    md.append("## Configurations\n")
    md.append("Rendered per run from these templates by `bench/lib.sh` (one client block per "
              "member); the rendered files of every run are kept in "
              "`bench/out/runs/<workload>-<rs>-x<scale>-<n>/`.\n")
    rsdir = os.path.join(bench, "rs")
    for f in sorted(os.listdir(rsdir)):
        lang = "yaml" if f.endswith((".yml", ".yml.in")) else "toml" if ".toml" in f else ""
        md.append(f"#### `bench/rs/{f}`\n")
        md.append(f"```{lang}\n" + read(os.path.join(rsdir, f)) + "\n```\n")
    with open(os.path.join(bench, "RESULTS.md"), "w") as f:
        f.write("\n".join(md) + "\n")

    # chart: convergence time and RSS per workload and route server
    os.makedirs(out_dir, exist_ok=True)
    dat = os.path.join(out_dir, "plot.dat")
    cols = [rs for rs in RS_ORDER if any(rs in plot.get(w, {}) for w in plot)]
    with open(dat, "w") as f:
        f.write("workload " + " ".join(f"{rs} {rs}" for rs in cols) + "\n")
        for w in [w for w in WL_ORDER if w in plot]:
            vals = []
            for rs in cols:
                c, m, s = plot[w].get(rs, (None, None, 1))
                vals += ["?" if c is None else f"{max(c, 0.001):.4f}", "?" if m is None else f"{m:.1f}"]
            label = w
            scaled = sorted({f'{p[2]:g}' for p in plot[w].values() if p[2] != 1})
            if scaled:
                label += "*"
            f.write(f"{label} " + " ".join(vals) + "\n")
    if cols and plot:
        try:
            subprocess.run(["gnuplot", "-e", f"dat='{dat}'; out='{os.path.join(bench, 'results.png')}'; "
                            f"ncols={len(cols)}",
                            os.path.join(bench, "plot.gp")], check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"report: gnuplot failed ({e}); RESULTS.md written without the chart", file=sys.stderr)
    print(f"report: {os.path.join(bench, 'RESULTS.md')}")


if __name__ == "__main__":
    main()
