"""Where `netrules check EXPORT.zip --format json -o FILE` spends its time, per phase.

``python -m benchmarks.check_phases [--connections 30000] [--runs 5]`` writes the
benchmark archive (as benchmark 11 does), then runs the command in new processes, each
timing its own phases: importing the command line, ``load_rules``, loading the input,
the evaluation, ``_finish`` (acknowledgements, the e-mail check, which writes the
findings' JSON text), rendering, writing, and the rest. Medians of wall and CPU
milliseconds; then the same command as a whole process (the ``netrules`` script, as
benchmark 11 runs it: interpreter start and exit included) and ``python -c pass``
alongside, run alternately, wall and CPU (user + system) each, for the ratios.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # not on Windows: CPU columns of whole processes are then left out
    resource = None  # type: ignore[assignment]

# Run in the child process: times each phase by wrapping the CLI's own functions.
CHILD = """
import json, sys, time
pt = time.process_time
t0, c0 = time.perf_counter(), pt()
import netrules.cli as cli
from netrules.ruleset import RuleSet
T = {"imports": [time.perf_counter() - t0, pt() - c0]}
def wrap(obj, name, label):
    f = getattr(obj, name)
    def w(*a, **k):
        s, c = time.perf_counter(), pt()
        try:
            return f(*a, **k)
        finally:
            e = T.setdefault(label, [0.0, 0.0])
            e[0] += time.perf_counter() - s
            e[1] += pt() - c
    setattr(obj, name, w)
for obj, name, label in ((cli, "_load_rules", "load_rules"), (cli, "_load_input", "load"),
                         (RuleSet, "evaluate", "evaluate"), (cli, "_finish", "finish"),
                         (cli, "_render", "render"), (cli, "_write", "write")):
    T.setdefault(label, [0.0, 0.0])
    wrap(obj, name, label)
cli._parked = []  # as cli.run() does: the check's objects are left to the end of the process
code = cli.main(["check", sys.argv[1], "--format", "json", "-o", sys.argv[2], "--fail-on", "never"])
total = [time.perf_counter() - t0, pt() - c0]
T["other"] = [total[i] - sum(v[i] for v in T.values()) for i in (0, 1)]
T["total"] = total
print(json.dumps({"code": code, "phases": T}))
"""

PHASES = ("imports", "load_rules", "load", "evaluate", "finish", "render", "write", "other")


def run_once(archive: Path, out: Path) -> dict[str, list[float]]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(archive), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    if data["code"] != 0:
        raise SystemExit(f"netrules check failed: {proc.stderr}")
    phases: dict[str, list[float]] = data["phases"]
    return phases


def whole_process(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process, start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN) if resource else None
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if before is None:
        return wall, float("nan")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.check_phases")
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from benchmarks import generate
    from benchmarks.run import netrules_command

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate.write_archive(folder, generate.archive_files(args.connections, seed=1))
        archive = next(folder.glob("*.zip"))
        out = folder / "report.json"
        command = [*netrules_command(), "check", str(archive), "--format", "json"]
        command += ["-o", str(out), "--fail-on", "never"]
        run_once(archive, out)  # warm the caches (bytecode, parse cache) once
        runs, bare, process = [], [], []
        for _ in range(args.runs):  # alternately, so that load changes hit all alike
            bare.append(whole_process([sys.executable, "-c", "pass"]))
            runs.append(run_once(archive, out))
            process.append(whole_process(command))
        if not json.loads(out.read_text(encoding="utf-8"))["findings"]:
            raise SystemExit("the check found nothing")
    print(f"netrules check, {args.connections:,} connections, --format json -o FILE")
    print(f"{'phase':<16} {'wall ms':>9} {'cpu ms':>9}")
    for name in (*PHASES, "total"):
        wall = statistics.median(r[name][0] for r in runs) * 1000
        cpu = statistics.median(r[name][1] for r in runs) * 1000
        print(f"{name:<16} {wall:9.1f} {cpu:9.1f}")
    rows = (("whole process", process), ("python -c pass", bare))
    medians = {
        name: [statistics.median(r[i] for r in rows_) * 1000 for i in (0, 1)]
        for name, rows_ in rows
    }
    for name, (wall, cpu) in medians.items():
        print(f"{name:<16} {wall:9.1f} {cpu:9.1f}  (start to exit)")
    (pw, pc), (bw, bc) = medians["whole process"], medians["python -c pass"]
    print(f"{'ratio':<16} {pw / bw:8.1f}x {pc / bc:8.1f}x  (whole process / python -c pass)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
