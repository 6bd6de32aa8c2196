"""The Python API checks its arguments and raises only netrules errors."""

from __future__ import annotations

import datetime

import pytest

import netrules

RULES = """
rule "tiny" {
  title "Tiny"
  severity warning
  when member.connection_count < 10
  message "tiny"
}
"""


@pytest.fixture(scope="module")
def rules():
    return netrules.load_rules(texts=[("t.rules", RULES)], include_default=False)


NET = {"member": {"connection_count": 1}}


@pytest.mark.parametrize(
    "as_of",
    ["2025-01-01", datetime.date(2025, 1, 1), datetime.datetime(2025, 1, 1, 23, 59)],
    ids=["text", "date", "datetime"],
)
def test_as_of_forms(rules, as_of):
    """as_of may be a date, a datetime (its day) or ISO text."""
    assert rules.evaluate(NET, as_of=as_of).as_of == datetime.date(2025, 1, 1)


@pytest.mark.parametrize("as_of", ["yesterday", "2025-W01-1", "20250101", 20250101, 1.5, []])
def test_bad_as_of(rules, as_of):
    """A bad as_of is a UsageError (also a TypeError and a ValueError)."""
    with pytest.raises(netrules.UsageError) as info:
        rules.evaluate(NET, as_of=as_of)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
    assert "as_of" in str(info.value)


def test_path_given_to_evaluate(rules, tmp_path):
    """A path given to evaluate points at load_network."""
    for value in ("network.json", tmp_path / "n.json", b"n.json"):
        with pytest.raises(netrules.UsageError, match="load_network"):
            rules.evaluate(value)


@pytest.mark.parametrize("value", [None, 5, [NET], object()])
def test_wrong_network_type(rules, value):
    """Something that is neither a Network nor a dict is a UsageError."""
    with pytest.raises(netrules.UsageError):
        rules.evaluate(value)


def test_params_must_be_a_mapping_with_string_names(rules):
    """params that are not a mapping, or whose names are not strings, are UsageErrors."""
    with pytest.raises(netrules.UsageError):
        rules.evaluate(NET, params=[("x", 1)])
    with pytest.raises(netrules.UsageError):
        rules.evaluate(NET, params={1: 2})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"texts": ["rule ..."]},
        {"texts": "rule ..."},
        {"texts": [("a.rules",)]},
        {"texts": [("a.rules", b"bytes")]},
        {"texts": 5},
        {"include_default": "no"},
    ],
    ids=["list-of-str", "str", "short-pair", "bytes", "int", "include-default"],
)
def test_load_rules_wrong_arguments(kwargs):
    """load_rules refuses texts that are not (name, text) pairs and non-bool flags."""
    with pytest.raises(netrules.UsageError):
        netrules.load_rules(**kwargs)


@pytest.mark.parametrize("paths", [(["a.rules", "b.rules"],), (5,), (None,)])
def test_load_rules_wrong_paths(paths):
    """A list of paths, or a non-path, is a UsageError."""
    with pytest.raises(netrules.UsageError):
        netrules.load_rules(*paths, include_default=False)


def test_unknown_rule_is_a_key_error_with_a_hint(rules):
    """RuleSet.rule raises UnknownRuleError, a KeyError and a NetrulesError, with a hint."""
    with pytest.raises(KeyError) as info:
        rules.rule("tinny")
    assert isinstance(info.value, netrules.UnknownRuleError)
    assert isinstance(info.value, netrules.NetrulesError)
    assert info.value.hint == "tiny"
    assert str(info.value) == "unknown rule 'tinny'; did you mean 'tiny'?"


def test_rule_info_is_typed(rules):
    """RuleSet.rules holds Rule nodes; rule() gives the checked info."""
    from netrules import nodes

    assert all(isinstance(r, nodes.Rule) for r in rules.rules)
    assert rules.rule("tiny").node is rules.rules[0]


def test_disable_takes_strings(rules):
    """disable() with a list or a number is a UsageError that says to unpack."""
    with pytest.raises(netrules.UsageError, match=r"disable\(\*ids\)"):
        rules.disable(["tiny"])
    with pytest.raises(netrules.UsageError):
        rules.disable(5)


def test_select_takes_lists_of_strings(rules):
    """select() refuses a bare string or non-string selectors; a generator works."""
    with pytest.raises(netrules.UsageError):
        rules.select("tiny")
    with pytest.raises(netrules.UsageError):
        rules.select([5])
    assert rules.select(s for s in ["tiny"]).rule_ids() == ("tiny",)


def test_run_example_takes_an_example_case(rules):
    """run_example() with anything but an ExampleCase is a UsageError."""
    with pytest.raises(netrules.UsageError, match="ExampleCase"):
        rules.run_example("tiny")


def test_huge_int_parameter_evaluates(rules):
    """A huge whole number given as a parameter value never crashes evaluation."""
    pack = netrules.load_rules()
    name = next(k for k, v in pack.params.items() if isinstance(v, int) and not isinstance(v, bool))
    pack.evaluate(NET, as_of="2025-01-01", params={name: 10**5000})
