"""Two small costs of an item loop (issue 16): a group key that is already a local was
copied (``k = q0``, then ``if True:``) before the item joined its group, and a folded
count whose ``where`` is one test for unknown (``c.relationship in [...]``) stored it in
``w`` and tested ``w`` twice.  ``compile_program(..., lean=False)`` keeps the code as it
was: same records, skips and reports on networks drawn by hypothesis."""

from __future__ import annotations

import re
from typing import Any

from code_switches import loop_lines as _loop
from code_switches import same_as_reference as _same
from hypothesis import HealthCheck, given, settings

import netrules
from netrules.compiler import compile_program
from netrules.strategies import networks, pack_low_params

RULES = """
define colleagues = count(c in connections where c.relationship in ["colleague", "classmate"])
define dated = count(c in connections where known(c.connected_on))
rule "by-day" { title "t" severity info for each c in connections
  where known(c.connected_on)
  group by c.connected_on as day
  when count(group) >= 2 message "{day}: {count(group)} of {colleagues}" }
rule "by-day-all" { title "t" severity info for each c in connections
  group by c.connected_on as day
  when count(group) >= 3 message "{day}" }
rule "by-company" { title "t" severity info for each c in connections
  group by trim(c.company ?? "") as co
  when count(group) >= 2 message "{co}" }
rule "by-position" { title "t" severity info for each c in connections
  group by lower(c.position) as p
  when count(group) >= 2 message "{p}" }
rule "by-relationship" { title "t" severity info for each c in connections
  group by c.relationship as r
  when count(group) >= 2 message "{r}" }
rule "counts" { title "t" severity info
  when colleagues > 0 or dated > 1 message "{colleagues} {dated}" }
"""
LOCAL = netrules.load_rules(texts=[("lean.rules", RULES)], include_default=False)
LOCAL_OFF = compile_program(LOCAL.program, lean=False)
PACK = netrules.load_rules()
PACK_OFF = compile_program(PACK.program, lean=False)


def test_a_local_key_is_read_as_it_is() -> None:
    new, old = _loop(LOCAL._compiled.source), _loop(LOCAL_OFF.source)
    assert "if True:" not in new and "if True:" in old
    assert not any(line.startswith("k = q") for line in new)
    assert any(line.startswith("k = q") for line in old)
    assert any(line.startswith("g = G0.get(q") for line in new)
    assert any(re.fullmatch(r"if q\d+ is None:", line) for line in new)  # by-day-all
    # a key that is not a local keeps its `k = `, with its test when it may be unknown
    assert "if k is None:" in new
    assert any(line.startswith("k = (") for line in new)
    pack = _loop(PACK._compiled.source)
    assert "if True:" not in pack and any(line.startswith("f = q") for line in pack)


def test_a_folded_count_tests_its_value_once() -> None:
    new, old = _loop(LOCAL._compiled.source), _loop(LOCAL_OFF.source)
    assert any(re.fullmatch(r"if q\d+ is None: h\d+u \+= 1", line) for line in new), new
    assert any(re.fullmatch(r"elif q\d+ in K_\d+: h\d+t \+= 1", line) for line in new), new
    assert not any(re.fullmatch(r"if w: h\d+t \+= 1", line) for line in new)
    assert any(re.fullmatch(r"if w: h\d+t \+= 1", line) for line in old)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=14, max_invitations=0, max_removals=0, max_recommendations=0))
def test_same_report_as_before(network: Any) -> None:
    _same(LOCAL, LOCAL_OFF, network)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=12))
def test_the_pack_same_as_before(network: Any) -> None:
    _same(PACK, PACK_OFF, network)
    _same(PACK, PACK_OFF, network, pack_low_params())
