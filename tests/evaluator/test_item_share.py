"""Per-item common sub-expressions (issue 16): a value that several rules read for the
same item is computed once per item, and sharing it changes no finding or skip."""

from __future__ import annotations

import datetime
import re

AS_OF = datetime.date(2025, 1, 1)

RULES = """
param inner = ["acme", "globex"]
rule "ours" { title "t" severity info for each c in connections
  where lower(trim(c.company ?? "")) in inner
  when c.relationship == "colleague" message "{c.id} works with us" }
rule "theirs" { title "t" severity info for each c in connections
  where not (lower(trim(c.company ?? "")) in inner)
  when c.relationship == "colleague" or c.relationship == "friend"
  message "{c.id} ({lower(trim(c.company ?? \\"\\"))})" }
rule "big" { title "t" severity info for each c in connections group by trim(c.company) as co
  when count(group) >= 2 and count(group) < 10 message "{co}: {count(group)}" }
"""


def network() -> dict:
    rows = [
        ("c1", " ACME ", "colleague"),
        ("c2", "Hooli", "friend"),
        ("c3", None, "colleague"),
        ("c4", "acme", None),
        ("c5", "Hooli ", "colleague"),
    ]
    return {
        "connections": [{"id": i, "company": co, "relationship": r} for i, co, r in rows],
    }


def test_a_value_read_by_several_rules_is_computed_once_per_item(load_text) -> None:
    rules = load_text(RULES)
    loop = rules.source.split("for it in R_connections:")[1]
    assigned = re.findall(r"^\s+(q\d+) = (.*)$", loop, re.M)
    lowered = [name for name, code in assigned if ".lower()" in code]
    assert len(lowered) == 1, assigned  # once, at the top of the item's iteration
    assert loop.count(".lower()") == 1


def test_sharing_changes_no_finding_or_skip(load_text) -> None:
    report = load_text(RULES).evaluate(network(), as_of=AS_OF)
    got = sorted((f.rule, f.subject.id, f.message) for f in report.findings)
    assert got == [
        ("big", "ACME", "ACME: 2"),  # " ACME " and "acme": one group, first spelling
        ("big", "Hooli", "Hooli: 2"),
        ("ours", "c1", "c1 works with us"),
        ("theirs", "c2", "c2 (hooli)"),
        ("theirs", "c3", "c3 ()"),
        ("theirs", "c5", "c5 (hooli)"),
    ]
    # c3 has no company to group by; c4's relationship is unknown for "ours"
    assert [(s.rule, s.fields) for s in report.skipped] == [
        ("big", {"connection.company": 1}),
        ("ours", {"connection.relationship": 1}),
    ]


def test_a_group_value_read_three_times_is_computed_once(load_text) -> None:
    source = load_text(RULES).source
    groups = source.split("in G2.items():")[1].split("\n    return")[0]
    assert groups.count("len(gi)") == 1, groups


def test_deep_shared_expressions_still_compile_and_agree(load_text) -> None:
    """Code too deeply nested for Python moves into helpers; a shared per-item local
    they read is passed to them."""
    deep = 'trim(c.company ?? "")' + ' + "x"' * 60
    text = f"""
rule "a" {{ title "t" severity info for each c in connections
  when length({deep}) > 3 message "{{c.id}}" }}
rule "b" {{ title "t" severity info for each c in connections
  when length({deep}) > 1000 message "{{c.id}}" }}
"""
    report = load_text(text).evaluate(network(), as_of=AS_OF)
    assert sorted(f.subject.id for f in report.findings) == ["c1", "c2", "c3", "c4", "c5"]


def test_a_value_never_unknown_is_not_tested_for_unknown(load_text) -> None:
    """``trim`` and ``lower`` of ``c.company ?? ""`` are the method calls alone; the
    group key ``trim(c.company)`` (unknown for c3) keeps its test."""
    rules = load_text(RULES)
    loop = rules.source.split("for it in R_connections:")[1]
    codes = [code for _name, code in re.findall(r"^\s+(q\d+) = (.*)$", loop, re.M)]
    # (each step read once, written where it is read: compiler._inline_single_use)
    chain = r"\(K_\d+ if (q\d+) is None else \1\)\.strip\(\)\.lower\(\)"
    assert any(re.fullmatch(chain, code) for code in codes), codes
    assert re.search(r"k = \(None if (q\d+) is None else \1\.strip\(\)\)", loop)
    report = rules.evaluate(network(), as_of=AS_OF)
    assert ("theirs", "c3", "c3 ()") in [(f.rule, f.subject.id, f.message) for f in report.findings]
