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
