"""A compiled rule set: the generated evaluation function and what calling it needs.

Kept apart from :mod:`netrules.compiler` so that a rule set restored from the
compiled rule-set cache (:mod:`netrules.rules_cache`) is the same object without
importing the compiler, the checker or the syntax-tree classes.  A plain slotted
class: it is made once per rule set, and an attrs class costs its creation (about
2 ms) in every cold ``load_rules()``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .findings import RuleOutput

__all__ = ["CompiledProgram"]


class CompiledProgram:
    """The generated evaluation function plus what is needed to call it (never changed
    once made)."""

    __slots__ = (
        "code",
        "constants",
        "function",
        "hides_all",
        "hides_all_by_index",
        "outputs",
        "rule_ids",
        "source",
        "suppressions",
        "suppressions_by_index",
    )

    def __init__(
        self,
        function: Callable[..., Any],
        constants: tuple[Any, ...],
        source: str,
        rule_ids: tuple[str, ...] = (),
        suppressions: dict[str, tuple[str, ...]] | None = None,
        hides_all: dict[str, tuple[str, ...]] | None = None,
        outputs: tuple[RuleOutput | None, ...] = (),
        suppressions_by_index: dict[int, tuple[int, ...]] | None = None,
        hides_all_by_index: dict[int, tuple[int, ...]] | None = None,
        code: CodeType | None = None,
    ):
        self.function = function
        self.constants = constants
        self.source = source  # the generated Python, kept for inspection and tests
        self.rule_ids = rule_ids  # by rule index, as the skips name rules
        self.suppressions = suppressions or {}  # rule -> the rules whose findings it hides
        # a member rule over per-item rules: when it fires, every finding of theirs is hidden
        self.hides_all = hides_all or {}
        # by rule index: how a recorded finding becomes a Finding (findings.Findings)
        self.outputs = outputs
        self.suppressions_by_index = suppressions_by_index or {}
        self.hides_all_by_index = hides_all_by_index or {}
        # the module code the source compiles to (what the rule-set cache stores)
        self.code = code

    def __repr__(self) -> str:
        return f"<CompiledProgram of {len(self.rule_ids)} rules>"
