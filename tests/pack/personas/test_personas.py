"""Each persona's report is what the source article would say to that person."""

from __future__ import annotations

import dataclasses

import pytest
from persona_kit import Expect, Persona, all_personas, problems

import netrules

_PERSONAS = all_personas()


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


@pytest.mark.parametrize("persona", _PERSONAS, ids=[p.name for p in _PERSONAS])
def test_persona(persona: Persona, pack: netrules.RuleSet) -> None:
    """The rules the persona lists fire (or not, or are skipped) as the article says."""
    assert problems(persona, pack) == []


def test_personas_have_unique_names() -> None:
    names = [p.name for p in _PERSONAS]
    assert len(names) == len(set(names))


def test_the_framework_notices_a_wrong_expectation(pack: netrules.RuleSet) -> None:
    """A persona whose expectations the report contradicts is reported, with the reason."""
    source = "The Drawbacks of Having No Connections"
    empty = Persona(
        name="empty",
        about="an old account with nobody in it",
        as_of=_PERSONAS[0].as_of,
        network={"member": {"connection_count": 0, "joined_on": "2015-01-01", "situations": []}},
        passes=(Expect("zero-connections", "wrongly expected to pass", source),),
    )
    assert problems(empty, pack) == [
        "zero-connections fired but must not (wrongly expected to pass): "
        f"{[f.message for f in pack.evaluate(dict(empty.network), as_of=empty.as_of).findings]}"
    ]
    typo = dataclasses.replace(
        empty, passes=(Expect("zero-connection", "", "Somewhere", severity="loud"),)
    )
    assert problems(typo, pack) == [
        "passes: unknown rule 'zero-connection'",
        "passes zero-connection: no reason given",
        "passes zero-connection: 'Somewhere' is not a section of the article",
        "passes zero-connection: severity 'loud' not allowed here",
    ]
