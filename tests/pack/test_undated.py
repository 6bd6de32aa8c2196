"""Skipped exactly when missing data could change the answer: undated items, rows, schools.

``peak``, ``max`` and ``sum`` answer from the known values (docs/semantics.md); the pack's
rules over them say what the undated items could do, so the report lists the rule as
skipped exactly when they could matter.
"""

from __future__ import annotations

import datetime

import pytest

import netrules

AS_OF = datetime.date(2025, 1, 1)


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def _verdict(pack: netrules.RuleSet, rule: str, doc: dict) -> str:
    report = pack.evaluate(doc, as_of=AS_OF)
    if any(f.rule == rule for f in report.findings):
        return "fired"
    return "skipped" if any(s.rule == rule for s in report.skipped) else "passed"


def _removals(dated: int, undated: int) -> dict:
    days = [f"2024-06-0{1 + k % 7}" for k in range(dated)]
    return {
        "removals": [
            {"id": f"x{k}", "connection": f"c{k}", "notified": True, "planned_on": day}
            for k, day in enumerate(days)
        ]
        + [{"id": f"u{k}", "connection": f"d{k}", "notified": True} for k in range(undated)]
    }


@pytest.mark.parametrize(
    ("dated", "undated", "verdict"),
    [
        (11, 0, "fired"),
        (11, 3, "fired"),
        (10, 0, "passed"),
        (10, 1, "skipped"),
        (5, 5, "passed"),
        (5, 6, "skipped"),
        (0, 20, "skipped"),
    ],
)
def test_mass_removal(pack: netrules.RuleSet, dated: int, undated: int, verdict: str) -> None:
    assert _verdict(pack, "mass-removal", _removals(dated, undated)) == verdict


def _recommendations(dated: list[str], undated: int) -> dict:
    return {
        "connections": [{"id": f"c{k}", "relationship": "colleague"} for k in range(3)],
        "recommendations_given": [
            {"id": f"r{k}", "relationship": "colleague", "given_on": day}
            for k, day in enumerate(dated)
        ]
        + [{"id": f"u{k}", "relationship": "colleague"} for k in range(undated)],
    }


def test_recommendations_in_bulk(pack: netrules.RuleSet) -> None:
    month = ["2024-05-01", "2024-05-03", "2024-05-08", "2024-05-12", "2024-05-20"]
    rule = "recommendations-in-bulk"
    assert _verdict(pack, rule, _recommendations([*month, "2024-05-21"], 0)) == "fired"
    assert _verdict(pack, rule, _recommendations(month, 0)) == "passed"
    assert _verdict(pack, rule, _recommendations(month, 1)) == "skipped"
    assert _verdict(pack, rule, _recommendations(month[:2], 3)) == "passed"


def test_no_recent_recommendations(pack: netrules.RuleSet) -> None:
    rule = "no-recent-recommendations"
    assert _verdict(pack, rule, _recommendations(["2023-06-01"], 0)) == "fired"
    assert _verdict(pack, rule, _recommendations(["2023-06-01"], 1)) == "skipped"
    assert _verdict(pack, rule, _recommendations(["2024-06-01"], 1)) == "passed"
    assert _verdict(pack, rule, _recommendations([], 0)) == "fired"


def test_rules_that_do_not_apply_are_decided_not_skipped(pack: netrules.RuleSet) -> None:
    """An industry without an article row and a classmate while still at school are decided."""
    report = pack.evaluate(
        {
            "member": {"industry": "Financial Services", "connection_count": 200, "situations": []},
        },
        as_of=AS_OF,
    )
    assert "below-industry-target" not in {s.rule for s in report.skipped}
    assert "industry-without-target" in {f.rule for f in report.findings}
    student = {
        "member": {
            "career_level": "student",
            "connection_count": 150,
            "schools": [{"name": "State U", "start": "2023-09-01"}],
        },
        "connections": [{"id": "c1", "company": "State U", "relationship": "classmate"}],
    }
    assert _verdict(pack, "outdated-connection", student) == "passed"
