"""Which rules run: ``select`` / ``extend-select`` / ``ignore`` selectors and a minimum severity.

A selector names rules by id (``tiny-network``), by category (``targets`` or
``category:targets``), by tag (``tag:count``), by declared severity
(``severity:info``), or all of them (``all``).  Selections come in layers (the
configuration file, then the command line); each layer may start afresh
(``select``), add (``extend-select``) and remove (``ignore``), in that order, so
a later layer refines an earlier one.  See docs/configuration.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .diagnostics import Diagnostic, Span, did_you_mean
from .errors import RuleError

__all__ = ["SEVERITY_RANK", "Layer", "matches", "selected_ids"]

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@attrs.frozen
class Layer:
    """One source's selection; ``select=None`` keeps what the layers before chose."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    origin: str = "<select>"


def _category(rule: Any) -> str:
    return rule.category or "general"


def matches(selector: str, rule: Any) -> bool:
    """Whether one selector names this rule (a checked rule node)."""
    sel = selector.strip()
    kind, sep, value = sel.partition(":")
    if sel.lower() == "all":
        return True
    if sep:
        if kind == "tag":
            return value in rule.tags
        if kind == "category":
            return _category(rule) == value
        if kind == "severity":
            return (rule.severity or "warning") == value
        if kind == "rule":
            return bool(rule.id == value)
    return rule.id == sel or _category(rule) == sel


def _known(rules: Sequence[Any]) -> list[str]:
    names: dict[str, None] = {"all": None}
    for r in rules:
        names.setdefault(r.id)
        names.setdefault(_category(r))
        for t in r.tags:
            names.setdefault(f"tag:{t}")
    return list(names)


def _check(selectors: Iterable[str], rules: Sequence[Any], origin: str) -> list[Diagnostic]:
    diags = []
    for sel in selectors:
        if any(matches(sel, r) for r in rules):
            continue
        kind, sep, _value = sel.partition(":")
        if sep and kind not in ("tag", "category", "severity", "rule"):
            problem = f"unknown selector kind '{kind}:' in '{sel}'"
            hint = "use a rule id, a category, tag:NAME, category:NAME or severity:LEVEL"
        else:
            problem = f"'{sel}' names no loaded rule, category or tag"
            close = did_you_mean(sel, _known(rules))
            hint = f"did you mean '{close}'?" if close else f"{'netrules rules'} lists them"
        diags.append(Diagnostic("NR309", "error", problem, origin, Span.point(), hint))
    return diags


def selected_ids(
    rules: Sequence[Any], layers: Sequence[Layer], min_severity: str | None = None
) -> list[str]:
    """The ids of the rules a stack of selection layers keeps, in load order.

    Raises RuleError (NR309) for a selector that names nothing, with a
    did-you-mean hint, and for an unknown ``min_severity``.
    """
    diags: list[Diagnostic] = []
    for layer in layers:
        for group in (layer.select or (), layer.extend_select, layer.ignore):
            diags.extend(_check(group, rules, layer.origin))
    if min_severity is not None and min_severity not in SEVERITY_RANK:
        diags.append(
            Diagnostic(
                "NR309",
                "error",
                f"unknown severity '{min_severity}'",
                "<select>",
                Span.point(),
                "choose from: error, warning, info",
            )
        )
    if diags:
        raise RuleError(diags)
    chosen = {r.id for r in rules}
    for layer in layers:
        if layer.select is not None:
            chosen = {r.id for r in rules if any(matches(s, r) for s in layer.select)}
        chosen |= {r.id for r in rules if any(matches(s, r) for s in layer.extend_select)}
        chosen -= {r.id for r in rules if any(matches(s, r) for s in layer.ignore)}
    if min_severity is not None:
        limit = SEVERITY_RANK[min_severity]
        chosen = {
            r.id
            for r in rules
            if r.id in chosen and SEVERITY_RANK.get(r.severity or "warning", 1) <= limit
        }
    return [r.id for r in rules if r.id in chosen]
