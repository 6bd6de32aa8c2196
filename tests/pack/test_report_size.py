"""The text report reads as one page of advice: short, and no advice text twice.

The demo (``netrules check --demo`` at 100 columns, no colour) repeats no advice and gives
one size finding; the 30,000-connection benchmark network stays under 120 lines: findings
about many subjects are aggregated per rule, and each advice text is printed once per
report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import netrules
from netrules.report_text import render_text

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402


def _advice_repeats(text: str) -> dict[str, int]:
    advice = [line.strip() for line in text.splitlines() if line.strip().startswith("advice:")]
    return {a: n for a, n in Counter(advice).items() if n > 1}


@pytest.fixture(scope="module")
def demo_text() -> str:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    res = subprocess.run(
        [sys.executable, "-m", "netrules", "check", "--demo"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert res.returncode in (0, 1), res.stderr
    return res.stdout


def test_demo_report_repeats_no_advice(demo_text: str) -> None:
    assert _advice_repeats(demo_text) == {}


def test_demo_report_fits_on_one_screen(demo_text: str) -> None:
    """At most 60 lines at 100 columns: one finding per pattern, each advice text once."""
    assert len(demo_text.splitlines()) <= 60, demo_text


def test_demo_member_below_every_target_is_not_told_to_prune(demo_text: str) -> None:
    """380 connections against figures of 500, 500 and 750: grow first, prune later."""
    for rule in ("inactive-connection", "outdated-connection", "redundant-company"):
        assert rule not in demo_text
    assert "removal-without-notice" in demo_text  # how to remove, for the plan she already has


def test_demo_report_has_one_size_finding(demo_text: str) -> None:
    """The demo member is below all three targets: one finding says so, once."""
    targets = demo_text.split("\ntargets\n")[1].split("\n\n")[0]
    assert targets.count("      - ") == 1
    assert "380 connections while looking for work" in targets


def test_the_30000_connection_report_stays_short() -> None:
    pack = netrules.load_rules()
    report = pack.evaluate(generate.network(30_000, seed=1), as_of=generate.AS_OF)
    text = render_text(report, titles={r.id: r.title for r in pack.rules if r.title})
    assert len(text.splitlines()) < 120, text
    assert _advice_repeats(text) == {}
