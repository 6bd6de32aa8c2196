"""Issue 15's measurements: many members, in one process and with ``netrules batch``.

``python -m benchmarks.batch`` prints three tables, each with the machine's load:

1. **W1**: 100,000 member dicts and one member-level rule.  A hand-written Python loop
   over the dicts (the same decision, the same finding data, no validation), against
   ``evaluate_many(...).findings()`` (every field validated, a ``Finding`` per hit),
   ``list(evaluate_many(...))`` (a ``MemberResult`` per member), the findings path from
   the same rows as an Arrow table and a pandas frame (conversion included; with
   pyarrow and pandas installed) and, when the package ``zen-engine`` is installed,
   GoRules zen's compiled expression per dict.  Target: the
   findings path ≤ 3× the hand loop (≥ 4× faster than zen).
2. **Count rules**: the bundled pack's count rules on 100,000 member dicts through
   ``evaluate_many`` against benchmarks/baseline.py including its conversion of each dict
   to a ``Member`` (benchmark 8 of ``python -m benchmarks``).  Target ≤ 2×.
3. **netrules batch** on N member rows in JSON Lines (the whole pack): ``--jobs 1`` at
   M/4 and M (its rate; its peak memory for 4x the members: flat), ``--jobs 2`` and
   ``--dask local --jobs 2`` at N.  M is N unless ``--jobs1`` sets it.  Targets: jobs 2 >= 1.7x the throughput of jobs 1; dask local within 1.3x
   of jobs 2's time.  The outputs at N must be byte-identical, and jobs 1's a prefix.

Parallel figures mean something only on an otherwise idle machine: the load average is
printed beside them.  ``--members 1000000 --no-inproc`` is the issue's size (see
docs/performance.md, section "Batch evaluation (issue 15)", for the run time to expect).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python benchmarks/batch.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import baseline, generate
from benchmarks.run import bench_many

AS_OF = "2026-11-01"
W1_RULES = """
param small_network = 300 "Below this a senior member's network is thin."

rule "w1-thin-senior-network" {
  title "A thin network for a senior member"
  severity warning
  when member.connection_count < small_network
   and member.career_level in ["senior", "executive"]
  message "{member.connection_count} connections for a {member.career_level} member"
  evidence { connection_count: member.connection_count }
}
"""
W1_ZEN = 'connection_count < 300 and career_level in ["senior", "executive"]'
LEVELS = ("student", "entry", "mid-career", "senior", "executive")
INDUSTRIES = ("Legal", "Healthcare", "Information Technology", "Manufacturing", "Retail")


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def timed(fns: list[Callable[[], Any]], repeat: int) -> list[tuple[float, Any]]:
    """Median CPU time of this process and last result of each function, run
    alternately.  CPU time, not wall time: these run in one thread, and on a shared
    machine wall time counts the turns other processes take."""
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            gc.collect()
            start = time.process_time()
            results[k] = fn()
            times[k].append(time.process_time() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


# ---------------------------------------------------------------------------- W1


def w1_rows(count: int, seed: int = 15) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "id": f"m-{k}",
            "connection_count": rng.randrange(0, 3000),
            "industry": rng.choice(INDUSTRIES),
            "career_level": rng.choice(LEVELS),
            "job_seeking": rng.random() < 0.2,
        }
        for k in range(count)
    ]


def bench_w1(count: int, repeat: int) -> list[dict[str, Any]]:
    import netrules

    rules = netrules.load_rules(include_default=False, texts=[("w1.rules", W1_RULES)])
    rows = w1_rows(count)
    list(
        rules.evaluate_many(rows[:10], as_of=AS_OF)
    )  # the batch function is generated on first use

    def by_hand() -> list[tuple[Any, ...]]:
        out = []
        append = out.append
        for index, row in enumerate(rows):
            count = row["connection_count"]
            level = row["career_level"]
            if count < 300 and level in ("senior", "executive"):
                append(
                    (
                        index,
                        row["id"],
                        "w1-thin-senior-network",
                        "warning",
                        f"{count} connections for a {level} member",
                        {"connection_count": count},
                    )
                )
        return out

    def findings() -> list[tuple[int, str, Any]]:
        return list(rules.evaluate_many(rows, as_of=AS_OF).findings())

    def results() -> list[Any]:
        return list(rules.evaluate_many(rows, as_of=AS_OF))

    fns = [by_hand, findings, results]
    names = [
        "hand-written loop over the dicts",
        "evaluate_many(...).findings()",
        "list(evaluate_many(...)): a result per member",
    ]
    try:  # the same rows as a table: its conversion to rows is part of the figure
        import pyarrow

        table = pyarrow.Table.from_pylist(rows)
        frame = table.to_pandas()

        def from_arrow() -> list[tuple[int, str, Any]]:
            return list(rules.evaluate_many(table, as_of=AS_OF).findings())

        def from_pandas() -> list[tuple[int, str, Any]]:
            return list(rules.evaluate_many(frame, as_of=AS_OF).findings())

        fns += [from_arrow, from_pandas]
        names += ["evaluate_many(Arrow table).findings()", "evaluate_many(pandas frame).findings()"]
    except ImportError:
        pass
    try:
        import zen

        expression = zen.compile_expression(W1_ZEN)

        def with_zen() -> list[tuple[Any, ...]]:
            out = []
            evaluate = expression.evaluate
            for index, row in enumerate(rows):
                if evaluate(row):
                    count = row["connection_count"]
                    out.append(
                        (
                            index,
                            row["id"],
                            "w1-thin-senior-network",
                            "warning",
                            f"{count} connections for a {row['career_level']} member",
                            {"connection_count": count},
                        )
                    )
            return out

        fns.append(with_zen)
        names.append("GoRules zen, compiled expression per dict")
    except ImportError:
        pass
    measured = timed(fns, repeat)
    hand = measured[0][1]
    for k, name in enumerate(names):
        if "findings()" not in name:
            continue
        got = [
            (i, ident, f.rule, f.severity, f.message, f.evidence) for i, ident, f in measured[k][1]
        ]
        if got != hand:
            raise AssertionError(f"W1: {name} and the hand-written loop disagree")
    if names[-1].startswith("GoRules") and measured[-1][1] != hand:
        raise AssertionError("W1: zen and the hand-written loop disagree")
    base = measured[0][0]
    rows_out = []
    for name, (seconds, _result) in zip(names, measured, strict=True):
        rows_out.append(
            {"name": f"W1 {name}", "per_member": seconds / count, "ratio": seconds / base}
        )
    rows_out[1]["target"] = 3.0
    if names[-1].startswith("GoRules"):
        rows_out[1]["vs_zen"] = measured[-1][0] / measured[1][0]
    print(f"W1: {count:,} member dicts, {len(hand):,} findings ({len(hand) / count:.1%})")
    return rows_out


# ------------------------------------------------------------------- count rules


def bench_counts(count: int, repeat: int) -> list[dict[str, Any]]:
    import netrules

    ruleset = netrules.load_rules()
    row = bench_many(
        {"members": count, "repeat_members": repeat}, ruleset, baseline.Baseline(ruleset)
    )[0]
    return [
        {
            "name": "count rules: evaluate_many vs baseline incl. conversion",
            "per_member": row["netrules"],
            "ratio": row["netrules"] / row["baseline"],
            "target": 2.0,
        }
    ]


# ----------------------------------------------------------------- netrules batch


def write_members(path: Path, count: int) -> None:
    """``count`` member rows as JSON Lines: a pool of varied rows, each line its own id."""
    pool = []
    for net in generate.members(5_000, seed=3):
        m = net.member
        row: dict[str, Any] = {"connection_count": m.connection_count}
        for field in ("industry", "career_level", "job_seeking", "situations"):
            value = getattr(m, field)
            if value is not None:
                row[field] = list(value) if isinstance(value, tuple) else value
        if m.joined_on is not None:
            row["joined_on"] = m.joined_on.isoformat()
        if m.schools:
            row["schools"] = [
                {"name": s.name, "end": s.end.isoformat() if s.end else None} for s in m.schools
            ]
        pool.append(json.dumps(row, separators=(",", ":"))[1:])
    with path.open("w", encoding="utf-8") as out:
        for k in range(count):
            out.write(f'{{"id":"m-{k}",{pool[k % len(pool)]}\n')


def tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        with contextlib.suppress(OSError):  # a process may end while we look
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        todo.extend(parents.get(pid, ()))
    return total


def run_batch(args: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory of the process tree of one ``netrules batch``."""
    argv = [sys.executable, "-m", "netrules", "batch", *args, "--progress", "never"]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-2000:]}")
    return seconds, peak


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prefix_digest(path: Path, size: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while size > 0:
            block = f.read(min(size, 1 << 20))
            if not block:
                break
            h.update(block)
            size -= len(block)
    return h.hexdigest()


def bench_cli(count: int, dask: bool, tmp: Path, jobs1: int | None = None) -> list[dict[str, Any]]:
    """``--jobs 1`` at ``jobs1``/4 and ``jobs1`` (its rate, and its peak memory for 4x
    the members), ``--jobs 2`` and ``--dask local --jobs 2`` at ``count``.

    ``jobs1`` defaults to ``count``; a smaller one shortens a long run (the rate of a
    streaming run does not depend on its length).  Outputs must agree: byte-identical
    at ``count``, and the ``--jobs 1`` output a prefix of them (the inputs are prefixes
    of one another).
    """
    jobs1 = count if jobs1 is None else min(jobs1, count)
    sizes = sorted({max(jobs1 // 4, 1), jobs1, count})
    rows: list[dict[str, Any]] = []
    digests: dict[str, str] = {}
    one: tuple[str, int, str] | None = None  # jobs 1's largest output: name, size, digest
    src = tmp / "members.jsonl"
    write_members(src, count)
    for size in sizes:
        part = src
        if size < count:  # the first `size` lines of the same input
            part = tmp / f"members-{size}.jsonl"
            with src.open("rb") as fin, part.open("wb") as fout:
                for _ in range(size):
                    fout.write(fin.readline())
        runs = []
        if size in (max(jobs1 // 4, 1), jobs1):
            runs.append(("--jobs 1", ["--jobs", "1"]))
        if size == count:
            runs.append(("--jobs 2", ["--jobs", "2"]))
            if dask:
                runs.append(("--dask local --jobs 2", ["--dask", "local", "--jobs", "2"]))
        for label, extra in runs:
            out = tmp / f"out-{size}-{len(rows)}.jsonl"
            seconds, peak = run_batch([str(part), "-o", str(out), "--as-of", AS_OF, *extra])
            rows.append(
                {
                    "name": f"netrules batch {label}, {size:,} members",
                    "seconds": seconds,
                    "rate": size / seconds,
                    "rss_mib": peak / 2**20,
                    "load": load(),
                }
            )
            print(
                f"  {rows[-1]['name']}: {seconds:.1f}s, peak {peak / 2**20:.0f} MiB "
                f"(load {rows[-1]['load']})",
                flush=True,
            )
            if size == count:
                digests[label] = digest(out)
                if one is not None and prefix_digest(out, one[1]) != one[2]:
                    raise AssertionError(f"{label} at {size:,} does not begin with {one[0]}")
            if label == "--jobs 1" and size == jobs1:
                one = (rows[-1]["name"], out.stat().st_size, digest(out))
            out.unlink()
        if part != src:
            part.unlink()
    src.unlink()
    if len(set(digests.values())) > 1:
        raise AssertionError(f"netrules batch outputs differ between runs: {digests}")
    return rows


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.batch",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--members", type=int, default=200_000, help="netrules batch size N")
    ap.add_argument("--w1", type=int, default=100_000, help="W1 and count-rule batch size")
    ap.add_argument("--repeat", type=int, default=3, help="runs per in-process figure")
    ap.add_argument("--no-cli", action="store_true", help="skip netrules batch")
    ap.add_argument(
        "--no-inproc", action="store_true", help="skip the in-process figures (W1, count rules)"
    )
    ap.add_argument(
        "--jobs1",
        type=int,
        metavar="N",
        help="members for --jobs 1 (default: --members)",
    )
    ap.add_argument("--no-dask", action="store_true", help="skip --dask local")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    import netrules

    print(
        f"netrules {netrules.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    print(f"load average at start: {load()}")
    started = time.perf_counter()
    inproc = [] if args.no_inproc else bench_w1(args.w1, args.repeat)
    if not args.no_inproc:
        inproc += bench_counts(args.w1, args.repeat)
        print()
        print(f"{'in one process':<58} {'per member':>11} {'ratio':>7}  target")
        print("-" * 92)
    for r in inproc:
        target = r.get("target")
        mark = (
            f"<= {target:.1f}x " + ("met" if r["ratio"] <= target else "MISSED") if target else ""
        )
        if "vs_zen" in r:
            mark += f"; {r['vs_zen']:.1f}x faster than zen"
        print(f"{r['name']:<58} {r['per_member'] * 1e6:8.2f} µs {r['ratio']:6.2f}x  {mark}")
    if inproc:
        print(f"(load average now: {load()})")
    cli: list[dict[str, Any]] = []
    if not args.no_cli:
        with tempfile.TemporaryDirectory(prefix="netrules-batch-bench-") as tmp:
            cli = bench_cli(args.members, not args.no_dask, Path(tmp), args.jobs1)
        print()
        print(
            f"{'netrules batch (JSON Lines, whole pack)':<48} {'time':>9} {'members/s':>10} "
            f"{'peak RSS':>10}  load"
        )
        print("-" * 92)
        for r in cli:
            print(
                f"{r['name']:<48} {r['seconds']:8.1f}s {r['rate']:10,.0f} "
                f"{r['rss_mib']:7.0f} MiB  {r['load']}"
            )
        by = {r["name"].split(",")[0].removeprefix("netrules batch "): r for r in cli}
        one = [r for r in cli if r["name"].startswith("netrules batch --jobs 1")]
        two = by.get("--jobs 2")
        if two is not None:
            speedup = two["rate"] / one[-1]["rate"]
            verdict = "met" if speedup >= 1.7 else "MISSED"
            print(f"jobs 2 / jobs 1 throughput: {speedup:.2f}x (target >= 1.7x: {verdict})")
        print(
            f"peak RSS, jobs 1: {one[0]['rss_mib']:.0f} MiB for {one[0]['name'].split(', ')[1]}, "
            f"{one[-1]['rss_mib']:.0f} MiB for {one[-1]['name'].split(', ')[1]} "
            f"({one[-1]['rss_mib'] / one[0]['rss_mib']:.2f}x for 4x the members)"
        )
        dask_row = by.get("--dask local --jobs 2")
        if dask_row is not None and two is not None:
            slower = dask_row["seconds"] / two["seconds"]
            verdict = "met" if slower <= 1.3 else "MISSED"
            print(f"dask local / jobs 2 time: {slower:.2f}x (target <= 1.3x: {verdict})")
    print(f"total {time.perf_counter() - started:.0f} s; load average at the end: {load()}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"in_process": inproc, "cli": cli}, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
