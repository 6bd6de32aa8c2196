"""The generated batch function: one Python loop over many member rows, per rule set.

``evaluate()`` builds a :class:`~netrules.model.Network` per member and runs the
compiled function once per network.  For a batch of member rows (dicts of member
fields, docs/batch.md) most of that is waste: the rows' collections are empty, so
every aggregate, every per-item rule and everything computed from ``as_of``,
parameters and tables is the same for every member.  This module generates one
function per rule set whose loop runs over the rows themselves:

- each member field a rule reads is read straight from the row (``row.get``) and
  checked in place with the loader's rules (docs/input-format.md); other fields
  are checked without being kept; no ``Member`` or ``Network`` is built;
- the expressions are compiled by the compiler's own :class:`~netrules.compiler.Gen`
  (so they mean exactly what they mean in ``evaluate``), with ``member.X`` read
  from a local; every hoisted value that does not depend on the member (textually:
  it names no member field, and not ``as_of`` when each row brings its own) moves
  out of the loop and is computed once per batch;
- only the member rules run: per-item and group rules over empty collections
  never fire, so they are not compiled at all;
- findings and skips are recorded per row only when there are some.

A row the loop cannot take as it is (not a dict, a network document, an unusual
value such as a ``datetime`` or a non-ASCII string it cannot vouch for, or a bad
value) goes back to the caller as *slow*: it is read by the loader and evaluated
one at a time, which also gives a bad row exactly the error it would get alone.
A rule set whose member rules need the member as an object gets no batch function
(:func:`compile_batch` returns None) and every row takes that path.
"""

from __future__ import annotations

import datetime as _dt
import re
import types
from collections.abc import Callable, Sequence
from typing import Any, cast

import attrs

from . import nodes as n
from .checker import Program
from .compiler import (
    Gen,
    _Ctx,
    _define_order,
    _Emitter,
    _ident,
    _member_rule_bodies,
    _unalias,
)
from .findings import Finding, Subject
from .loaders.json_doc import (
    MAX_INT,
    MEMBER_SPEC,
    NETWORK_SPEC,
    _Bad,
    _check,
    parse_iso_date,
)
from .model import Employer, School, filler
from .runtime import NAMESPACE

__all__ = ["BatchProgram", "compile_batch"]

_IDENTS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_K_REF = re.compile(r"\bK\[(\d+)\]")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*) = ")
COLLECTIONS = ("connections", "invitations", "removals", "recommendations_given")
# Keys a member row may hold besides member fields (batch.ID_KEYS and as_of).
ROW_KEYS = frozenset(MEMBER_SPEC) | {"id", "member_id", "as_of"}
# Fields whose absence means a value, not unknown (model.Member's defaults).
DEFAULTS: dict[str, Any] = {
    "connection_count": 0,  # the loader's len(connections): a member row has none
    "employers": (),
    "schools": (),
    "exchanges_recorded": True,
    "recommendations_recorded": True,
}


class BatchProgram:
    """A rule set's generated batch functions, one per shape of rows, and their parts.

    :meth:`run` (``rows, as_of, P, T, today``) returns ``(recs, skipped, slow)``:
    ``recs`` holds ``(position, rule index, severity, subject id, values)`` per finding
    (the compiled one-at-a-time function's records, with the row's position first),
    ``skipped`` ``(position, (rule index, missing fields))`` per rule that could not
    judge a row, both in row order, and ``slow`` the positions of the rows it left to
    the loader.  ``as_of`` None means each row brings its own (``row["as_of"]``, else
    ``today``).

    A chunk whose first row is a dict of member fields gets a function made for the
    keys of that row (a fast path for rows of that shape, :meth:`source_for`); any
    other chunk gets the general function (:attr:`function`), which checks each
    row's type and keys.
    """

    def __init__(
        self,
        fields: tuple[str, ...],
        row_as_of: bool,
        setup: list[str],
        once: list[str],
        per_row: list[str],
        body: list[str],
        namespace: dict[str, Any],
        makers: dict[int, tuple[str, str]] | None = None,
        rules: int = 0,
    ):
        self.fields = fields  # the member fields the rules read
        self.row_as_of = row_as_of
        # direct: each record is (position, Finding), the Finding built where the rule
        # fired (a rule set without precedence or min_severity); else the compiled
        # function's records (see run())
        self.direct = makers is not None
        self.rules = rules  # member rules: with one, a row has one finding at most
        self.hoisted = len(once)  # prelude values computed once per batch
        self.per_row = len(per_row)  # ... and per member
        per_row, body = _inline_single_use(per_row, body)
        per_row, body = _when_fired(per_row, body)
        self._parts = (setup, once, per_row, _flat_records(body, makers))
        self._read = frozenset(fields) | ({"as_of"} if row_as_of else frozenset())
        self._skip = self._read | {"id", "member_id"}
        self._namespace = {**namespace, "B_KEYS": self._skip, "B_READ": self._read}
        self._variants: dict[frozenset[str], Callable[..., Any]] = {}
        self.source = self._source(None)
        self.function = self._compile(self.source)

    def run(
        self,
        rows: Sequence[Any],
        lo: int,
        hi: int,
        as_of: Any,
        params: Any,
        tables: Any,
        today: _dt.date | None,
    ) -> tuple[list[tuple[Any, ...]], list[tuple[int, Any]], list[int]]:
        """Evaluate ``rows[lo:hi]`` (read in place: a list is not copied); positions in
        the results are indices into ``rows``.  ``today``: the day of a row without
        ``as_of`` when the batch has none (unused otherwise)."""
        function = self.function
        if lo < hi and rows[lo].__class__ is dict:
            # the chunk's rows most likely share the first one's keys: the function made
            # for them reads each by subscript and checks all in one expression
            shape = frozenset(rows[lo])
            function = self._variants.get(shape) or self._variant(shape)
        result: tuple[list[tuple[Any, ...]], list[tuple[int, Any]], list[int]]
        result = function(rows, lo, hi, as_of, params, tables, today)
        return result

    def source_for(self, shape: frozenset[str]) -> str:
        """The function for chunks whose first row holds exactly these keys."""
        return self._source(shape)

    def _variant(self, shape: frozenset[Any]) -> Callable[..., Any]:
        if len(self._variants) >= 64:  # rows of many shapes: stop generating
            return self.function
        if shape <= ROW_KEYS:
            fn = self._compile(self._source(cast(frozenset[str], shape)))
        else:  # unknown keys: the general function, whose key check sends them on
            fn = self.function
        self._variants[shape] = fn
        return fn

    def _compile(self, source: str) -> Callable[..., Any]:
        namespace = dict(self._namespace)
        exec(compile(source, "<netrules-batch>", "exec"), namespace)
        return cast(Callable[..., Any], namespace["_batch"])

    def _fast_read(self, em: _Emitter, shape: frozenset[str]) -> None:
        """The fast path of a row holding exactly ``shape``'s keys: each value read by
        subscript and checked in one expression.  A row of another shape, an
        unhashable value, anything the expression does not vouch for raises, and the
        general checks of the ``except`` clause take the row (they give it the
        loader's way when it needs it)."""
        checks = ["row.__class__ is B_dict", f"B_len(row) == {len(shape)}"]
        for key in sorted(shape):
            read = f"row[{_ident('', key)!r}]"  # a key of ROW_KEYS (an identifier)
            if key in ("id", "member_id"):
                checks.append(f"{key!r} in row")  # the row holds no other key
            elif key == "as_of":
                if self.row_as_of:
                    checks.append(
                        f"(R_as_of := (today if (B_v := {read}) is None else B_v "
                        "if B_v.__class__ is B_date else B_date_of(B_v))) is not B_SLOW"
                    )
                else:
                    checks.append(_fast_check(read, "date", "as_of", keep=False))
            else:
                keep = key in self._read
                name = _ident("M_", key) if keep else read
                checks.append(_fast_check(name, MEMBER_SPEC[key][0], key, keep, read))
        em.add(2, "try:")
        em.add(3, "if not (")
        for k, check in enumerate(checks):
            em.add(4, ("and " if k else "") + check)
        em.add(3, "):")
        em.add(4, "raise B_Fallback")
        for field in self.fields:
            if field not in shape:  # what the row's absence of the field means
                em.add(3, f"{_ident('M_', field)} = {DEFAULTS.get(field)!r}")
        if self.row_as_of and "as_of" not in shape:
            em.add(3, "R_as_of = today")
        em.add(2, "except B_Exception:")

    def _source(self, shape: frozenset[str] | None) -> str:
        setup, once, per_row, body = self._parts
        em = _Emitter()
        # the namespace's helpers become parameters: locals are faster than globals
        names = sorted(self._namespace.keys() - {"__builtins__", "_batch"})
        em.add(
            0,
            "def _batch(rows, lo, hi, as_of, P, T, today, "
            + ", ".join(f"{k}={k}" for k in names)
            + "):",
        )
        em.lines.extend("    " + line for line in setup)
        em.lines.extend("    " + line for line in once)
        em.add(1, "for i in B_range(lo, hi):")
        em.add(2, "row = rows[i]")
        general = 2
        if shape is not None:
            self._fast_read(em, shape)
            general = 3
        em.add(
            general,
            "if row.__class__ is not B_dict or not (B_KEYS.issuperset(row) "
            "or B_rest_ok(row, B_READ)):",
        )
        em.add(general + 1, "slow_append(i); continue")
        for field in self.fields:
            _read_field(em, field, general, keep=True)
        if self.row_as_of:
            em.add(general, "R_as_of = row.get('as_of')")
            em.add(general, "if R_as_of is None:")
            em.add(general + 1, "R_as_of = today")
            em.add(
                general,
                "elif R_as_of.__class__ is not B_date and "
                "(R_as_of := B_date_of(R_as_of)) is B_SLOW:",
            )
            em.add(general + 1, "slow_append(i); continue")
        em.lines.extend("        " + line for line in per_row)
        em.lines.extend(body)
        em.add(1, "return recs, skipped, slow")
        # constants as locals too: K[3] in the loop is a lookup and a subscript each time
        lines = [_K_REF.sub(r"K_\1", line) for line in em.lines]
        used = sorted({int(k) for line in em.lines for k in _K_REF.findall(line)})
        lines[1:1] = [f"    K_{k} = K[{k}]" for k in used]
        return _unalias("\n".join(lines) + "\n", _ALIAS)


class _NoFacts:
    """The provenance of a member row: none recorded, so every value is declared."""

    __slots__ = ()

    def fact(self, name: str) -> None:
        return None


class _BatchGen(Gen):
    """The compiler's generator, reading ``member.X`` from the local ``M_X``."""

    def __init__(self, prog: Program):
        super().__init__(prog)
        self.member_fields: dict[str, None] = {}
        self.needs_member = False  # the member as an object: no batch function
        # code "(left and right)" whose left is never unknown -> (left, right): see _guards
        self.guards: dict[str, tuple[str, str]] = {}

    @staticmethod
    def _member_field(e: Any, ctx: _Ctx) -> bool:
        return (
            isinstance(e, n.Field)
            and isinstance(e.obj, n.Name)
            and e.obj.name == "member"
            and "member" not in ctx.names
            and e.name in MEMBER_SPEC
        )

    # A member field is a local of the loop already: never copied into a hoisted name.
    def expr(self, e: Any, ctx: _Ctx) -> str:
        if self._member_field(e, ctx):
            return self.e_Field(e, ctx)[0]
        return super().expr(e, ctx)

    def sub(self, e: Any, ctx: _Ctx) -> tuple[str, bool]:
        if self._member_field(e, ctx):
            return self.e_Field(e, ctx)
        return super().sub(e, ctx)

    # Three-valued and/or where one side is never unknown: Python's own operators
    # give the same value with fewer steps (the condition runs once per member).
    def e_And(self, e: n.And, ctx: _Ctx) -> tuple[str, bool]:
        if (self.nullable(e.left) and self.nullable(e.right)) or self.optimistic:
            return super().e_And(e, ctx)
        left, lc = self.sub(e.left, ctx)
        right, rc = self.sub(e.right, ctx)
        if not self.nullable(e.left):  # False stops; True gives the right side as it is
            self.guards[f"({left} and {right})"] = (left, right)
            return f"({left} and {right})", lc and rc
        # the left may be unknown, the right is not: a false right wins, else the left
        return f"(False if not {right} else {left})", lc and rc

    def e_Or(self, e: n.Or, ctx: _Ctx) -> tuple[str, bool]:
        if (self.nullable(e.left) and self.nullable(e.right)) or self.optimistic:
            return super().e_Or(e, ctx)
        left, lc = self.sub(e.left, ctx)
        right, rc = self.sub(e.right, ctx)
        if not self.nullable(e.left):  # True stops; False gives the right side
            return f"({left} or {right})", lc and rc
        return f"(True if {right} else {left})", lc and rc

    def e_Name(self, e: n.Name, ctx: _Ctx) -> tuple[str, bool]:
        if e.name == "member" and e.name not in ctx.names:
            self.needs_member = True
        return super().e_Name(e, ctx)

    def e_Field(self, e: n.Field, ctx: _Ctx) -> tuple[str, bool]:
        if self._member_field(e, ctx):
            self.member_fields.setdefault(e.name)
            return _ident("M_", e.name), True
        return super().e_Field(e, ctx)


def _situations(value: Any) -> Any:
    """A row's situations as the model keeps them, or ``_SLOW``."""
    if value.__class__ is not list and value.__class__ is not tuple:
        return _SLOW
    allowed = _SITUATIONS
    for v in value:
        if v.__class__ is not str or v not in allowed:
            return _SLOW
    return tuple(dict.fromkeys(value))


def _objects(value: Any, field: str) -> Any:
    """A row's employers or schools as model objects, or ``_SLOW`` (the loader says why).

    Each item: a dict of the spec's keys only (``name`` and ``title`` or ``degree``,
    ``start``, ``end``), ``name`` a string, the other text a string or null, the dates
    a date, ISO date text or null.  The model's defaults are null, so building the
    object from the four values is what the loader's ``cls(**item)`` gives.
    """
    if value.__class__ is not list and value.__class__ is not tuple:
        return _SLOW
    if not value:
        return ()
    cls, other = (Employer, "title") if field == "employers" else (School, "degree")
    made = []
    for item in value:
        if item.__class__ is not dict:
            return _SLOW
        name = item.get("name")
        text = item.get(other)
        start = item.get("start")
        end = item.get("end")
        keys = 1 + (other in item) + ("start" in item) + ("end" in item)
        if name.__class__ is not str or len(item) != keys:  # no name, or another key
            return _SLOW
        if not name.isascii() and not _text(name):
            return _SLOW
        if text is not None and (text.__class__ is not str or not (text.isascii() or _text(text))):
            return _SLOW
        if start is not None and start.__class__ is not _dt.date:
            start = _date_of(start)  # a date, or _SLOW
        if end is not None and end.__class__ is not _dt.date:
            end = _date_of(end)
        if start is _SLOW or end is _SLOW:
            return _SLOW
        made.append(cls(name, text, start, end))
    return tuple(made)


def _text(value: str) -> bool:
    """A non-ASCII string is text when it encodes (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _date_of(value: Any) -> Any:
    """A date field's value: a date, or ``_SLOW``."""
    if value.__class__ is str:
        d = parse_iso_date(value)
        return _SLOW if d is None else d
    if value.__class__ is _dt.date:
        return value
    return _SLOW


def _rest_ok(row: dict[Any, Any], read: frozenset[str]) -> bool:
    """The fields of a member row that no rule reads: valid as the loader would have them.

    False sends the row to the loader (which then names the problem, or takes a value
    the fast checks do not: a datetime, a str subclass...).
    """
    for key, value in row.items():
        if key in read:
            continue
        if key.__class__ is not str or key not in ROW_KEYS:
            return False
        if key == "id" or key == "member_id" or value is None:
            continue
        kind = NETWORK_SPEC["as_of"][0] if key == "as_of" else MEMBER_SPEC[key][0]
        if kind == "string":
            if value.__class__ is not str or (not value.isascii() and not _text(value)):
                return False
        elif kind == "date":
            if _date_of(value) is _SLOW:
                return False
        elif kind == "int":
            if value.__class__ is not int or not 0 <= value <= MAX_INT:
                return False
        elif kind == "bool":
            if value.__class__ is not bool:
                return False
        else:
            try:
                _check(kind, value, key)
            except _Bad:
                return False
            except Exception:
                return False
    return True


_SLOW = object()


class _Fallback(Exception):
    """A row the fast path does not vouch for: the general checks take it."""


_SITUATIONS = frozenset(cast(tuple[str, ...], MEMBER_SPEC["situations"][0][1][1]))

_HELPERS: dict[str, Any] = {
    "B_dict": dict,
    "B_range": range,
    "B_str": str,
    "B_int": int,
    "B_bool": bool,
    "B_list": list,
    "B_tuple": tuple,
    "B_date": _dt.date,
    "B_SLOW": _SLOW,
    "B_situations": _situations,
    "B_objects": _objects,
    "B_text": _text,
    "B_date_of": _date_of,
    "B_rest_ok": _rest_ok,
    "B_MAXI": MAX_INT,
    "B_len": len,
    "B_Exception": Exception,
    "B_Fallback": _Fallback,
    "B_isascii": str.isascii,
}
# The largest whole number of one digit of CPython's int (2**30 - 1), which its
# comparisons take on a fast path; B_MAXI is not one.
_SMALL_INT = 2**30 - 1


def _fast_check(name: str, kind: Any, field: str, keep: bool, read: str = "") -> str:
    """One field's check in the fast path: true when the loader would take the value
    as it is.  ``keep``: read ``read`` into the local ``name`` (converted in place where
    the model keeps another form); else ``name`` is the read itself, checked once."""
    key = repr(_ident("", field))
    v = f"({name} := {read})" if keep else "(B_v := " + name + ")"
    n = name if keep else "B_v"
    if kind == "int":
        # one machine word (CPython compares those without a call): a larger whole
        # number, valid up to B_MAXI, takes the general checks
        check = f"{v}.__class__ is B_int and {n} >= 0 and {n} <= {_SMALL_INT}"
        # a null count is the loader's len(connections): the general path says 0
        return check if keep else f"({check} or {n} is None)"
    if kind == "string":
        # str.isascii(x) raises for anything but a str (the loader takes a subclass as
        # it is, and so does this); False for other text, which must encode
        return f"({v} is None or B_isascii({n}) or B_text({n}))"
    if kind == "bool":  # bool has no subclasses: its class is the whole test
        return f"({v}.__class__ is B_bool or {n} is None)"
    if kind == "date":
        convert = f"({n} := B_date_of({n}))" if keep else f"B_date_of({n})"
        return f"({v} is None or {n}.__class__ is B_date or {convert} is not B_SLOW)"
    if kind[0] == "enum":  # a set with None; an unhashable value raises: the general path
        return f"{v if keep else name} in {_ident('B_EN_', field)}"
    if field == "situations":
        convert = f"({n} := B_situations({n}))" if keep else f"B_situations({n})"
        return f"({v} is None or {convert} is not B_SLOW)"
    if field in ("employers", "schools"):
        if keep:
            return f"({n} := (() if {v} is None else B_objects({n}, {key}))) is not B_SLOW"
        return f"({v} is None or B_objects({n}, {key}) is not B_SLOW)"
    raise AssertionError(f"no batch check for member.{field}")  # pragma: no cover


def _read_date(em: _Emitter, name: str, read: str, indent: int) -> None:
    em.add(indent, f"{name} = {read}")
    em.add(indent, f"if {name} is not None and {name}.__class__ is not B_date:")
    em.add(indent + 1, f"if ({name} := B_date_of({name})) is B_SLOW:")
    em.add(indent + 2, "slow_append(i); continue")


def _read_field(em: _Emitter, field: str, indent: int, keep: bool) -> None:
    """Code reading one member field from ``row``, checked in place: into ``M_<field>``
    (``keep``: a rule reads it) or a scratch name.  Anything it cannot vouch for sends
    the row to the loader (``continue``)."""
    name = _ident("M_", field) if keep else "B_v"
    kind = MEMBER_SPEC[field][0]
    key = repr(_ident("", field))  # a schema field name (an identifier), never rule text
    slow = "slow_append(i); continue"
    if keep and field in ("exchanges_recorded", "recommendations_recorded"):
        # an explicit null means unknown; only a missing key means the default (True)
        em.add(indent, f"{name} = row.get({key}, True)")
    elif kind == "date":
        _read_date(em, name, f"row.get({key})", indent)
        return
    else:
        em.add(indent, f"{name} = row.get({key})")
    if kind == "int":
        em.add(indent, f"if {name}.__class__ is not B_int or not 0 <= {name} <= B_MAXI:")
        em.add(indent + 1, f"if {name} is None:")
        em.add(indent + 2, f"{name} = 0")  # the loader's len(connections): a row has none
        em.add(indent + 1, "else:")
        em.add(indent + 2, slow)
    elif kind == "string":
        em.add(indent, f"if {name}.__class__ is not B_str:")
        em.add(indent + 1, f"if {name} is not None:")
        em.add(indent + 2, slow)
        em.add(indent, f"elif not {name}.isascii() and not B_text({name}):")
        em.add(indent + 1, slow)
    elif kind == "bool":
        em.add(indent, f"if {name} is not None and {name}.__class__ is not B_bool:")
        em.add(indent + 1, slow)
    elif kind[0] == "enum":
        allowed = _ident("B_E_", field)
        em.add(
            indent,
            f"if {name} is not None and ({name}.__class__ is not B_str or {name} not in {allowed}):",
        )
        em.add(indent + 1, slow)
    elif field == "situations":
        em.add(indent, f"if {name} is not None and ({name} := B_situations({name})) is B_SLOW:")
        em.add(indent + 1, slow)
    elif field in ("employers", "schools"):
        em.add(indent, f"if {name} is None:")
        em.add(indent + 1, f"{name} = ()")
        em.add(indent, f"elif ({name} := B_objects({name}, {key})) is B_SLOW:")
        em.add(indent + 1, slow)
    else:  # pragma: no cover - MEMBER_SPEC has no other kinds
        raise AssertionError(f"no batch reader for member.{field}")


def _inline_single_use(per_row: list[str], body: list[str]) -> tuple[list[str], list[str]]:
    """Per-row values read once, written where they are read: ``h2 = (h0 and h1)``
    with ``h0``, ``h1`` used nowhere else becomes one expression, and a value only a
    finding's message reads is computed only when the rule fires.

    Generated expressions have no side effects and hold no text from rule files (so
    an identifier in them is a name), and every per-row name is assigned once per row:
    moving an expression to its one use gives the same value.  A use inside a
    comprehension or a lambda would compute it per item: not inlined there.
    """
    rows = [line for line in per_row]
    lines = rows + list(body)
    for k in range(len(rows)):
        m = _ASSIGN.match(lines[k])
        if m is None or lines[k].startswith("def "):
            continue
        name, code = m.group(1), lines[k][m.end() :]
        word = re.compile(rf"\b{name}\b")
        uses = [j for j in range(k + 1, len(lines)) if word.search(lines[j])]
        if len(uses) != 1 or len(word.findall(lines[uses[0]])) != 1:
            continue
        target = lines[uses[0]]
        if " for " in target or "lambda" in target:
            continue
        at = word.search(target)
        assert at is not None
        lines[uses[0]] = f"{target[: at.start()]}({code}){target[at.end() :]}"
        lines[k] = ""
    return [line for line in lines[: len(rows)] if line], lines[len(rows) :]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


_FIRES = ("if w is True:", "if w:", "elif w is True:", "elif w:")


def _when_fired(per_row: list[str], body: list[str]) -> tuple[list[str], list[str]]:
    """Per-row values that only a finding reads (its message, evidence, severity),
    computed where the rule fires instead of for every member.

    A per-row line is needed for every member when a condition or a skip reads it,
    directly or through other per-row lines; the others are copied to the top of
    each rule body that reads them (in their order, with what they read), and
    computed there only.  Per-row lines are pure assignments of generated code, each
    name assigned once (see :func:`_inline_single_use`): moving one to where it is
    read gives the same value.  A rule body runs at most once per member.
    """
    names: dict[str, int] = {}
    reads: list[set[str]] = []
    for k, line in enumerate(per_row):
        m = _ASSIGN.match(line)
        if m is not None and not line.startswith("def "):
            names[m.group(1)] = k
        reads.append(set(_IDENTS.findall(line if m is None else line[m.end() :])))
    if not names:
        return per_row, body
    for k in range(len(per_row)):
        reads[k] &= names.keys()

    def closure(start: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = [x for x in start if x in names]
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(reads[names[x]])
        return seen

    blocks: list[tuple[int, int]] = []  # [start, end) of each rule body (where it fires)
    k = 0
    while k < len(body):
        if body[k].strip() in _FIRES:
            j = k + 1
            while j < len(body) and _indent(body[j]) > _indent(body[k]):
                j += 1
            blocks.append((k + 1, j))
            k = j
            continue
        k += 1
    inside = {j for a, b in blocks for j in range(a, b)}
    eager_reads = set(_IDENTS.findall(" ".join(b for j, b in enumerate(body) if j not in inside)))
    eager = closure(eager_reads)
    for k, line in enumerate(per_row):  # a line that is not an assignment stays, with its reads
        if _ASSIGN.match(line) is None or line.startswith("def "):
            eager |= closure(reads[k])
    if len(eager) == len(names):
        return per_row, body
    out: list[str] = []
    last = 0
    for a, b in blocks:
        out.extend(body[last:a])
        need = closure(set(_IDENTS.findall(" ".join(body[a:b])))) - eager
        pad = " " * _indent(body[a])
        out.extend(pad + per_row[names[x]] for x in sorted(need, key=names.__getitem__))
        out.extend(body[a:b])
        last = b
    out.extend(body[last:])
    keep = [line for line in per_row if (m := _ASSIGN.match(line)) is None or m.group(1) in eager]
    return keep, out


def _guards(
    per_row: list[str], body: list[str], guards: dict[str, tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """A rule whose condition is ``left and right``, ``left`` never unknown, tests
    ``left`` alone first: ``if not left: pass`` (the condition is false, nothing to
    record), else ``w = right`` and the rule's tests as before.  The common member
    fails a cheap first part, and skips the store and three-valued tests of ``w``.

    Only for the plain form (``w = X`` followed by ``if w is True:``): a condition
    read two ways (an uncertain count) keeps its form.  ``X`` is the ``and`` itself or
    a per-row name assigned it and read nowhere else (that line is dropped).  Applied
    again to ``right``, so ``a and b and c`` tests each known part in turn.
    """
    defs: dict[str, int] = {}
    for k, line in enumerate(per_row):
        m = _ASSIGN.match(line)
        if m is not None and not line.startswith("def "):
            defs[m.group(1)] = k
    dropped: set[int] = set()
    out = list(body)
    k = 0
    while k < len(out):
        line = out[k]
        code = line.lstrip(" ")
        pad = line[: len(line) - len(code)]
        if not code.startswith("w = ") or k + 1 >= len(out) or out[k + 1] != pad + "if w is True:":
            k += 1
            continue
        value = code[len("w = ") :]
        found = guards.get(value)
        at = defs.get(value)
        if found is None and at is not None and at not in dropped:
            word = re.compile(rf"\b{value}\b")
            text = per_row[at]
            uses = sum(len(word.findall(x)) for x in per_row + out) - 1  # its assignment
            if uses == 1:
                found = guards.get(text[text.index(" = ") + 3 :])
                if found is not None:
                    dropped.add(at)
        if found is None:
            k += 1
            continue
        left, right = found
        end = k + 2  # the rule's if/elif chain: re-indented under the else
        while end < len(out):
            nxt = out[end].lstrip(" ")
            depth = len(out[end]) - len(nxt)
            if depth < len(pad) or (depth == len(pad) and not nxt.startswith(("elif ", "else:"))):
                break
            end += 1
        chain = ["    " + x for x in out[k + 1 : end]]
        out[k:end] = [
            f"{pad}if not {left}:",
            f"{pad}    pass",
            f"{pad}else:",
            f"{pad}    w = {right}",
            *chain,
        ]
        k += 3  # the new "w = right": its right side may be a guard again
    return [x for j, x in enumerate(per_row) if j not in dropped], out


def _top_split(code: str) -> list[str]:
    """Generated code split at its top-level commas (it holds no string literals)."""
    parts: list[str] = []
    depth = start = 0
    for k, ch in enumerate(code):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(code[start:k].strip())
            start = k + 1
    tail = code[start:].strip()
    return parts + [tail] if tail else parts


def _flat_records(body: list[str], makers: dict[int, tuple[str, str]] | None) -> list[str]:
    """The rule bodies recording into the batch's flat lists, each record with its row
    (``i``): no per-row lists to set up and test for every member.  ``makers``: the
    record is the Finding itself, built where the rule fires from the rule's message
    and evidence code (see :func:`_finding_makers` and :func:`_build_finding`).  A
    rule's condition is most often false: that is tested first."""
    out: list[str] = []
    for line in body:
        code = line.lstrip(" ")
        pad = line[: len(line) - len(code)]
        if code.startswith("out_append((") and makers is not None:
            # out_append((index, severity, subject id, (values, ))) from _rule_body
            index, sev, _sid, values = _top_split(code[len("out_append((") : -2])
            out += _build_finding(pad, int(index), sev, values, makers[int(index)])
            continue
        if code.startswith("out_append(("):
            line = pad + "out_append((i, " + code[len("out_append((") :]
        elif code == "skips[sk] = skips_get(sk, 0) + 1":
            line = pad + "skip_append((i, sk))"
        elif code == "if w is True:":
            out += [pad + "if w is False:", pad + "    pass"]
            line = pad + "elif w is True:"
        elif "skips" in code or "out_append" in code or "ax_append" in code:
            raise AssertionError(f"unexpected bookkeeping in a member rule: {code}")
        out.append(line)
    return out


_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|K\[\d+\]")
_V_REF = re.compile(r"\bv\[(\d+)\]")


def _build_finding(
    pad: str, index: int, sev: str, values: str, render: tuple[str, str]
) -> list[str]:
    """The lines building rule ``index``'s Finding where it fires and recording it:
    the object made without ``Finding.__init__`` (an empty :data:`FINDING_FILLER`,
    every field stored as ``Finding(...)`` would hold it, then its class set to
    ``Finding``: see :func:`_filler`), the message and evidence computed in place by
    the rule's render code.  A value of the record that is a plain name or constant is
    written where the render code reads it; otherwise the values are a tuple first."""
    msg, ev = render
    assert values.startswith("(") and values.endswith(")")
    parts = _top_split(values[1:-1])
    lines = []
    if all(_SIMPLE.fullmatch(p) for p in parts):

        def put(code: str) -> str:
            return _V_REF.sub(lambda m: parts[int(m.group(1))], code)
    else:
        lines.append(f"{pad}B_vals = {values}")

        def put(code: str) -> str:
            return _V_REF.sub(lambda m: f"B_vals[{m.group(1)}]", code)

    fields = {
        "rule": f"B_RULE_{index}",
        "severity": sev,
        "category": f"B_CAT_{index}",
        "subject": f"B_SUBJ_{index}",
        "message": put(msg),
        "evidence": put(ev),
        "advice": f"B_ADV_{index}",
        "source": f"B_SRC_{index}",
        "subjects": "()",
    }
    assert tuple(fields) == FINDING_FIELDS
    lines.append(f"{pad}B_f = B_Filler()")
    lines += [f"{pad}B_f.{name} = {code}" for name, code in fields.items()]
    lines.append(f"{pad}B_f.__class__ = _Finding")
    lines.append(f"{pad}out_append((i, B_f))")
    return lines


def _filler(cls: type) -> type:
    """:func:`netrules.model.filler` for the batch function's findings."""
    return filler(cls, "the batch function")


FINDING_FILLER = _filler(Finding)
FINDING_FIELDS = tuple(f.name for f in attrs.fields(Finding))


# A temporary that only copies a local (``(_t5 := M_industry)``): compiler._unalias, with
# the batch function's locals (member fields, constants) besides the compiler's.
_ALIAS = re.compile(r"\((_t\d+) := ((?:q|h|m)\d+|it|gk|gi|[DPRMT]_[A-Za-z0-9_]+|K_\d+)\)")


# compiler._format_code's fast form for a number in a message: "_str(t) if (t := ...)"
_STR_INT = re.compile(r"_str\((_t\d+)\) if \(\1 := ")


def _finding_makers(
    gen: Gen, body: list[str], outputs: Sequence[Any], namespace: dict[str, Any]
) -> dict[int, tuple[str, str]] | None:
    """For each member rule, the code of its finding's message and evidence (the rule's
    own render code, reading the record's values as ``v[k]``), with what its findings
    share (rule, category, one shared Subject, advice, source) defined in
    ``namespace`` as ``B_RULE_<index>``...: the Finding is built where the rule fires
    (:func:`_build_finding`), as the report's Findings builds it from a record.
    None when a record does not have the expected form (the records are kept then)."""
    makers: dict[int, tuple[str, str]] = {}
    for line in body:
        code = line.strip()
        if not code.startswith("out_append(("):
            continue
        parts = _top_split(code[len("out_append((") : -2])
        sid = re.fullmatch(r"K\[(\d+)\]", parts[2]) if len(parts) == 4 else None
        if sid is None or not parts[0].isdigit() or int(parts[0]) not in gen.renders:
            return None
        index = int(parts[0])
        info = outputs[index]
        if info is None:
            return None
        render = gen.renders[index][0]
        head = f"def M{index}(v):\n    return "
        if not render.startswith(head):
            return None
        made = _top_split(render[len(head) :].strip())
        if len(made) != 2 or not parts[3].startswith("(") or not parts[3].endswith(")"):
            return None
        for name, value in (
            ("RULE", info.rule),
            ("CAT", info.category),
            ("SUBJ", Subject(info.kind, str(gen.K[int(sid.group(1))]))),
            ("ADV", info.advice),
            ("SRC", info.source),
        ):
            namespace[f"B_{name}_{index}"] = value
        # a whole number under a thousand goes into the message by the f-string itself
        # (format(n, "") is str(n) for an int): one call less per finding
        makers[index] = (_STR_INT.sub(r"\1 if (\1 := ", made[0]), made[1])
    return makers


def _split_prelude(gen: Gen, row_names: set[str]) -> tuple[list[str], list[str]]:
    """The prelude lines computed once per batch, and those computed per row.

    A line is per row when its code names a per-row value (a member field, a
    per-row ``as_of``, an earlier per-row line), directly or through a helper
    function split off for depth.  Generated code holds no text from rule files,
    so its identifiers are exactly the names it reads.
    """
    refs = gen.names_read(_IDENTS)

    once: list[str] = []
    per_row: list[str] = []
    for line in gen.prelude:
        m = _ASSIGN.match(line)
        if m is None or refs(line[m.end() :]) & row_names:
            per_row.append(line)
            if m is not None:
                row_names.add(m.group(1))
            continue
        once.append(line)
    return once, per_row


def compile_batch(
    prog: Program, row_as_of: bool, outputs: Sequence[Any] | None = None
) -> BatchProgram | None:
    """Generate the batch function of a checked program (member rows only).

    ``row_as_of``: each row brings its own ``as_of`` (the batch was given none).
    ``outputs``: the compiled program's :class:`~netrules.findings.RuleOutput` per rule,
    given when each finding is final as the rule makes it (no precedence, no
    min_severity): the function then builds the Findings itself.
    None when a member rule needs the member as a whole object.
    """
    gen = _BatchGen(prog)
    member_rules = [(i, ri) for i, ri in enumerate(prog.rules) if ri.collection is None]
    only = cast(
        Program,
        types.SimpleNamespace(
            rules=[ri for _, ri in member_rules], defines=prog.defines, expansions=prog.expansions
        ),
    )
    for name in _define_order(only):  # dependencies first, as compile_program does
        gen.define(name)
    body = _Emitter()
    _member_rule_bodies(gen, body, member_rules, 2)
    if gen.needs_member:
        return None
    fields = tuple(gen.member_fields)
    row_names = {_ident("M_", f) for f in fields}
    if row_as_of:
        row_names.add("R_as_of")
    once, per_row = _split_prelude(gen, row_names)
    per_row, lines = _guards(per_row, body.lines, gen.guards)

    setup = [
        "recs = []",  # (row, rule index, severity, subject id, values) per finding
        "out_append = recs.append",
        "skipped = []",  # (row, (rule index, missing fields)) per rule that could not judge
        "skip_append = skipped.append",
        "slow = []",
        "slow_append = slow.append",
        "net = B_NOFACTS",
        "R_as_of = as_of",
    ]
    setup += [f"R_{coll} = ()" for coll in COLLECTIONS]
    setup += [f"{_ident('P_', name)} = P[{gen.const(name)}]" for name in sorted(gen.params_used)]
    setup += [f"{_ident('T_', name)} = T[{gen.const(name)}]" for name in sorted(gen.tables_used)]
    for name, args, code in gen.splits:
        setup += [f"def {name}({', '.join(args)}):", f"    return {code}"]
    namespace = dict(NAMESPACE)
    namespace.update(_HELPERS)
    namespace["B_Filler"] = FINDING_FILLER
    namespace["B_NOFACTS"] = _NoFacts()
    namespace["K"] = tuple(gen.K)
    for field, (kind, _required) in MEMBER_SPEC.items():
        if isinstance(kind, tuple) and kind[0] == "enum":
            namespace[_ident("B_E_", field)] = frozenset(kind[1])
            namespace[_ident("B_EN_", field)] = frozenset(kind[1]) | {None}
    makers = None if outputs is None else _finding_makers(gen, body.lines, outputs, namespace)
    return BatchProgram(
        fields, row_as_of, setup, once, per_row, lines, namespace, makers, len(member_rules)
    )
