"""The check shared by the tests of the compiler's switches (``fold``, ``skip_sites``,
``single_use``, ``specialise``, ``reorder``, ``lean``, ``alias_known``): the code compiled
with a switch on and the reference compiled with it off give the same records, skips and
report."""

from __future__ import annotations

from typing import Any

import netrules
from netrules.evaluator import run
from netrules.strategies import AS_OF


def same_as_reference(
    rules: netrules.RuleSet, reference: Any, network: Any, params: Any = None
) -> tuple[netrules.Report, netrules.Report]:
    """``rules``' compiled code and ``reference`` (``compile_program(rules.program,
    <switch>=False)``) agree on ``network``: raw records and skips, then the report.
    Returns the two reports, for a test's own further comparisons."""
    as_of = network.as_of or AS_OF
    values = rules.resolve_params(params) if params else rules._params
    tables = rules._tables
    a_records, a_skips, _ = rules._compiled.function(network, as_of, values, tables)
    b_records, b_skips, _ = reference.function(network, as_of, values, tables)
    assert a_records == b_records
    assert a_skips == b_skips
    a = run(rules.program, rules._compiled, network, as_of, values, tables)
    b = run(rules.program, reference, network, as_of, values, tables)
    assert a.to_json() == b.to_json()
    return a, b


def loop_lines(source: str, coll: str = "R_connections") -> list[str]:
    """The stripped lines of the generated code's first loop over ``coll``."""
    body = source.split(f"    for it in {coll}:\n", 1)[1].split("\n    for ", 1)[0]
    return [line.strip() for line in body.splitlines()]
