"""Nodes -> rule-file text: the inverse of the parser, up to spans and layout.

``parse_file(print_rule_file(f))`` gives back ``f`` with only the source
positions (and the raw text of messages) changed.  Expressions are printed with
the fewest parentheses the grammar needs; values are printed so that they read
back exactly (floats, percentages, dates, durations, escaped strings).

    >>> from netrules.parser import parse_file
    >>> rf, _ = parse_file('param  limit=3\\nrule "r" { title "T" severity info '
    ...                    'when member.connection_count<limit message "few" }')
    >>> print(print_rule_file(rf))
    param limit = 3
    <BLANKLINE>
    rule "r" {
      title "T"
      severity info
      when member.connection_count < limit
      message "few"
    }
    <BLANKLINE>
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from . import nodes as n
from .values import Duration, Range

__all__ = ["print_expr", "print_literal", "print_rule_file", "print_string", "print_template"]

_FLOAT = re.compile(r"\d+\.\d+\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Precedence levels of the grammar, loosest first.
_OR, _AND, _NOT, _CMP, _COALESCE, _SUM, _PRODUCT, _UNARY, _POSTFIX, _ATOM = range(10)


def print_string(value: str) -> str:
    """A double-quoted STRING token whose value is exactly ``value``."""
    if "\x00" in value:
        raise ValueError("a rule file cannot hold a NUL character")
    out = ['"']
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _float(value: float) -> str:
    """A FLOAT token (``\\d+\\.\\d+``) that reads back as ``value`` (not negative)."""
    text = repr(value)
    if _FLOAT.match(text):
        return text
    for digits in range(1, 40):
        text = f"{value:.{digits}f}"
        if float(text) == value:
            return text
    raise ValueError(f"cannot print {value!r} as a number")


def _number(value: int | float) -> str:
    if isinstance(value, bool):  # pragma: no cover - bools are printed by the caller
        raise TypeError(value)
    if value < 0:
        return "-" + _number(-value)
    if isinstance(value, int):
        return str(value)
    return _float(value)


def _percent(value: float) -> str:
    """``0.15`` -> ``15%``: the shortest number ``x`` with ``x / 100 == value``."""
    if value < 0:
        raise ValueError(f"a percentage cannot be negative: {value!r}")
    whole = round(value * 100)
    if whole / 100 == value:
        return f"{whole}%"
    for digits in range(1, 20):
        text = f"{value * 100:.{digits}f}"
        if float(text) / 100 == value:
            return f"{text}%"
    raise ValueError(f"cannot print {value!r} as a percentage")


def _duration(value: Duration) -> str:
    if value.months and value.days:
        raise ValueError(f"no literal means {value!r}")
    if value.months:
        if value.months % 12 == 0:
            years = value.months // 12
            return f"{years} year" + ("s" if years != 1 else "")
        return f"{value.months} month" + ("s" if value.months != 1 else "")
    if value.days and value.days % 7 == 0:
        weeks = value.days // 7
        return f"{weeks} week" + ("s" if weeks != 1 else "")
    return f"{value.days} day" + ("s" if value.days != 1 else "")


def _range(value: Range) -> str:
    if value.high is None:
        return f"{value.low}+"
    return f"{value.low}..{value.high}" + ("+" if value.open else "")


def print_literal(lit: n.Literal) -> str:
    """A literal as it may appear as a parameter default, a table value or a ``set``."""
    return _value(lit.value, lit.kind)


def _value(value: Any, kind: str | None = None) -> str:
    if kind == "percent":
        return _percent(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and kind is None and value >= 0:
        # an item of a literal list: it may have been written as a percentage
        text = _number(value)
        return text if len(text) <= 16 else _percent(value)
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return print_string(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return _duration(value)
    if isinstance(value, Range):
        return _range(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot print a literal {value!r}")


# ---- expressions ----
def _level(e: Any) -> int:
    if isinstance(e, n.Or):
        return _OR
    if isinstance(e, n.And):
        return _AND
    if isinstance(e, n.Not):
        return _NOT
    if isinstance(e, (n.Compare, n.In)):
        return _CMP
    if isinstance(e, n.Coalesce):
        return _COALESCE
    if isinstance(e, n.Arith):
        return _SUM if e.op in "+-" else _PRODUCT
    if isinstance(e, n.Neg):
        return _UNARY
    if isinstance(e, (n.Field, n.Index)):
        return _POSTFIX
    if (
        isinstance(e, n.Literal)
        and isinstance(e.value, (int, float))
        and not isinstance(e.value, bool)
        and e.value < 0
    ):
        return _UNARY  # printed with a leading '-'
    return _ATOM


def print_expr(e: Any, at_least: int = _OR) -> str:
    """An expression, parenthesised only where the grammar needs it."""
    text = _expr(e)
    if _level(e) < at_least:
        return f"({text})"
    return text


def _expr(e: Any) -> str:
    if isinstance(e, n.Literal):
        if e.kind == "range":
            raise ValueError("a range literal cannot appear in an expression; use RangeExpr")
        return _value(e.value, e.kind)
    if isinstance(e, n.Name):
        return e.name
    if isinstance(e, n.RangeExpr):
        return f"{e.low}..{e.high}"
    if isinstance(e, n.Field):
        obj = e.obj
        # `5.low` would lex as a broken float, and `1..5.low` reads badly: bracket atoms
        # that start with a digit.
        need = _POSTFIX if not isinstance(obj, (n.Literal, n.RangeExpr)) else _ATOM + 1
        return f"{print_expr(obj, need)}.{e.name}"
    if isinstance(e, n.Index):
        return f"{print_expr(e.obj, _POSTFIX)}[{print_expr(e.key)}]"
    if isinstance(e, n.Call):
        return f"{e.func}(" + ", ".join(print_expr(a) for a in e.args) + ")"
    if isinstance(e, n.Aggregate):
        if e.var is not None:
            head = f"{e.var} in {print_expr(e.collection, _COALESCE)}"
        else:
            head = print_expr(e.collection)
        text = f"{e.func}({head}"
        if e.where is not None:
            text += f" where {print_expr(e.where)}"
        if e.value is not None:
            text += f" : {print_expr(e.value)}"
            if e.window is not None:
                text += f" within {print_expr(e.window)}"
        return text + ")"
    if isinstance(e, n.Neg):
        return "-" + print_expr(e.operand, _UNARY)
    if isinstance(e, n.Arith):
        level = _level(e)
        return f"{print_expr(e.left, level)} {e.op} {print_expr(e.right, level + 1)}"
    if isinstance(e, n.Compare):
        return f"{print_expr(e.left, _COALESCE)} {e.op} {print_expr(e.right, _COALESCE)}"
    if isinstance(e, n.In):
        op = "not in" if e.negated else "in"
        return f"{print_expr(e.item, _COALESCE)} {op} {print_expr(e.container, _COALESCE)}"
    if isinstance(e, n.Coalesce):
        return f"{print_expr(e.left, _COALESCE)} ?? {print_expr(e.right, _SUM)}"
    if isinstance(e, n.And):
        return f"{print_expr(e.left, _AND)} and {print_expr(e.right, _NOT)}"
    if isinstance(e, n.Or):
        return f"{print_expr(e.left, _OR)} or {print_expr(e.right, _AND)}"
    if isinstance(e, n.Not):
        return "not " + print_expr(e.operand, _NOT)
    if isinstance(e, n.ListExpr):
        return "[" + ", ".join(print_expr(i) for i in e.items) + "]"
    raise TypeError(f"cannot print {type(e).__name__}")


# ---- messages ----
def _template_text(text: str) -> str:
    return print_string(text)[1:-1].replace("{", "{{").replace("}", "}}")


def print_template(t: n.Template) -> str:
    """A message as a STRING token: text escaped, ``{expr}`` and ``{expr:format}`` holes.

    Falls back to the message's raw source text when an expression cannot be
    written inside a one-line string (it holds a brace or a line break).
    """
    out = ['"']
    for part in t.parts:
        if isinstance(part, str):
            out.append(_template_text(part))
            continue
        expr, fmt = part
        code = print_expr(expr)
        if any(c in code for c in "{}\n") or (
            fmt is None and re.search(r":\s*(percent|\d+)\s*\Z", code)
        ):
            if t.raw:
                return t.raw
            raise ValueError(f"cannot print {code!r} inside a message")
        code = code.replace('"', '\\"')
        out.append("{" + code + (f":{fmt}" if fmt is not None else "") + "}")
    out.append('"')
    return "".join(out)


# ---- example data ----
def _json(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return print_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_key(k)}: {_json(v)}" for k, v in value.items()) + " }"
            if value
            else "{}"
        )
    raise TypeError(f"cannot print example data {value!r}")


def _key(key: str) -> str:
    return key if _NAME.match(key) and key not in ("true", "false", "null") else print_string(key)


# ---- items ----
def _rule(r: n.Rule) -> str:
    lines = [f"rule {print_string(r.id)} {{"]
    add = lines.append
    if r.title is not None:
        add(f"  title {print_string(r.title)}")
    if r.severity is not None:
        add(f"  severity {r.severity}")
    if r.category is not None:
        add(f"  category {print_string(r.category)}")
    if r.tags:
        add("  tags " + ", ".join(print_string(t) for t in r.tags))
    if r.source is not None:
        add(f"  source {print_string(r.source)}")
    if r.why is not None:
        add(f"  why {print_string(r.why)}")
    if r.advice:
        add(
            "  advice "
            + ", ".join(ref if is_name else print_string(ref) for ref, is_name, _span in r.advice)
        )
    fe = r.for_each
    if fe is not None:
        text = f"  for each {fe.var} in {print_expr(fe.collection)}"
        if fe.where is not None:
            text += f" where {print_expr(fe.where)}"
        if fe.group_key is not None:
            text += f" group by {print_expr(fe.group_key)} as {fe.group_name}"
        add(text)
    if r.when is not None:
        add(f"  when {print_expr(r.when)}")
    if r.lower is not None:
        add(f"  lower severity to {r.lower.severity} when {print_expr(r.lower.condition)}")
    if r.suppresses:
        add("  suppresses " + ", ".join(print_string(rid) for rid, _span in r.suppresses))
    if r.defers_to:
        add("  defers to " + ", ".join(print_string(rid) for rid, _span in r.defers_to))
    if r.message is not None:
        add(f"  message {print_template(r.message)}")
    agg = r.aggregate
    if agg is not None:
        add("  aggregate {")
        if agg.order is not None:
            direction = " descending" if agg.descending else ""
            add(f"    order by {print_expr(agg.order)}{direction}")
        if agg.label is not None:
            add(f"    label {print_expr(agg.label)}")
        add(f"    show {agg.show}")
        if agg.message is not None:
            add(f"    message {print_template(agg.message)}")
        add("  }")
    if r.evidence:
        add(
            "  evidence { "
            + ", ".join(f"{ev.key}: {print_expr(ev.value)}" for ev in r.evidence)
            + " }"
        )
    for ex in r.examples:
        expect = "fires" if ex.fires else "passes"
        name = f" {print_string(ex.name)}" if ex.name is not None else ""
        add(f"  example {expect}{name} {_json(ex.data)}")
    add("}")
    return "\n".join(lines)


def _item(item: Any) -> str:
    if isinstance(item, n.Param):
        text = f"param {item.name}"
        if item.type_name is not None:
            text += f": {item.type_name}"
        text += f" = {print_literal(item.value)}"
        if item.bounds is not None:
            low, high = (print_literal(n.Literal(b, item.span, "number")) for b in item.bounds)
            text += f" in {low}..{high}"
        if item.doc is not None:
            text += f" {print_string(item.doc)}"
        return text
    if isinstance(item, n.Advice):
        return f"advice {item.name} = {print_string(item.text)}"
    if isinstance(item, n.Table):
        rows = [
            f"  {'default' if r.key is None else print_string(r.key)}: {print_literal(r.value)}"
            for r in item.rows
        ]
        return f"table {item.name} {{\n" + "".join(row + "\n" for row in rows) + "}"
    if isinstance(item, n.Define):
        params = f"({', '.join(item.params)})" if item.params else ""
        return f"define {item.name}{params} = {print_expr(item.body)}"
    if isinstance(item, n.Rule):
        return _rule(item)
    if isinstance(item, n.SetParam):
        return f"set {item.name} = {print_literal(item.value)}"
    if isinstance(item, n.SetRow):
        key = "default" if item.key is None else print_string(item.key)
        return f"set {item.table}[{key}] = {print_literal(item.value)}"
    if isinstance(item, n.Disable):
        return "disable " + ", ".join(print_string(rid) for rid, _span in item.ids)
    if isinstance(item, n.Example):
        text = f"example {print_string(item.name or '')}"
        if item.fires:
            text += " fires " + ", ".join(print_string(r) for r in item.fires)
        if item.passes:
            text += " passes " + ", ".join(print_string(r) for r in item.passes)
        return f"{text} {_json(item.data)}"
    raise TypeError(f"cannot print {type(item).__name__}")


def print_rule_file(rule_file: n.RuleFile) -> str:
    """The text of a rule file: one item per paragraph, two-space indented clauses."""
    return (
        "".join(_item(item) + "\n\n" for item in rule_file.items).rstrip("\n") + "\n"
        if rule_file.items
        else ""
    )
