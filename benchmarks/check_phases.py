"""Where `netrules check EXPORT.zip --format json -o FILE` spends its time, per phase.

``python -m benchmarks.check_phases [--connections 30000] [--runs 5]`` writes the
benchmark archive (as benchmark 11 does), then runs the command in new processes, each
timing its own phases: importing the command line, ``load_rules``, loading the input,
the evaluation, ``_finish`` (acknowledgements, the e-mail check, which writes the
findings' JSON text), rendering, writing, and the rest. Medians of wall and CPU
milliseconds; then the same command as a whole process (the ``netrules`` script, as
benchmark 11 runs it: interpreter start and exit included) and ``python -c pass``
alongside, run alternately, wall and CPU (user + system) each, for the ratios. The child
runs the command through ``cli.run()`` as the program does; minor page faults are
counted per phase and per process (each about 3 µs of system time), and the check's
peak resident memory is read from the process itself.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
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

# Run in the child process: times each phase by wrapping the CLI's own functions, and
# runs the command as the `netrules` program does (cli.run(): the collector off, malloc
# keeping freed memory, os._exit at the end), reporting just before that exit.
CHILD = """
import json, sys, time
try:
    import resource
    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
except ImportError:
    def faults():
        return 0
pt = time.process_time
t0, c0, f0 = time.perf_counter(), pt(), faults()
import netrules.cli as cli
from netrules.ruleset import RuleSet
T = {"imports": [time.perf_counter() - t0, pt() - c0, faults() - f0]}
def wrap(obj, name, label):
    f = getattr(obj, name)
    def w(*a, **k):
        s, c, n = time.perf_counter(), pt(), faults()
        try:
            return f(*a, **k)
        finally:
            e = T.setdefault(label, [0.0, 0.0, 0])
            e[0] += time.perf_counter() - s
            e[1] += pt() - c
            e[2] += faults() - n
    setattr(obj, name, w)
for obj, name, label in ((cli, "_load_rules", "load_rules"), (cli, "_load_input", "load"),
                         (RuleSet, "evaluate", "evaluate"), (cli, "_finish", "finish"),
                         (cli, "_render", "render"), (cli, "_write", "write")):
    T.setdefault(label, [0.0, 0.0, 0])
    wrap(obj, name, label)
exit_now = cli._exit_now
def report(code):
    total = [time.perf_counter() - t0, pt() - c0, faults() - f0]
    T["other"] = [total[i] - sum(v[i] for v in T.values()) for i in (0, 1, 2)]
    T["total"] = total
    try:  # the process's own peak (ru_maxrss would count its parent's, from before exec)
        with open("/proc/self/status", encoding="ascii") as fh:
            peak = next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        peak = None
    sys.stdout.write(json.dumps({"code": code, "phases": T, "peak": peak}) + "\\n")
    exit_now(code)
cli._exit_now = report
sys.argv = ["netrules", "check", sys.argv[1], "--format", "json", "-o", sys.argv[2],
            "--fail-on", "never"]
cli.run()
"""

PHASES = ("imports", "load_rules", "load", "evaluate", "finish", "render", "write", "other")


def run_once(archive: Path, out: Path) -> dict[str, list[float]]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(archive), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit(f"netrules check failed: {proc.stderr}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    if data["code"] != 0:
        raise SystemExit(f"netrules check failed: {proc.stderr}")
    phases: dict[str, list[float]] = data["phases"]
    phases["peak"] = [data["peak"] if data["peak"] is not None else float("nan")]
    return phases


def whole_process(argv: list[str]) -> tuple[float, float, float]:
    """Wall and CPU seconds (user + system) of one process, start to exit, and its minor
    page faults; NaN where the system does not say."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    wait4 = getattr(os, "wait4", None)
    if wait4 is None or resource is None:  # not on Windows
        proc.wait()
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, argv)
        return wall, float("nan"), float("nan")
    _, status, usage = wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, argv)
    return wall, usage.ru_utime + usage.ru_stime, float(usage.ru_minflt)


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
    print(f"{'phase':<16} {'wall ms':>9} {'cpu ms':>9} {'faults':>8}")
    for name in (*PHASES, "total"):
        wall = statistics.median(r[name][0] for r in runs) * 1000
        cpu = statistics.median(r[name][1] for r in runs) * 1000
        faults = statistics.median(r[name][2] for r in runs)
        print(f"{name:<16} {wall:9.1f} {cpu:9.1f} {faults:8.0f}")
    peak = statistics.median(r["peak"][0] for r in runs)
    print(f"{'peak RSS':<16} {peak:9.1f} MiB  (the check's own, at its end)")
    rows = (("whole process", process), ("python -c pass", bare))
    medians = {
        name: [statistics.median(r[i] for r in rows_) for i in range(3)] for name, rows_ in rows
    }
    for name, (wall, cpu, faults) in medians.items():
        print(f"{name:<16} {wall * 1000:9.1f} {cpu * 1000:9.1f} {faults:8.0f}  (start to exit)")
    (pw, pc, _), (bw, bc, _) = medians["whole process"], medians["python -c pass"]
    print(f"{'ratio':<16} {pw / bw:8.1f}x {pc / bc:8.1f}x  (whole process / python -c pass)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
