#!/usr/bin/env python3
"""Summarise criterion results of the peer benches as a markdown table.

usage: collect.py [--baseline NAME ...] [--peak-gflops X] FLAGSET=TARGET_DIR ...
  e.g. python3 collect.py --baseline run1 --baseline run2 \
           default=target/default native=target/native

For each benchmark id and flag set it prints the median time of each baseline
(criterion's median over its 100 samples), the within-run spread (MAD/median of
the samples, the worst over the baselines), the between-run spread ((max - min) /
min of the baselines' medians), and GFLOP/s from the median of the baselines'
medians. Baseline "new" means criterion's latest run.
"""
import argparse
import json
import os
import statistics
import sys


def load(target, baseline):
    root = os.path.join(target, "criterion")
    out = {}
    if not os.path.isdir(root):
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        if os.path.basename(dirpath) != baseline or "estimates.json" not in filenames:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        thr = (bench.get("throughput") or {}).get("Elements")
        out[bench["full_id"]] = dict(
            median=est["median"]["point_estimate"],
            lo=est["median"]["confidence_interval"]["lower_bound"],
            hi=est["median"]["confidence_interval"]["upper_bound"],
            mad=est["median_abs_dev"]["point_estimate"],
            flops=thr,
        )
    return out


def fmt_ns(ns):
    if ns < 1:
        return f"{ns * 1000:.0f} ps"
    if ns < 1000:
        return f"{ns:.3g} ns"
    return f"{ns / 1000:.3g} µs"


ORDER = ["matmul_4x3_3x1", "matmul_4x4_4x4", "matmul_8x8_8x8", "matmul_16x16_16x16",
         "matmul_32x32_32x32", "matmul_64x64_64x64", "matmul_64x64_64x64_off16", "sgd_step", "minibatch64_step", "scalar_sigmoid_bce"]


def key(bid):
    g, _, f = bid.partition("/")
    return (ORDER.index(g) if g in ORDER else len(ORDER), g, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", action="append", default=None)
    ap.add_argument("--peak-gflops", type=float, default=None,
                    help="add a '% of peak' column for this per-core peak")
    ap.add_argument("sets", nargs="+", help="NAME=TARGET_DIR")
    a = ap.parse_args()
    baselines = a.baseline or ["new"]
    sets = [s.split("=", 1) for s in a.sets]
    data = {(name, b): load(d, b) for name, d in sets for b in baselines}
    ids = sorted({i for v in data.values() for i in v}, key=key)
    if not ids:
        sys.exit("no criterion results found")
    hdr = ["benchmark"]
    for name, _ in sets:
        hdr += [f"{name} median ({' / '.join(baselines)})", f"{name} MAD", f"{name} runs Δ", f"{name} GFLOP/s"]
        if a.peak_gflops:
            hdr += [f"{name} % peak"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for i in ids:
        row = [f"`{i}`"]
        for name, _ in sets:
            rs = [data[(name, b)].get(i) for b in baselines]
            if not any(rs):
                row += ["–", "–", "–", "–"] + (["–"] if a.peak_gflops else [])
                continue
            row.append(" / ".join(fmt_ns(r["median"]) if r else "–" for r in rs))
            row.append(f"{max(r['mad'] / r['median'] for r in rs if r) * 100:.1f}%")
            meds = [r["median"] for r in rs if r]
            row.append(f"{(max(meds) - min(meds)) / min(meds) * 100:.0f}%" if len(meds) > 1 else "–")
            r0 = next(r for r in rs if r)
            gf = r0["flops"] / statistics.median(meds) if r0["flops"] else None
            row.append(f"{gf:.2f}" if gf else "–")
            if a.peak_gflops:
                row.append(f"{100 * gf / a.peak_gflops:.1f}%" if gf else "–")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
