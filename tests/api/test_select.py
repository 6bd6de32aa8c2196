"""RuleSet.select: selectors by id, category, tag and severity, layers, minimum severity."""

from __future__ import annotations

import pytest

import netrules
from netrules.selection import Layer

RULES = """
rule "a-error" {
  title "a-error"
  severity error
  category "targets"
  tags "count"
  when member.connection_count < 10
  message "few"
}
rule "b-warning" {
  title "b-warning"
  severity warning
  category "targets"
  when member.connection_count < 20
  message "some"
}
rule "c-info" {
  title "c-info"
  severity info
  category "profile"
  tags "count", "profile"
  when member.connection_count < 30
  message "info"
}
rule "d-lowered" {
  title "d-lowered"
  severity warning
  category "profile"
  when member.connection_count < 40
  lower severity to info when member.connection_count > 2
  message "lowered"
}
"""


@pytest.fixture(scope="module")
def rules():
    return netrules.load_rules(texts=[("t.rules", RULES)], include_default=False)


def fired(ruleset, count=5):
    return sorted(
        {f.rule for f in ruleset.evaluate({"member": {"connection_count": count}}).findings}
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["a-error", "b-warning", "c-info", "d-lowered"]),
        ({"select": ["targets"]}, ["a-error", "b-warning"]),
        ({"select": ["category:profile"]}, ["c-info", "d-lowered"]),
        ({"select": ["tag:count"]}, ["a-error", "c-info"]),
        ({"select": ["severity:warning"]}, ["b-warning", "d-lowered"]),
        ({"select": ["a-error", "c-info"]}, ["a-error", "c-info"]),
        ({"ignore": ["tag:count"]}, ["b-warning", "d-lowered"]),
        ({"select": ["targets"], "extend_select": ["c-info"]}, ["a-error", "b-warning", "c-info"]),
        ({"select": ["all"], "ignore": ["profile"]}, ["a-error", "b-warning"]),
        ({"min_severity": "warning"}, ["a-error", "b-warning", "d-lowered"]),
        ({"min_severity": "error"}, ["a-error"]),
    ],
    ids=str,
)
def test_select_keeps_the_named_rules(rules, kwargs, expected):
    """Each selector form keeps exactly the rules it names."""
    assert expected == sorted(rules.select(**kwargs).rule_ids())


def test_min_severity_also_drops_lowered_findings(rules):
    """A finding lowered below the minimum severity is left out of the report."""
    assert ["a-error", "b-warning", "c-info", "d-lowered"] == fired(rules)
    assert ["a-error", "b-warning"] == fired(rules.select(min_severity="warning"))
    assert ["a-error", "b-warning", "d-lowered"] == fired(rules.select(min_severity="warning"), 1)


def test_layers_refine_in_order(rules):
    """A later layer's select starts afresh; its extend-select and ignore refine."""
    first = rules.select(["targets"], layers=[Layer(ignore=("b-warning",))])
    assert ("a-error",) == first.rule_ids()
    fresh = rules.select(["targets"], layers=[Layer(select=("profile",))])
    assert ("c-info", "d-lowered") == fresh.rule_ids()


def test_unknown_selector_is_an_error_with_a_hint(rules):
    """A selector that names nothing raises RuleError NR309 with a did-you-mean."""
    with pytest.raises(netrules.RuleError) as info:
        rules.select(["target"])
    (d,) = info.value.diagnostics
    assert ("NR309", "did you mean 'targets'?") == (d.code, d.hint)
    with pytest.raises(netrules.RuleError) as info:
        rules.select(ignore=["tags:count"])
    assert "unknown selector kind 'tags:'" in info.value.diagnostics[0].message


def test_select_on_the_bundled_pack():
    """The bundled pack can be narrowed by category."""
    pack = netrules.load_rules().select(["targets"])
    assert pack.rule_ids() and {r.category for r in pack.rules} == {"targets"}
