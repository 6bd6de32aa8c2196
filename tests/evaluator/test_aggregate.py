"""Findings per pattern (``aggregate { ... }``) and per-subject precedence (``defers to``)."""

from __future__ import annotations

import datetime
import json
from importlib import resources

import jsonschema
import pytest

import netrules
from netrules.findings import name_list

AS_OF = datetime.date(2025, 1, 1)

QUIET = """
rule "quiet" {
  title "t" severity warning
  for each c in connections
  when known(c.connected_on)
  lower severity to info when c.relationship == "friend"
  message "Quiet: {c.name ?? c.id}"
  evidence { on: c.connected_on }
  aggregate {
    order by c.connected_on descending
    label c.name
    show 2
    message "{found} quiet connections: {names} (limit {limit})"
  }
}
param limit = 7 "a parameter the summary reads"
"""


def conns(*rows: tuple[str, str | None, str | None]) -> dict:
    return {
        "connections": [{"id": cid, "name": name, "connected_on": on} for cid, name, on in rows]
    }


def test_one_finding_names_the_first_few_in_order(load_text) -> None:
    """Most recent first, two named, the rest counted; every subject kept in order."""
    doc = conns(("c1", "Ann", "2020-01-01"), ("c2", "Bo", "2024-01-01"), ("c3", "Cy", "2022-01-01"))
    (f,) = load_text(QUIET).evaluate(doc, as_of=AS_OF).findings
    assert f.aggregated and f.subject == netrules.Subject("connection", "*")
    assert f.message == "3 quiet connections: Bo, Cy and 1 more (limit 7)"
    assert f.evidence == {"found": 3, "named": ["Bo", "Cy"]}
    assert [s.subject.id for s in f.subjects] == ["c2", "c3", "c1"]
    assert [s.message for s in f.subjects] == ["Quiet: Bo", "Quiet: Cy", "Quiet: Ann"]
    assert f.subjects[0].evidence == {"on": datetime.date(2024, 1, 1)}


def test_unknown_keys_last_ties_by_id_and_unknown_label_uses_the_message(load_text) -> None:
    """Equal keys keep id order; an unknown label falls back to the subject's message."""
    text = QUIET.replace("when known(c.connected_on)", "when true")
    doc = conns(("b", None, "2020-01-01"), ("a", "Al", "2020-01-01"), ("z", "Zed", None))
    (f,) = load_text(text).evaluate(doc, as_of=AS_OF).findings
    assert [s.subject.id for s in f.subjects] == ["a", "b", "z"]
    assert f.message == "3 quiet connections: Al, Quiet: b and 1 more (limit 7)"


def test_single_subject_keeps_its_ordinary_finding(load_text) -> None:
    """One subject: no summary, the rule's own finding."""
    (f,) = load_text(QUIET).evaluate(conns(("c1", "Ann", "2020-01-01")), as_of=AS_OF).findings
    assert not f.aggregated and (f.subject.id, f.message) == ("c1", "Quiet: Ann")


def test_aggregation_is_per_severity(load_text) -> None:
    """Lowered subjects form their own group: one finding per rule and severity."""
    doc = conns(("a", "A", "2020-01-01"), ("b", "B", "2021-01-01"), ("c", "C", "2022-01-01"))
    doc["connections"][0]["relationship"] = "friend"
    findings = load_text(QUIET).evaluate(doc, as_of=AS_OF).findings
    assert [(f.severity, f.subject.id, len(f.subjects)) for f in findings] == [
        ("warning", "*", 2),
        ("info", "a", 0),
    ]


def test_json_of_an_aggregated_finding_follows_the_schema(load_text) -> None:
    """The report keeps every subject as data and still validates against the schema."""
    doc = conns(("c1", "Ann", "2020-01-01"), ("c2", "Bo", "2024-01-01"))
    data = load_text(QUIET).evaluate(doc, as_of=AS_OF).to_dict()
    schema = resources.files("netrules").joinpath("schemas/report.schema.json").read_text()
    jsonschema.Draft202012Validator(json.loads(schema)).validate(data)
    (f,) = data["findings"]
    assert f["subjects"] == [
        {
            "subject": {"kind": "connection", "id": "c2"},
            "message": "Quiet: Bo",
            "evidence": {"on": "2024-01-01"},
        },
        {
            "subject": {"kind": "connection", "id": "c1"},
            "message": "Quiet: Ann",
            "evidence": {"on": "2020-01-01"},
        },
    ]
    assert data["summary"]["warning"] == 1


def test_group_rules_aggregate_by_group(load_text) -> None:
    """A group-by rule orders its groups by size (largest first)."""
    text = """
rule "same-company" {
  title "t" severity info
  for each c in connections group by c.company as company
  when count(group) >= 2
  message "{count(group)} at {company}"
  aggregate { order by count(x in group) descending label company
              message "{found} companies: {names}" }
}
"""
    rows = [("a", "Acme"), ("b", "Acme"), ("c", "Beta"), ("d", "Beta"), ("e", "Beta")]
    doc = {"connections": [{"id": i, "company": co} for i, co in rows]}
    (f,) = load_text(text).evaluate(doc, as_of=AS_OF).findings
    assert f.message == "2 companies: Beta and Acme"
    assert f.subject == netrules.Subject("company", "*")


@pytest.mark.parametrize(
    ("labels", "found", "text"),
    [
        (["A"], 1, "A"),
        (["A", "B"], 2, "A and B"),
        (["A", "B", "C"], 3, "A, B and C"),
        (["A", "B"], 9, "A, B and 7 more"),
    ],
)
def test_name_list(labels, found, text) -> None:
    """The names placeholder reads as English."""
    assert name_list(labels, found) == text


PRECEDENCE = """
rule "check-in" { title "t" severity info for each c in connections
  when c.relationship == "friend" message "check in" }
rule "inactive" { title "t" severity info for each c in connections
  when true defers to "check-in" message "inactive"
  aggregate { message "{found} inactive: {names}" } }
"""


def test_defers_to_is_per_subject_and_before_aggregation(load_text) -> None:
    """The friend gets only check-in; the others are inactive and counted without the friend."""
    doc = {"connections": [{"id": "a", "relationship": "friend"}, {"id": "b"}, {"id": "c"}]}
    findings = load_text(PRECEDENCE).evaluate(doc, as_of=AS_OF).findings
    assert [(f.rule, f.subject.id) for f in findings] == [("check-in", "a"), ("inactive", "*")]
    assert [s.subject.id for s in findings[1].subjects] == ["b", "c"]


def test_defers_to_and_suppresses_make_one_cycle(rule_errors) -> None:
    """a suppresses b and a defers to b is a cycle, reported once at the second edge."""
    text = """
rule "a" { title "t" severity info suppresses "b" defers to "b" message "m" }
rule "b" { title "t" severity info message "m" }
"""
    diags = rule_errors(text)
    assert [d.code for d in diags] == ["NR311"] and "cycle" in diags[0].message


def test_member_rule_over_per_item_rule_hides_all(load_text) -> None:
    """A member rule that wins over a per-item rule hides every finding of it when it fires."""
    text = PRECEDENCE + (
        'rule "tiny" { title "t" severity info when member.connection_count < 3 '
        'suppresses "inactive", "check-in" message "tiny" }'
    )
    doc = {"member": {"connection_count": 2}, "connections": [{"id": "a"}, {"id": "b"}]}
    findings = load_text(text).evaluate(doc, as_of=AS_OF).findings
    assert [f.rule for f in findings] == ["tiny"]


def test_printer_round_trips_the_new_clauses(load_text) -> None:
    """print_rule_file writes defers to and aggregate back in a form that loads the same."""
    from netrules.parser import parse_file
    from netrules.printer import print_rule_file

    rf, diags = parse_file(PRECEDENCE + QUIET, "t.rules")
    assert not diags and rf is not None
    again = load_text(print_rule_file(rf))
    doc = {
        "connections": [
            {"id": "a", "relationship": "friend", "connected_on": "2020-01-01"},
            {"id": "b", "connected_on": "2021-01-01"},
            {"id": "c"},
        ]
    }
    first = load_text(PRECEDENCE + QUIET).evaluate(doc, as_of=AS_OF).to_dict()
    assert again.evaluate(doc, as_of=AS_OF).to_dict() == first
