#!/usr/bin/env python3
"""Prints a markdown table from hetong_bench's JSON output (Google Benchmark
--benchmark_out_format=json): for each operation, the median of hetong and of its peer
(OpenSSL, or for PDF files podofosign or pdfsig), and the ratio of their median times per
operation (hetong / peer: above 1 means hetong is slower).

Benchmark names are "<operation>/<size>/<implementation>"; the implementation is "hetong" or
names the peer: it starts with "openssl" (e.g. "openssl-aes128gcm" when the peer is a
different algorithm), "podofosign" or "pdfsig".
Google Benchmark's own suffixes are understood: "/real_time" (UseRealTime: the row shows and
compares wall-clock time per operation, marked "wall", e.g. for benchmarks that wait on fsync)
and "/threads:N" (the size column says how many threads; with real time, the time per
operation is elapsed time over the operations of all threads, i.e. the inverse of the
throughput). User counters (e.g. "tok/commit") are printed after the time.
Medians come from the "median" aggregates of --benchmark_repetitions runs, or are computed
from the individual runs when there are no aggregates.

Usage: report.py hetong_bench.json
Standard library only.
"""

import json
import statistics
import sys

TIME_UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

# Implementation names (prefixes) that are peers, not hetong.
PEERS = ("openssl", "podofosign", "pdfsig")


# Entry keys that are not user counters.
STANDARD_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "aggregate_name", "aggregate_unit", "iterations", "real_time",
    "cpu_time", "time_unit", "bytes_per_second", "items_per_second", "error_occurred",
    "error_message", "label", "cv",
}


def uses_real_time(name):
    return "/real_time" in name or "/manual_time" in name


def time_key(name):
    return "real_time" if uses_real_time(name) else "cpu_time"


def load_medians(benchmarks):
    """Returns {run_name: entry} with the median entry of each benchmark, in registration
    order. The entry's "cv" is the coefficient of variation of the time it is compared by
    (CPU time, or wall-clock time for real-time benchmarks) when known."""
    medians = {}
    cvs = {}
    runs = {}
    for b in benchmarks:
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = dict(b)
            elif b.get("aggregate_name") == "cv":
                cvs[name] = b[time_key(name)]
        elif b.get("error_occurred"):
            continue
        else:
            runs.setdefault(name, []).append(b)
    for name, entries in runs.items():
        if name in medians:
            continue
        median = dict(entries[0])
        for key in ("cpu_time", "real_time", "bytes_per_second", "items_per_second"):
            values = [e[key] for e in entries if key in e]
            if values:
                median[key] = statistics.median(values)
        times = [e[time_key(name)] for e in entries]
        if len(times) > 1 and statistics.mean(times) > 0:
            cvs[name] = statistics.stdev(times) / statistics.mean(times)
        medians[name] = median
    for name, cv in cvs.items():
        if name in medians:
            medians[name]["cv"] = cv
    # Registration order (family_index, then the instance within the family, e.g. its thread
    # count), not file order: random interleaving shuffles the file.
    first = {}
    for pos, b in enumerate(benchmarks):
        name = b.get("run_name", b["name"])
        first.setdefault(name, (b.get("family_index", pos), b.get("per_family_instance_index", 0),
                                pos))
    order = sorted(medians, key=lambda name: first[name])
    return {name: medians[name] for name in order}


def time_ns(entry):
    """The time per operation the row is compared by: CPU time, or wall-clock time for
    real-time benchmarks."""
    key = time_key(entry.get("run_name", entry["name"]))
    return entry[key] * TIME_UNIT_NS[entry.get("time_unit", "ns")]


def fmt_time(ns):
    if ns < 1e3:
        return f"{ns:.0f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.2f} s"


def fmt_rate(entry):
    if "bytes_per_second" in entry:
        return f"{entry['bytes_per_second'] / (1 << 20):,.1f} MiB/s"
    if "items_per_second" in entry:
        return f"{entry['items_per_second']:,.0f} op/s"
    return ""


def fmt_counters(entry):
    counters = [(k, v) for k, v in entry.items()
                if k not in STANDARD_KEYS and isinstance(v, (int, float))]
    return "".join(f"; {k} {v:.2f}" for k, v in counters)


def cell(entry):
    rate = fmt_rate(entry)
    time = fmt_time(time_ns(entry))
    if uses_real_time(entry.get("run_name", entry["name"])):
        time += " wall"
    time += fmt_counters(entry)
    return f"{rate} ({time})" if rate else time


def fmt_cv(entry):
    return f"{entry['cv'] * 100:.0f}%" if entry and "cv" in entry else "?"


GB_SUFFIXES = ("real_time", "manual_time", "process_time")
GB_PREFIXES = ("threads:", "iterations:", "repeats:", "min_time:")


def split(name):
    """(operation, size, implementation) of a run name; Google Benchmark's suffixes are
    dropped, except the thread count, which joins the size."""
    parts = name.split("/")
    threads = None
    while parts and (parts[-1] in GB_SUFFIXES or parts[-1].startswith(GB_PREFIXES)):
        last = parts.pop()
        if last.startswith("threads:"):
            threads = int(last.split(":", 1)[1])
    if len(parts) < 3:
        return "/".join(parts), "", ""
    size = "/".join(parts[1:-1])
    if threads is not None:
        size += f", {threads} thread" + ("s" if threads > 1 else "")
    return parts[0], size, parts[-1]


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        data = json.load(f)
    ctx = data.get("context", {})
    medians = load_medians(data.get("benchmarks", []))

    rows = {}  # (operation, size) -> {"hetong": entry, "peer": (label, entry)}
    for name, entry in medians.items():
        op, size, impl = split(name)
        row = rows.setdefault((op, size), {})
        if impl.startswith(PEERS):
            row["peer"] = (impl, entry)
        else:
            row[impl or "hetong"] = entry

    reps = next((b.get("repetitions") for b in data.get("benchmarks", [])
                 if b.get("repetitions")), 1)
    print(f"hetong_bench, {ctx.get('date', '?')}, host {ctx.get('host_name', '?')}, "
          f"{ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz; "
          f"median of {reps} repetitions, CPU time per operation (wall-clock time where "
          f"marked \"wall\").")
    if ctx.get("cpu_scaling_enabled"):
        print("Warning: CPU frequency scaling was enabled; numbers may be noisy.")
    print()
    print("| operation | size | hetong | peer | peer name | hetong / peer (time) "
          "| CV hetong / peer |")
    print("|---|---|---:|---:|---|---:|---:|")
    references = []
    for (op, size), row in rows.items():
        ours = row.get("hetong")
        peer = row.get("peer")
        if not ours or not peer:
            single = peer if peer else next(iter(row.items()))
            references.append((op, size, single))
            continue
        ratio = time_ns(ours) / time_ns(peer[1])
        cv = f"{fmt_cv(ours)} / {fmt_cv(peer[1])}"
        print(f"| {op} | {size} | {cell(ours)} | {cell(peer[1])} | {peer[0]} | {ratio:.2f} "
              f"| {cv} |")
    if references:
        print()
        print("Reference points without a counterpart:")
        print()
        print("| operation | size | implementation | median | CV |")
        print("|---|---|---|---:|---:|")
        for op, size, (label, entry) in references:
            print(f"| {op} | {size} | {label} | {cell(entry)} | {fmt_cv(entry)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
