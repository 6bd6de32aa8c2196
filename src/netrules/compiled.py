"""A compiled rule set: the generated evaluation function and what calling it needs.

Kept apart from :mod:`netrules.compiler` so that a rule set restored from the
compiled rule-set cache (:mod:`netrules.rules_cache`) is the same object without
importing the compiler, the checker or the syntax-tree classes.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .findings import RuleOutput

__all__ = ["CompiledProgram"]


@attrs.frozen
class CompiledProgram:
    """The generated evaluation function plus what is needed to call it."""

    function: Callable[..., Any]
    constants: tuple[Any, ...]
    source: str  # the generated Python, kept for inspection and tests
    rule_ids: tuple[str, ...] = ()  # by rule index, as the skips name rules
    suppressions: dict[str, tuple[str, ...]] = attrs.field(factory=dict)  # rule -> hidden rules
    # a member rule over per-item rules: when it fires, every finding of theirs is hidden
    hides_all: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    # by rule index: how a recorded finding becomes a Finding (findings.Findings)
    outputs: tuple[RuleOutput | None, ...] = ()
    suppressions_by_index: dict[int, tuple[int, ...]] = attrs.field(factory=dict)
    hides_all_by_index: dict[int, tuple[int, ...]] = attrs.field(factory=dict)
    # the module code the source compiles to (what the rule-set cache stores)
    code: CodeType | None = attrs.field(default=None, eq=False, repr=False)
