"""Why a rule fired (or not) for one subject: its condition with the value of every part.

The values come from the compiler itself: each sub-expression of the rule's
``when`` is compiled by :class:`~netrules.compiler.Gen` into one probe
function, so an explanation can never disagree with :meth:`RuleSet.evaluate`
about a value (a test checks the verdicts on every subject of the benchmark
network).  Definitions are expanded under their name, a table look-up names
the row it used, an unknown value is marked and the fields that made it
unknown are named.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any

import attrs

from . import nodes as n
from .compiler import Gen, _Ctx
from .errors import UsageError
from .printer import print_expr
from .runtime import NAMESPACE
from .values import format_value

__all__ = ["Explanation", "Part", "explain", "explain_all"]

_ERROR = object()  # a part that raised (it is not evaluated by the rule in that case)
_ROOT_COLLECTIONS = ("connections", "invitations", "removals", "recommendations_given")


@attrs.frozen
class Part:
    """One sub-expression: its text, its value (None = unknown) and its parts."""

    text: str
    value: Any
    note: str | None = None  # "definition quiet", 'table targets, row "Legal"', "parameter"
    parts: tuple[Part, ...] = ()
    evaluated: bool = True  # False when computing it failed (the rule never needed it)

    @property
    def unknown(self) -> bool:
        return self.evaluated and self.value is None

    def walk(self) -> Iterator[Part]:
        yield self
        for p in self.parts:
            yield from p.walk()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "value": _json(self.value)}
        if not self.evaluated:
            out["value"] = None
            out["error"] = True
        if self.note:
            out["note"] = self.note
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out


@attrs.frozen
class Explanation:
    """A rule's verdict on one subject and the condition that decided it.

    ``verdict`` is ``fired``, ``passed``, ``skipped`` (the condition is unknown:
    ``unknown`` names the missing fields), ``suppressed`` (fired, but hidden by the
    rules in ``suppressed_by``) or ``not-judged`` (a ``for each ... where`` left the
    item out).
    """

    rule: str
    subject_kind: str
    subject: str
    verdict: str
    reason: str
    condition: Part | None
    where: Part | None = None
    severity: str | None = None
    unknown: tuple[str, ...] = ()
    suppressed_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "subject": {"kind": self.subject_kind, "id": self.subject},
            "verdict": self.verdict,
            "reason": self.reason,
            "severity": self.severity,
            "unknown": list(self.unknown),
            "suppressed_by": list(self.suppressed_by),
            "where": self.where.to_dict() if self.where else None,
            "condition": self.condition.to_dict() if self.condition else None,
        }

    def render(self, width: int = 100) -> str:
        """The explanation as text: verdict, then the condition as an indented tree."""
        out = [f"{self.rule} on {self.subject_kind} {self.subject}: {self.verdict.upper()}"]
        out.append(f"  {self.reason}")
        for label, part in (("where", self.where), ("when", self.condition)):
            if part is None:
                continue
            out.append("")
            out.append(f"{label}:")
            out.extend(_tree(part, 1, width))
        return "\n".join(out)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (_dt.date,)):
        return value.isoformat()
    if isinstance(value, (list, tuple, frozenset, set)):
        items = list(value)
        return [_json(v) for v in items[:20]]
    return format_value(value)


def _show(part: Part) -> str:
    if not part.evaluated:
        return "(not evaluated)"
    if part.value is None:
        return "UNKNOWN"
    value = part.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, (list, tuple)) and len(value) > 5:
        shown = ", ".join(format_value(v) for v in value[:5])
        return f"[{shown}, ... {len(value)} in all]"
    try:
        return format_value(value)
    except Exception:  # pragma: no cover - a value format_value does not know
        return repr(value)


def _tree(part: Part, depth: int, width: int) -> list[str]:
    pad = "  " * depth
    text = part.text if len(part.text) <= 60 else part.text[:57] + "..."
    note = f"  ({part.note})" if part.note else ""
    lines = [f"{pad}{text}{note}  =  {_show(part)}"]
    for p in part.parts:
        lines.extend(_tree(p, depth + 1, width))
    return lines


# ---------------------------------------------------------------- the probe
class _Builder:
    """Builds the display tree of an expression and the code of each of its nodes."""

    def __init__(self, ruleset: Any):
        self.prog = ruleset.program
        self.gen = Gen(self.prog)
        self.codes: list[str] = []
        self.tables = ruleset._tables

    def code(self, e: Any, ctx: _Ctx) -> int:
        self.gen.inline = True
        try:
            text = self.gen.expr(e, ctx)
        finally:
            self.gen.inline = False
        self.codes.append(text)
        return len(self.codes) - 1

    def build(self, e: Any, ctx: _Ctx, seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        """{text, index, note, parts, table}: the shape; values are filled in later."""
        node: dict[str, Any] = {"text": _text(e), "index": self.code(e, ctx), "note": None}
        parts: list[dict[str, Any]] = []
        if isinstance(e, n.Name):
            if e.name in self.prog.defines and e.name not in seen:
                node["note"] = "definition"
                body = self.prog.defines[e.name].body
                parts.append(self.build(body, _Ctx(), seen | {e.name}))
            elif e.name in self.prog.params:
                node["note"] = "parameter"
        elif isinstance(e, n.Call):
            expansion = self.prog.expansions.get(id(e))
            if expansion is not None and e.func not in seen:
                node["note"] = "definition"
                parts.append(self.build(expansion, ctx, seen | {e.func}))
            else:
                parts.extend(self.build(a, ctx, seen) for a in e.args if not _plain(a))
        elif isinstance(e, n.Index):
            if isinstance(e.obj, n.Name) and e.obj.name in self.tables:
                node["table"] = e.obj.name
            if not _plain(e.key):
                parts.append(self.build(e.key, ctx, seen))
            else:
                node["key"] = self.code(e.key, ctx)
            if "table" in node and "key" not in node:
                node["key"] = parts[-1]["index"]
        elif isinstance(e, n.Field):
            obj = e.obj
            if (not isinstance(obj, n.Name) and not _plain(obj)) or (
                isinstance(obj, n.Name) and obj.name in self.prog.defines
            ):
                parts.append(self.build(obj, ctx, seen))
        elif isinstance(e, (n.And, n.Or)):
            for operand in _chain(e):  # a and b and c: three parts side by side
                if not _plain(operand):
                    parts.append(self.build(operand, ctx, seen))
        elif isinstance(e, (n.Compare, n.Coalesce, n.Arith)):
            for side in (e.left, e.right):
                if not _plain(side):
                    parts.append(self.build(side, ctx, seen))
        elif isinstance(e, n.In):
            for side in (e.item, e.container):
                if not _plain(side):
                    parts.append(self.build(side, ctx, seen))
        elif isinstance(e, (n.Not, n.Neg)) and not _plain(e.operand):
            parts.append(self.build(e.operand, ctx, seen))
        node["parts"] = parts
        return node

    def function(self) -> Any:
        """``probe(net, as_of, P, T, it, gk, gi) -> [value per code]`` (``_ERROR`` on failure)."""
        lines = ["def _probe(net, as_of, P, T, it, gk, gi):"]
        lines.append("    R_member = net.member")
        lines.append("    R_as_of = as_of")
        for coll in _ROOT_COLLECTIONS:
            lines.append(f"    R_{coll} = net.{coll}")
        for name in sorted(self.prog.params):
            lines.append(f"    P_{name} = P[{self.gen.const(name)}]")
        for name in sorted(self.prog.tables):
            lines.append(f"    T_{name} = T[{self.gen.const(name)}]")
        for line in self.gen.prelude:
            lines.append(f"    try:\n        {line}\n    except Exception:\n        pass")
        lines.append("    V = []")
        for code in self.codes:
            lines.append(
                f"    try:\n        V.append({code})\n    except Exception:\n        V.append(E)"
            )
        lines.append("    return V")
        namespace = dict(NAMESPACE)
        namespace["K"] = tuple(self.gen.K)
        namespace["E"] = _ERROR
        namespace["Exception"] = Exception
        exec(compile("\n".join(lines) + "\n", "<netrules-explain>", "exec"), namespace)
        return namespace["_probe"]


def _chain(e: Any) -> list[Any]:
    """The operands of a chain of the same operator (``a and b and c``), left to right."""
    out: list[Any] = []
    stack = [e]
    while stack:
        cur = stack.pop()
        if type(cur) is type(e):
            stack.extend((cur.right, cur.left))
        else:
            out.append(cur)
    return out


def _plain(e: Any) -> bool:
    """Literals: their value is their text, no line of their own."""
    return isinstance(e, (n.Literal, n.RangeExpr, n.ListExpr))


def _text(e: Any) -> str:
    try:
        return print_expr(e)
    except (ValueError, TypeError):  # pragma: no cover - every checked node prints
        return type(e).__name__


def _fill(node: dict[str, Any], values: list[Any], tables: dict[str, Any]) -> Part:
    value = values[node["index"]]
    note = node["note"]
    if "table" in node:
        rows, default = tables[node["table"]]
        key = values[node["key"]]
        if key is _ERROR or key is None:
            note = f"table {node['table']}: no key"
        else:
            folded = key.casefold() if isinstance(key, str) else key
            if folded in rows:
                note = f'table {node["table"]}, row "{key}"'
            elif default is not None:
                note = f'table {node["table"]}, default row ("{key}" has none)'
            else:
                note = f'table {node["table"]}: no row for "{key}"'
    parts = tuple(_fill(p, values, tables) for p in node["parts"])
    if value is _ERROR:
        return Part(node["text"], None, note, parts, evaluated=False)
    return Part(node["text"], value, note, parts)


def _unknowns(part: Part) -> tuple[str, ...]:
    """The innermost unknown parts: what the input lacks."""
    out: dict[str, None] = {}

    def visit(p: Part) -> None:
        if not p.unknown:
            return
        inner = [c for c in p.parts if c.unknown]
        if not inner:
            out.setdefault(p.text)
        for c in inner:
            visit(c)

    visit(part)
    return tuple(out)


class _Explainer:
    def __init__(
        self, ruleset: Any, rule: str, network: Any = None, as_of: Any = None, params: Any = None
    ):
        self.ruleset = ruleset
        self.info = ruleset.rule(rule)
        self.tables = ruleset._tables
        r = self.info.node
        fe = r.for_each
        builder = _Builder(ruleset)
        self.kind = "none"
        if fe is None:
            ctx = _Ctx()
        elif fe.group_key is None:
            ctx = _Ctx({fe.var: "it"})
            self.kind = "item"
        else:
            ctx = _Ctx({fe.group_name: "gk", "group": "gi"})
            self.kind = "group"
        item_ctx = _Ctx({fe.var: "it"}) if fe is not None else ctx
        self.where = builder.build(fe.where, item_ctx) if fe and fe.where is not None else None
        self.key = builder.code(fe.group_key, item_ctx) if fe and fe.group_key is not None else None
        self.when = builder.build(r.when, ctx) if r.when is not None else None
        self.lower = builder.code(r.lower.condition, ctx) if r.lower is not None else None
        self.probe = builder.function()
        if network is not None:
            self.bind(network, as_of, params)

    def bind(self, network: Any, as_of: Any = None, params: Any = None, tables: Any = None) -> None:
        """Judge this network next (``params``: overrides, or a full resolved mapping)."""
        from .loaders import load_network
        from .model import Network
        from .ruleset import _as_of_date

        if not isinstance(network, Network):
            network = load_network(dict(network))
        self.network = network
        self.as_of = _as_of_date(as_of) or network.as_of or _dt.date.today()
        if isinstance(params, dict) and set(params) == set(self.ruleset._params):
            self.params = params
        else:
            self.params = self.ruleset.resolve_params(params) if params else self.ruleset._params
        if tables is not None:
            self.tables = tables
        self.raw = self.ruleset._compiled.function(network, self.as_of, self.params, self.tables)[0]

    def values(self, it: Any = None, gk: Any = None, gi: Any = None) -> list[Any]:
        out: list[Any] = self.probe(self.network, self.as_of, self.params, self.tables, it, gk, gi)
        return out

    def subjects(self) -> Iterator[tuple[str, Any, Any, Any, Part | None]]:
        """(subject id, it, gk, gi, where part) for every subject the rule may judge."""
        if self.kind == "none":
            yield "member", None, None, None, None
            return
        items = getattr(self.network, self.info.collection)
        if self.kind == "item":
            for it in items:
                where = None
                if self.where is not None:
                    where = _fill(self.where, self.values(it=it), self.tables)
                yield str(it.id), it, None, None, where
            return
        groups: dict[Any, tuple[Any, list[Any]]] = {}
        key_index = self.key
        assert key_index is not None  # a grouped rule always has its key's code
        for it in items:
            values = self.values(it=it)
            if self.where is not None and values[self.where["index"]] is not True:
                continue
            key = values[key_index]
            if key is None or key is _ERROR:
                continue
            # as evaluate groups: text case-insensitively, named by the first spelling
            folded = key.casefold().strip() if isinstance(key, str) else key
            groups.setdefault(folded, (key, []))[1].append(it)
        for key, members in groups.values():
            yield str(key), None, key, members, None

    def explain(self, subject: str, it: Any, gk: Any, gi: Any, where: Part | None) -> Explanation:
        r = self.info.node
        kind = self.info.subject_kind
        base = dict(rule=r.id, subject_kind=kind, subject=subject)
        if where is not None and where.value is not True:
            if where.value is None and where.evaluated:
                missing = _unknowns(where)
                reason = "skipped: the 'where' filter is unknown (" + ", ".join(missing) + ")"
                return Explanation(
                    **base,
                    verdict="skipped",
                    reason=reason,
                    condition=None,
                    where=where,
                    unknown=missing,
                )
            return Explanation(
                **base,
                verdict="not-judged",
                reason="the 'for each ... where' filter leaves this item out",
                condition=None,
                where=where,
            )
        values = self.values(it=it, gk=gk, gi=gi)
        cond = _fill(self.when, values, self.tables) if self.when is not None else None
        verdict_value = cond.value if cond is not None else True
        if cond is not None and not cond.evaluated:
            verdict_value = None
        if verdict_value is None:
            missing = _unknowns(cond) if cond is not None else ()
            reason = "skipped: the condition is unknown"
            if missing:
                reason += " because the input lacks " + ", ".join(missing)
            return Explanation(
                **base,
                verdict="skipped",
                reason=reason,
                condition=cond,
                where=where,
                unknown=missing,
            )
        if verdict_value is not True:
            return Explanation(
                **base,
                verdict="passed",
                reason="the condition is false",
                condition=cond,
                where=where,
            )
        severity = r.severity
        if self.lower is not None and values[self.lower] is True:
            severity = r.lower.severity
        hiders = self.hidden_by(subject)
        if hiders:
            return Explanation(
                **base,
                verdict="suppressed",
                reason="fired, but hidden by " + ", ".join(hiders),
                condition=cond,
                where=where,
                severity=severity,
                suppressed_by=hiders,
            )
        return Explanation(
            **base,
            verdict="fired",
            reason="the condition is true" + (f" (severity {severity})" if severity else ""),
            condition=cond,
            where=where,
            severity=severity,
        )

    def all(self) -> list[Explanation]:
        """The explanation of every subject of the bound network."""
        return [self.explain(*found) for found in self.subjects()]

    def hidden_by(self, subject: str) -> tuple[str, ...]:
        compiled = self.ruleset._compiled
        rid = self.info.node.id
        out: list[str] = []
        for index, _severity, sid, _values in self.raw:  # what fired, as recorded
            winner = compiled.rule_ids[index]
            hides = rid in compiled.hides_all.get(winner, ()) or (
                rid in compiled.suppressions.get(winner, ()) and str(sid) == subject
            )
            if hides and winner not in out:
                out.append(winner)
        return tuple(out)


def explain(
    ruleset: Any,
    rule: str,
    network: Any,
    *,
    subject: str | None = None,
    as_of: Any = None,
    params: Any = None,
) -> Explanation:
    """The explanation of ``rule`` on one subject of ``network`` (see RuleSet.explain)."""
    ex = _Explainer(ruleset, rule, network, as_of, params)
    if ex.kind == "none":
        return ex.explain(*next(ex.subjects()))
    if subject is None:
        raise UsageError(
            f'rule "{rule}" judges each {ex.info.subject_kind}: name one with subject=ID'
        )
    for found in ex.subjects():
        if found[0] == subject:
            return ex.explain(*found)
    raise UsageError(f'rule "{rule}" has no {ex.info.subject_kind} "{subject}" to judge')


def explain_all(
    ruleset: Any, rule: str, network: Any, *, as_of: Any = None, params: Any = None
) -> tuple[Explanation, ...]:
    """The explanation of ``rule`` on every subject it may judge in ``network``."""
    return tuple(_Explainer(ruleset, rule, network, as_of, params).all())


def _walk_names(root: Any, program: Any) -> Iterator[str]:
    """Names and user-function calls in ``root``, in reading order (definitions not entered)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, (str, int, float, bool)):
            continue
        if isinstance(node, (tuple, list)):
            stack.extend(reversed(node))
            continue
        if not attrs.has(type(node)) or type(node).__module__ != n.__name__:
            continue
        if isinstance(node, n.Name):
            yield node.name
        elif isinstance(node, n.Call) and node.func in program.defines:
            yield node.func
        fields = [
            getattr(node, f.name)
            for f in attrs.fields(type(node))
            if f.name != "span" and not f.name.endswith("_span")
        ]
        stack.extend(reversed(fields))
