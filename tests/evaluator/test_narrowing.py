"""Narrowing: code that runs only where ``known(x)`` holds reads x without testing it
for unknown (`known(c.company) and trim(c.company) != ""`, `not known(x) or x < d`,
`where known(x) group by x`, a rule's message after its ``when``).

Three-valued ``and``/``or`` give the same value whatever the order of their sides,
but facts flow only from left to right: each rule below is compared with its mirror
(the sides of its chains swapped, so nothing is narrowed) on networks drawn by
hypothesis.  Same findings (subjects, messages, evidence), same skip counts.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from hypothesis import HealthCheck, given, settings

import netrules
from netrules.strategies import AS_OF, networks

# (narrowed, mirror): the same rule body twice; {id} is replaced by the rule's id
CASES: list[tuple[str, str]] = [
    (  # where; the message and evidence after it
        """for each c in connections
  where known(c.company) and lower(trim(c.company)) != "acme"
  when c.connected_on < as_of - 1 year
  message "{lower(trim(c.company))} {c.id}"
  evidence { co: trim(c.company) }""",
        """for each c in connections
  where lower(trim(c.company)) != "acme" and known(c.company)
  when c.connected_on < as_of - 1 year
  message "{lower(trim(c.company))} {c.id}"
  evidence { co: trim(c.company) }""",
    ),
    (  # or: the right side runs where the left is not true
        """for each c in connections
  when not known(c.last_interaction_on) or c.last_interaction_on < as_of - 1 year
  message "{c.id}"
""",
        """for each c in connections
  when c.last_interaction_on < as_of - 1 year or not known(c.last_interaction_on)
  message "{c.id}"
""",
    ),
    (  # group key after its where; a text key shared with another rule's value
        """for each c in connections
  where known(c.company) and trim(c.company) != ""
  group by trim(c.company) as co
  when count(group) > 1
  message "{co}: {count(group)}"
""",
        """for each c in connections
  where trim(c.company) != "" and known(c.company)
  group by trim(c.company) as co
  when count(group) > 1
  message "{co}: {count(group)}"
""",
    ),
    (  # the member: closed, hoisted as a whole
        """when known(member.industry) and lower(member.industry) != "zzz"
  message "{lower(member.industry)}"
""",
        """when lower(member.industry) != "zzz" and known(member.industry)
  message "{lower(member.industry)}"
""",
    ),
    (  # inside an aggregate, and the aggregate read again in the message
        """when count(c in connections where known(c.relationship)
      and upper(c.relationship) != "COLLEAGUE") > 1
  message "{count(c in connections where known(c.relationship) and upper(c.relationship) != \\"COLLEAGUE\\")}"
""",
        """when count(c in connections where upper(c.relationship) != "COLLEAGUE"
      and known(c.relationship)) > 1
  message "{count(c in connections where upper(c.relationship) != \\"COLLEAGUE\\" and known(c.relationship))}"
""",
    ),
    (  # what a rule's when says holds for its message
        """for each c in connections
  when known(c.name) and c.connected_on > as_of - 5 years
  message "{upper(c.name)}"
  evidence { n: trim(c.name), k: known(c.name) }""",
        """for each c in connections
  when c.connected_on > as_of - 5 years and known(c.name)
  message "{upper(c.name)}"
  evidence { n: trim(c.name), k: known(c.name) }""",
    ),
    (  # nested: known on the left of an and around an or
        """for each c in connections
  when known(c.company)
    and ((c.relationship ?? "") == "colleague" or lower(c.company) < "m")
  message "{c.id}"
""",
        """for each c in connections
  when ((c.relationship ?? "") == "colleague" or lower(c.company) < "m")
    and known(c.company)
  message "{c.id}"
""",
    ),
    (  # through a definition with a parameter, and `not not`
        """for each c in connections
  when has_company(c) and not (not known(c.position))
    and lower(c.company) != lower(c.position)
  message "{c.id}"
""",
        """for each c in connections
  when lower(c.company) != lower(c.position)
    and has_company(c) and not (not known(c.position))
  message "{c.id}"
""",
    ),
    (  # no fact: the right side of an or runs where known(...) is false
        """for each c in connections
  when known(c.position) or lower(c.position) == "x"
  message "{c.id}"
""",
        """for each c in connections
  when lower(c.position) == "x" or known(c.position)
  message "{c.id}"
""",
    ),
    (  # no fact: the right side of an and runs where `not known(...)` is true
        """for each c in connections
  when not known(c.position) and lower(c.position) != "x"
  message "{c.id}"
""",
        """for each c in connections
  when lower(c.position) != "x" and not known(c.position)
  message "{c.id}"
""",
    ),
    (  # a value narrowed in one rule and read unnarrowed by the next (same loop)
        """for each c in connections
  when lower(trim(c.company)) == lower(trim(c.position))
  message "{c.id}"
""",
        """for each c in connections
  when lower(trim(c.position)) == lower(trim(c.company))
  message "{c.id}"
""",
    ),
]

HEADER = "define has_company(c) = known(c.company)\n"


def rules_text(index: int) -> str:
    out = [HEADER]
    for i, pair in enumerate(CASES):
        body = pair[index]
        out.append(f'rule "r{i}" {{\n  title "t"\n  severity info\n  {body}\n}}\n')
    return "\n".join(out)


def load(text: str) -> netrules.RuleSet:
    return netrules.load_rules(texts=[("narrowing.rules", text)], include_default=False)


NARROWED = load(rules_text(0))
MIRROR = load(rules_text(1))


def summary(report: Any) -> tuple[Any, ...]:
    found = sorted(
        (f.rule, f.subject.id, f.message, sorted(f.evidence.items(), key=repr))
        for f in report.findings
    )
    skipped = sorted((s.rule, s.count, sorted(s.fields.items())) for s in report.skipped)
    return tuple(found), tuple(skipped)


def test_the_narrowed_rules_are_narrowed() -> None:
    """The generated code reads the known values without testing them again."""
    source = NARROWED.source
    # group rule 2: `where known(c.company) and ...`: no skip, and its key no unknown test
    # (a key that is a local is read as it is: test_lean_loops.py)
    where, key = re.search(r"# group rule 2\n\s+(if .*):\n\s+(.*)\n", source).groups()
    assert "None" not in where and re.fullmatch(r"f = q\d+\.casefold\(\)", key), source
    # the message after `when known(c.name) and ...` reads the name as it is
    name = r"(?:q\d+|it\.name)"
    assert re.search(
        rf"out_append\(\(5, K_\d+, q\d+, \({name}\.upper\(\), {name}\.strip\(\)", source
    )
    # (the mirror's where says it too, from its right side: its key is narrowed as well)


def test_same_on_a_fixed_network() -> None:
    net = {
        "as_of": "2025-01-01",
        "member": {"industry": "Law Practice"},
        "connections": [
            {"id": "c1", "company": " Acme ", "connected_on": "2021-01-01", "name": "Ann"},
            {"id": "c2", "company": "Beta", "position": "beta", "connected_on": "2020-01-01"},
            {"id": "c3", "connected_on": "2024-06-01", "relationship": "colleague"},
            {"id": "c4", "company": "Beta", "last_interaction_on": "2024-12-01"},
            {"id": "c5", "company": "", "relationship": "friend", "name": " Bo "},
        ],
    }
    a, b = NARROWED.evaluate(net), MIRROR.evaluate(net)
    assert summary(a) == summary(b)
    assert {f.rule for f in a.findings} >= {"r0", "r2", "r3", "r5"}


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks(max_connections=12, max_invitations=0, max_removals=0, max_recommendations=0))
def test_same_as_the_mirror(network: Any) -> None:
    as_of = network.as_of or AS_OF
    assert summary(NARROWED.evaluate(network, as_of=as_of)) == summary(
        MIRROR.evaluate(network, as_of=as_of)
    )


def test_mirror_is_a_different_program() -> None:
    assert NARROWED.source != MIRROR.source
    assert datetime.date(2025, 1, 1) == AS_OF
