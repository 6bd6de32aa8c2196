"""Work the generated function does only when it is needed, with the same results:
``connections[id]``'s dictionary built at the first look-up, the closed parts of a
skip's probe computed once per evaluation, constants read as locals."""

from __future__ import annotations

import datetime
import re

import pytest

import netrules.runtime as runtime

AS_OF = datetime.date(2025, 1, 1)

LOOKUP_RULE = """
rule "gone" {
  title "t" severity warning
  for each r in removals
  when not known(connections[r.connection])
  message "{r.connection} is not a connection"
}
rule "named" {
  title "t" severity info
  for each r in removals
  where known(connections[r.connection])
  when connections[r.connection].name == "Ann"
  message "{connections[r.connection].name}"
}
"""


@pytest.fixture
def index_builds(monkeypatch):
    """How many times evaluation built a ``connections[id]`` dictionary."""
    calls = []
    real = runtime._by_id

    def counting(items):
        calls.append(len(items))
        return real(items)

    monkeypatch.setattr(runtime, "_by_id", counting)
    return calls


def test_no_lookup_builds_no_index(load_text, index_builds) -> None:
    rules = load_text(LOOKUP_RULE)
    assert "_by_id(" not in rules.source  # built by the runtime, at the first look-up
    net = {"connections": [{"id": f"c{i}", "name": "Ann"} for i in range(50)]}
    assert rules.evaluate(net, as_of=AS_OF).findings == ()
    assert index_builds == []


def test_lookups_build_the_index_once_and_find_the_first_of_an_id(load_text, index_builds):
    rules = load_text(LOOKUP_RULE)
    net = {
        "connections": [{"id": "c1", "name": "Ann"}, {"id": "c2", "name": "Bob"}],
        "removals": [
            {"id": "r1", "connection": "c1", "planned_on": "2024-12-01"},
            {"id": "r2", "connection": "c2", "planned_on": "2024-12-01"},
            {"id": "r3", "connection": "c9", "planned_on": "2024-12-01"},
        ],
    }
    found = rules.evaluate(net, as_of=AS_OF).findings
    assert sorted((f.rule, f.subject.id, f.message) for f in found) == [
        ("gone", "r3", "c9 is not a connection"),
        ("named", "r1", "Ann"),
    ]
    assert index_builds == [2]  # one dictionary for the whole evaluation
    # a second evaluation builds its own (nothing is kept between evaluations)
    rules.evaluate(net, as_of=AS_OF)
    assert index_builds == [2, 2]


def test_index_of_an_empty_collection(load_text, index_builds) -> None:
    rules = load_text(LOOKUP_RULE)
    net = {"removals": [{"id": "r1", "connection": "c1"}, {"id": "r2", "connection": "c2"}]}
    found = rules.evaluate(net, as_of=AS_OF).findings
    assert sorted(f.subject.id for f in found) == ["r1", "r2"]


PROBE_RULE = """
rule "before-joining" {
  title "t" severity info
  for each c in connections
  when c.connected_on < member.joined_on and c.last_interaction_on < as_of
  message "{c.id}"
}
"""


def test_skip_probe_with_closed_parts_keeps_the_order_of_its_fields(load_text) -> None:
    """The probe of an item-and-member condition: its part that reads no item is one
    value computed once (not per skipped item), and the fields keep their order."""
    rules = load_text(PROBE_RULE)
    (probe,) = {line.strip() for line in rules.source.splitlines() if "sk = (0," in line}
    assert re.fullmatch(r"sk = \(0, \(K_\d+ if q?\d* ?.*\) \+ h\d+ \+ \(K_\d+ if .*\)\)", probe)
    net = {
        "member": {},  # joined_on unknown
        "connections": [
            {"id": "c1"},
            {"id": "c2", "connected_on": "2020-01-01"},
            {"id": "c3", "connected_on": "2020-01-01", "last_interaction_on": "2021-01-01"},
        ],
    }
    report = rules.evaluate(net, as_of=AS_OF)
    assert report.findings == ()
    (skip,) = report.skipped
    assert skip.count == 3
    assert list(skip.fields.items()) == [
        ("connection.connected_on", 1),
        ("member.joined_on", 3),
        ("connection.last_interaction_on", 2),
    ]
    joined = rules.evaluate({**net, "member": {"joined_on": "2022-01-01"}}, as_of=AS_OF)
    assert [f.subject.id for f in joined.findings] == ["c3"]
    (skip,) = joined.skipped
    assert list(skip.fields.items()) == [
        ("connection.connected_on", 1),
        ("connection.last_interaction_on", 2),
    ]


def test_constants_are_locals_of_the_function(load_text) -> None:
    rules = load_text(PROBE_RULE)
    function, _sep, renders = rules.source.partition("\ndef M")
    body = function.split("\n", 1)[1]
    assert not re.search(
        r"\bK\[\d+\]",
        "\n".join(
            line for line in body.splitlines() if not re.match(r"    K_\d+ = K\[\d+\]$", line)
        ),
    )
    assert re.search(r"\bK\[\d+\]", renders)  # the render functions read the table


def test_no_character_folds_into_a_space() -> None:
    """A trimmed group key is case-folded without a second strip: that relies on no
    character that is not a space folding into text with a space at either end."""
    import sys

    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if not ch.isspace():
            folded = ch.casefold()
            assert folded == folded.strip(), hex(cp)


TRIMMED_KEY = """
rule "same-company" {
  title "t" severity info
  for each c in connections where known(c.company) group by trim(c.company) as co
  when count(group) > 1
  message "{co}: {count(group)}"
}
"""


def test_trimmed_key_groups_case_insensitively(load_text) -> None:
    rules = load_text(TRIMMED_KEY)
    assert "f = k.casefold()\n" in rules.source
    net = {
        "connections": [
            {"id": "c1", "company": " Acme  "},
            {"id": "c2", "company": "ACME"},
            {"id": "c3", "company": "\u00dfeta"},  # sharp s folds to "ss"
            {"id": "c4", "company": "SSETA "},
            {"id": "c5", "company": "Other"},
        ]
    }
    found = rules.evaluate(net, as_of=AS_OF).findings
    assert sorted(f.message for f in found) == ["Acme: 2", "\u00dfeta: 2"]


GROUP_VALUES = """
rule "reminded" {
  title "t" severity info
  for each i in invitations group by i.person as person
  when count(group) > 1
  message "{person}: {sum(x in group : x.follow_ups)} reminders ({sum(x in group : x.follow_ups) > 1})"
  evidence { reminders: sum(x in group : x.follow_ups), declined: any(x in group where x.status == "declined") }
}
"""


def test_a_firing_group_computes_a_repeated_aggregate_once(load_text) -> None:
    rules = load_text(GROUP_VALUES)
    loop = rules.source.split("gi in G0.items():")[1].split("\n    return ")[0]
    # the sum is computed once where the rule fires, before its record
    assert len(re.findall(r"_sum\(", loop)) == 1, loop
    assert re.search(r"if w:\n\s+a\d+ = _sum\(", loop), loop
    net = {
        "invitations": [
            {
                "id": "i1",
                "direction": "outgoing",
                "person": "Kim",
                "follow_ups": 1,
                "status": "declined",
            },
            {"id": "i2", "direction": "outgoing", "person": "Kim", "follow_ups": 2},
            {"id": "i3", "direction": "outgoing", "person": "Bo", "follow_ups": 3},
        ]
    }
    (f,) = rules.evaluate(net, as_of=AS_OF).findings
    assert (f.message, f.evidence) == (
        "Kim: 3 reminders (yes)",
        {"reminders": 3, "declined": True},
    )


VALUES_ONLY = """
rule "old" {
  title "t" severity info
  for each c in connections
  when c.connected_on < as_of - 1 year
  message "{c.name ?? \\"someone\\"} {c.connected_on}"
}
rule "older" {
  title "t" severity info
  for each c in connections
  when c.connected_on < as_of - 5 years
  message "{c.name ?? \\"someone\\"}"
}
"""


def test_what_only_findings_read_is_not_computed_for_every_item(load_text) -> None:
    rules = load_text(VALUES_ONLY)
    top = rules.source.split("for it in R_connections:")[1].split("\n        w = ")[0]
    assert "name" not in top, top  # read where a rule fires, not at the top of the loop
    net = {
        "connections": [
            {"id": "c1", "connected_on": "2010-01-01"},
            {"id": "c2", "name": "Ann", "connected_on": "2023-01-01"},
        ]
    }
    found = rules.evaluate(net, as_of=AS_OF).findings
    assert sorted((f.rule, f.message) for f in found) == [
        ("old", "Ann 2023-01-01"),
        ("old", "someone 2010-01-01"),
        ("older", "someone"),
    ]
