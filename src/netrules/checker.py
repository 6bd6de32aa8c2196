"""Names, types and rule metadata, checked before anything runs.

The checker reads every file of a rule set, reports *every* problem it finds
(not just the first), resolves overrides and disables, and returns a
:class:`Program`: the checked rules plus the type of every expression, which
the compiler trusts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from . import nodes as n
from .diagnostics import Diagnostic, Span, Suggester, source_lines
from .schema import FACT_FUNCTIONS, FIELDS, FUNCTIONS, ITEM_KINDS, ROOTS
from .values import Duration, Range, out_of_bounds

__all__ = [
    "SEVERITIES",
    "ParamInfo",
    "Program",
    "TableInfo",
    "check",
    "literal_type",
    "out_of_bounds",
    "range_warning",
    "value_fits",
]

SEVERITIES = ("info", "warning", "error")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
_AGGREGATES = (
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "any",
    "all",
    "distinct",
    "peak",
    "collect",
    "first",
)
MAX_NESTING = 200  # total expression depth, definitions included (the compiler recurses too)
# Cost bounds proved before anything runs (docs/semantics.md, "Limits"):
MAX_EXPANSION = 20_000  # nodes that calls of definitions with parameters may expand to (NR209)
MAX_STRING_CHARS = 100_000  # characters of rule text a string expression may join (NR210)
MAX_STRING_COPIES = 64  # input values a string expression may join (NR210)
_TYPE_NAMES = ("number", "string", "bool", "date", "duration", "list")
_ORDERED = ("number", "date", "string", "duration")
_WORD = {
    "number": "a number",
    "string": "a string",
    "bool": "true/false",
    "date": "a date",
    "duration": "a duration",
    "range": "a range",
    "any": "a value",
}


def _word(t: str) -> str:
    if t in _WORD:
        return _WORD[t]
    if t.startswith("list:"):
        return "a list" if t == "list:any" else f"a list of {t[5:]}s"
    if t.startswith("coll:"):
        return f"the collection of {t[5:]}s"
    if t.startswith("rec:"):
        return f"a {t[4:]}"
    if t.startswith("table:"):
        return "a table"
    return t


def literal_type(lit: n.Literal) -> str:
    """The language type of a literal value."""
    if lit.kind in ("number", "percent"):
        return "number"
    if lit.kind == "list":
        kinds = {literal_type(n.Literal(v, lit.span, _kind_of(v))) for v in lit.value}
        return "list:" + (kinds.pop() if len(kinds) == 1 else "any")
    return lit.kind


def range_warning(info: ParamInfo, value: Any) -> tuple[str, str] | None:
    """(message, hint) of NR321 when an override leaves the parameter's range."""
    if not out_of_bounds(value, info.bounds):
        return None
    low, high = info.bounds or (0, 0)
    message = (
        f"{show_value(value)} is outside the range {show_value(low)}..{show_value(high)} "
        f"of parameter '{info.name}'"
    )
    if high <= 1 and 1 < value <= 100:
        return (
            message,
            f"a share is written as a percentage or a fraction: {value}% or {value / 100}",
        )
    return message, f"the default is {show_value(info.default)}"


def value_fits(vtype: str, value: Any, ptype: str) -> bool:
    """Whether a value of type ``vtype`` may replace a parameter of type ``ptype``.

    Lists are checked by their items: ``[1]`` is no list of strings, a list of
    dates no list of strings, and a list mixing types fits nothing; the empty
    list fits every list, and a parameter whose default is ``[]`` takes any list
    of one type.
    """
    if vtype == ptype:
        return vtype != "list:any" or not value
    if not (vtype.startswith("list:") and ptype.startswith("list:")):
        return False
    if vtype == "list:any":
        return not value
    return ptype == "list:any"


def show_value(value: Any) -> str:
    """A parameter value as a rule author writes it (lists in brackets, strings quoted)."""
    import datetime as _dt

    if isinstance(value, tuple):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


def _kind_of(v: Any) -> str:
    import datetime as _dt

    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, _dt.date):
        return "date"
    if isinstance(v, Duration):
        return "duration"
    if isinstance(v, Range):
        return "range"
    return "list"


@attrs.frozen
class ParamInfo:
    """A parameter: its type, default value, the reason for the value, where it is."""

    name: str
    type: str
    default: Any
    doc: str | None
    path: str
    span: Span
    bounds: tuple[int | float, int | float] | None = None  # the values that make sense


@attrs.frozen
class TableInfo:
    """A lookup table: rows keyed case-insensitively, an optional default row."""

    name: str
    value_type: str
    rows: dict[str, Any]  # casefolded key -> value
    keys: dict[str, str]  # casefolded key -> key as written
    default: Any
    has_default: bool
    path: str
    span: Span


@attrs.frozen
class RuleInfo:
    """A checked rule and the file it came from, with its advice resolved to text."""

    node: n.Rule
    path: str
    advice: tuple[str, ...]
    subject_kind: str
    collection: str | None  # root collection of a per-item or group rule


@attrs.define
class Program:
    """A checked rule set, ready for the compiler."""

    params: dict[str, ParamInfo]
    tables: dict[str, TableInfo]
    advice: dict[str, str]
    defines: dict[str, n.Define]
    rules: list[RuleInfo]
    examples: list[tuple[n.Example, str]]
    types: dict[int, tuple[str, bool]]
    expansions: dict[int, Any]
    define_types: dict[str, tuple[str, bool]]
    diagnostics: list[Diagnostic]
    disabled: tuple[str, ...] = ()
    keep: list[Any] = attrs.Factory(list)
    # file path -> (parameter values, tables) as they stood after that file was read
    snapshots: dict[str, tuple[dict[str, Any], dict[str, Any]]] = attrs.Factory(dict)
    # precedence: rule -> the rules whose findings it hides (suppresses / defers to)
    precedence: dict[str, tuple[str, ...]] = attrs.Factory(dict)


class _Scope:
    __slots__ = ("aggregate", "names", "parent")

    def __init__(
        self, parent: _Scope | None, names: dict[str, tuple[str, bool]], aggregate: Any = None
    ):
        self.parent = parent
        self.names = names
        self.aggregate = aggregate


class Checker:
    def __init__(self, files: list[n.RuleFile]):
        self.files = files
        self.diags: list[Diagnostic] = []
        self.lines: dict[str, list[str]] = {f.path: source_lines(f.text) for f in files}
        self.path = ""
        self.params: dict[str, ParamInfo] = {}
        self.param_nodes: dict[str, n.Param] = {}
        self.tables: dict[str, TableInfo] = {}
        self.advice: dict[str, str] = {}
        self.advice_nodes: dict[str, tuple[n.Advice, str]] = {}
        self.defines: dict[str, n.Define] = {}
        self.define_paths: dict[str, str] = {}
        self.define_types: dict[str, tuple[str, bool]] = {}
        self.define_stack: list[str] = []
        # An argument of a call is typed inside the callee's substituted body, but it was
        # written at the call site: typed with the definitions open there, so that
        # twice(twice(x)) is not taken for recursion.
        self.arg_base: dict[int, int] = {}
        self.types: dict[int, tuple[str, bool]] = {}
        self.expansions: dict[int, Any] = {}
        self.node_paths: dict[int, str] = {}
        self.used: set[str] = set()
        self.keep: list[Any] = []
        self.snapshots: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self.depth = 0
        self.too_deep = False
        self.precedence: dict[str, tuple[str, ...]] = {}  # winner -> rules it hides
        self.suggest = Suggester()
        self.expanded = 0  # nodes made by expanding definitions with parameters so far
        self.too_big = False
        self.sizes: dict[int, int] = {}  # id(node) -> nodes in its tree
        self.str_sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (literal chars, copies)

    # ---- diagnostics ----
    def error(
        self,
        code: str,
        message: str,
        span: Span,
        hint: str | None = None,
        path: str | None = None,
        severity: str = "error",
    ) -> None:
        path = path or self.path
        lines = self.lines.get(path, [])
        line = lines[span.line - 1] if 0 < span.line <= len(lines) else None
        self.diags.append(Diagnostic(code, severity, message, path, span, hint, line))

    def _path_of(self, node: Any) -> str:
        return self.node_paths.get(id(node), self.path)

    def node_error(
        self, node: Any, code: str, message: str, hint: str | None = None, span: Span | None = None
    ) -> None:
        self.error(code, message, span or node.span, hint, self._path_of(node))

    # ---- pass 1: declarations ----
    def declare(self) -> None:
        taken: dict[str, tuple[str, Span]] = {}

        def claim(name: str, span: Span) -> bool:
            if name in ROOTS or name in FUNCTIONS or name in _AGGREGATES or name == "group":
                self.error(
                    "NR307",
                    f"'{name}' is a built-in name and cannot be redefined",
                    span,
                    "choose another name",
                )
                return False
            if name in taken:
                prev_path, prev = taken[name][0], taken[name][1]
                self.error(
                    "NR307",
                    f"'{name}' is already defined",
                    span,
                    f"first defined at {prev_path}:{prev.line}:{prev.column}",
                )
                return False
            taken[name] = (self.path, span)
            return True

        for f in self.files:
            self.path = f.path
            for item in f.items:
                if isinstance(item, n.Param) and claim(item.name, item.span):
                    self.declare_param(item)
                elif isinstance(item, n.Advice) and claim(item.name, item.span):
                    self.advice[item.name] = item.text
                    self.advice_nodes[item.name] = (item, f.path)
                elif isinstance(item, n.Table) and claim(item.name, item.span):
                    self.declare_table(item)
                elif isinstance(item, n.Define) and claim(item.name, item.span):
                    self.defines[item.name] = item
                    self.define_paths[item.name] = f.path

    def declare_param(self, p: n.Param) -> None:
        ltype = literal_type(p.value)
        if ltype == "list:any" and p.value.value:
            self.error(
                "NR203",
                f"the items of parameter '{p.name}' are of different types",
                p.value.span,
                "a list holds values of one type",
            )
        ptype = ltype
        if p.type_name is not None:
            if p.type_name not in _TYPE_NAMES:
                hint = self.suggest(p.type_name, _TYPE_NAMES)
                self.error(
                    "NR203",
                    f"unknown type '{p.type_name}'",
                    p.span,
                    f"did you mean '{hint}'?" if hint else "types are " + ", ".join(_TYPE_NAMES),
                )
            else:
                ptype = ltype if p.type_name == "list" and ltype.startswith("list") else p.type_name
                if ptype != ltype:
                    self.error(
                        "NR310",
                        f"parameter '{p.name}' is declared {p.type_name} but its "
                        f"default is {_word(ltype)}",
                        p.value.span,
                    )
        bounds = p.bounds
        if bounds is not None:
            bspan = p.bounds_span or p.span
            if ptype != "number":
                self.error(
                    "NR203",
                    f"only a number parameter can have a range; '{p.name}' is {_word(ptype)}",
                    bspan,
                    "remove 'in low..high'",
                )
                bounds = None
            elif bounds[1] < bounds[0]:
                self.error(
                    "NR306",
                    f"range {bounds[0]}..{bounds[1]} is inverted",
                    bspan,
                    f"write {bounds[1]}..{bounds[0]}",
                )
                bounds = None
            elif out_of_bounds(p.value.value, bounds):
                self.error(
                    "NR310",
                    f"the default of '{p.name}' is outside its range "
                    f"{show_value(bounds[0])}..{show_value(bounds[1])}",
                    p.value.span,
                    "change the default or widen the range",
                )
        self.params[p.name] = ParamInfo(
            p.name, ptype, p.value.value, p.doc, self.path, p.span, bounds
        )
        self.param_nodes[p.name] = p

    def table_value_type(self, lit: n.Literal) -> str:
        return "range" if lit.kind == "range" else literal_type(lit)

    def check_range(self, lit: n.Literal) -> None:
        r = lit.value
        if isinstance(r, Range) and r.high is not None and r.high < r.low:
            self.error(
                "NR306",
                f"range {r.low}..{r.high} is inverted",
                lit.span,
                f"write {r.high}..{r.low}",
            )

    def declare_table(self, t: n.Table) -> None:
        rows: dict[str, Any] = {}
        keys: dict[str, str] = {}
        default = None
        has_default = False
        vtype = None
        for row in t.rows:
            rtype = self.table_value_type(row.value)
            self.check_range(row.value)
            if vtype is None:
                vtype = rtype
            elif rtype != vtype:
                self.error(
                    "NR203",
                    f"row value is {_word(rtype)} but earlier rows are {_word(vtype)}",
                    row.value.span,
                    "every row of a table has one type",
                )
            if row.key is None:
                if has_default:
                    self.error("NR305", "table has two default rows", row.span)
                has_default, default = True, row.value.value
                continue
            folded = row.key.casefold().strip()
            if folded in rows:
                self.error(
                    "NR305",
                    f"duplicate key \"{row.key}\" in table '{t.name}'",
                    row.span,
                    f'keys compare case-insensitively; "{keys[folded]}" is already a row',
                )
                continue
            rows[folded] = row.value.value
            keys[folded] = row.key
        self.tables[t.name] = TableInfo(
            t.name, vtype or "number", rows, keys, default, has_default, self.path, t.span
        )

    # ---- overrides ----
    def apply_overrides(self, rule_ids: dict[str, Any]) -> tuple[str, ...]:
        disabled: list[str] = []
        for f in self.files:
            self.path = f.path
            for item in f.items:
                if isinstance(item, n.SetParam):
                    info = self.params.get(item.name)
                    if info is None:
                        hint = self.suggest(item.name, self.params)
                        self.error(
                            "NR309",
                            f"unknown parameter '{item.name}'",
                            item.span,
                            f"did you mean '{hint}'?" if hint else None,
                        )
                        continue
                    self.used.add(item.name)
                    vtype = literal_type(item.value)
                    if not value_fits(vtype, item.value.value, info.type):
                        self.error(
                            "NR310",
                            f"parameter '{item.name}' is {_word(info.type)}; got {_word(vtype)}"
                            + (" of mixed types" if vtype == "list:any" else ""),
                            item.value.span,
                            f"the default is {show_value(info.default)}",
                        )
                        continue
                    self.params[item.name] = attrs.evolve(info, default=item.value.value)
                    warning = range_warning(info, item.value.value)
                    if warning is not None:
                        self.error(
                            "NR321", warning[0], item.value.span, warning[1], severity="warning"
                        )
                elif isinstance(item, n.SetRow):
                    table = self.tables.get(item.table)
                    if table is None:
                        hint = self.suggest(item.table, self.tables)
                        self.error(
                            "NR309",
                            f"unknown table '{item.table}'",
                            item.span,
                            f"did you mean '{hint}'?" if hint else None,
                        )
                        continue
                    vtype = self.table_value_type(item.value)
                    self.check_range(item.value)
                    if vtype != table.value_type:
                        self.error(
                            "NR310",
                            f"table '{item.table}' holds {_word(table.value_type)}"
                            f"; got {_word(vtype)}",
                            item.value.span,
                        )
                        continue
                    if item.key is None:
                        object.__setattr__(table, "default", item.value.value)
                        object.__setattr__(table, "has_default", True)
                    else:
                        folded = item.key.casefold().strip()
                        table.rows[folded] = item.value.value
                        table.keys.setdefault(folded, item.key)
                elif isinstance(item, n.Disable):
                    for rid, span in item.ids:
                        if rid not in rule_ids:
                            hint = self.suggest(rid, rule_ids)
                            self.error(
                                "NR309",
                                f'cannot disable unknown rule "{rid}"',
                                span,
                                f'did you mean "{hint}"?' if hint else None,
                            )
                        else:
                            disabled.append(rid)
            # what the parameters and tables were once this file was read: its examples
            # (and those of the files before it) are checked against exactly that
            self.snapshots[f.path] = (
                {name: p.default for name, p in self.params.items()},
                {
                    name: (dict(t.rows), t.default if t.has_default else None)
                    for name, t in self.tables.items()
                },
            )
        return tuple(disabled)

    # ---- expressions ----
    def lookup(self, name: str, scope: _Scope | None) -> tuple[str, bool] | None:
        s = scope
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None

    def visible(self, scope: _Scope | None) -> list[str]:
        out: list[str] = []
        s = scope
        while s is not None:
            out.extend(s.names)
            s = s.parent
        return out + list(self.params) + list(self.defines) + list(self.tables) + list(ROOTS)

    def typeof(self, e: Any, scope: _Scope | None) -> tuple[str, bool]:
        if self.depth >= MAX_NESTING:  # through definitions: refuse before Python's stack does
            if not self.too_deep:
                self.too_deep = True
                self.node_error(
                    e,
                    "NR103",
                    f"expression nested more than {MAX_NESTING} levels deep through definitions",
                    "flatten the chain of definitions",
                )
            return "any", True
        self.depth += 1
        saved = self.define_stack
        base = self.arg_base.get(id(e))
        if base is not None and base < len(saved):
            self.define_stack = saved[:base]
        try:
            result = self._typeof(e, scope)
        finally:
            self.depth -= 1
            self.define_stack = saved
        self.types[id(e)] = result
        if result[0] == "string":
            self.string_growth(e)
        return result

    def string_growth(self, e: Any) -> None:
        """Bound what a string can grow to: ``s + s`` through a chain of definitions
        doubles at every step, so the checker counts, before anything runs, the
        literal characters and the input values each string expression joins."""
        sizes = self.str_sizes
        if isinstance(e, n.Literal):
            size = (len(e.value), 0)
        elif isinstance(e, n.Arith):
            (lc, lk), (rc, rk) = sizes.get(id(e.left), (0, 1)), sizes.get(id(e.right), (0, 1))
            size = (lc + rc, lk + rk)
        elif isinstance(e, n.Coalesce):
            (lc, lk), (rc, rk) = sizes.get(id(e.left), (0, 1)), sizes.get(id(e.right), (0, 1))
            size = (max(lc, rc), max(lk, rk))
        elif isinstance(e, n.Name) and e.name in self.defines:
            size = sizes.get(id(self.defines[e.name].body), (0, 1))
        elif isinstance(e, n.Call) and id(e) in self.expansions:
            size = sizes.get(id(self.expansions[id(e)]), (0, 1))
        elif (
            isinstance(e, n.Call)
            and e.func in ("lower", "upper", "trim", "normalize", "shorten")
            and e.args
        ):
            size = sizes.get(id(e.args[0]), (0, 1))
        else:
            size = (0, 1)  # an input value, a table row, a parameter: one bounded copy
        sizes[id(e)] = size
        chars, copies = size
        too_long = chars > MAX_STRING_CHARS or copies > MAX_STRING_COPIES
        if too_long and isinstance(e, n.Arith) and not self.too_big:
            self.too_big = True
            self.node_error(
                e,
                "NR210",
                f"this string joins {copies:,} values (fields, parameters, rows)"
                if copies > MAX_STRING_COPIES
                else f"this string can grow to {chars:,} characters",
                f"a string may join at most {MAX_STRING_CHARS:,} characters and "
                f"{MAX_STRING_COPIES} values; joining a definition with itself "
                "doubles it at every step",
            )

    def expect(self, e: Any, scope: _Scope | None, want: str, what: str) -> tuple[str, bool]:
        t, nullable = self.typeof(e, scope)
        if t != "any" and t != want:
            self.node_error(e, "NR203", f"{what} must be {_word(want)}, not {_word(t)}")
        return t, nullable

    def _typeof(self, e: Any, scope: _Scope | None) -> tuple[str, bool]:
        if isinstance(e, n.Literal):
            return literal_type(e), False
        if isinstance(e, n.Name):
            return self.type_name(e, scope)
        if isinstance(e, n.Field):
            return self.type_field(e, scope)
        if isinstance(e, n.Index):
            return self.type_index(e, scope)
        if isinstance(e, n.Call):
            return self.type_call(e, scope)
        if isinstance(e, n.Aggregate):
            return self.type_aggregate(e, scope)
        if isinstance(e, n.Neg):
            t, nl = self.expect(e.operand, scope, "number", "the operand of '-'")
            return "number", nl
        if isinstance(e, n.Arith):
            return self.type_arith(e, scope)
        if isinstance(e, n.Compare):
            return self.type_compare(e, scope)
        if isinstance(e, n.In):
            return self.type_in(e, scope)
        if isinstance(e, (n.And, n.Or)):
            word = "and" if isinstance(e, n.And) else "or"
            _, l_null = self.expect(e.left, scope, "bool", f"each side of '{word}'")
            _, r_null = self.expect(e.right, scope, "bool", f"each side of '{word}'")
            return "bool", l_null or r_null
        if isinstance(e, n.Not):
            _, nl = self.expect(e.operand, scope, "bool", "the operand of 'not'")
            return "bool", nl
        if isinstance(e, n.Coalesce):
            lt, _ = self.typeof(e.left, scope)
            rt, r_null = self.typeof(e.right, scope)
            if "any" not in (lt, rt) and lt != rt and "list:any" not in (lt, rt):
                self.node_error(
                    e,
                    "NR203",
                    f"'??' needs both sides of one type; got {_word(lt)} and {_word(rt)}",
                )
            return (lt if lt != "any" else rt), r_null
        if isinstance(e, n.ListExpr):
            kinds = set()
            nullable = False
            for item in e.items:
                t, nl = self.typeof(item, scope)
                kinds.add(t)
                nullable = nullable or nl
            kinds.discard("any")
            if len(kinds) > 1:
                self.node_error(e, "NR203", "list items must all be of one type")
                return "list:any", nullable
            return "list:" + (kinds.pop() if kinds else "any"), nullable
        if isinstance(e, n.RangeExpr):
            if e.high < e.low:
                self.node_error(
                    e, "NR306", f"range {e.low}..{e.high} is inverted", f"write {e.high}..{e.low}"
                )
            return "range", False
        raise AssertionError(type(e))  # pragma: no cover

    def type_name(self, e: n.Name, scope: _Scope | None) -> tuple[str, bool]:
        name = e.name
        local = self.lookup(name, scope)
        if local is not None:
            self.note_local(name, scope, e)
            return local
        if name in self.params:
            self.used.add(name)
            return self.params[name].type, False
        if name in self.defines:
            self.used.add(name)
            d = self.defines[name]
            if d.params:
                self.node_error(
                    e,
                    "NR204",
                    f"'{name}' takes {len(d.params)} argument(s)",
                    f"call it as {name}({', '.join(d.params)})",
                )
                return "any", True
            return self.type_define(d)
        if name in self.tables:
            self.used.add(name)
            self.node_error(e, "NR207", f"table '{name}' must be indexed", f"write {name}[key]")
            return "any", True
        if name in ROOTS:
            return ROOTS[name], False
        if name == "group":
            self.node_error(
                e,
                "NR201",
                "'group' exists only in a rule with 'group by'",
                "add 'group by KEY as NAME' to 'for each', or aggregate over the collection",
            )
            return "any", True
        hint = None if self.suggest.spent else self.suggest(name, self.visible(scope))
        if name in ("null", "none", "None"):
            hint_text: str | None = (
                "test for missing data with known(x), or give a fallback with x ?? value"
            )
        else:
            hint_text = f"did you mean '{hint}'?" if hint else None
        self.node_error(e, "NR201", f"unknown name '{name}'", hint_text)
        return "any", True

    def note_local(self, name: str, scope: _Scope | None, e: Any) -> None:
        """A local used inside an aggregate must be bound inside it (linear time).

        One exception: an aggregate over ``group`` may read the group's key and the
        group itself (once per group: linear in all).  Inside another aggregate it
        would run once per item of that one, quadratic, like any correlated aggregate.
        """
        s = scope
        crossed = 0
        while s is not None:
            if name in s.names:
                return
            agg = s.aggregate
            if agg is None:
                s = s.parent
                continue
            crossed += 1
            over_group = isinstance(agg.collection, n.Name) and agg.collection.name == "group"
            if not over_group or crossed > 1 or self.binds_in_aggregate(name, s.parent):
                self.node_error(
                    e,
                    "NR205",
                    f"'{name}' comes from outside this {agg.func}(...)",
                    "an aggregate that depends on the current item rescans the "
                    "collection for every item; use 'group by' or a definition",
                )
                return
            s = s.parent

    @staticmethod
    def binds_in_aggregate(name: str, scope: _Scope | None) -> bool:
        """Whether ``name`` is bound by an enclosing aggregate (not the group rule)."""
        s = scope
        while s is not None:
            if name in s.names:
                return s.aggregate is not None
            s = s.parent
        return False

    def type_define(self, d: n.Define) -> tuple[str, bool]:
        if d.name in self.define_types:
            return self.define_types[d.name]
        if d.name in self.define_stack:
            self.error(
                "NR208",
                f"definition '{d.name}' refers to itself",
                d.span,
                "definitions cannot be recursive",
                self.define_paths[d.name],
            )
            return "any", True
        self.define_stack.append(d.name)
        saved = self.path
        self.path = self.define_paths[d.name]
        try:
            result = self.typeof(d.body, None)
        finally:
            self.path = saved
            self.define_stack.pop()
        self.define_types[d.name] = result
        return result

    def type_field(self, e: n.Field, scope: _Scope | None) -> tuple[str, bool]:
        t, nullable = self.typeof(e.obj, scope)
        if t == "any":
            return "any", True
        record = t[4:] if t.startswith("rec:") else ("range" if t == "range" else None)
        if record is None:
            hint = (
                "use an aggregate such as count(x in ...)"
                if t.startswith(("coll", "list"))
                else None
            )
            self.node_error(e, "NR202", f"{_word(t)} has no field '{e.name}'", hint, e.name_span)
            return "any", True
        fields = FIELDS[record]
        if e.name not in fields:
            hint = self.suggest(e.name, fields)
            self.node_error(
                e,
                "NR202",
                f"unknown field '{e.name}' on {record}",
                f"did you mean '{hint}'?" if hint else "fields are " + ", ".join(fields),
                e.name_span,
            )
            return "any", True
        ftype, fnull, _ = fields[e.name]
        return ftype, nullable or fnull

    def type_index(self, e: n.Index, scope: _Scope | None) -> tuple[str, bool]:
        if (
            isinstance(e.obj, n.Name)
            and e.obj.name in ITEM_KINDS
            and self.lookup(e.obj.name, scope) is None
        ):
            return self.type_lookup(e, scope)
        if not isinstance(e.obj, n.Name) or e.obj.name not in self.tables:
            if (
                isinstance(e.obj, n.Name)
                and self.lookup(e.obj.name, scope) is None
                and e.obj.name not in ROOTS
                and e.obj.name not in self.params
                and e.obj.name not in self.defines
            ):
                hint = self.suggest(e.obj.name, self.tables)
                self.node_error(
                    e.obj,
                    "NR201",
                    f"unknown table '{e.obj.name}'",
                    f"did you mean '{hint}'?"
                    if hint
                    else f'declare it: table {e.obj.name} {{ "key": value, default: value }}',
                )
            else:
                self.typeof(e.obj, scope)
                self.node_error(e, "NR207", "only tables can be indexed with [...]")
            self.typeof(e.key, scope)
            return "any", True
        table = self.tables[e.obj.name]
        self.used.add(table.name)
        self.types[id(e.obj)] = ("table:" + table.value_type, False)
        kt, _ = self.typeof(e.key, scope)
        if kt not in ("string", "any"):
            self.node_error(e.key, "NR203", f"table keys are strings, not {_word(kt)}")
        return table.value_type, True

    def type_lookup(self, e: n.Index, scope: _Scope | None) -> tuple[str, bool]:
        """``connections[id]``: the item of a root collection with that id, or unknown."""
        assert isinstance(e.obj, n.Name)
        kind = ITEM_KINDS[e.obj.name]
        self.types[id(e.obj)] = ("coll:" + kind, False)
        kt, _ = self.typeof(e.key, scope)
        if kt not in ("string", "any"):
            self.node_error(
                e.key,
                "NR203",
                f"{e.obj.name} are looked up by id, a string, not {_word(kt)}",
                f"write {e.obj.name}[x.id] or, from a removal, connections[r.connection]",
            )
        return "rec:" + kind, True

    def type_call(self, e: n.Call, scope: _Scope | None) -> tuple[str, bool]:
        if e.func in self.defines:
            return self.expand(e, scope)
        if e.func not in FUNCTIONS:
            hint = self.suggest(e.func, list(FUNCTIONS) + list(self.defines))
            self.node_error(
                e,
                "NR204",
                f"unknown function '{e.func}'",
                f"did you mean '{hint}'?" if hint else "functions are " + ", ".join(FUNCTIONS),
                e.name_span,
            )
            for a in e.args:
                self.typeof(a, scope)
            return "any", True
        arg_types, minimum, result = FUNCTIONS[e.func]
        if not minimum <= len(e.args) <= len(arg_types):
            count = str(minimum) if minimum == len(arg_types) else f"{minimum} or {len(arg_types)}"
            shape = ", ".join(
                a.split("|")[0].replace("*", "x") for a in arg_types[: max(minimum, len(e.args))]
            )
            self.node_error(
                e,
                "NR204",
                f"{e.func}() takes {count} argument(s), got {len(e.args)}",
                f"write {e.func}({shape})",
            )
        nullable = False
        for i, a in enumerate(e.args):
            t, nl = self.typeof(a, scope)
            nullable = nullable or nl
            if i >= len(arg_types) or t == "any" or arg_types[i] == "*":
                continue
            allowed = arg_types[i].split("|")
            if t not in allowed and t.split(":")[0] not in allowed:
                self.node_error(
                    a,
                    "NR203",
                    f"argument {i + 1} of {e.func}() must be "
                    + " or ".join(_word(x) for x in allowed)
                    + f", not {_word(t)}",
                )
        if e.func == "known":
            return "bool", False
        if e.func in FACT_FUNCTIONS and e.args:
            arg = e.args[0]
            if not (
                isinstance(arg, n.Field)
                and isinstance(arg.obj, n.Name)
                and arg.obj.name == "member"
                and self.lookup("member", scope) is None
            ):
                self.node_error(
                    arg,
                    "NR203",
                    f"{e.func}() takes a member field, such as member.career_level",
                )
            return result, True
        return result, nullable

    def expand(self, e: n.Call, scope: _Scope | None) -> tuple[str, bool]:
        d = self.defines[e.func]
        self.used.add(d.name)
        if len(e.args) != len(d.params):
            self.node_error(
                e, "NR204", f"'{d.name}' takes {len(d.params)} argument(s), got {len(e.args)}"
            )
            for a in e.args:
                self.typeof(a, scope)
            return "any", True
        if d.name in self.define_stack:
            self.error(
                "NR208",
                f"definition '{d.name}' refers to itself",
                d.span,
                "definitions cannot be recursive",
                self.define_paths[d.name],
            )
            return "any", True
        mapping = dict(zip(d.params, e.args, strict=False))
        self.expanded += self.expansion_size(d, mapping)
        if self.expanded > MAX_EXPANSION:
            if not self.too_big:
                self.too_big = True
                self.node_error(
                    e,
                    "NR209",
                    f"calls of definitions with parameters expand to more than "
                    f"{MAX_EXPANSION:,} nodes",
                    "each call copies the definition's body with its arguments; a definition "
                    "that calls another one twice doubles the size at every step. "
                    "Use a definition without parameters, computed once",
                    e.name_span,
                )
            for a in e.args:
                self.typeof(a, scope)
            return "any", True
        body = _substitute(d.body, mapping, self.node_paths, self.define_paths[d.name])
        self.keep.append(body)
        self.expansions[id(e)] = body
        for a in e.args:  # the outermost call an argument node reaches is where it was written
            self.arg_base.setdefault(id(a), len(self.define_stack))
        self.define_stack.append(d.name)
        try:
            return self.typeof(body, scope)
        finally:
            self.define_stack.pop()

    def size(self, root: Any) -> int:
        """Nodes in an expression tree (iteratively, cached by node)."""
        hit = self.sizes.get(id(root))
        if hit is not None:
            return hit
        count = 0
        stack = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, tuple):
                stack.extend(node)
                continue
            if not attrs.has(type(node)) or isinstance(node, (n.Literal, n.RangeExpr)):
                count += isinstance(node, (n.Literal, n.RangeExpr))
                continue
            count += 1
            if isinstance(node, n.Call) and id(node) in self.expansions:
                stack.append(self.expansions[id(node)])
                continue
            for field in attrs.fields(type(node)):
                if field.name not in ("span", "name_span"):
                    stack.append(getattr(node, field.name))
        self.sizes[id(root)] = count
        return count

    def expansion_size(self, d: n.Define, mapping: dict[str, Any]) -> int:
        """The nodes one call makes: the body, each parameter counted as its argument."""
        uses: dict[str, int] = {}
        stack = [d.body]
        count = 0
        while stack:
            node = stack.pop()
            if isinstance(node, tuple):
                stack.extend(node)
                continue
            if not attrs.has(type(node)):
                continue
            count += 1
            if isinstance(node, n.Name) and node.name in mapping:
                uses[node.name] = uses.get(node.name, 0) + 1
            for field in attrs.fields(type(node)):
                if field.name not in ("span", "name_span"):
                    stack.append(getattr(node, field.name))
        return count + sum(k * self.size(mapping[name]) for name, k in uses.items())

    def type_aggregate(self, e: n.Aggregate, scope: _Scope | None) -> tuple[str, bool]:
        outer = scope
        while outer is not None and outer.aggregate is None:
            outer = outer.parent
        if outer is not None:  # nested: it runs once per item of the enclosing aggregate
            name = _local_in(e.collection, scope, self.lookup)
            if name is not None:
                self.node_error(
                    e,
                    "NR205",
                    f"this {e.func}(...) over '{name}' runs again for every item of the "
                    f"enclosing {outer.aggregate.func}(...)",
                    "compute it once: move it out of the enclosing aggregate, or into a definition",
                )
        ct, c_null = self.typeof(e.collection, scope)
        result = self._type_aggregate(e, scope, ct)
        return result[0], result[1] or c_null

    def _type_aggregate(self, e: n.Aggregate, scope: _Scope | None, ct: str) -> tuple[str, bool]:
        if ct == "any":
            elem = "any"
        elif ct.startswith("coll:"):
            elem = "rec:" + ct[5:]
        elif ct.startswith("list:"):
            elem = ct[5:]
        else:
            self.node_error(
                e.collection,
                "NR203",
                f"{e.func}() needs a collection, not {_word(ct)}",
                f"write {e.func}(x in connections ...)",
            )
            elem = "any"
        inner = _Scope(scope, {e.var: (elem, False)} if e.var else {}, e)
        if e.var is None and (e.where is not None or e.value is not None):
            self.node_error(
                e,
                "NR204",
                f"{e.func}() with 'where' or ':' needs a variable",
                f"write {e.func}(x in collection where ...)",
            )
        if e.where is not None:
            self.expect(e.where, inner, "bool", "the 'where' condition")
        vt = None
        v_null = False
        if e.value is not None:
            vt, v_null = self.typeof(e.value, inner)
        f = e.func
        if f == "peak":
            if vt is None or e.window is None:
                self.node_error(
                    e,
                    "NR204",
                    "peak() needs a date and a window",
                    "write peak(x in coll : x.some_date within 7 days)",
                )
            else:
                if vt not in ("date", "any"):
                    self.node_error(e.value, "NR203", f"peak() counts dates, not {_word(vt)}")
                self.expect(e.window, scope, "duration", "the window of peak()")
            return "number", False
        if e.window is not None:
            self.node_error(e.window, "NR204", "'within' belongs to peak() only")
        if f == "count":
            if vt is not None:
                self.node_error(
                    e.value,
                    "NR204",
                    "count() takes no ':' value",
                    "put the condition after 'where'",
                )
            return "number", False
        if f in ("any", "all"):
            if vt is not None and vt not in ("bool", "any"):
                self.node_error(
                    e.value, "NR203", f"{f}() needs a true/false value, not {_word(vt)}"
                )
            if vt is None and elem not in ("bool", "any") and e.where is None and f == "all":
                self.node_error(e, "NR204", "all() needs a condition after ':'")
            return "bool", v_null
        if vt is None:
            if elem in ("number", "date", "string") and e.var is None:
                vt = elem
            else:
                self.node_error(
                    e,
                    "NR204",
                    f"{f}() needs a value after ':'",
                    f"write {f}(x in collection : x.field)",
                )
                return "any", True
        if f in ("sum", "avg"):
            if vt not in ("number", "any"):
                self.node_error(e.value or e, "NR203", f"{f}() adds numbers, not {_word(vt)}")
            return "number", f == "avg"
        if f in ("min", "max"):
            if vt not in _ORDERED and vt != "any":
                self.node_error(e.value or e, "NR203", f"{f}() needs numbers, dates or strings")
            return vt, True
        if f == "first":  # the first known value in input order; of nothing: unknown
            return vt, True
        if f == "distinct":
            return "number", False
        if f == "collect":
            return "list:" + vt, False
        raise AssertionError(f)  # pragma: no cover

    def type_arith(self, e: n.Arith, scope: _Scope | None) -> tuple[str, bool]:
        lt, ln = self.typeof(e.left, scope)
        rt, rn = self.typeof(e.right, scope)
        nullable = ln or rn
        if "any" in (lt, rt):
            return ("number" if "number" in (lt, rt) else "any"), True
        if lt == rt == "number":
            return "number", nullable or e.op == "/"
        if lt == "date" and rt == "duration" and e.op in "+-":
            return "date", True
        if lt == rt == "string" and e.op == "+":
            return "string", nullable
        if lt == rt == "date" and e.op == "-":
            self.node_error(
                e,
                "NR203",
                "cannot subtract a date from a date",
                "compare dates directly (x < as_of - 90 days) or use days_between(a, b)",
            )
            return "any", True
        hint = None
        if lt == "date" and rt == "number":
            hint = f"write the unit: x {e.op} 90 days"
        elif "string" in (lt, rt) and e.op == "+":
            hint = "strings join only with strings; show a number in a message with {x}"
        self.node_error(e, "NR203", f"cannot apply '{e.op}' to {_word(lt)} and {_word(rt)}", hint)
        return "any", True

    def enum_check(self, field: Any, other: Any) -> None:
        """``c.relationship == "colegue"``: a value the field can never hold."""
        if not isinstance(field, n.Field):
            return
        t = self.types.get(id(field.obj), ("", False))[0]
        record = t[4:] if t.startswith("rec:") else None
        if record is None or field.name not in FIELDS.get(record, {}):
            return
        allowed = FIELDS[record][field.name][2]
        if not allowed:
            return
        values: list[tuple[str, Span]] = []
        if isinstance(other, n.Literal) and other.kind == "string":
            values = [(other.value, other.span)]
        elif isinstance(other, n.ListExpr):
            values = [
                (i.value, i.span)
                for i in other.items
                if isinstance(i, n.Literal) and i.kind == "string"
            ]
        for value, span in values:
            if value not in allowed:
                hint = self.suggest(value, allowed)
                self.error(
                    "NR206",
                    f'{record}.{field.name} is never "{value}"',
                    span,
                    f'did you mean "{hint}"?' if hint else "values are " + ", ".join(allowed),
                    self._path_of(other),
                )

    def type_compare(self, e: n.Compare, scope: _Scope | None) -> tuple[str, bool]:
        lt, ln = self.typeof(e.left, scope)
        rt, rn = self.typeof(e.right, scope)
        if "any" not in (lt, rt) and not ("list:any" in (lt, rt) and lt[:5] == rt[:5] == "list:"):
            if lt != rt:
                hint = None
                if {lt, rt} == {"date", "duration"}:
                    hint = "compare with a date: x < as_of - 90 days"
                elif {lt, rt} == {"date", "number"}:
                    hint = (
                        "a number is not a date: compare with a date (x < as_of - 90 days, "
                        "x < 2024-01-31) or count days with days_between(x, as_of) > 90"
                    )
                elif {lt, rt} == {"bool", "string"}:
                    hint = "write true or false, without quotes"
                elif {lt, rt} == {"duration", "number"}:
                    hint = "write the unit: 90 days, 2 years"
                elif "string" in (lt, rt) and {lt, rt} & {"number", "date"}:
                    other = rt if lt == "string" else lt
                    hint = f"remove the quotes to write {_word(other)}"
                elif "range" in (lt, rt):
                    hint = "compare with the range's .low or .high"
                self.node_error(e, "NR203", f"cannot compare {_word(lt)} with {_word(rt)}", hint)
            elif e.op not in ("==", "!=") and lt not in _ORDERED:
                self.node_error(e, "NR203", f"'{e.op}' does not order {_word(lt)}s", "use == or !=")
        self.enum_check(e.left, e.right)
        self.enum_check(e.right, e.left)
        return "bool", ln or rn

    def type_in(self, e: n.In, scope: _Scope | None) -> tuple[str, bool]:
        it, i_null = self.typeof(e.item, scope)
        ct, c_null = self.typeof(e.container, scope)
        if "any" not in (it, ct):
            if ct == "range":
                if it != "number":
                    self.node_error(e.item, "NR203", f"a range holds numbers, not {_word(it)}")
            elif ct.startswith("list:"):
                elem = ct[5:]
                if elem != "any" and elem != it:
                    self.node_error(e, "NR203", f"cannot look for {_word(it)} in {_word(ct)}")
            else:
                self.node_error(
                    e.container,
                    "NR203",
                    f"'in' needs a list or a range, not {_word(ct)}",
                    "aggregates such as any(x in ...) search collections",
                )
        self.enum_check(e.item, e.container)
        return "bool", i_null or c_null

    # ---- rules ----
    def check_rule(self, r: n.Rule, ids: dict[str, tuple[str, Span]]) -> RuleInfo | None:
        ok = True
        if not _ID.match(r.id):
            self.error(
                "NR302",
                f'rule id "{r.id}" is not kebab-case',
                r.id_span,
                "use lowercase words joined by '-', e.g. \"below-industry-target\"",
            )
        if r.id in ids:
            prev = ids[r.id]
            self.error(
                "NR301",
                f'duplicate rule id "{r.id}"',
                r.id_span,
                f"first defined at {prev[0]}:{prev[1].line}:{prev[1].column}",
            )
            ok = False
        else:
            ids[r.id] = (self.path, r.id_span)
        for clause, span in r.duplicate_clauses:
            self.error("NR304", f"'{clause}' is given twice in rule \"{r.id}\"", span)
        for clause in ("title", "severity", "message"):
            if getattr(r, clause) is None:
                self.error(
                    "NR304",
                    f"rule \"{r.id}\" has no '{clause}'",
                    r.id_span,
                    f"add a '{clause}' clause",
                )
        if r.severity is not None and r.severity not in SEVERITIES:
            hint = self.suggest(r.severity, SEVERITIES)
            self.error(
                "NR303",
                f"unknown severity '{r.severity}'",
                r.severity_span or r.span,
                f"did you mean '{hint}'?" if hint else "use error, warning or info",
            )
        advice: list[str] = []
        for ref, is_name, span in r.advice:
            if is_name:
                if ref not in self.advice:
                    hint = self.suggest(ref, self.advice)
                    self.error(
                        "NR308",
                        f"unknown advice '{ref}'",
                        span,
                        f"did you mean '{hint}'?"
                        if hint
                        else f'declare it with advice {ref} = "..."',
                    )
                    continue
                self.used.add(ref)
                advice.append(self.advice[ref])
            else:
                advice.append(ref)
        scope = _Scope(None, {})
        kind, coll = "member", None
        fe = r.for_each
        if fe is not None:
            _ct, _ = self.typeof(fe.collection, None)
            if not (isinstance(fe.collection, n.Name) and fe.collection.name in ITEM_KINDS):
                self.node_error(
                    fe.collection,
                    "NR203",
                    "'for each' goes over connections, "
                    "invitations, removals or recommendations_given",
                    "a rule about the member needs no 'for each': write its condition directly"
                    if isinstance(fe.collection, n.Name) and fe.collection.name == "member"
                    else "aggregate over other lists: any(x in member.employers : ...)",
                )
                ok = False
            else:
                coll = fe.collection.name
                kind = ITEM_KINDS[coll]
            item_scope = _Scope(None, {fe.var: ("rec:" + kind, False)})
            if fe.where is not None:
                self.expect(fe.where, item_scope, "bool", "the 'where' condition")
            if fe.group_key is not None:
                kt, _ = self.typeof(fe.group_key, item_scope)
                if kt not in ("string", "number", "date", "bool", "any"):
                    self.node_error(fe.group_key, "NR203", f"cannot group by {_word(kt)}")
                name = fe.group_name or "key"
                kind = name
                scope = _Scope(
                    None,
                    {
                        name: (kt, False),
                        "group": ("coll:" + (ITEM_KINDS.get(coll or "", "any")), False),
                    },
                )
            else:
                scope = item_scope
        if r.when is not None:
            self.expect(r.when, scope, "bool", "the 'when' condition")
        if r.lower is not None:
            lw = r.lower
            if lw.severity not in SEVERITIES:
                hint = self.suggest(lw.severity, SEVERITIES)
                self.error(
                    "NR303",
                    f"unknown severity '{lw.severity}'",
                    lw.severity_span,
                    f"did you mean '{hint}'?" if hint else None,
                )
            elif r.severity in SEVERITIES and _RANK[lw.severity] >= _RANK[r.severity]:
                self.error(
                    "NR312",
                    f"'{lw.severity}' is not lower than '{r.severity}'",
                    lw.severity_span,
                    "lower severity to a level below the rule's own",
                )
            self.expect(lw.condition, scope, "bool", "the 'lower severity' condition")
        if r.message is not None:
            self.check_template(r.message, scope)
        if r.aggregate is not None:
            self.check_aggregation(r, scope)
        seen_keys: set[str] = set()
        for ev in r.evidence:
            if ev.key in seen_keys:
                self.error("NR304", f"evidence key '{ev.key}' is given twice", ev.span)
            seen_keys.add(ev.key)
            self.shown(ev.value, scope, "evidence")
        if not ok:
            return None
        return RuleInfo(r, self.path, tuple(advice), kind, coll)

    def check_aggregation(self, r: n.Rule, scope: _Scope) -> None:
        """``aggregate { ... }``: per-item rules only; the summary sees found and names."""
        agg = r.aggregate
        assert agg is not None
        if r.for_each is None:
            self.error(
                "NR314",
                f'rule "{r.id}" judges the member once: there is nothing to aggregate',
                agg.span,
                "aggregate a rule with 'for each'",
            )
        for part, span in agg.duplicate_parts:
            self.error("NR304", f"'{part}' is given twice in 'aggregate'", span)
        if agg.show < 1:
            self.error("NR314", "'show' must name at least one subject", agg.span)
        if agg.order is not None:
            t, _ = self.typeof(agg.order, scope)
            if t not in ("number", "date", "string", "duration", "any"):
                self.node_error(
                    agg.order,
                    "NR203",
                    f"cannot order by {_word(t)}",
                    "order by a number, a date, a string or a duration",
                )
        if agg.label is not None:
            self.shown(agg.label, scope, "a label")
        if agg.message is None:
            self.error(
                "NR304",
                f"'aggregate' of rule \"{r.id}\" has no 'message'",
                agg.span,
                'add e.g. message "{found} connections: {names}"',
            )
        else:
            summary = _Scope(None, {"found": ("number", False), "names": ("string", False)})
            fe = r.for_each
            item_names = {fe.var, fe.group_name or "", "group"} if fe is not None else set()
            for part in agg.message.parts:
                if not isinstance(part, tuple):
                    continue
                loose = [
                    x
                    for x in _names_in(part[0])
                    if x.name in item_names and x.name not in ("found", "names")
                ]
                if loose:  # the summary speaks for every subject: no single item is in scope
                    self.node_error(
                        loose[0],
                        "NR201",
                        f"'{loose[0].name}' is one subject; the summary speaks for all of them",
                        "use found and names here, and 'label' to name each subject",
                    )
                else:
                    self.check_template(n.Template((part,), "", agg.message.span), summary)

    def check_template(self, template: n.Template, scope: _Scope | None) -> None:
        """The ``{expr}`` holes of a message: shown values and known formats."""
        for part in template.parts:
            if isinstance(part, tuple):
                expr, fmt = part
                t = self.shown(expr, scope, "a message")
                if fmt not in (None, "percent") and not (fmt or "").isdigit():
                    close = self.suggest(fmt or "", ("percent",))
                    self.node_error(
                        expr,
                        "NR105",
                        f"unknown format '{fmt}'",
                        (f"did you mean '{close}'? " if close else "")
                        + "formats are {x:percent} and {x:2} (2 decimals)",
                    )
                elif fmt is not None and t not in ("number", "any") and ":" not in t:
                    self.node_error(expr, "NR105", f"format '{fmt}' needs a number, not {_word(t)}")
                elif fmt not in (None, "percent") and (len(fmt) > 2 or int(fmt) > 15):
                    self.node_error(expr, "NR105", f"{fmt} decimals are too many", "use at most 15")

    def shown(self, e: Any, scope: _Scope | None, where: str) -> str:
        """The type of a value a finding shows; records and collections are not values."""
        t = self.typeof(e, scope)[0]
        if t.startswith(("rec:", "coll:")):
            self.node_error(
                e,
                "NR203",
                f"{where} cannot show {_word(t)}",
                "show one of its fields, or an aggregate such as count(...)",
            )
        return t

    def check_suppressions(self, rules: list[RuleInfo], disabled: Iterable[str] = ()) -> None:
        """Precedence: ``a suppresses b`` and ``b defers to a`` are the same edge a -> b.

        Unknown rules, a rule over itself, subjects of different kinds (unless the
        winner judges the member) and cycles are NR311.  A disabled rule is not
        unknown: disabling one side of a precedence is an ordinary override, and the
        edge simply has nothing to act on.
        """
        by_id = {ri.node.id: ri for ri in rules}
        off = set(disabled)
        graph: dict[str, list[str]] = {ri.node.id: [] for ri in rules}
        edge_at: dict[tuple[str, str], tuple[Span, str]] = {}

        def edge(winner: RuleInfo, loser: RuleInfo, span: Span, path: str, verb: str) -> None:
            wk, lk = winner.subject_kind, loser.subject_kind
            if wk != lk and wk != "member":
                self.error(
                    "NR311",
                    f'"{winner.node.id}" judges each {wk} and "{loser.node.id}" each {lk}: '
                    f"one cannot {verb} the other",
                    span,
                    "precedence is per subject; both rules must judge the same kind",
                    path,
                )
                return
            if loser.node.id not in graph[winner.node.id]:
                graph[winner.node.id].append(loser.node.id)
                edge_at[(winner.node.id, loser.node.id)] = (span, path)

        for ri in rules:
            self.path = ri.path
            for rid, span in ri.node.suppresses:
                if rid in off:
                    continue
                if rid not in by_id:
                    hint = self.suggest(rid, by_id)
                    self.error(
                        "NR311",
                        f'cannot suppress unknown rule "{rid}"',
                        span,
                        f'did you mean "{hint}"?' if hint else None,
                    )
                elif rid == ri.node.id:
                    self.error("NR311", "a rule cannot suppress itself", span)
                else:
                    edge(ri, by_id[rid], span, ri.path, "suppress")
            for rid, span in ri.node.defers_to:
                if rid in off:
                    continue
                if rid not in by_id:
                    hint = self.suggest(rid, by_id)
                    self.error(
                        "NR311",
                        f'cannot defer to unknown rule "{rid}"',
                        span,
                        f'did you mean "{hint}"?' if hint else None,
                    )
                elif rid == ri.node.id:
                    self.error("NR311", "a rule cannot defer to itself", span)
                else:
                    edge(by_id[rid], ri, span, ri.path, "defer to")
        # a cycle would make the outcome depend on evaluation order
        state: dict[str, int] = {}
        for start in graph:
            if state.get(start):
                continue
            stack = [(start, iter(graph[start]))]
            state[start] = 1
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    state[node] = 2
                    stack.pop()
                    continue
                if state.get(nxt) == 1:
                    span, path = edge_at[(node, nxt)]
                    self.error(
                        "NR311",
                        f'suppression cycle: "{node}" and "{nxt}" suppress each other',
                        span,
                        "only one direction can win",
                        path,
                    )
                elif not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, iter(graph.get(nxt, ()))))
        self.precedence = {rid: tuple(losers) for rid, losers in graph.items() if losers}

    def run(self) -> Program:
        self.declare()
        all_rules: dict[str, Any] = {}
        for f in self.files:
            for item in f.items:
                if isinstance(item, n.Rule):
                    all_rules.setdefault(item.id, item)
        disabled = self.apply_overrides(all_rules)
        for _name, d in self.defines.items():
            if not d.params:
                self.type_define(d)
        ids: dict[str, tuple[str, Span]] = {}
        rules: list[RuleInfo] = []
        examples: list[tuple[n.Example, str]] = []
        for f in self.files:
            self.path = f.path
            for item in f.items:
                if isinstance(item, n.Rule):
                    info = self.check_rule(item, ids)
                    if info is not None and item.id not in disabled:
                        rules.append(info)
                    examples.extend((ex, f.path) for ex in item.examples)
                elif isinstance(item, n.Example):
                    examples.append((item, f.path))
        self.check_suppressions(rules, disabled)
        for ex, path in examples:
            self.path = path
            for rid in ex.fires + ex.passes:
                if rid not in ids:
                    hint = self.suggest(rid, ids)
                    self.error(
                        "NR313",
                        f'example names unknown rule "{rid}"',
                        ex.span,
                        f'did you mean "{hint}"?' if hint else None,
                    )
            self.check_example_data(ex)
        self.report_unused()
        return Program(
            self.params,
            self.tables,
            self.advice,
            self.defines,
            rules,
            examples,
            self.types,
            self.expansions,
            self.define_types,
            self.diags,
            disabled,
            self.keep,
            self.snapshots,
            precedence=self.precedence,
        )

    def check_example_data(self, ex: n.Example) -> None:
        from .errors import InputError
        from .loaders.json_doc import network_from_dict

        try:
            network_from_dict(ex.data, source="example")
        except InputError as err:
            # underline the key at fault: the deepest key on the error's JSON path
            spans = dict(ex.key_spans)
            where = err.location or ""
            while where and where not in spans:
                where = re.sub(r"(\.[^.\[]*|\[\d+\])\Z", "", where)
                if not re.search(r"[.\[]", where) and where not in spans:
                    break
            message = err.message
            close = re.search(r"\s*\((did you mean [^)]*)\)", message)
            hint = "example data is a network document: see docs/input-format.md"
            if close:  # the loader's did-you-mean belongs in the hint
                message, hint = message[: close.start()] + message[close.end() :], close[1]
            self.error(
                "NR313",
                f"example data is invalid: {err.location or ''}"
                f"{': ' if err.location else ''}{message}",
                spans.get(where, ex.span),
                hint,
            )

    def report_unused(self) -> None:
        for name, p in self.param_nodes.items():
            if name not in self.used:
                self.error(
                    "NR320",
                    f"parameter '{name}' is never used",
                    p.span,
                    "remove it or use it in a rule",
                    self.params[name].path,
                    "warning",
                )
        for name, d in self.defines.items():
            if name not in self.used:
                self.error(
                    "NR320",
                    f"definition '{name}' is never used",
                    d.span,
                    "remove it or use it in a rule",
                    self.define_paths[name],
                    "warning",
                )
        for name, (a, path) in self.advice_nodes.items():
            if name not in self.used:
                self.error(
                    "NR320",
                    f"advice '{name}' is never used",
                    a.span,
                    "attach it to a rule with 'advice'",
                    path,
                    "warning",
                )


def _local_in(root: Any, scope: _Scope | None, lookup: Any) -> str | None:
    """The first name in an expression that is a local of ``scope`` (or None)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, n.Name):
            if lookup(node.name, scope) is not None:
                return node.name
        elif isinstance(node, n.Field):
            stack.append(node.obj)
        elif isinstance(node, n.Coalesce):
            stack.extend((node.left, node.right))
    return None


def _names_in(e: Any) -> list[n.Name]:
    """The free Name nodes of an expression (not through definitions)."""
    out: list[n.Name] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, n.Name):
            out.append(node)
        elif isinstance(node, n.Aggregate) and node.var:
            stack.append(node.collection)  # its own variable shadows any outer name
        elif isinstance(node, tuple):
            stack.extend(node)
        elif attrs.has(type(node)) and type(node).__module__ == n.__name__:
            for field in attrs.fields(type(node)):
                if field.name not in ("span", "name_span"):
                    stack.append(getattr(node, field.name))
    return out


def _substitute(body: Any, mapping: dict[str, Any], paths: dict[int, str], path: str) -> Any:
    """A fresh copy of a definition body with its parameters replaced by the arguments."""

    def walk(node: Any, bound: frozenset[str]) -> Any:
        new: Any
        if isinstance(node, n.Name):
            if node.name in mapping and node.name not in bound:
                return mapping[node.name]
            new = attrs.evolve(node)
        elif isinstance(node, n.Aggregate):
            inner = bound | {node.var} if node.var else bound
            new = attrs.evolve(
                node,
                collection=walk(node.collection, bound),
                where=walk(node.where, inner) if node.where is not None else None,
                value=walk(node.value, inner) if node.value is not None else None,
                window=walk(node.window, bound) if node.window is not None else None,
            )
        elif attrs.has(type(node)) and not isinstance(node, (n.Literal, n.RangeExpr)):
            changes = {}
            for field in attrs.fields(type(node)):
                value = getattr(node, field.name)
                if (isinstance(value, tuple) and field.name == "args") or (
                    isinstance(value, tuple) and field.name == "items"
                ):
                    changes[field.name] = tuple(walk(v, bound) for v in value)
                elif attrs.has(type(value)) and field.name not in ("span", "name_span"):
                    changes[field.name] = walk(value, bound)
            new = attrs.evolve(node, **changes)
        else:
            new = attrs.evolve(node) if attrs.has(type(node)) else node
        paths[id(new)] = path
        return new

    return walk(body, frozenset())


def check(files: Iterable[n.RuleFile]) -> Program:
    """Check a whole rule set; ``Program.diagnostics`` holds every problem found."""
    return Checker(list(files)).run()
