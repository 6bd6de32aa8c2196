"""Counts over a whole collection made by that collection's item loop (issue 16).

``count(c in connections where ...)`` computed once per evaluation used to be a pass of
its own over the connections before the loop that runs the per-item rules.  When
nothing that runs before the loops end reads such a count (the prelude, the loops
themselves), the loop counts it and what reads it (member rules, values made of it,
group loops) runs after the loops.  The same rules compiled without folding
(``compile_program(..., fold=False)``, the code as it was) are the reference: same
records in the same order, same skips, same report, on networks drawn by hypothesis
(empty ones and unknown values included).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from hypothesis import HealthCheck, given, settings

import netrules
from netrules.compiler import compile_program
from netrules.evaluator import run
from netrules.strategies import AS_OF, networks, pack_low_params

RULES = """
param share = 0.5
define colleagues = count(c in connections where c.relationship in ["colleague", "former-colleague"])
define dated = count(c in connections where known(c.connected_on))
define quiet = count(c in connections
  where not known(c.last_interaction_on) or c.last_interaction_on < as_of - 1 year)
define empty = count(c in connections where not known(c.company) and not known(c.position))
define early = count(c in connections where c.connected_on < as_of - 3 years)
define acme = count(c in connections where lower(c.company ?? "") == "acme")
define nested = count(c in connections where acme > 0 and known(c.name))
define incoming = count(i in invitations where i.direction == "incoming" and i.status == "accepted")
define declined = count(i in invitations where i.status == "declined")

rule "member-when" { title "t" severity warning
  when colleagues >= 1 and quiet > dated * share
  lower severity to info when empty > 0
  message "{colleagues} colleagues, {quiet} quiet of {dated}; {count(c in connections where known(c.name))} named"
  evidence { colleagues: colleagues, quiet: quiet, empty: empty } }

rule "member-message" { title "t" severity info
  when count(connections) > 0 or incoming > 0
  message "{empty} empty, {nested} nested, {incoming} incoming, {declined} declined, {dated - empty} left"
  evidence { share: empty / count(connections) } }

rule "item-reads" { title "t" severity info
  for each c in connections
  when c.connected_on < as_of - 2 years and early > 1
  message "{c.id} {early}" }

rule "group-reads" { title "t" severity info
  for each c in connections where known(c.connected_on) group by c.connected_on as d
  when count(group) * 4 > dated
  message "{d}: {count(group)} of {dated}, {colleagues} colleagues"
  aggregate { message "{found} days of {dated}: {names}" } }

rule "invitations" { title "t" severity info
  for each i in invitations where i.direction == "outgoing"
  when known(i.status) and incoming >= 0
  message "{i.id}" }
"""

AS_OF_DAY = datetime.date(2025, 1, 1)


def _pair() -> tuple[netrules.RuleSet, Any]:
    rules = netrules.load_rules(texts=[("fold.rules", RULES)], include_default=False)
    return rules, compile_program(rules.program, fold=False)


FOLDED, UNFOLDED = _pair()


def _prelude(source: str) -> str:
    """The values computed before the rules run (the rules start with a loop, or with
    the member rules when nothing was folded)."""
    return re.split(r"^    (?:for it in |w = )", source, maxsplit=1, flags=re.M)[0]


def _passes(source: str, coll: str = "R_connections") -> tuple[int, int]:
    """The counts over ``coll`` the prelude makes in passes of their own: (counts whose
    ``where`` may be unknown, the others)."""
    prelude = _prelude(source)
    both = len(re.findall(rf"_count_both\(\[[^\n]* in {coll}\]\)", prelude))
    plain = len(re.findall(rf"len\(\[1 for \w+ in {coll} if", prelude))
    return both, plain


def test_counts_read_after_the_loops_are_made_by_the_loop() -> None:
    # colleagues, early, quiet; dated, empty, acme, nested
    assert _passes(UNFOLDED.source) == (3, 4)
    # left: early (a per-item rule reads it), acme (the count `nested` reads it)
    assert _passes(FOLDED._compiled.source) == (1, 1)
    loop = FOLDED._compiled.source.split("    for it in R_connections:")[1].split("\n    for ")[0]
    # a `where` that is one test for unknown is counted without `w` (test_lean_loops.py)
    assert len(re.findall(r"^        if w: h\d+t \+= 1$", loop, re.M)) == 1
    assert len(re.findall(r"^        elif w is None: h\d+u \+= 1$", loop, re.M)) == 1
    assert len(re.findall(r"^        if .* is None: h\d+u \+= 1$", loop, re.M)) == 1
    assert len(re.findall(r"^        elif .*: h\d+t \+= 1$", loop, re.M)) == 1
    assert len(re.findall(r"^        if .*: h\d+ \+= 1$", loop, re.M)) == 3


def test_a_count_read_in_its_loop_stays_a_pass_of_its_own() -> None:
    """`early` is read by a per-item rule, `acme` by the count `nested` made in the
    loop, `incoming` by the invitations' rule: computed before the loops."""
    prelude = _prelude(FOLDED._compiled.source)
    assert re.search(r"_count_both\(\[\(None if \(_t\d+ := (\w+)\.connected_on\)", prelude)
    assert re.search(r"len\(\[1 for \w+ in R_connections if .*\.lower\(\) == K_\d+", prelude)
    assert re.search(r"_count_both\(\[\(\(\w+\.direction == K_\d+\) and", prelude)


def test_invitation_counts_fold_into_the_invitation_loop() -> None:
    # incoming, declined
    assert _passes(UNFOLDED.source, "R_invitations") == (2, 0)
    assert _passes(FOLDED._compiled.source, "R_invitations") == (1, 0)
    loop = FOLDED._compiled.source.split("    for it in R_invitations:")[1]
    assert len(re.findall(r"h\d+t \+= 1", loop.split("\n    for ")[0])) == 1


def _same(
    network: Any,
    as_of: datetime.date,
    rules: netrules.RuleSet | None = None,
    reference: Any = None,
    params: dict[str, Any] | None = None,
) -> None:
    rules = rules or FOLDED
    reference = reference or UNFOLDED
    values = rules.resolve_params(params) if params else rules._params
    tables = rules._tables
    a_records, a_skips, _ = rules._compiled.function(network, as_of, values, tables)
    b_records, b_skips, _ = reference.function(network, as_of, values, tables)
    assert a_records == b_records  # the same records in the same order
    assert a_skips == b_skips
    a = run(rules.program, rules._compiled, network, as_of, values, tables)
    b = run(rules.program, reference, network, as_of, values, tables)
    assert a.to_json() == b.to_json()
    assert [(f.rule, f.message, f.evidence) for f in a.findings] == [
        (f.rule, f.message, f.evidence) for f in b.findings
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=14, max_invitations=6, max_removals=0, max_recommendations=0))
def test_same_report_as_without_folding(network: Any) -> None:
    _same(network, network.as_of or AS_OF)


def test_empty_network_and_unknowns() -> None:
    from netrules.loaders import load_network

    empty = load_network({"connections": []})
    _same(empty, AS_OF_DAY)
    unknowns = load_network(
        {
            "connections": [
                {"id": "c1"},
                {"id": "c2", "relationship": "colleague", "connected_on": "2019-05-01"},
                {"id": "c3", "company": "ACME", "last_interaction_on": "2024-12-01"},
                {"id": "c4", "relationship": "friend", "connected_on": "2019-05-01"},
            ],
            "invitations": [
                {"id": "i1", "direction": "incoming"},
                {"id": "i2", "direction": "incoming", "status": "accepted"},
            ],
        }
    )
    _same(unknowns, AS_OF_DAY)
    report = FOLDED.evaluate(unknowns, as_of=AS_OF_DAY)
    messages = {f.rule: f.message for f in report.findings}
    # c2 is the only colleague (c1's relationship is unknown: the two readings agree
    # here); c1, c2 and c4 have had no exchange, c3 one last month; c2 and c4 are dated;
    # c1, c2 and c4 have neither company nor position; nobody has a name
    assert messages["member-when"] == "1 colleagues, 3 quiet of 2; 0 named"
    assert messages["member-message"] == "3 empty, 0 nested, 1 incoming, 0 declined, -1 left"


PACK = netrules.load_rules()
PACK_UNFOLDED = compile_program(PACK.program, fold=False)


def test_the_pack_folds_its_member_counts() -> None:
    assert _passes(PACK._compiled.source) < _passes(PACK_UNFOLDED.source)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=12))
def test_the_pack_same_as_without_folding(network: Any) -> None:
    as_of = network.as_of or AS_OF
    _same(network, as_of, PACK, PACK_UNFOLDED)
    _same(network, as_of, PACK, PACK_UNFOLDED, pack_low_params())
