"""A loop's shared local read once is written where it is read (issue 16): a store and a
load less per item, and a value read only in a rule's code is computed only where that
code runs.  ``compile_program(..., single_use=False)`` keeps every local (the code as it
was): same records, skips and reports on networks drawn by hypothesis."""

from __future__ import annotations

from typing import Any

from code_switches import same_as_reference as _same
from hypothesis import HealthCheck, given, settings

import netrules
from netrules.compiler import MAX_CODE_DEPTH, _inline_single_use, compile_program
from netrules.strategies import networks, pack_low_params


def test_a_chain_of_steps_becomes_one_value() -> None:
    defs = [
        "q0 = it.company",
        "q1 = (K_1 if q0 is None else q0)",
        "q2 = q1.strip()",
        "q3 = q2.lower()",
    ]
    lines = ["        if (q3 in h0):", "            w = (q3 == q0)"]
    out, body = _inline_single_use(defs, lines)
    assert out == ["q0 = it.company", "q3 = (K_1 if q0 is None else q0).strip().lower()"]
    assert body == lines


def test_a_value_read_once_by_a_rule_is_computed_there() -> None:
    defs = ["q0 = it.company", "q1 = _sub(q0, 1)", "q2 = (q0 is not None)"]
    lines = ["        w = (q2 and (q1 > 3))", "        v = q2"]
    out, body = _inline_single_use(defs, lines)
    assert out == ["q0 = it.company", "q2 = (q0 is not None)"]
    assert body == ["        w = (q2 and ((_sub(q0, 1)) > 3))", "        v = q2"]


def test_never_into_a_comprehension_nor_too_deep() -> None:
    defs = ["q0 = it.company", "q1 = (q0 + K_1)"]
    lines = ["        w = len([1 for _t1 in gi if _t1.x == q1])", "        v = q0"]
    assert _inline_single_use(defs, lines) == (defs, lines)
    deep = "(" * MAX_CODE_DEPTH + "q0" + ")" * MAX_CODE_DEPTH
    defs = ["q0 = it.company", "q1 = (q0 + K_1)", f"q2 = {deep.replace('q0', 'q1')}"]
    out, body = _inline_single_use(defs, ["        w = q2", "        v = q0"])
    assert out == defs[:2]  # q1 would make q2 too deep; q2 itself is read once, by w
    assert body == [f"        w = {deep.replace('q0', 'q1')}", "        v = q0"]


RULES = """
param inner = ["acme", "globex"]
rule "ours" { title "t" severity info for each c in connections
  where lower(trim(c.company ?? "")) in inner and not (c.id in ["x"])
  when c.relationship == "colleague" message "{c.id} works with us" }
rule "theirs" { title "t" severity info for each c in connections
  where not (lower(trim(c.company ?? "")) in inner) and not (c.id in ["x"])
  when c.relationship == "colleague" or c.connected_on < as_of - 2 years
  message "{c.id} ({lower(trim(c.company ?? \\"\\"))})" }
rule "big" { title "t" severity info for each c in connections group by trim(c.company) as co
  when count(group) >= 2 and count(group) * 3 > count(connections) - count(group)
  message "{co}: {count(group)}" }
"""
LOCAL = netrules.load_rules(texts=[("single.rules", RULES)], include_default=False)
LOCAL_OFF = compile_program(LOCAL.program, single_use=False)
PACK = netrules.load_rules()
PACK_OFF = compile_program(PACK.program, single_use=False)


def test_the_programs_differ() -> None:
    assert LOCAL._compiled.source != LOCAL_OFF.source
    assert PACK._compiled.source != PACK_OFF.source
    assert PACK._compiled.source.count("\n        q") < PACK_OFF.source.count("\n        q")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=14, max_invitations=0, max_removals=0, max_recommendations=0))
def test_same_report_with_every_local_kept(network: Any) -> None:
    _same(LOCAL, LOCAL_OFF, network)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=12))
def test_the_pack_same_with_every_local_kept(network: Any) -> None:
    _same(PACK, PACK_OFF, network)
    _same(PACK, PACK_OFF, network, pack_low_params())
