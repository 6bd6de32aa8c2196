"""netrules benchmarks: ``python -m benchmarks`` (or ``python benchmarks/run.py``).

Prints one table of medians and ratios against hand-written baselines:

1. loading and compiling the bundled pack, cold (a new process) and warm;
2. the whole pack on generated networks of 1,000 and 30,000 connections,
   against benchmarks/baseline.py (the same rules written by hand);
3. 100,000 member-only networks through the five count rules: the cost per member;
4. loading a 30,000-connection export archive, against reading the same CSV
   files with the csv module alone;
5. ``netrules check --demo`` as a whole process, against ``python -c pass``;
6. peak memory of 2 and 4, measured with tracemalloc in a child process;
7. the HTML report of the large network (needs the extra netrules[html]), against to_json();
8. the member batch of 3 given as plain dicts, through ``RuleSet.evaluate_many``, against
   the hand-written count rules including the conversion to a Member;
9. the whole pack on the large network with the collector paused (the default) and with
   ``gc.freeze()`` after loading, each against the collector left on;
10. ``Report.to_json()`` of the large network's report (compact, the default) against the
    evaluation that made it, and the indented form against the compact one;
11. ``netrules check EXPORT.zip --format json -o FILE`` on the 30,000-connection archive of
    4, as a whole process, against ``python -c pass``.

``--quick`` runs every benchmark once on small inputs (the CI smoke mode).
Figures on a shared machine are noisy: compare ratios from one run, not
absolute times across runs.  See docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"

from benchmarks import baseline, generate

SIZES = {
    "full": {
        "small": 1_000,
        "large": 30_000,
        "invitations": 5_000,
        "removals": 500,
        "members": 100_000,
        "archive": 30_000,
        "repeat": 7,
        "repeat_large": 5,
        "repeat_members": 3,
        "repeat_process": 10,
        "repeat_end_to_end": 31,
    },
    "quick": {
        "small": 100,
        "large": 500,
        "invitations": 200,
        "removals": 30,
        "members": 1_000,
        "archive": 300,
        "repeat": 1,
        "repeat_large": 1,
        "repeat_members": 1,
        "repeat_process": 1,
        "repeat_end_to_end": 1,
    },
}


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median wall time of ``repeat`` calls (a full collection before each) and the
    last result.  The garbage collector stays on, as in real use."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def timed_pair(
    fn: Callable[[], Any], base: Callable[[], Any], repeat: int
) -> tuple[float, Any, float, Any]:
    """Like :func:`timed` for two functions, run alternately so that a change in the
    machine's load hits both alike: (median, result) of ``fn``, then of ``base``."""
    times: tuple[list[float], list[float]] = ([], [])
    results: list[Any] = [None, None]
    for _ in range(repeat):
        for i, f in enumerate((fn, base)):
            gc.collect()
            start = time.perf_counter()
            results[i] = f()
            times[i].append(time.perf_counter() - start)
    return statistics.median(times[0]), results[0], statistics.median(times[1]), results[1]


def run_process(
    argv: list[str], repeat: int, env: dict[str, str] | None = None
) -> tuple[float, int]:
    """Median wall time of a whole process (start to exit) and its exit code."""
    times = []
    code = 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - start)
        code = proc.returncode
        if code not in (0, 1):
            raise RuntimeError(
                f"{' '.join(argv)} failed with exit code {code}:\n"
                + proc.stderr.decode(errors="replace")[-2000:]
            )
    return statistics.median(times), code


def child(code: str, repeat: int = 1, **extra_env: str) -> list[dict[str, Any]]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object per run."""
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env.update(extra_env)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    out = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root
        )
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark child failed:\n{proc.stderr[-3000:]}")
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


# --------------------------------------------------------------------------
# The benchmarks.  Each returns rows: (name, netrules seconds, baseline seconds or
# None, unit note).

Row = dict[str, Any]


def bench_load(size: dict[str, Any]) -> list[Row]:
    code = (
        "import time, json\n"
        "t0 = time.perf_counter()\n"
        "import netrules\n"
        "t1 = time.perf_counter()\n"
        "netrules.load_rules()\n"
        "t2 = time.perf_counter()\n"
        "netrules.load_rules()\n"
        "t3 = time.perf_counter()\n"
        "print(json.dumps({'import': t1 - t0, 'cold': t2 - t1, 'warm': t3 - t2}))\n"
    )
    repeat = max(1, size["repeat_process"] // 2)
    runs = child(code, repeat)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    rows = [
        {"name": "1 import netrules (new process)", "netrules": med["import"]},
        {"name": "1 load_rules(): pack, cold (first in process)", "netrules": med["cold"]},
        {"name": "1 load_rules(): pack, warm (again)", "netrules": med["warm"]},
    ]
    if size["repeat_process"] > 1:  # not in the smoke run: lark parses every file
        uncached = child(code, repeat, NETRULES_CACHE_DIR="")
        rows.insert(
            2,
            {
                "name": "1   the same without the parse cache",
                "netrules": statistics.median(r["cold"] for r in uncached),
            },
        )
    return rows


def agree(findings: Any, expected: Any) -> bool:
    return list(findings) == list(expected)


def bench_evaluate(size: dict[str, Any], ruleset: Any, base: baseline.Baseline) -> list[Row]:
    rows = []
    for _label, n, repeat in (
        ("small", size["small"], size["repeat"]),
        ("large", size["large"], size["repeat_large"]),
    ):
        net = generate.network(
            n, n_invitations=size["invitations"], n_removals=size["removals"], seed=1
        )
        as_of = generate.AS_OF
        t_nr, report, t_bl, expected = timed_pair(
            lambda net=net, as_of=as_of: ruleset.evaluate(net, as_of=as_of),
            lambda net=net, as_of=as_of: base.evaluate(net, as_of),
            repeat,
        )
        if not agree(report.findings, expected):
            raise AssertionError(f"baseline and netrules disagree on the {n}-connection network")
        rows.append(
            {
                "name": f"2 whole pack, {n:,} connections ({len(expected):,} findings)",
                "netrules": t_nr,
                "baseline": t_bl,
            }
        )
    # The floor: Python merely parsing the same network as a JSON document (the
    # documented network format), alternately with the evaluation.
    from netrules.strategies import network_to_document

    document = json.dumps(network_to_document(net))
    t_nr, _report, t_json, _doc = timed_pair(
        lambda net=net, as_of=as_of: ruleset.evaluate(net, as_of=as_of),
        lambda: json.loads(document),
        size["repeat_large"],
    )
    mib = len(document.encode()) / 1024 / 1024
    rows.append(
        {
            "name": f"2 pack vs json.loads of its document ({mib:.1f} MiB)",
            "netrules": t_nr,
            "baseline": t_json,
        }
    )
    return rows


def count_ruleset(ruleset: Any) -> Any:
    return ruleset.disable(*[r for r in ruleset.rule_ids() if r not in baseline.COUNT_RULES])


def bench_members(size: dict[str, Any], ruleset: Any, base: baseline.Baseline) -> list[Row]:
    nets = generate.members(size["members"], seed=1)
    counts = count_ruleset(ruleset)
    as_of = generate.AS_OF

    def with_netrules() -> list[Any]:
        evaluate = counts.evaluate
        return [evaluate(net, as_of=as_of) for net in nets]

    def by_hand() -> list[Any]:
        evaluate = base.evaluate_count_rules
        return [evaluate(net, as_of) for net in nets]

    t_nr, reports, t_bl, expected = timed_pair(with_netrules, by_hand, size["repeat_members"])
    if any(list(r.findings) != e for r, e in zip(reports, expected, strict=False)):
        raise AssertionError("baseline and netrules disagree on the member batch")
    n = len(nets)
    return [
        {
            "name": f"3 count rules, per member (batch of {n:,})",
            "netrules": t_nr / n,
            "baseline": t_bl / n,
        }
    ]


def bench_many(size: dict[str, Any], ruleset: Any, base: baseline.Baseline) -> list[Row]:
    """8: the same member batch as 3, from plain member dicts, through evaluate_many().

    The baseline converts each dict to a Member itself and runs the count rules by hand.
    """
    import attrs as _attrs

    from netrules.model import Employer, Member, Network, School

    def to_member(row: dict[str, Any]) -> Member:
        fields = dict(row)
        fields["employers"] = tuple(Employer(**e) for e in row.get("employers", ()))
        fields["schools"] = tuple(School(**s) for s in row.get("schools", ()))
        if "situations" in row:
            fields["situations"] = tuple(row["situations"])
        return Member(**fields)

    nets = generate.members(size["members"], seed=1)
    rows = [{k: v for k, v in _attrs.asdict(net.member).items() if v is not None} for net in nets]
    counts = count_ruleset(ruleset)
    as_of = generate.AS_OF

    def with_netrules() -> list[Any]:
        return [r.findings for r in counts.evaluate_many(rows, as_of=as_of)]

    def by_hand() -> list[Any]:
        evaluate = base.evaluate_count_rules
        return [evaluate(Network(member=to_member(row)), as_of) for row in rows]

    t_nr, got, t_bl, expected = timed_pair(with_netrules, by_hand, size["repeat_members"])
    if any(list(g) != e for g, e in zip(got, expected, strict=True)):
        raise AssertionError("baseline and evaluate_many disagree on the member batch")
    n = len(rows)
    return [
        {
            "name": f"8 evaluate_many from member dicts, per member ({n:,})",
            "netrules": t_nr / n,
            "baseline": t_bl / n,
        }
    ]


def csv_only(path: Path) -> dict[str, list[list[str]]]:
    """The baseline for loading an archive: every CSV the loader reads, through the csv
    module and nothing else (no header matching, no dates, no objects)."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".csv"):
                text = zf.read(name).decode("utf-8")
                out[name] = list(csv.reader(io.StringIO(text, newline="")))
    return out


def bench_archive(size: dict[str, Any], tmp: Path) -> tuple[list[Row], Path]:
    from netrules.loaders import load_network

    path = generate.write_archive(tmp, generate.archive_files(size["archive"], seed=1))
    t_nr, net, t_bl, rows = timed_pair(
        lambda: load_network(path), lambda: csv_only(path), size["repeat_large"]
    )
    if len(net.connections) < len(rows["Connections.csv"]) * 0.9:
        raise AssertionError("the archive loader lost connections")
    # The facts layer's cost: loading with every derivation on, against the
    # plain loader (infer=False, what --no-infer gives).
    t_derive, derived, t_plain, plain = timed_pair(
        lambda: load_network(path), lambda: load_network(path, infer=False), size["repeat_large"]
    )
    if not derived.facts or plain.facts:
        raise AssertionError("the derivations did not run, or ran with infer=False")
    return [
        {
            "name": f"4 load export archive, {size['archive']:,} connections",
            "netrules": t_nr,
            "baseline": t_bl,
        },
        {
            "name": f"4 + derive facts, {size['archive']:,} connections (vs --no-infer)",
            "netrules": t_derive,
            "baseline": t_plain,
        },
    ], path


def netrules_command() -> list[str]:
    script = Path(sys.executable).parent / "netrules"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "netrules"]


def bench_process(size: dict[str, Any]) -> list[Row]:
    repeat = size["repeat_process"]
    if repeat > 1:
        run_process(netrules_command() + ["check", "--demo"], 1)  # warm the caches once
    bare, demo = [], []
    for _ in range(repeat):  # alternately, so that load changes hit both alike
        bare.append(run_process([sys.executable, "-c", "pass"], 1)[0])
        demo.append(run_process(netrules_command() + ["check", "--demo"], 1)[0])
    t_bare, t_nr = statistics.median(bare), statistics.median(demo)
    return [{"name": "5 `netrules check --demo` process", "netrules": t_nr, "baseline": t_bare}]


def bench_html(size: dict[str, Any], ruleset: Any) -> list[Row]:
    """7: the HTML report (charts included) of the large network, against its JSON report.

    Needs the extra ``netrules[html]``; without it the benchmark says so and is left out.
    """
    try:
        import jinja2  # noqa: F401
        import pygal  # noqa: F401
    except ImportError:
        print("7 skipped: the HTML report needs the extra netrules[html]")
        return []
    n = size["large"]
    net = generate.network(
        n, n_invitations=size["invitations"], n_removals=size["removals"], seed=1
    )
    report = ruleset.evaluate(net, as_of=generate.AS_OF)
    t_html, html = timed(report.to_html, size["repeat"])  # evaluate() kept net and rules
    t_json, _ = timed(report.to_json, size["repeat"])
    kib = len(html.encode()) / 1024
    from netrules.redact import Redactor

    # --redact: pseudonyms for the findings, then the page (charts through the same filter)
    t_red, red_html = timed(
        lambda: Redactor(net).report(report).to_html(), max(1, size["repeat"] // 2)
    )
    red_kib = len(red_html.encode()) / 1024
    return [
        {
            "name": f"7 HTML report, {n:,} connections ({kib:,.0f} KiB) vs to_json()",
            "netrules": t_html,
            "baseline": t_json,
        },
        {
            "name": f"7 the same with --redact ({red_kib:,.0f} KiB) vs to_json()",
            "netrules": t_red,
            "baseline": t_json,
        },
    ]


def bench_collector(size: dict[str, Any], ruleset: Any) -> list[Row]:
    """9: evaluation with the collector paused (what evaluate does for a large network)
    and with ``gc.freeze()`` instead, each against the collector left on, alternately."""
    from netrules import ruleset as _ruleset

    n = size["large"]
    net = generate.network(
        n, n_invitations=size["invitations"], n_removals=size["removals"], seed=1
    )
    as_of = generate.AS_OF
    threshold = _ruleset._PAUSE_FROM

    def with_threshold(value: int) -> Any:
        _ruleset._PAUSE_FROM = value
        try:
            return ruleset.evaluate(net, as_of=as_of)
        finally:
            _ruleset._PAUSE_FROM = threshold

    def paused() -> Any:  # also in the smoke run, whose network is below the threshold
        return with_threshold(0)

    def collector_on() -> Any:
        return with_threshold(sys.maxsize)

    def frozen() -> Any:
        gc.freeze()
        try:
            return collector_on()
        finally:
            gc.unfreeze()

    t_paused, _, t_on, _ = timed_pair(paused, collector_on, size["repeat_large"])
    t_frozen, _, t_on2, _ = timed_pair(frozen, collector_on, size["repeat_large"])
    return [
        {
            "name": f"9 whole pack, {n:,}: collector paused vs on",
            "netrules": t_paused,
            "baseline": t_on,
        },
        {
            "name": f"9 whole pack, {n:,}: gc.freeze() vs on",
            "netrules": t_frozen,
            "baseline": t_on2,
        },
    ]


def bench_json(size: dict[str, Any], ruleset: Any) -> list[Row]:
    """10: the compact JSON report against the evaluation, and indented against compact."""
    n = size["large"]
    net = generate.network(
        n, n_invitations=size["invitations"], n_removals=size["removals"], seed=1
    )
    as_of = generate.AS_OF
    report = ruleset.evaluate(net, as_of=as_of)
    t_json, text, t_eval, _ = timed_pair(
        report.to_json, lambda: ruleset.evaluate(net, as_of=as_of), size["repeat_large"]
    )
    t_pretty, pretty, t_compact, _ = timed_pair(
        lambda: report.to_json(indent=2), report.to_json, size["repeat_large"]
    )
    if json.loads(text) != json.loads(pretty):
        raise AssertionError("compact and indented JSON reports differ")
    mib = len(text.encode()) / (1024 * 1024)
    return [
        {
            "name": f"10 to_json(), {n:,} connections ({mib:.1f} MiB) vs evaluate",
            "netrules": t_json,
            "baseline": t_eval,
        },
        {
            "name": "10 to_json(indent=2) vs to_json()",
            "netrules": t_pretty,
            "baseline": t_compact,
        },
    ]


def bench_end_to_end(size: dict[str, Any], archive: Path, tmp: Path) -> list[Row]:
    """11: ``netrules check`` on the export archive, JSON into a file, against a bare start.

    31 alternated pairs: the ratio of two medians is the figure judged against a line
    (30x), and the bare start (~11 ms) moves by up to 40 % from one command to the next on
    a shared machine: with ten pairs, five runs of the same code gave 26.2x to 32.3x; five
    sets of 31 pairs, 29.4x to 30.5x (docs/performance.md, 1 December 13:30-13:48)."""
    repeat = size["repeat_end_to_end"]
    out = tmp / "report.json"
    argv = netrules_command() + [
        "check",
        str(archive),
        "--format",
        "json",
        "-o",
        str(out),
        "--fail-on",
        "never",
    ]
    if repeat > 1:
        run_process(argv, 1)  # warm the caches once
    bare, check = [], []
    for _ in range(repeat):  # alternately, so that load changes hit both alike
        bare.append(run_process([sys.executable, "-c", "pass"], 1)[0])
        check.append(run_process(argv, 1)[0])
    if not json.loads(out.read_text(encoding="utf-8"))["findings"]:
        raise AssertionError("the end-to-end check found nothing")
    return [
        {
            "name": f"11 `netrules check` export, {size['archive']:,}, json -o file",
            "netrules": statistics.median(check),
            "baseline": statistics.median(bare),
        }
    ]


MEMORY_CODE = """
import gc, json, sys, tracemalloc
from benchmarks import generate
import netrules
from netrules.loaders import load_network
rules = netrules.load_rules()
n, archive = {n}, {archive!r}
gc.collect()
tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
net = generate.network(n, n_invitations={inv}, n_removals={rem}, seed=1)
gc.collect()
net_size = tracemalloc.get_traced_memory()[0] - base
tracemalloc.reset_peak()
before = tracemalloc.get_traced_memory()[0]
report = rules.evaluate(net, as_of=generate.AS_OF)
eval_peak = tracemalloc.get_traced_memory()[1] - before
report_size = tracemalloc.get_traced_memory()[0] - before
del report
gc.collect()
from benchmarks import baseline
by_hand = baseline.Baseline(rules)
before = tracemalloc.get_traced_memory()[0]
tracemalloc.reset_peak()
expected = by_hand.evaluate(net, generate.AS_OF)
base_peak = tracemalloc.get_traced_memory()[1] - before
del expected, net
gc.collect()
before = tracemalloc.get_traced_memory()[0]
tracemalloc.reset_peak()
loaded = load_network(archive)
load_peak = tracemalloc.get_traced_memory()[1] - before
loaded_size = tracemalloc.get_traced_memory()[0] - before
import resource
print(json.dumps(dict(net_size=net_size, eval_peak=eval_peak, report_size=report_size,
                      base_peak=base_peak,
                      load_peak=load_peak, loaded_size=loaded_size,
                      maxrss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
"""


def bench_memory(size: dict[str, Any], archive: Path) -> list[Row]:
    code = MEMORY_CODE.format(
        n=size["large"], inv=size["invitations"], rem=size["removals"], archive=str(archive)
    )
    m = child(code)[0]
    mib = 1024 * 1024
    return [
        {
            "name": f"6 network of {size['large']:,} connections in memory",
            "mib": m["net_size"] / mib,
        },
        {
            "name": "6   evaluation peak above it (report retained)",
            "mib": m["eval_peak"] / mib,
            "base": m["base_peak"] / mib,
            "ref": m["net_size"] / mib,
        },
        {"name": "6   of which the report itself", "mib": m["report_size"] / mib},
        {
            "name": f"6 archive load peak ({size['archive']:,} connections)",
            "mib": m["load_peak"] / mib,
            "ref": m["loaded_size"] / mib,
        },
        {"name": "6   the loaded network", "mib": m["loaded_size"] / mib},
    ]


TARGETS = {
    "2 whole pack, 30,000": 1.5,
    "2 pack vs json.loads": 2.0,
    "3 count": 2.0,
    "4 load": 2.0,
    "4 + derive": 1.2,
    "5 `netrules": 20.0,
    "10 to_json(),": 1.0,
    "11 `netrules": 30.0,
}


def target_for(name: str) -> float | None:
    return next((t for prefix, t in TARGETS.items() if name.startswith(prefix)), None)


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:8.1f} ms"
    return f"{seconds:8.2f} s "


def table(rows: list[Row]) -> str:
    lines = [f"{'benchmark':<58} {'netrules':>11} {'baseline':>11} {'ratio':>7}  target", "-" * 98]
    for r in rows:
        if "mib" in r:
            base = f"{r['base']:7.1f} MiB" if r.get("base") is not None else ""
            ratio = f"{r['mib'] / r['ref']:6.2f}x" if r.get("ref") else ""
            target = ""
            if r["name"].startswith("6   evaluation"):
                met = r["mib"] <= r["ref"]
                target = "<= 1.0x the network " + ("met" if met else "MISSED")
            elif r.get("ref"):
                target = "(x the loaded network)"
            lines.append(f"{r['name']:<58} {r['mib']:7.1f} MiB {base:>11} {ratio:>7}  {target}")
            continue
        base = r.get("baseline")
        ratio = r["netrules"] / base if base else None
        target = target_for(r["name"])
        mark = ""
        if target is not None and ratio is not None:
            mark = f"<= {target:.1f}x " + ("met" if ratio <= target else "MISSED")
        lines.append(
            f"{r['name']:<58} {fmt_time(r['netrules']):>11} "
            f"{fmt_time(base) if base else '':>11} "
            f"{(f'{ratio:6.2f}x') if ratio else '':>7}  {mark}"
        )
    return "\n".join(lines)


BENCHMARKS = tuple(range(1, 12))


def chosen(text: str) -> set[int]:
    """``--only``: numbers separated by commas, or single digits run together (``235``)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and not (parts[0].isdigit() and int(parts[0]) in BENCHMARKS):
        parts = list(parts[0])
    try:
        numbers = {int(p) for p in parts}
    except ValueError:
        raise SystemExit(
            f"--only takes benchmark numbers (1-{BENCHMARKS[-1]}), got {text!r}"
        ) from None
    return numbers


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--quick", action="store_true", help="small inputs, one repeat (smoke mode)")
    ap.add_argument(
        "--only",
        default=",".join(str(n) for n in BENCHMARKS),
        help="which benchmarks to run, by number: 2,10,11 (or digits run together: 235)",
    )
    ap.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = ap.parse_args(argv)
    only = chosen(args.only)
    size = SIZES["quick" if args.quick else "full"]
    import netrules

    where = Path(netrules.__file__).resolve().parent
    print(f"netrules {netrules.__version__} from {where}")
    print(
        f"Python {sys.version.split()[0]} on {os.cpu_count()} cores; "
        f"{'quick smoke run' if args.quick else 'medians of several runs'}"
    )
    rows: list[Row] = []
    ruleset = netrules.load_rules()
    base = baseline.Baseline(ruleset)
    tmp = Path(tempfile.mkdtemp(prefix="netrules-bench-"))
    try:
        if 1 in only:
            rows += bench_load(size)
        if 2 in only:
            rows += bench_evaluate(size, ruleset, base)
        if 3 in only:
            rows += bench_members(size, ruleset, base)
        archive = None
        if 4 in only or 6 in only or 11 in only:
            archive_rows, archive = bench_archive(size, tmp)
            if 4 in only:
                rows += archive_rows
        if 5 in only:
            rows += bench_process(size)
        if 6 in only and archive is not None:
            rows += bench_memory(size, archive)
        if 8 in only:
            rows += bench_many(size, ruleset, base)
        if 7 in only:
            rows += bench_html(size, ruleset)
        if 9 in only:
            rows += bench_collector(size, ruleset)
        if 10 in only:
            rows += bench_json(size, ruleset)
        if 11 in only and archive is not None:
            rows += bench_end_to_end(size, archive, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
