"""Closed sub-expressions are computed once per evaluation wherever they appear:
in ``when`` and definitions, and also in a rule's message, evidence and severity
adjustment (issue 16, point 4)."""

from __future__ import annotations

import datetime
import re

AS_OF = datetime.date(2025, 1, 1)

MEMBER_RULE = """
rule "recent" {
  title "t" severity warning
  when count(c in connections) > 0
  lower severity to info when count(c in connections where c.connected_on > as_of - 1 year) > 5
  message "{count(c in connections where c.connected_on > as_of - 1 year)} recent of {count(c in connections)}"
  evidence { recent: count(c in connections where c.connected_on > as_of - 1 year) }
}
"""

ITEM_RULE = """
rule "old" {
  title "t" severity warning
  for each c in connections
  when c.connected_on < as_of - 5 years
  lower severity to info when count(x in connections where x.connected_on > as_of - 1 year) > 1
  message "{c.id}: {count(x in connections where x.connected_on > as_of - 1 year)} recent"
  evidence { recent: count(x in connections where x.connected_on > as_of - 1 year) }
}
"""


def network(*days: str) -> dict:
    return {"connections": [{"id": f"c{i}", "connected_on": d} for i, d in enumerate(days)]}


def aggregate_lines(source: str) -> list[str]:
    """The lines that count connections (a count over a nullable ``where`` counts both
    readings in one pass: ``_count_both``)."""
    return [line for line in source.splitlines() if re.search(r"len\(\[1 for|_count_both\(", line)]


def test_member_rule_message_evidence_and_severity_share_one_aggregate(load_text) -> None:
    """The aggregate is written three times in the rule and computed once, where the
    rule fires, with ``as_of - 1 year`` outside its loop."""
    rules = load_text(MEMBER_RULE)
    lines = aggregate_lines(rules.source)
    assert len(lines) == 1, lines
    (line,) = lines
    assert re.match(r"\s+m\d+ = (len\(\[1 for|_count_both\()", line), (
        line
    )  # a local statement, not the prelude
    assert "_add_dur" not in line  # the date is computed once, not per connection
    report = rules.evaluate(network("2024-06-01", "2024-07-01", "2010-01-01"), as_of=AS_OF)
    (f,) = report.findings
    assert f.message == "2 recent of 3"
    assert f.evidence == {"recent": 2}
    assert f.severity == "warning"


def test_member_rule_that_does_not_fire_computes_nothing_of_its_message(load_text) -> None:
    rules = load_text(MEMBER_RULE)
    assert rules.evaluate(network(), as_of=AS_OF).findings == ()
    prelude, _sep, _body = rules.source.partition("    w = ")
    assert not aggregate_lines(prelude)


def test_per_item_rule_message_and_evidence_hoist_the_aggregate(load_text) -> None:
    """In a per-item rule the aggregate is computed once per evaluation (not per item)."""
    rules = load_text(ITEM_RULE)
    lines = aggregate_lines(rules.source)
    assert len(lines) == 1, lines
    assert re.match(r"\s+h\d+ = (len\(\[1 for|_count_both\()", lines[0]), lines[0]
    report = rules.evaluate(
        network("2001-01-01", "2002-01-01", "2024-06-01", "2024-07-01"), as_of=AS_OF
    )
    assert sorted((f.subject.id, f.severity, f.message) for f in report.findings) == [
        ("c0", "info", "c0: 2 recent"),
        ("c1", "info", "c1: 2 recent"),
    ]
    assert all(f.evidence == {"recent": 2} for f in report.findings)


def test_equal_hoisted_values_are_computed_once(load_text) -> None:
    """Two compilations of one closed expression (fresh temporaries each) share a name."""
    text = """
define a = count(c in connections where c.connected_on ?? as_of > as_of - 1 year)
define b = count(c in connections where c.connected_on ?? as_of > as_of - 1 year)
rule "r" { title "t" severity info when a + b > 0 message "{a}" }
"""
    rules = load_text(text)
    assert len(aggregate_lines(rules.source)) == 1
    (f,) = rules.evaluate(network("2024-06-01"), as_of=AS_OF).findings
    assert f.message == "1"
