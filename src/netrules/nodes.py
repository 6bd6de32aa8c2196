"""The syntax tree of a rule file: frozen attrs classes, each with its source span.

Named after the construct they stand for; built by transform.py, read by the
checker, the compiler and the printer.  Node identity (``is``) is how later
stages attach types, so nodes are compared with ``eq=False``.
"""

from __future__ import annotations

from typing import Any

import attrs

from .diagnostics import Span

__all__ = [
    "Advice",
    "Aggregate",
    "Aggregation",
    "And",
    "Arith",
    "Call",
    "Coalesce",
    "Compare",
    "Define",
    "Disable",
    "Evidence",
    "Example",
    "Expr",
    "Field",
    "ForEach",
    "In",
    "Index",
    "Item",
    "ListExpr",
    "Literal",
    "Lower",
    "Name",
    "Neg",
    "Not",
    "Or",
    "Param",
    "RangeExpr",
    "Row",
    "Rule",
    "RuleFile",
    "SetParam",
    "SetRow",
    "Table",
    "Template",
]


# ---- expressions ----
@attrs.frozen(eq=False, slots=True)
class Literal:
    value: Any  # int | float | str | bool | date | Duration | Range | tuple
    span: Span
    kind: str  # "number" | "string" | "bool" | "date" | "duration" | "percent" | "range" | "list"


@attrs.frozen(eq=False, slots=True)
class Name:
    name: str
    span: Span


@attrs.frozen(eq=False, slots=True)
class Field:
    obj: Expr
    name: str
    span: Span
    name_span: Span


@attrs.frozen(eq=False, slots=True)
class Index:
    obj: Expr
    key: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    span: Span
    name_span: Span


@attrs.frozen(eq=False, slots=True)
class Aggregate:
    func: str
    var: str | None  # None for the shorthand ``count(group)``
    collection: Expr
    where: Expr | None
    value: Expr | None
    window: Expr | None
    span: Span


@attrs.frozen(eq=False, slots=True)
class Neg:
    operand: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Arith:
    op: str
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Compare:
    op: str
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class In:
    item: Expr
    container: Expr
    negated: bool
    span: Span


@attrs.frozen(eq=False, slots=True)
class And:
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Or:
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Not:
    operand: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Coalesce:
    left: Expr
    right: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class ListExpr:
    items: tuple[Expr, ...]
    span: Span


@attrs.frozen(eq=False, slots=True)
class RangeExpr:
    low: int
    high: int
    span: Span


Expr = (
    Literal
    | Name
    | Field
    | Index
    | Call
    | Aggregate
    | Neg
    | Arith
    | Compare
    | In
    | And
    | Or
    | Not
    | Coalesce
    | ListExpr
    | RangeExpr
)


# ---- templates ----
@attrs.frozen(eq=False, slots=True)
class Template:
    """A message: literal text parts interleaved with ``{expr}`` or ``{expr:format}``."""

    parts: tuple[Any, ...]  # str | tuple[Expr, str | None]
    raw: str
    span: Span


# ---- top-level items ----
@attrs.frozen(eq=False, slots=True)
class Param:
    name: str
    type_name: str | None
    value: Literal
    doc: str | None
    span: Span
    # `param x = 0.8 in 0..1`: the values that make sense (low, high), and where
    bounds: tuple[int | float, int | float] | None = None
    bounds_span: Span | None = None


@attrs.frozen(eq=False, slots=True)
class Advice:
    name: str
    text: str
    span: Span


@attrs.frozen(eq=False, slots=True)
class Row:
    key: str | None  # None is the default row
    value: Literal
    span: Span


@attrs.frozen(eq=False, slots=True)
class Table:
    name: str
    rows: tuple[Row, ...]
    span: Span


@attrs.frozen(eq=False, slots=True)
class Define:
    name: str
    params: tuple[str, ...]
    body: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class ForEach:
    var: str
    collection: Expr
    where: Expr | None
    group_key: Expr | None
    group_name: str | None
    span: Span


@attrs.frozen(eq=False, slots=True)
class Lower:
    severity: str
    severity_span: Span
    condition: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Aggregation:
    """``aggregate { ... }``: one finding per rule (and severity) naming its subjects.

    ``order`` sorts the subjects (unknown keys last, ties by id), ``label`` names one
    subject in the summary, ``show`` is how many are named, ``message`` the summary
    template (it sees ``found`` and ``names``).
    """

    order: Any | None
    descending: bool
    label: Any | None
    show: int
    message: Template | None
    span: Span
    duplicate_parts: tuple[tuple[str, Span], ...] = ()


@attrs.frozen(eq=False, slots=True)
class Evidence:
    key: str
    value: Expr
    span: Span


@attrs.frozen(eq=False, slots=True)
class Example:
    """Input data and the rule ids expected to fire (``fires``) or not (``passes``)."""

    name: str | None
    fires: tuple[str, ...]
    passes: tuple[str, ...]
    data: Any
    span: Span
    rule: str | None = None  # set for examples written inside a rule
    # JSON path of each key in ``data`` ("connections[0].connected_on") -> the key's span
    key_spans: tuple[tuple[str, Span], ...] = ()


@attrs.frozen(eq=False, slots=True)
class Rule:
    id: str
    span: Span
    id_span: Span
    title: str | None = None
    severity: str | None = None
    severity_span: Span | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    why: str | None = None
    advice: tuple[tuple[str, bool, Span], ...] = ()  # (name or text, is_name, span)
    for_each: ForEach | None = None
    when: Expr | None = None
    lower: Lower | None = None
    suppresses: tuple[tuple[str, Span], ...] = ()
    defers_to: tuple[tuple[str, Span], ...] = ()  # rules that win over this one, per subject
    aggregate: Aggregation | None = None
    message: Template | None = None
    evidence: tuple[Evidence, ...] = ()
    examples: tuple[Example, ...] = ()
    duplicate_clauses: tuple[tuple[str, Span], ...] = ()


@attrs.frozen(eq=False, slots=True)
class SetParam:
    name: str
    value: Literal
    span: Span


@attrs.frozen(eq=False, slots=True)
class SetRow:
    table: str
    key: str | None
    value: Literal
    span: Span


@attrs.frozen(eq=False, slots=True)
class Disable:
    ids: tuple[tuple[str, Span], ...]
    span: Span


Item = Param | Advice | Table | Define | Rule | SetParam | SetRow | Disable | Example


@attrs.frozen(eq=False, slots=True)
class RuleFile:
    path: str
    text: str
    items: tuple[Item, ...]
