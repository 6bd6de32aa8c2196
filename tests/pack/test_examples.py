"""Every inline example of the bundled pack, one test each (what `netrules test` runs)."""

from __future__ import annotations

import pytest

import netrules

_PACK = netrules.load_rules()
_CASES = _PACK.examples()


@pytest.mark.parametrize("case", _CASES, ids=[f"{c.path}:{c.line}:{c.name}" for c in _CASES])
def test_inline_example(case: netrules.ruleset.ExampleCase) -> None:
    """The rules expected to fire do, and the rules expected to pass do not."""
    result = _PACK.run_example(case)
    assert (result.missing, result.unexpected) == ((), ())


def test_every_rule_has_examples_both_ways() -> None:
    """Each rule ships at least one example that fires and one that does not."""
    fires = {r for c in _CASES for r in c.fires}
    passes = {r for c in _CASES for r in c.passes}
    for rid in _PACK.rule_ids():
        assert rid in fires, f"{rid} has no firing example"
        assert rid in passes, f"{rid} has no passing example"


def test_pack_loads_without_warnings() -> None:
    """The bundled pack has no unused parameters, definitions or advice."""
    assert _PACK.warnings == ()
