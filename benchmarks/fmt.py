"""Issue 13's start-up figure: ``netrules fmt`` on the whole bundled pack in a new process.

``python -m benchmarks.fmt`` runs, alternately, ``netrules fmt --check rules/`` (each
time in a new process with a new, empty cache folder: nothing formatted or parsed
before is reused) and ``python -c pass`` (the interpreter's own start-up), and prints
the median wall and CPU time of each, their ratio, and the machine's load average.
The target is under 1 s of wall time for fmt on an idle machine; on a loaded one the
CPU time and the ratio say more than the wall time.  ``--phases`` adds where the time
goes inside one process (imports, loading the parse table, parsing, layout).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pack_folder() -> Path:
    """The bundled rule files (``rules/`` in a checkout, the packaged copy otherwise)."""
    checkout = ROOT / "rules"
    if any(checkout.glob("*.rules")):
        return checkout
    from importlib import resources

    return Path(str(resources.files("netrules").joinpath("rules")))


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, cpu) of fmt and of ``python -c pass``, run alternately."""
    times: dict[str, list[tuple[float, float]]] = {"fmt": [], "pass": []}
    folder = str(pack_folder())
    fmt = [sys.executable, "-m", "netrules", "fmt", "--check", folder]
    bare = [sys.executable, "-c", "pass"]
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NETRULES_CACHE_DIR": cache}
            times["fmt"].append(run_once(fmt, env))
        times["pass"].append(run_once(bare, dict(os.environ)))
    return {
        name: (statistics.median(w for w, _ in rows), statistics.median(c for _, c in rows))
        for name, rows in times.items()
    }


PHASES = """
import time
t0 = time.process_time()
import netrules.fmt as F
t1 = time.process_time()
from pathlib import Path
texts = [p.read_text(encoding="utf-8") for p in sorted(Path({folder!r}).glob("*.rules"))]
import netrules.cst as C
C._tables()
t2 = time.process_time()
trees = [F._parse(t) for t in texts]
t3 = time.process_time()
for tree, comments in trees:
    F._layout(tree, comments)
t4 = time.process_time()
print(f"{{t1 - t0:.3f}} {{t2 - t1:.3f}} {{t3 - t2:.3f}} {{t4 - t3:.3f}}")
"""


def phases() -> list[float]:
    """CPU seconds of import, loading the parse table, parsing and layout in a new process."""
    code = PHASES.format(folder=str(pack_folder()))
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NETRULES_CACHE_DIR": cache}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
    return [float(x) for x in out.stdout.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fmt", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="processes of each kind (10)")
    parser.add_argument("--phases", action="store_true", help="also time each phase")
    args = parser.parse_args(argv)
    files = sorted(pack_folder().glob("*.rules"))
    size = sum(p.stat().st_size for p in files)
    figures = measure(max(1, args.runs))
    (fw, fc), (pw, pc) = figures["fmt"], figures["pass"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"netrules fmt --check on {len(files)} files ({size / 1024:.0f} KiB), new process,")
    print(f"empty cache; medians of {args.runs} runs, load average {load:.1f}")
    print(f"{'':24} {'wall':>8} {'cpu':>8}")
    print(f"{'netrules fmt --check':24} {fw:7.3f}s {fc:7.3f}s")
    print(f"{'python -c pass':24} {pw:7.3f}s {pc:7.3f}s")
    print(f"{'ratio':24} {fw / pw:7.1f}x {fc / max(pc, 1e-3):7.1f}x")
    verdict = "met" if fw < 1.0 else ("met in CPU time" if fc < 1.0 else "MISSED")
    print(f"target: under 1 s ({verdict})")
    if args.phases:
        names = ("import netrules.fmt", "load the parse table", "parse", "layout")
        for name, value in zip(names, phases(), strict=True):
            print(f"  {name:22} {value:6.3f}s cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
