"""The pack covers every item of the source article, as docs/coverage.md claims."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netrules

ROOT = Path(__file__).resolve().parents[2]

# The inventory of the source article's guidance (guidance.md), copied here so the test
# needs nothing outside the project: item id prefix -> how many items.
ITEMS = {
    "D": 6,
    "A": 6,
    "T": 8,
    "I": 6,
    "L": 5,
    "J": 4,
    "F": 5,
    "Q": 1,
    "R": 5,
    "E": 7,
    "M": 6,
    "B": 5,
    "AL": 7,
    "X": 7,
}
CHECK_ITEMS = {
    "A1",
    "A2",
    "A3",
    "A4",
    "A5",
    "A6",
    "I1",
    "I2",
    "I3",
    "I4",
    "I5",
    "I6",
    "L1",
    "L2",
    "L3",
    "L4",
    "L5",
    "J1",
    "J2",
    "J3",
    "J4",
    "R1",
    "R2",
    "R3",
    "R4",
    "E1",
    "E2",
    "E3",
    "E4",
    "E5",
    "E7",
    "M1",
    "M3",
    "M6",
    "B1",
    "X2",
    "X3",
    "X4",
    "X6",
    "X7",
}


def _rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[A-Z]{1,2}\d", cells[0]):
            rows[cells[0]] = (cells[2], cells[3])
    return rows


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def test_every_item_is_listed() -> None:
    """docs/coverage.md has one row for each of the article's items, and no others."""
    expected = {f"{p}{i}" for p, n in ITEMS.items() for i in range(1, n + 1)}
    assert set(_rows()) == expected


@pytest.mark.parametrize("item", sorted(_rows()))
def test_item_is_carried(item: str, pack: netrules.RuleSet) -> None:
    """Each item names rules that exist, or advice that a rule actually carries."""
    how, carried = _rows()[item]
    assert how == ("check" if item in CHECK_ITEMS else "advice")
    rule_ids = re.findall(r"`([a-z0-9-]+)`", carried)
    advice = re.findall(r"advice:(\w+)", carried)
    if how == "check":
        assert rule_ids, f"{item} is a check item but names no rule"
    else:
        assert advice, f"{item} is an advice item but names no advice"
    for rid in rule_ids:
        assert rid in pack.rule_ids()
    attached = {text for ri in pack.program.rules for text in ri.advice}
    for name in advice:
        assert name in pack.program.advice, f"no advice named {name}"
        assert pack.program.advice[name] in attached, f"advice {name} is on no rule"
