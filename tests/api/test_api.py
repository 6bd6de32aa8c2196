"""The public API: exported names, frozen results, the JSON schemas, input errors with paths."""

from __future__ import annotations

import datetime
import json
import os
import re
from importlib import resources
from pathlib import Path

import attrs
import jsonschema
import pytest

import netrules
from netrules.loaders.json_doc import json_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "src" / "netrules" / "schemas"
AS_OF = datetime.date(2025, 1, 1)

PUBLIC = [
    "Connection",
    "Diagnostic",
    "Duration",
    "Employer",
    "Fact",
    "Finding",
    "Findings",
    "InputError",
    "Invitation",
    "Member",
    "NetrulesError",
    "Network",
    "Range",
    "Recommendation",
    "Removal",
    "Report",
    "RuleError",
    "RuleSet",
    "RuleSkips",
    "School",
    "Skipped",
    "Span",
    "Subject",
    "UnknownRuleError",
    "UsageError",
    "load_network",
    "load_rules",
]


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


# ---- exported names ----
def test_all_is_exactly_the_public_names() -> None:
    """netrules.__all__ lists exactly the public names, sorted."""
    assert (PUBLIC, sorted(PUBLIC)) == (list(netrules.__all__), PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_importable(name: str) -> None:
    """Every name in __all__ is an attribute of the package, importable with 'from netrules import'."""
    namespace: dict = {}
    exec(f"from netrules import {name} as imported", namespace)
    assert getattr(netrules, name) is namespace["imported"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_documented_in_api_md(name: str) -> None:
    """docs/api.md mentions every public name in backticks."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert re.search(rf"`{name}\b", text), name


@pytest.mark.parametrize(
    "cls",
    [
        netrules.Finding,
        netrules.Report,
        netrules.Subject,
        netrules.RuleSkips,
        netrules.Diagnostic,
        netrules.Span,
    ],
)
def test_results_are_frozen_attrs_classes(cls) -> None:
    """Findings, reports, subjects, skips and diagnostics are immutable attrs values."""
    fields = attrs.fields(cls)
    instance = cls(
        *[
            {
                "as_of": AS_OF,
                "network": {},
                "findings": (),
                "subject": netrules.Subject("member", "member"),
                "span": netrules.Span.point(),
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 2,
                "count": 1,
            }.get(f.name, "x")
            for f in fields
            if f.default is attrs.NOTHING
        ]
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, fields[0].name, "changed")


def test_errors_form_one_hierarchy() -> None:
    """RuleError and InputError are NetrulesErrors, which are Exceptions."""
    assert (True, True, True) == (
        issubclass(netrules.RuleError, netrules.NetrulesError),
        issubclass(netrules.InputError, netrules.NetrulesError),
        issubclass(netrules.NetrulesError, Exception),
    )


# ---- the report schema ----
RICH = """
param since: duration = 2 years "old"
table targets { "IT": 500..1000+, "Law": 300+ }
advice grow = "Invite former colleagues."
rule "company-cluster" {
  title "t" severity warning category "diversity" source "Article, part 2"
  advice grow, "Also join groups."
  for each c in connections where known(c.company) group by lower(c.company) as company
  when count(group) >= 2
  message "{count(group)} at {company}"
  evidence { people: count(group), first: min(x in group : x.connected_on),
             ids: collect(x in group : x.id), window: since, target: targets["IT"],
             open: targets["Law"], share: 1 / 3, missing: max(x in group : x.last_interaction_on),
             flag: true }
}
rule "old" { title "t" severity error for each c in connections
  when c.connected_on < as_of - since message "{c.id}" }
rule "target" { title "t" severity info when member.connection_count < targets[member.industry].low
  message "below {targets[member.industry]}" }
"""
RICH_DOC = {
    "member": {"industry": "IT", "connection_count": 3},
    "connections": [
        {"id": "a", "company": "Acme", "connected_on": "2020-01-01"},
        {"id": "b", "company": "ACME", "connected_on": "2021-01-01"},
        {"id": "c", "company": "Beta"},
    ],
}


def test_report_to_dict_validates_against_the_schema(load_text) -> None:
    """Report.to_dict() of a report with findings, evidence of every kind and skips is valid."""
    network = netrules.load_network(RICH_DOC)
    network = attrs.evolve(network, skipped=(netrules.Skipped("Connections.csv", "no name", 2),))
    data = load_text(RICH).evaluate(network, as_of=AS_OF).to_dict()
    assert (["company-cluster", "old", "old", "target"], ["old"]) == (
        sorted(f["rule"] for f in data["findings"]),
        [s["rule"] for s in data["skipped"]],
    )
    assert [] == [e.message for e in validator("report.schema.json").iter_errors(data)]


def test_empty_report_validates(load_text) -> None:
    """A clean report (no findings, no skips) is valid too."""
    data = (
        load_text('rule "r" { title "t" severity info when false message "m" }')
        .evaluate({}, as_of=AS_OF)
        .to_dict()
    )
    assert [] == [e.message for e in validator("report.schema.json").iter_errors(data)]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("findings", 0, "severity"), "fatal"),
        (("findings", 0, "rule"), "Not Kebab"),
        (("summary", "error"), -1),
        (("as_of",), "2025-02-30"),
        (("findings", 0, "extra"), 1),
    ],
    ids=["severity", "rule-id", "negative-count", "bad-date", "unknown-key"],
)
def test_report_schema_rejects_broken_reports(load_text, path, value) -> None:
    """The schema is strict: wrong severities, ids, counts, dates and extra keys are invalid."""
    data = load_text(RICH).evaluate(RICH_DOC, as_of=AS_OF).to_dict()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert [] != list(validator("report.schema.json").iter_errors(data))


# ---- the network document schema ----
def test_committed_network_schema_is_the_generated_one() -> None:
    """src/netrules/schemas/network.schema.json equals json_schema() (NETRULES_UPDATE_GOLDEN=1 rewrites)."""
    generated = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    path = SCHEMAS / "network.schema.json"
    if os.environ.get("NETRULES_UPDATE_GOLDEN") == "1":
        path.write_text(generated, encoding="utf-8")
    assert generated == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["report.schema.json", "network.schema.json"])
def test_schemas_ship_inside_the_package(name: str) -> None:
    """Both schemas are package data (importlib.resources finds them), so the wheel carries them."""
    resource = resources.files("netrules").joinpath("schemas", name)
    assert json.loads(resource.read_text(encoding="utf-8"))["type"] == "object"


NETWORK_SAMPLES = [
    ({}, True),
    (
        {
            "as_of": "2025-01-01",
            "member": {
                "name": "Ann",
                "industry": "IT",
                "connection_count": 3,
                "career_level": "senior",
                "situations": ["career-break"],
                "employers": [{"name": "Acme", "start": "2020-01-01"}],
            },
            "connections": [{"id": "a", "relationship": "colleague", "connected_on": "2024-12-16"}],
            "invitations": [{"direction": "outgoing", "status": "pending", "follow_ups": 1}],
            "removals": [{"connection": "a", "notified": False}],
            "recommendations_given": [{"person": "Bo", "given_on": "2024-01-01"}],
        },
        True,
    ),
    ({"member": {"industry": None}, "connections": []}, True),
    ({"connections": [{"company": "x"}]}, False),
    ({"connections": [{"id": "a", "relationship": "colegue"}]}, False),
    ({"member": {"connection_count": -1}}, False),
    ({"member": {"connection_count": 1.5}}, False),
    ({"member": {"situations": ["on-holiday"]}}, False),
    ({"invitations": [{"status": "pending"}]}, False),
    ({"as_of": "2025-02-30"}, False),
    ({"as_of": "next week"}, False),
    ({"connection": []}, False),
    ({"member": {"premium": "yes"}}, False),
]


@pytest.mark.parametrize(
    ("doc", "valid"), NETWORK_SAMPLES, ids=[f"sample{i}" for i in range(len(NETWORK_SAMPLES))]
)
def test_network_schema_and_loader_agree(doc: dict, valid: bool) -> None:
    """The network schema accepts what load_network accepts and rejects what it rejects."""
    schema_ok = validator("network.schema.json").is_valid(doc)
    try:
        netrules.load_network(doc)
        loader_ok = True
    except netrules.InputError:
        loader_ok = False
    assert (valid, valid) == (schema_ok, loader_ok)


# ---- load_network errors ----
@pytest.mark.parametrize(
    ("doc", "location", "message"),
    [
        (
            {
                "connections": [{"id": f"c{i}"} for i in range(17)]
                + [{"id": "x", "connected_on": "yesterday"}]
            },
            "connections[17].connected_on",
            'expected a date (YYYY-MM-DD), got "yesterday"',
        ),
        ({"member": {"industry": 5}}, "member.industry", "expected a string, got the number 5"),
        (
            {"member": {"employers": [{"title": "CTO"}]}},
            "member.employers[0].name",
            "required, but missing",
        ),
        ({"connections": [{"id": "a"}, {"id": "a"}]}, "connections[1].id", 'duplicate id "a"'),
        (
            {"invitations": [{"direction": "sideways"}]},
            "invitations[0].direction",
            'expected one of outgoing, incoming; got "sideways"',
        ),
        (
            {"member": {"conection_count": 1}},
            "member.conection_count",
            "unknown key (did you mean 'connection_count'?)",
        ),
        ({"connections": {"id": "a"}}, "connections", "expected a list, got an object"),
        ({"member": "Ann"}, "member", 'expected an object, got "Ann"'),
    ],
    ids=["date", "type", "required", "duplicate-id", "enum", "unknown-key", "list", "object"],
)
def test_load_network_errors_name_the_json_path(doc, location, message) -> None:
    """InputError says where (a JSON path such as connections[17].connected_on) and what."""
    with pytest.raises(netrules.InputError) as info:
        netrules.load_network(doc)
    err = info.value
    assert (location, message, f"<document>:{location}: {message}") == (
        err.location,
        err.message,
        str(err),
    )


def test_load_network_file_errors_name_the_file(tmp_path: Path) -> None:
    """From a file, errors name the file; invalid JSON names line and column."""
    bad_value, bad_json, array = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    bad_value.write_text('{"member": {"industry": 5}}', encoding="utf-8")
    bad_json.write_text('{"member": ', encoding="utf-8")
    array.write_text("[]", encoding="utf-8")
    messages = []
    for path in (bad_value, bad_json, array, tmp_path / "missing.json"):
        with pytest.raises(netrules.InputError) as info:
            netrules.load_network(path)
        messages.append(str(info.value).replace(str(tmp_path), "DIR"))
    assert [
        "DIR/a.json:member.industry: expected a string, got the number 5",
        "DIR/b.json:line 1 column 12: invalid JSON: Expecting value",
        "DIR/c.json: expected an object, got a list",
        "DIR/missing.json: no such file or folder",
    ] == messages


def test_load_network_reads_json_files(tmp_path: Path) -> None:
    """load_network(path) reads a JSON document into a Network; dicts and Networks work too."""
    path = tmp_path / "net.json"
    path.write_text(json.dumps(RICH_DOC), encoding="utf-8")
    from_file = netrules.load_network(path)
    assert (from_file, from_file) == (
        netrules.load_network(RICH_DOC),
        netrules.load_network(from_file),
    )


@pytest.mark.parametrize(
    ("member", "invitation", "expected"),
    [
        ({}, {}, (True, 0)),
        ({"exchanges_recorded": None}, {"follow_ups": None}, (None, None)),
        ({"exchanges_recorded": False}, {"follow_ups": 2}, (False, 2)),
    ],
    ids=["absent-defaults", "null-is-unknown", "given"],
)
def test_defaults_that_are_values_and_explicit_nulls(member, invitation, expected) -> None:
    """exchanges_recorded defaults to true and follow_ups to 0; an explicit null means unknown."""
    net = netrules.load_network(
        {"member": member, "invitations": [{"direction": "outgoing", **invitation}]}
    )
    assert expected == (net.member.exchanges_recorded, net.invitations[0].follow_ups)


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ({}, True),
        ({"recommendations_recorded": None}, None),
        ({"recommendations_recorded": False}, False),
    ],
    ids=["absent-defaults", "null-is-unknown", "given"],
)
def test_recommendations_recorded_default_and_null(member, expected) -> None:
    """recommendations_recorded defaults to true; an explicit null means unknown."""
    assert netrules.load_network({"member": member}).member.recommendations_recorded is expected


# ---- RuleSet ----
def test_ruleset_introspection(load_text) -> None:
    """rule_ids(), params, warnings and source describe a loaded set."""
    rs = load_text(
        'param small = 50 "few"\nparam unused = 1\n'
        'rule "tiny" { title "t" severity warning '
        'when member.connection_count < small message "m" }'
    )
    assert (("tiny",), {"small": 50, "unused": 1}, ["NR320"], True) == (
        rs.rule_ids(),
        rs.params,
        [w.code for w in rs.warnings],
        rs.source.startswith("def _evaluate("),
    )


def test_examples_and_run_example(load_text) -> None:
    """examples() lists inline and top-level examples; run_example() says which rules fired."""
    rs = load_text(
        'rule "tiny" { title "t" severity warning when member.connection_count < 50\n'
        '  message "m"\n'
        "  example fires { member: { connection_count: 10 } }\n"
        '  example passes "big" { member: { connection_count: 80 } } }\n'
        'example "wrong" passes "tiny" { member: { connection_count: 1 } }'
    )
    results = [
        (c.name, c.line, c.rule, rs.run_example(c).ok, rs.run_example(c).fired)
        for c in rs.examples()
    ]
    assert [
        ("tiny fires (line 3)", 3, "tiny", True, ("tiny",)),
        ("big", 4, "tiny", True, ()),
        ("wrong", 5, None, False, ("tiny",)),
    ] == results


def test_evaluate_accepts_dicts_and_networks(load_text) -> None:
    """evaluate() takes a Network or a plain dict (loaded with load_network)."""
    rs = load_text(
        'rule "r" { title "t" severity info when member.connection_count > 1 '
        'message "{member.connection_count}" }'
    )
    net = netrules.load_network(RICH_DOC)
    assert rs.evaluate(net, as_of=AS_OF).to_json() == rs.evaluate(RICH_DOC, as_of=AS_OF).to_json()
