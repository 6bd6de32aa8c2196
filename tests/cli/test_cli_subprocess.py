"""`python -m netrules` as a real process: piped output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "netrules", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
    )


def test_piped_check_is_plain_text(own_rules, fixture_path):
    """Piped, the text report has no ANSI codes and no spinner, and exit 1 for an error."""
    proc = _run("check", fixture_path("network.json"), *own_rules())
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout and proc.stderr == ""
    assert proc.stdout.startswith("netrules report for Ada Lovelace, as of 2025-01-01\n")


def test_bad_input_exits_2_without_traceback(own_rules, fixture_path):
    """Bad JSON input exits 2 with a one-line error and no Python traceback."""
    proc = _run("check", fixture_path("bad.json"), "--format", "json", *own_rules())
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("netrules: error: ")


def test_demo_json_as_a_process():
    """`python -m netrules check --demo --format json` prints valid JSON."""
    proc = _run("check", "--demo", "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["findings"]
