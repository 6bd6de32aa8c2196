"""Code relying on ``known(x)`` reads the loop's local of the same value written with
``x ?? ...`` (issue 16): ``redundant-company``'s ``where known(c.company) and ... and not
(lower(trim(c.company)) in pseudo_companies)`` lowered the trimmed company again for every
connection, though three other rules share ``lower(trim(c.company ?? ""))``, which is the
same text where the company is known.  ``compile_program(..., alias_known=False)`` keeps
the code as it was: same records, skips and reports on networks drawn by hypothesis."""

from __future__ import annotations

import re
from typing import Any

from code_switches import loop_lines as _loop
from code_switches import same_as_reference as _same
from hypothesis import HealthCheck, given, settings

import netrules
from netrules.compiler import _inline_single_use, _where_known, compile_program
from netrules.strategies import networks, pack_low_params

RULES = """
param ours = ["acme", "globex"]
rule "ours" { title "t" severity info for each c in connections
  where lower(trim(c.company ?? "zz")) in ours and c.relationship != "friend"
  message "{c.id}" }
rule "theirs" { title "t" severity info for each c in connections
  where not (lower(trim(c.company ?? "zz")) in ours) and c.relationship == "friend"
  message "{c.id}" }
rule "known-company" { title "t" severity info for each c in connections
  where known(c.company) and lower(trim(c.company)) == "acme"
  message "{c.id}" }
rule "unknown-or" { title "t" severity info for each c in connections
  where not known(c.company) or lower(trim(c.company)) == "initech"
  message "{c.id}" }
rule "before-a" { title "t" severity info for each c in connections
  where lower(c.company ?? "aa") < lower(c.position ?? "aa") and c.relationship != "friend"
  message "{c.id}" }
rule "before-b" { title "t" severity info for each c in connections
  where lower(c.company ?? "aa") < lower(c.position ?? "aa") and c.relationship == "friend"
  message "{c.id}" }
rule "before-z" { title "t" severity info for each c in connections
  where known(c.position) and lower(c.company ?? "zz") < lower(c.position)
  message "{c.id}" }
rule "other-field" { title "t" severity info for each c in connections
  where known(c.position) and lower(trim(c.position)) == lower(trim(c.company ?? "zz"))
  message "{c.id}" }
"""
LOCAL = netrules.load_rules(texts=[("alias.rules", RULES)], include_default=False)
LOCAL_OFF = compile_program(LOCAL.program, alias_known=False)
PACK = netrules.load_rules()
PACK_OFF = compile_program(PACK.program, alias_known=False)


def test_what_a_value_is_where_its_inputs_are_known() -> None:
    assert _where_known("(K[3] if (_t0 := it.company) is None else _t0).strip().lower()") == (
        "it.company.strip().lower()",
        frozenset({"it.company"}),
    )
    assert _where_known(
        "(None if (_t0 := (None if (_t1 := it.company) is None else _t1.strip())) is None "
        "else _t0.lower())"
    ) == ("it.company.strip().lower()", frozenset({"it.company"}))
    # anything else is left as it is
    code = "(None if (_t0 := it.company) is None else _t0 in h3)"
    assert _where_known(code) == (code, frozenset())


def test_the_pack_reads_the_shared_local() -> None:
    new, old = _loop(PACK._compiled.source), _loop(PACK_OFF.source)
    # trim(c.company ?? "") and its lower(...), shared; redundant-company's where and key
    # read them, where no second strip and no second lower is made
    trimmed = next(line for line in new if line.startswith("q") and line.endswith(".strip()"))
    assert "K_" in trimmed
    strip = trimmed.split(" = ", 1)[0]
    lowered = next(line for line in new if line.endswith(f" = {strip}.lower()"))
    lower = lowered.split(" = ", 1)[0]
    where = next(line for line in new if line.startswith("if (q") and f"({strip} != K_" in line)
    assert f"(not ({lower} in h" in where and ".lower()" not in where
    assert f"f = {strip}.casefold()" in new
    assert sum(".strip()" in line for line in new) == 1
    assert sum(".strip()" in line for line in old) == 2
    assert any(".lower() in h" in line for line in old if line.startswith("if (q"))


def test_only_where_the_fact_holds() -> None:
    new = _loop(LOCAL._compiled.source)
    lowered = next(line for line in new if line.startswith("q") and line.endswith(".lower()"))
    local = lowered.split(" = ", 1)[0]
    assert ".strip()" in lowered  # lower(trim(c.company ?? "zz")), computed for every item
    known = [line for line in new if f"{local} == K_" in line]
    assert len(known) == 2  # known-company, and the right side of unknown-or
    # before-z's position is known, its company not: not the local of before-a and -b,
    # the same text where both are known
    shared = next(line for line in new if line.startswith("q") and " < " in line)
    before_z = next(line for line in new if line.startswith("if (") and " < " in line)
    assert re.search(rf"\b{shared.split(' = ', 1)[0]}\b", before_z) is None
    # other-field's position is known, its company not: its own code
    assert any(line.startswith("if (") and ".strip().lower() == " in line for line in new)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=14, max_invitations=0, max_removals=0, max_recommendations=0))
def test_same_report_as_before(network: Any) -> None:
    _same(LOCAL, LOCAL_OFF, network)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=12))
def test_the_pack_same_as_before(network: Any) -> None:
    _same(PACK, PACK_OFF, network)
    _same(PACK, PACK_OFF, network, pack_low_params())


def test_a_local_read_nowhere_is_not_computed() -> None:
    defs = ["q0 = it.company", "q1 = q0.strip()", "q2 = q1.lower()"]
    out, body = _inline_single_use(defs, ["w = q0", "v = q0"])
    assert out == ["q0 = it.company"]
    assert body == ["w = q0", "v = q0"]
