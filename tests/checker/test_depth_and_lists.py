"""Checker limits: definition chains never overflow Python's stack; empty lists compare."""

from __future__ import annotations

import pytest

RULE = 'rule "r" {{ title "t" severity info when {cond} message "m" }}\n'


def chain(n: int, with_params: bool) -> str:
    if with_params:
        lines = [f"define f{i}(x) = not f{i + 1}(x)" for i in range(n)]
        return "\n".join(lines) + f"\ndefine f{n}(x) = x > 0\n" + RULE.format(cond="f0(1)")
    lines = [f"define d{i} = d{i + 1} + 1" for i in range(n)]
    return "\n".join(lines) + f"\ndefine d{n} = 1\n" + RULE.format(cond="d0 > 0")


@pytest.mark.parametrize("with_params", [False, True], ids=["plain", "with-parameters"])
def test_long_definition_chain_is_nr103_not_recursion_error(rule_errors, with_params) -> None:
    """600 definitions each using the next give one NR103 error, never a RecursionError."""
    diags = rule_errors(chain(600, with_params))
    assert ["NR103"] == [d.code for d in diags if d.severity == "error"]


@pytest.mark.parametrize("with_params", [False, True], ids=["plain", "with-parameters"])
def test_moderate_definition_chain_loads_and_runs(load_text, with_params) -> None:
    """A 60-deep chain of definitions is fine and evaluates."""
    report = load_text(chain(60, with_params)).evaluate({})
    assert ["r"] == [f.rule for f in report.findings]


@pytest.mark.parametrize(
    "cond",
    ["member.situations == []", "[] != member.situations", "member.situations ?? [] == []"],
    ids=["eq", "ne-reversed", "coalesce"],
)
def test_empty_list_compares_with_any_list(load_text, cond: str) -> None:
    """[] has no element type, so it compares with a list of strings (no NR203)."""
    report = load_text(RULE.format(cond=cond)).evaluate({"member": {"situations": []}})
    fired = cond.startswith("member.situations ==") or cond.startswith("member.situations ??")
    assert fired == bool(report.findings)


NESTED = """define twice(a) = a * 2
define quad(b) = twice(twice(b))
"""


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("twice(twice(member.connection_count))", 12),
        ("quad(twice(member.connection_count))", 24),
        ("twice(quad(quad(member.connection_count)))", 96),
    ],
)
def test_a_definition_in_its_own_argument_is_not_recursion(load_text, expr, value) -> None:
    """twice(twice(x)): the inner call is written at the call site, not in twice's body,
    so it is no NR208 (hypothesis' rule_sources draws such calls) and computes 4x."""
    rules = load_text(NESTED + RULE.format(cond=f"{expr} == {value}"))
    assert [f.rule for f in rules.evaluate({"member": {"connection_count": 3}}).findings] == ["r"]
    assert not rules.evaluate({"member": {"connection_count": 4}}).findings


@pytest.mark.parametrize(
    "defines",
    [
        "define f(a) = g(f(a))\ndefine g(b) = b + 1\n",  # the call in an argument inside f
        "define f(a) = g(a)\ndefine g(b) = f(b) * 2\n",  # through another definition
        "define f(a) = f(a) + 1\n",
    ],
)
def test_recursion_through_arguments_is_still_nr208(rule_errors, defines) -> None:
    diags = rule_errors(defines + RULE.format(cond="f(1) > 0"))
    assert "NR208" in [d.code for d in diags if d.severity == "error"]
