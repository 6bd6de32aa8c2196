"""Invariants of the facts layer: declared wins locally, derivation never overwrites, off is off."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_support import examples

import netrules
from netrules.loaders.derive import ExportEvidence, derive
from netrules.loaders.overlay import apply_overlay
from netrules.model import CAREER_LEVELS, SITUATIONS, Network
from netrules.strategies import networks

RULES = netrules.load_rules()

# An export's view of a network: what it never states is unknown.
exports = networks(
    career_level=st.none(),
    job_seeking=st.none(),
    situation=st.none(),
    relationship=st.none(),
).map(
    lambda n: attrs.evolve(
        n,
        invitations=tuple(
            attrs.evolve(i, status=s, follow_ups=None)
            for i, s in zip(n.invitations, ("pending", "accepted") * 10, strict=False)
        ),
    )
)

declarations = st.fixed_dictionaries(
    {},
    optional={
        "career_level": st.sampled_from(CAREER_LEVELS),
        "job_seeking": st.booleans(),
        "situations": st.lists(st.sampled_from(SITUATIONS), unique=True, max_size=2),
        "industry": st.sampled_from(["Software Development", "Hospitals and Health Care"]),
        "joined_on": st.dates(),
    },
)


@settings(max_examples=examples(0.5))
@given(exports, declarations)
def test_declaring_one_fact_never_changes_another_facts_provenance(
    network: Network, declared: dict
) -> None:
    """After an overlay, the declared facts are 'declared' and every other record is unchanged."""
    derived = derive(network, ExportEvidence())
    after = apply_overlay(derived, {"member": declared}, source="me.toml")
    before = {f.name: f for f in derived.facts}
    now = {f.name: f for f in after.facts}
    for key, value in declared.items():
        fact = now[f"member.{key}"]
        assert (fact.source, fact.confidence) == ("declared", "high")
        assert getattr(after.member, key) == (tuple(value) if key == "situations" else value)
    others = {k: v for k, v in now.items() if k.removeprefix("member.") not in declared}
    assert others == {k: v for k, v in before.items() if k.removeprefix("member.") not in declared}


@settings(max_examples=examples(0.5))
@given(networks())
def test_derivation_never_overwrites_a_known_value(network: Network) -> None:
    """Every value the input states survives derivation; only unknowns are filled."""
    derived = derive(network, ExportEvidence())
    for field in attrs.fields(type(network.member)):
        old = getattr(network.member, field.name)
        if old is not None:
            assert getattr(derived.member, field.name) == old, field.name
    for old, new in zip(network.connections, derived.connections, strict=True):
        if old.relationship is not None:
            assert new.relationship == old.relationship
        if old.last_interaction_on is not None:
            assert new.last_interaction_on == old.last_interaction_on
    for old, new in zip(network.invitations, derived.invitations, strict=True):
        if old.status != "pending":
            assert new.status == old.status
    if network.as_of is not None:
        assert derived.as_of == network.as_of


@settings(max_examples=examples(0.3))
@given(networks())
def test_without_facts_the_report_is_the_old_one(network: Network) -> None:
    """A network without provenance records (no-infer, a JSON document) reports exactly
    as before the facts layer: no assumptions, the same keys."""
    report = RULES.evaluate(network)
    assert report.assumptions == ()
    assert list(report.to_dict()) == ["as_of", "network", "findings", "summary", "skipped"]
