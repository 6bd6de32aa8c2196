"""A loop's condition reading closed values that may be unknown has a second version for
when they are all known (issue 16): ``outdated-connection``'s ``pruning_applies and
(... or last_left_job < as_of - outdated_after ...) and no_exchange_since(...)`` tested
each closed side for unknown per connection.  ``compile_program(...,
specialise=False)`` keeps one version (the code as it was): same records, skips and
reports on networks drawn by hypothesis, whether the closed values are known or not."""

from __future__ import annotations

import re
from typing import Any

from code_switches import same_as_reference as _same
from hypothesis import HealthCheck, event, given, settings

import netrules
from netrules.compiler import compile_program
from netrules.strategies import networks, pack_low_params

RULES = """
param years = 2 years
define last_left = max(e in member.employers where e.end < as_of : e.end)
define recorded = member.exchanges_recorded
define early = count(c in connections where c.connected_on < last_left - 1 day)
rule "old-colleague" { title "t" severity info for each c in connections
  where not (c.id in ["x"])
  when ((c.relationship ?? "") == "colleague" and last_left < as_of - years)
    or (c.connected_on < as_of - 1 year and recorded)
  message "{c.id} from before {last_left}" }
rule "where-closed" { title "t" severity info for each c in connections
  where c.connected_on < last_left + 1 day or not recorded
  message "{c.id}" }
rule "by-company" { title "t" severity info for each c in connections
  where known(c.company) and (c.connected_on > last_left or not recorded)
  group by trim(c.company) as co
  when count(group) >= 2 and (recorded or last_left < as_of - years)
  message "{co}: {count(group)}" }
rule "counts" { title "t" severity info
  when early > 0
  message "{early} early" }
rule "invites" { title "t" severity info for each i in invitations
  when i.sent_on < last_left and not recorded
  message "{i.id}" }
"""
LOCAL = netrules.load_rules(texts=[("closed.rules", RULES)], include_default=False)
LOCAL_OFF = compile_program(LOCAL.program, specialise=False)
PACK = netrules.load_rules()
PACK_OFF = compile_program(PACK.program, specialise=False)


def _line(source: str, start: str) -> str:
    return next(line.strip() for line in source.splitlines() if line.strip().startswith(start))


def test_outdated_connection_has_a_version_for_known_closed_values() -> None:
    source = PACK._compiled.source
    outdated = [line for line in source.splitlines() if "q7 in h" in line and "w = " in line]
    assert len(outdated) == 1
    m = re.fullmatch(r"w = \(\((.*)\) if (h\d+) else \((.*)\)\)", outdated[0].strip())
    assert m is not None
    fast, test, slow = m.groups()
    assert "is None" not in fast and "is False" not in fast and "is True" not in fast
    assert "is False" in slow
    # the test reads the closed values themselves, not what they are made of
    closed = _line(source, f"{test} = ")
    assert "D_pruning_applies is not None" in closed
    assert "D_last_left_job" not in closed
    # the old code has only the slow version
    old = [line for line in PACK_OFF.source.splitlines() if "q7 in h" in line and "w = " in line]
    assert len(old) == 1 and " else (False if D_pruning_applies is False" not in old[0]
    assert "is False" in old[0]


def test_every_kind_of_condition_is_specialised() -> None:
    source = LOCAL._compiled.source
    two = re.compile(r"\) if h\d+ else \(")
    assert not two.search(LOCAL_OFF.source)
    connections = source.split("    for it in R_connections:", 1)[1].split("    for it in ", 1)[0]
    lines = [line.strip() for line in connections.splitlines() if two.search(line)]
    # a per-item rule's when and where, a group rule's where, a folded count
    assert len(lines) == 4, lines
    assert lines[-1].endswith("  # fold h2") or "early" in source
    invitations = source.split("    for it in R_invitations:", 1)[1].split("    h", 1)[0]
    assert two.search(invitations)


def test_nothing_to_specialise_leaves_the_code_alone() -> None:
    text = """rule "r" { title "t" severity info for each c in connections
      when c.connected_on < as_of and c.company == "x" message "{c.id}" }"""
    rules = netrules.load_rules(texts=[("plain.rules", text)], include_default=False)
    assert rules._compiled.source == compile_program(rules.program, specialise=False).source


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=14, max_invitations=4, max_removals=0, max_recommendations=0))
def test_same_report_with_one_version(network: Any) -> None:
    member = network.member
    event(f"exchanges_recorded known: {member.exchanges_recorded is not None}")
    event(f"an employer ended: {any(e.end is not None for e in member.employers)}")
    _same(LOCAL, LOCAL_OFF, network)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=12))
def test_the_pack_same_with_one_version(network: Any) -> None:
    _same(PACK, PACK_OFF, network)
    _same(PACK, PACK_OFF, network, pack_low_params())
