"""One stance per subject, and every subject of a per-item rule accounted for (issue 10)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_support import examples
from test_prop_pack import NARROW, PARAMS, WIDE

import netrules
from netrules.strategies import AS_OF

COLLECTIONS = ("connections", "invitations", "removals", "recommendations_given")


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


@pytest.fixture(scope="module")
def alone(pack: netrules.RuleSet) -> dict[str, tuple[netrules.RuleSet, str]]:
    """Each per-item rule of the pack (no group by) alone, with its collection."""
    ids = set(pack.rule_ids())
    out = {}
    for ri in pack.program.rules:
        fe = ri.node.for_each
        if fe is None or fe.group_key is not None or ri.collection not in COLLECTIONS:
            continue
        out[ri.node.id] = (pack.disable(*(ids - {ri.node.id})), ri.collection)
    return out


def subjects(report: netrules.Report) -> list[tuple[str, str, str]]:
    """Every (rule, kind, id) a report speaks about, aggregated findings expanded."""
    return [
        (f.rule, s.subject.kind, s.subject.id) for f in report.findings for s in f.subjects or (f,)
    ]


def test_the_pack_has_precedence_to_check(pack: netrules.RuleSet) -> None:
    """The invariant below is not vacuous: the pack declares precedence."""
    assert pack.program.precedence


@settings(max_examples=examples(2))
@given(network=st.one_of(NARROW, WIDE), params=PARAMS)
def test_no_subject_hears_two_rules_in_precedence(
    pack: netrules.RuleSet, network: netrules.Network, params: Any
) -> None:
    """A winner and a loser never both speak about one subject; a member rule that wins
    over a per-item rule silences it entirely when it fires."""
    report = pack.evaluate(network, as_of=network.as_of or AS_OF, params=params)
    said: dict[str, set[tuple[str, str]]] = {}
    for rule, kind, sid in subjects(report):
        said.setdefault(rule, set()).add((kind, sid))
    for winner, losers in pack.program.precedence.items():
        for loser in losers:
            mine, theirs = said.get(winner, set()), said.get(loser, set())
            if mine and ("member", "member") in mine and not any(k == "member" for k, _ in theirs):
                assert not theirs, (winner, loser)
            assert not (mine & theirs), (winner, loser, mine & theirs)


@settings(max_examples=examples(1))
@given(network=st.one_of(NARROW, WIDE), params=PARAMS)
def test_every_item_is_fired_passed_or_skipped_once(
    alone: dict[str, tuple[netrules.RuleSet, str]], network: netrules.Network, params: Any
) -> None:
    """For each per-item rule alone: each finding is about a distinct item of its
    collection, and fired + skipped never exceeds the items (the rest passed)."""
    for rule, (rs, coll) in alone.items():
        items = {item.id for item in getattr(network, coll)}
        report = rs.evaluate(network, as_of=network.as_of or AS_OF, params=params)
        fired = Counter(sid for r, _kind, sid in subjects(report) if r == rule)
        assert all(times == 1 for times in fired.values()), (rule, fired)
        assert set(fired) <= items, (rule, set(fired) - items)
        skipped = sum(s.count for s in report.skipped if s.rule == rule)
        assert len(fired) + skipped <= len(items), (rule, len(fired), skipped, len(items))
