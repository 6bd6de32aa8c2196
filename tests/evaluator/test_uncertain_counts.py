"""Counts over unknowns: a rule that the unknown items could tip is skipped, not passed."""

from __future__ import annotations

import datetime

import pytest

import netrules
from netrules.words import describe

AS_OF = datetime.date(2025, 1, 1)
RULES = """
define colleagues = count(c in connections where c.relationship == "colleague")
rule "few" { title "t" severity info when colleagues < 2 message "{colleagues}" }
rule "each" { title "t" severity info for each c in connections
  when colleagues >= 2 and c.relationship == "colleague" message "m" }
rule "groups" { title "t" severity info for each c in connections group by c.company as co
  when count(x in group where x.relationship == "friend") >= 1 message "{co}" }
"""


def conns(*relationships: str | None, company: str = "Acme") -> dict:
    return {
        "connections": [
            {"id": f"c{i}", "relationship": r, "company": company}
            for i, r in enumerate(relationships)
        ]
    }


def outcome(report: netrules.Report, rule: str) -> str:
    if any(f.rule == rule for f in report.findings):
        return "fires"
    return "skipped" if any(s.rule == rule for s in report.skipped) else "passes"


def test_unknowns_that_could_tip_the_count_skip_the_rule(load_text) -> None:
    """One colleague and one unknown: 'fewer than two' is open, so skipped with a reason."""
    report = load_text(RULES).evaluate(conns("colleague", None), as_of=AS_OF)
    assert outcome(report, "few") == "skipped"
    (skip,) = [s for s in report.skipped if s.rule == "few"]
    assert skip.fields == {"count(connection.relationship)": 1}
    assert describe("count(connection.relationship)") == (
        "how you know this connection, for some of them"
    )


def test_unknowns_that_cannot_tip_the_count_decide(load_text) -> None:
    """Two known colleagues: 'fewer than two' is false whatever the unknown is."""
    rs = load_text(RULES)
    report = rs.evaluate(conns("colleague", "colleague", None), as_of=AS_OF)
    assert outcome(report, "few") == "passes"
    assert outcome(rs.evaluate(conns("friend", "friend"), as_of=AS_OF), "few") == "fires"


def test_per_item_rules_read_both_counts(load_text) -> None:
    """A per-item rule whose condition reads an open count skips every item it could tip."""
    report = load_text(RULES).evaluate(conns("colleague", None, "friend"), as_of=AS_OF)
    (skip,) = [s for s in report.skipped if s.rule == "each"]
    # c0 could fire (2 colleagues if c1 is one), c1 is unknown itself, c2 is a friend: passes
    assert skip.count == 2 and outcome(report, "each") == "skipped"


def test_counts_over_a_group(load_text) -> None:
    """Inside a group the two readings are taken per group."""
    report = load_text(RULES).evaluate(conns("colleague", None), as_of=AS_OF)
    assert outcome(report, "groups") == "skipped"
    report = load_text(RULES).evaluate(conns("friend", None), as_of=AS_OF)
    assert outcome(report, "groups") == "fires"


def test_pack_no_recent_recommendations_is_skipped_when_relationships_are_unknown() -> None:
    """The issue's case: an export without relationships no longer passes silently."""
    pack = netrules.load_rules()
    if "no-recent-recommendations" not in pack.rule_ids():
        pytest.skip("the pack no longer has no-recent-recommendations")
    doc = {"connections": [{"id": f"c{i}"} for i in range(10)]}
    report = pack.evaluate(doc, as_of=AS_OF)
    assert outcome(report, "no-recent-recommendations") == "skipped"
