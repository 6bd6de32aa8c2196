"""The text report reads as one page of advice: short, and no advice text twice.

Sizes are SCREEN ROWS at 100 columns: the report wraps its long lines there (a hanging
indent under the text), and a row longer than the screen would count twice. The demo
(``netrules check --demo`` with ``COLUMNS=100``, no colour) fits in 60 rows, repeats no
advice and gives one size finding; the 30,000-connection benchmark network stays under
120 rows: findings about many subjects are aggregated per rule, and each advice text is
printed once per report.
"""

from __future__ import annotations

import math
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

WIDTH = 100


def _screen_rows(text: str, width: int = WIDTH) -> int:
    """How many rows the text takes on a terminal ``width`` columns wide."""
    return sum(max(1, math.ceil(len(line) / width)) for line in text.splitlines())


def _advice(text: str) -> list[str]:
    """Each advice text of the report, its wrapped rows joined again."""
    out: list[str] = []
    indent = -1
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("advice: "):
            indent = len(line) - len(stripped) + len("advice: ")
            out.append(stripped[len("advice: ") :])
        elif indent > 0 and stripped and len(line) - len(stripped) == indent:
            out[-1] += " " + stripped
        else:
            indent = -1
    return out


def _advice_repeats(text: str) -> dict[str, int]:
    return {a: n for a, n in Counter(_advice(text)).items() if n > 1}


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
    """Each advice text once, read across its wrapped rows."""
    assert _advice(demo_text)
    assert _advice_repeats(demo_text) == {}


def test_demo_report_fits_on_one_screen(demo_text: str) -> None:
    """At most 60 screen rows at 100 columns: one finding per pattern, each advice text once."""
    assert max(len(line) for line in demo_text.splitlines()) <= WIDTH, demo_text
    assert _screen_rows(demo_text) <= 60, demo_text


def test_screen_rows_count_what_a_terminal_shows() -> None:
    """An unwrapped 250-character line takes three rows; an empty line one."""
    assert _screen_rows("x" * 250 + "\n\nshort\n") == 5


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
    text = render_text(report, titles={r.id: r.title for r in pack.rules if r.title}, width=WIDTH)
    assert _screen_rows(text) < 120, text
    assert _advice_repeats(text) == {}


def test_no_finding_carries_more_than_four_advice_texts() -> None:
    """A finding gives at most four pieces of advice: a coach picks, a manual lists."""
    pack = netrules.load_rules()
    crowded = {ri.node.id: len(ri.advice) for ri in pack.program.rules if len(ri.advice) > 4}
    assert crowded == {}
