"""Checked rules -> one Python function, generated once per rule set.

Generated code is the fastest way to run the rules, and it is safe because no
text from a rule file ever reaches the generated source: strings, dates and
every other value travel in the constants list ``K`` and are referenced by
index; identifiers are emitted only after matching ``[A-Za-z_][A-Za-z0-9_]*``
and getting a prefix; field names come from the schema.  The code runs with an
empty ``__builtins__`` apart from ``len``/``sum``/``any``.

Speed by construction: every sub-expression that does not depend on the
current item (aggregates, ``as_of - 2 years``, table look-ups on member
fields) is hoisted and computed once per evaluation; per-item rules over one
collection share one loop; ``group by`` builds one dict per rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeGuard

import attrs

from . import nodes as n
from .checker import Program, RuleInfo
from .compiled import CompiledProgram
from .findings import RenderColumns, RuleOutput
from .parse_cache import compile_cached
from .printer import print_expr
from .runtime import NAMESPACE
from .values import Range

__all__ = ["CompiledProgram", "compile_program"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TEMP = re.compile(r"\b_t\d+\b")
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
# Python refuses source nested more than 200 brackets deep ("too many nested
# parentheses"); code deeper than this moves into a helper function of its own.
MAX_CODE_DEPTH = 40
# Aggregates that read every item (no early stop): their items are built as a list
_WHOLE = frozenset({"sum", "avg", "min", "max", "distinct", "collect"})
# Runtime helpers that are one string method behind a None test (runtime._lower, ...)
_STR_METHODS = {"lower": "lower", "upper": "upper", "trim": "strip"}
# A temporary that only copies a local name: "(_t5 := q3)" (see _unalias)
_ALIAS = re.compile(r"\((_t\d+) := ((?:q|h|m)\d+|it|gk|gi|[DPR]_[A-Za-z0-9_]+|K_\d+)\)")
_K_REF = re.compile(r"\bK\[(\d+)\]")
_NO_FACTS: frozenset[int] = frozenset()
_ASSIGN = re.compile(r"\((_t\d+) := ")
_SHARED = re.compile(r"\bq\d+\b")  # a per-item value computed once per item (_ItemShare)
# What a value's code is where a simple value X is known (see _ItemShare.known_alias):
# `(K[7] if (_t1 := X) is None else _t1)` is X, `(None if (_t1 := X) is None else
# _t1.strip())` is X.strip(); X a name, or a field of one, with method calls after it
_SIMPLE = r"[A-Za-z_][\w.]*(?:\(\))?(?:\.\w+\(\))*"
_KNOWN_COALESCE = re.compile(rf"\(K\[\d+\] if \((_t\d+) := ({_SIMPLE})\) is None else \1\)")
_KNOWN_GUARD = re.compile(
    rf"\(None if \((_t\d+) := ({_SIMPLE})\) is None else \1((?:\.\w+\(\))+)\)"
)
_CALLS = re.compile(r"(?:\.\w+\(\))+$")
_ROOT_NAMES = ("member", "as_of", "connections", "invitations", "removals", "recommendations_given")
_FOLD_COLLECTIONS = frozenset(
    ("R_connections", "R_invitations", "R_removals", "R_recommendations_given")
)
# A line of an item loop counting an aggregate for the prelude value it names (_fold_plan)
_FOLD_TAG = re.compile(r"  # fold (h\d+)$")
# The names the prelude defines and the helpers split off for depth, in generated code
_PRELUDE_NAME = re.compile(r"\b(?:h\d+|D_[A-Za-z0-9_]+|_s\d+)\b")


def _name(e: n.Expr) -> str:
    """The name of an indexed table or collection (the checker allows nothing else)."""
    assert isinstance(e, n.Name), e
    return e.name


def _literals(items: tuple[n.Expr, ...]) -> TypeGuard[tuple[n.Literal, ...]]:
    return all(isinstance(i, n.Literal) for i in items)


def _ident(prefix: str, name: str) -> str:
    if not _IDENT.match(name):  # the grammar makes this impossible; refuse anyway
        raise ValueError(f"not an identifier: {name!r}")
    return f"{prefix}{name}"


class _ItemShare:
    """The common sub-expressions of one loop's iteration (a collection's item, a group).

    Several rules read the same per-item values (``lower(trim(c.company ?? ""))``,
    ``c.relationship ?? ""``, ``count(group)``): the loop is compiled twice, the first
    time only to count each item-dependent expression by its code (temporaries
    renumbered), the second time computing those seen more than once in a local
    ``q<N>`` at the top of the iteration and reading the local wherever they appear.
    Every runtime helper is total (None in, None out, never a raise), so computing a
    value before the rules that need it changes no value; only expressions without
    a loop of their own (no aggregate) are shared, so an item that needs none of them
    costs little more than before.
    """

    __slots__ = ("counts", "defs", "full", "known", "locals", "names", "quiet", "wanted")

    def __init__(self, names: frozenset[str], wanted: set[str] | None = None):
        self.names = names  # the loop's own variables
        self.counts: dict[str, int] = {}  # first pass: occurrences per code
        self.wanted = wanted  # second pass: the codes to share (None while counting)
        self.locals: dict[str, str] = {}  # code -> its local
        self.full: dict[str, str] = {}  # local -> the code it stands for
        self.defs: list[str] = []  # the locals' assignments, in dependency order
        self.quiet = False  # True while compiling a skip's probe (runs rarely): not counted
        # a local's code where the simple values it tests for unknown are known -> (the
        # local, those values): see known_alias
        self.known: dict[str, tuple[str, frozenset[str]]] = {}

    def key(self, gen: Gen, code: str) -> str:
        """``code`` as the first pass saw it: locals replaced by their code (with fresh
        temporaries each time), temporaries renumbered."""
        if self.full:

            def expand(m: re.Match[str]) -> str:
                fresh: dict[str, str] = {}
                return _TEMP.sub(
                    lambda t: fresh.setdefault(t.group(), gen.t()), self.full[m.group()]
                )

            code = _SHARED.sub(expand, code)
        return code

    def use(self, gen: Gen, code: str) -> str:
        """The code to emit for an item-dependent expression's ``code``."""
        if " for " in code:  # an aggregate: computed where it is needed, as before
            return code
        full = self.key(gen, code)
        key = _canonical(full)
        if self.wanted is None:
            if not self.quiet:
                self.counts[key] = self.counts.get(key, 0) + 1
            return code
        name = self.locals.get(key)
        if name is None and key in self.wanted:
            name = f"q{gen.n_shared}"
            gen.n_shared += 1
            self.defs.append(f"{name} = {code}")
            self.locals[key] = name
            self.full[name] = full
            if " is None else " in key:
                text, needs = _where_known(key)
                if needs:
                    self.known.setdefault(text, (name, needs))
        return code if name is None else name

    def known_alias(self, gen: Gen, code: str) -> str | None:
        """A local standing for ``code``, which relies on facts, where they hold: one
        whose code is ``code``'s once the simple values the facts say are known are
        taken as known (``lower(trim(c.company))`` after ``known(c.company)`` is the
        local of ``lower(trim(c.company ?? ""))``); else None."""
        if not self.known or self.wanted is None:
            return None
        text, needs = _where_known(_canonical(self.key(gen, code)))
        hit = self.known.get(text)
        if hit is None:
            return None
        known = {self.full.get(c, c) for c in gen.facts}
        return hit[0] if (needs | hit[1]) <= known else None


class _Firing:
    """The aggregates a firing subject's values compute more than once (a group rule's
    message and evidence reading ``sum(x in group : x.follow_ups)`` three times): the
    values are compiled twice, the first time only counting them; the second computes
    each such aggregate once in a local ``a<N>`` where the rule fires, before its record.
    Only code that relies on no fact (see Gen.assume) is moved there."""

    __slots__ = ("counts", "defs", "locals", "wanted")

    def __init__(self, wanted: set[str] | None = None):
        self.counts: dict[str, int] = {}
        self.wanted = wanted
        self.locals: dict[str, str] = {}
        self.defs: list[str] = []

    def use(self, gen: Gen, code: str) -> str:
        key = _canonical(code)
        if self.wanted is None:
            self.counts[key] = self.counts.get(key, 0) + 1
            return code
        name = self.locals.get(key)
        if name is None and key in self.wanted:
            name = f"a{gen.n_firing}"
            gen.n_firing += 1
            self.defs.append(f"{name} = {code}")
            self.locals[key] = name
        return code if name is None else name


class _Ctx:
    """Locals visible to an expression: language name -> Python identifier."""

    __slots__ = ("names",)

    def __init__(self, names: dict[str, str] | None = None):
        self.names = names or {}

    def child(self, extra: dict[str, str]) -> _Ctx:
        return _Ctx({**self.names, **extra})


class Gen:
    def __init__(self, prog: Program):
        self.prog = prog
        self.K: list[Any] = []
        self.k_index: dict[tuple[type, Any], int] = {}
        self.prelude: list[str] = []
        self.tmp = 0
        self.defines_done: dict[str, str] = {}
        self.params_used: set[str] = set()
        self.tables_used: set[str] = set()
        self.hoisted: dict[str, str] = {}
        self.refs: set[str] = set()  # local (loop/aggregate) variables the code just read
        self.inline = False  # True: emit in place instead of hoisting (code that runs once)
        # Not None while compiling a member rule's message, evidence and severity: closed
        # parts go into these statements, run where the rule fires (once, and only then)
        self.local: list[str] | None = None
        self.local_names: dict[str, str] = {}
        self.n_local = 0
        self.by_node: dict[int, str] = {}  # id(node) -> its hoisted name
        self.splits: list[tuple[str, tuple[str, ...], str]] = []  # (name, args, code)
        # True while compiling the *optimistic* reading of a condition: a count whose
        # `where` is unknown for some items counts them (see _rule_body)
        self.optimistic = False
        self._uncertain: dict[int, bool] = {}
        # rule index -> (source of its render function M<i>, key index, label index)
        self.renders: dict[int, tuple[str, int | None, int | None]] = {}
        # rule index -> the column form of M<i> (RuleOutput.columns), when it has one
        self.columns: dict[int, RenderColumns] = {}
        # Per-item common sub-expressions (see _ItemShare): set while compiling a loop
        self.share: _ItemShare | None = None
        self.n_shared = 0
        # code "(None if (t := src) is None else body)" whose body is never None -> (t, src, body)
        self.guarded: dict[str, tuple[str, str, str]] = {}
        # code of an and/or chain -> its sides (code, may be unknown), to extend it (_chain)
        self.chains: dict[tuple[str, str], list[tuple[str, bool]]] = {}
        self.fixed: set[tuple[str, str]] = set()  # chains whose sides keep their order
        self.reorder = True  # False: a chain's sides always in the order written
        # False: a group key copied into `k`, a folded count's `where` into `w` (as before)
        self.lean = True
        # True: code relying on facts may read a local whose code, where the facts
        # hold, is the same (see _ItemShare.known_alias)
        self.alias_known = True
        # Narrowing (see assume): the code of values known to be known where the code
        # being compiled runs (`known(c.company) and trim(c.company) != ""`: c.company in
        # the right side) -> the token of the condition that says so
        self.facts: dict[str, int] = {}
        self.n_facts = 0
        # the tokens of the facts the node being compiled relied on (code valid only
        # where they hold: never hoisted, never computed at the top of a loop)
        self.fact_hits: frozenset[int] = _NO_FACTS
        self.last_taint = False  # whether the node _expr just compiled relied on a fact
        # whether a node compiled since (a child) was found never unknown by its own
        # code (a chain whose right side needs its left), which its parent may be too
        self.fresh = False
        # node id -> the facts its last compiled code relies on to be never unknown,
        # for a node the checker types as possibly unknown
        self.narrowed: dict[int, frozenset[int]] = {}
        self.known_code: dict[int, str] = {}  # id of a known(x) call -> the code of x
        self.replain = 0  # nodes compiled again without facts (_plain), bounded
        self.dead: set[int] = set()  # the tokens of facts forgotten
        self.firing: _Firing | None = None  # while compiling a looped rule's values
        self.n_firing = 0
        # Counts over a whole collection that its item loop may make instead of a pass
        # of their own (see _fold_plan): canonical code -> (collection, kind, node), and
        # those hoisted into the prelude: name -> (collection, kind, node)
        self.fold_forms: dict[str, tuple[str, str, n.Aggregate]] = {}
        self.folds: dict[str, tuple[str, str, n.Aggregate]] = {}
        # A probe's code -> its parts: (code, None) for a closed part, (label constant,
        # condition) for a part that reads the item (see _probe and _skip)
        self.probe_parts: dict[str, list[tuple[str, str | None]]] = {}
        # Skips counted per site in a loop (see _skip): (rule index, probe) -> site number
        self.skip_sites: dict[tuple[int, str], int] = {}
        self.site_probes: list[tuple[int, list[tuple[str, str | None]]]] = []
        self.count_sites = True  # False: every skip counted into `skips` where it happens
        self.single_use = True  # False: every shared local kept (_inline_single_use)
        # A loop's condition reading closed values that may be unknown gets a second
        # version for when they are all known (see closed_known); False: one version
        self.specialise = True
        # while compiling such a condition: the closed names it reads that may be
        # unknown (outermost only: a hoisted value's own inputs are not its reads)
        self.closed_reads: list[str] | None = None
        # while compiling such a condition: node id -> the shared local its code
        # without facts is ("": none), for the version with facts (see _plain)
        self.plain_memo: dict[int, str] | None = None

    # ---- helpers ----
    def const(self, value: Any) -> str:
        key: tuple[type, Any] | None
        try:
            key = (type(value), value)
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self.k_index:
            return f"K[{self.k_index[key]}]"
        self.K.append(value)
        if key is not None:
            self.k_index[key] = len(self.K) - 1
        return f"K[{len(self.K) - 1}]"

    def t(self) -> str:
        self.tmp += 1
        return f"_t{self.tmp}"

    def nullable(self, e: Any) -> bool:
        """Whether the code just compiled for ``e`` may be None: as the checker typed it,
        unless the facts where it runs say otherwise (narrowing, see assume)."""
        hit = self.narrowed.get(id(e))
        if hit is not None:
            if hit:
                self.fact_hits = self.fact_hits | (hit - self.dead)
            return False
        return self.prog.types.get(id(e), ("any", True))[1]

    def typed_nullable(self, e: Any) -> bool:
        """Whether ``e`` may be unknown anywhere (the checker's type, no narrowing)."""
        return self.prog.types.get(id(e), ("any", True))[1]

    # ---- narrowing ----
    def assume(self, e: Any, true: bool) -> int | None:
        """Facts for the code that runs only where ``e`` is not false (``true``: the
        right side of an ``and``, a rule's ``when`` after its ``where``) or not true
        (the right side of an ``or``): ``known(x)`` there means x is known, so code
        reading x needs no test for unknown.  Returns a token for :meth:`forget`.

        Only ``known(...)`` (through ``and``/``or``/``not`` and the bodies of definitions
        with parameters, which are expanded where they are called) gives facts,
        and a fact is the code the argument compiled to, which names the same value
        wherever it appears in the code that follows (locals, hoisted names, the item).
        """
        found: list[Any] = []
        stack: list[tuple[Any, bool]] = [(e, true)]
        while stack:
            node, not_false = stack.pop()
            if isinstance(node, n.Call) and id(node) in self.prog.expansions:
                stack.append((self.prog.expansions[id(node)], not_false))
            elif isinstance(node, n.Not):
                stack.append((node.operand, not not_false))
            elif isinstance(node, n.And if not_false else n.Or):
                stack += [(node.left, not_false), (node.right, not_false)]
            elif isinstance(node, n.Call) and node.func == "known" and not_false:
                found.append(node)
        codes = [self.known_code[id(c)] for c in found if id(c) in self.known_code]
        if not codes:
            return None
        self.n_facts += 1
        token = self.n_facts
        for code in codes:
            self.facts.setdefault(code, token)
        return token

    def forget(self, token: int | None) -> None:
        """The facts of :meth:`assume` no longer hold (the code that relied on them
        stays marked in the nodes compiled meanwhile)."""
        if token is not None:
            self.facts = {c: t for c, t in self.facts.items() if t != token}
            self.dead.add(token)
            if token in self.fact_hits:
                self.fact_hits = self.fact_hits - {token}

    def _never_unknown(self, e: Any, code: str) -> bool:
        """Whether ``code``, just compiled for ``e`` (typed possibly unknown), is never
        None here: a fact, or an operation that is unknown only for an unknown input
        whose inputs here are all known."""
        token = self.facts.get(code)
        if token is not None:
            self.narrowed[id(e)] = frozenset((token,))
            return True
        if isinstance(e, n.Call):
            kids = list(e.args) if e.func in _STR_METHODS and len(e.args) == 1 else None
        elif isinstance(e, (n.Compare, n.And, n.Or)):
            kids = [e.left, e.right]
        elif isinstance(e, n.Arith):
            numeric = self.typ(e.left) in ("number", "string") and e.op in ("+", "-", "*")
            kids = [e.left, e.right] if numeric else None
        elif isinstance(e, n.In):
            kids = [e.item, e.container]
        elif isinstance(e, (n.Not, n.Neg)):
            kids = [e.operand]
        elif isinstance(e, n.Coalesce):
            kids = [e.right]
        else:
            kids = None
        if not kids:
            return False
        narrowed = self.narrowed
        if not all(id(k) in narrowed or not self.typed_nullable(k) for k in kids):
            return False
        tokens = frozenset().union(*(narrowed.get(id(k), ()) for k in kids))
        self.narrowed[id(e)] = tokens - self.dead if tokens else tokens
        return True

    def typ(self, e: Any) -> str:
        return self.prog.types.get(id(e), ("any", True))[0]

    def hoist(self, code: str) -> str:
        """The name of ``code`` computed once: in the prelude, or in the local statements
        of a member rule's body; the same computation (up to temporaries) is reused."""
        if self.inline:
            return code
        key = _canonical(code)
        hit = self.hoisted.get(key)
        if hit is not None:
            return hit
        if self.local is not None:
            hit = self.local_names.get(key)
            if hit is None:
                hit = f"m{self.n_local}"
                self.n_local += 1
                self.local.append(f"{hit} = {code}")
                self.local_names[key] = hit
            return hit
        name = f"h{len(self.hoisted)}"
        self.prelude.append(f"{name} = {code}")
        self.hoisted[key] = name
        form = self.fold_forms.get(key) if self.fold_forms else None
        if form is not None:
            self.folds[name] = form
        return name

    def guard(self, code: str, body: Callable[[str], str], known: bool = True) -> str:
        """``(None if (t := code) is None else body(t))``: unknown in, unknown out.

        When ``code`` is itself such a test whose other branch is never unknown, the
        two tests are one: ``lower(trim(x))`` tests ``x`` once.  ``known``: ``body``
        is never None for a known input (so a later test can be folded into this one).
        """
        # Not in a loop's shared code: folding there would hide the common parts
        hit = self.guarded.get(code) if self.share is None else None
        if hit is not None:
            t, src, inner = hit
            out_body = body(f"({inner})")
        else:
            t, src = self.t(), code
            out_body = body(t)
        out = f"(None if ({t} := {src}) is None else {out_body})"
        if known:
            self.guarded[out] = (t, src, out_body)
        return out

    # ---- expressions: return (code, closed) ----
    def expr(self, e: Any, ctx: _Ctx) -> str:
        return self.sub(e, ctx)[0]

    def _hoisted_fact(self, e: Any, name: str) -> None:
        """A node read from its hoisted name: narrowed when a fact says that name is known."""
        token = self.facts.get(name) if self.facts else None
        if token is not None:
            self.narrowed[id(e)] = frozenset((token,))

    def _hoist_node(self, e: Any, code: str) -> str:
        """Hoist a closed node's code once; later uses of the same node reuse the name."""
        name = self.hoist(code)
        if not self.inline and not self.optimistic and self.local is None:
            self.by_node[id(e)] = name
        return name

    def _expr(self, e: Any, ctx: _Ctx) -> tuple[str, bool]:
        narrowed = self.narrowed
        narrowed.pop(id(e), None)
        if isinstance(e, n.Call) and id(e) in self.prog.expansions:  # a definition's body
            body = self.prog.expansions[id(e)]
            out = self._expr(body, ctx)
            if id(body) in narrowed:
                narrowed[id(e)] = narrowed[id(body)]
            return out
        m = getattr(self, "e_" + type(e).__name__)
        share = self.share
        outer_hits, self.fact_hits = self.fact_hits, _NO_FACTS
        outer_fresh, self.fresh = self.fresh, False
        try:
            if share is None or _trivial(e):
                code, closed = m(e, ctx)
                code, mine = self._bounded(code, ctx), None
            else:
                outer, self.refs = self.refs, set()
                try:
                    code, closed = m(e, ctx)
                    code = self._bounded(code, ctx)
                    mine = self.refs
                finally:
                    self.refs = self.refs | outer  # a new set: `mine` stays this node's own
            shared = bool(share is not None and mine and not closed and mine <= share.names)
            if shared and self.firing is not None and not self.fact_hits and " for " in code:
                code = self.firing.use(self, code)
                shared = False
            if shared and not self.fact_hits and share is not None:
                local = share.use(self, code)
                if self.plain_memo is not None:
                    self.plain_memo[id(e)] = local if local != code else ""
                code, shared = local, False
            if (self.facts or self.fact_hits or self.fresh) and self.typed_nullable(e):
                self._never_unknown(e, code)
            if shared:  # relies on facts: the value it stands for may still be shared
                memo = self.plain_memo
                hit = memo.get(id(e)) if memo is not None else None
                if hit is None and self.alias_known and share is not None:
                    hit = share.known_alias(self, code)
                if hit is None:
                    code = self._plain(e, ctx, code)
                elif hit:
                    code = hit
        finally:
            self.last_taint = bool(self.fact_hits)
            if outer_hits:
                self.fact_hits = self.fact_hits | outer_hits
            self.fresh = outer_fresh or (narrowed.get(id(e)) == _NO_FACTS)
        return code, closed

    def _plain(self, e: Any, ctx: _Ctx, code: str) -> str:
        """An item's value compiled with the help of facts: the local of the same value
        computed without them (at the top of the loop, where it is total), when that
        value is shared; else ``code``.  Where the facts hold, both are the same value."""
        share = self.share
        assert share is not None
        if self.replain > 20_000:  # compile time stays linear in the rules
            return code
        facts, self.facts = self.facts, {}
        hits, self.fact_hits = self.fact_hits, _NO_FACTS
        quiet, share.quiet = share.quiet, True
        try:
            self.replain += 1
            plain, _closed = getattr(self, "e_" + type(e).__name__)(e, ctx)
            plain = self._bounded(plain, ctx)
        finally:
            self.facts, self.fact_hits, share.quiet = facts, hits, quiet
        local = share.use(self, plain)
        return local if local != plain else code

    def _bounded(self, code: str, ctx: _Ctx) -> str:
        """Code nested too deeply for Python's parser becomes a call of a helper function.

        The helper takes the local names in scope (the loop item, aggregate
        variables) as arguments and reads everything else (parameters, hoisted
        values) from the enclosing function, so a split never changes a value.
        """
        if len(code) <= 2 * MAX_CODE_DEPTH or _bracket_depth(code) <= MAX_CODE_DEPTH:
            return code
        names = set(ctx.names.values())
        if self.share is not None:  # a shared per-item value is a local of the loop
            names |= set(_SHARED.findall(code))
        args = tuple(sorted(names))
        name = f"_s{len(self.splits)}"
        self.splits.append((name, args, code))
        return f"{name}({', '.join(args)})"

    def names_read(self, pattern: re.Pattern[str]) -> Callable[[str], set[str]]:
        """A function giving the names (those ``pattern`` finds) a piece of generated
        code reads, through the helper functions split off for depth too (a split's
        call reads what its body reads, transitively)."""
        split_refs = {name: set(pattern.findall(code)) for name, _args, code in self.splits}

        def refs(code: str) -> set[str]:
            found = set(pattern.findall(code))
            todo = [r for r in found if r in split_refs]
            seen: set[str] = set()
            while todo:
                split = todo.pop()
                if split not in seen:
                    seen.add(split)
                    found |= split_refs[split]
                    todo += [r for r in split_refs[split] if r in split_refs]
            return found

        return refs

    def sub(self, e: Any, ctx: _Ctx) -> tuple[str, bool]:
        """A child: hoisted when closed, so the parent can be hoisted too."""
        hit = None if self.optimistic else self.by_node.get(id(e))
        reads = self.closed_reads
        if hit is not None:
            self._hoisted_fact(e, hit)
            if reads is not None:
                self._closed_read(e, hit, reads)
            return hit, True
        mark = len(reads) if reads is not None else 0
        code, closed = self._expr(e, ctx)
        if closed and not _trivial(e) and not self.last_taint:
            name = self._hoist_node(e, code)
            self._hoisted_fact(e, name)
            if reads is not None:
                del reads[mark:]  # what the hoisted value reads is not read here
                self._closed_read(e, name, reads)
            return name, True
        if closed and reads is not None and _trivial(e):
            self._closed_read(e, code, reads)
        return code, closed

    def _closed_read(self, e: Any, name: str, reads: list[str]) -> None:
        """Note a closed value read by the condition being compiled (closed_known)."""
        if id(e) not in self.narrowed and self.typed_nullable(e) and _IDENT.match(name):
            reads.append(name)

    def closed_known(self, e: Any, ctx: _Ctx) -> tuple[str, bool]:
        """A condition in a loop, and whether it may be unknown.

        Closed values it reads that may be unknown (``last_left_job < as_of -
        outdated_after``, ``member.exchanges_recorded``) are tested for unknown per
        item by its three-valued code.  They are nearly always known, so the condition
        gets a second version, compiled with the fact that they are (as after
        ``known(x)``: see assume), chosen per item by one hoisted truth value:
        ``((fast) if h9 else (slow))``, where ``h9`` is ``(h1 is not None and ...)``.
        Where they are known both versions give the same value.
        """
        outer, self.closed_reads = self.closed_reads, []
        memo, self.plain_memo = self.plain_memo, {}
        try:
            slow = self.expr(e, ctx)
            reads = list(dict.fromkeys(self.closed_reads))
            plain, self.plain_memo = self.plain_memo, memo
        finally:
            self.closed_reads = outer
            self.plain_memo = memo
        nullable = self.nullable(e)
        share = self.share
        # (a loop's first pass only counts its shared values: one version will do)
        if not reads or not self.specialise or share is None or share.wanted is None:
            return slow, nullable
        narrowed = dict(self.narrowed)
        state = (self.fact_hits, self.last_taint, self.fresh)
        self.n_facts += 1
        token = self.n_facts
        for name in reads:
            self.facts.setdefault(name, token)
        # the shared locals of the code without facts are known: not compiled again
        memo, self.plain_memo = self.plain_memo, plain
        try:
            fast = self.expr(e, ctx)
        finally:
            self.plain_memo = memo
            self.forget(token)
            self.narrowed.clear()
            self.narrowed.update(narrowed)
            self.fact_hits, self.last_taint, self.fresh = state
        if _canonical(fast) == _canonical(slow):
            return slow, nullable
        test = self.hoist("(" + " and ".join(f"{name} is not None" for name in reads) + ")")
        code = f"({fast} if {test} else {slow})"
        if _bracket_depth(code) > MAX_CODE_DEPTH:
            return slow, nullable
        return code, nullable

    def e_Literal(self, e: n.Literal, ctx: _Ctx) -> tuple[str, bool]:
        v = e.value
        if isinstance(v, bool):
            return ("True" if v else "False"), True
        if isinstance(v, int):
            return str(int(v)), True
        if isinstance(v, float):
            return repr(float(v)), True
        return self.const(v), True

    def e_RangeExpr(self, e: n.RangeExpr, ctx: _Ctx) -> tuple[str, bool]:
        return self.const(Range(e.low, e.high, False)), True

    def e_Name(self, e: n.Name, ctx: _Ctx) -> tuple[str, bool]:
        if e.name in ctx.names:
            self.refs.add(ctx.names[e.name])
            return ctx.names[e.name], False
        if e.name in self.prog.params:
            self.params_used.add(e.name)
            return _ident("P_", e.name), True
        if e.name in self.prog.defines:
            body = self.prog.defines[e.name].body
            if self.optimistic and self.uncertain(body):
                return self.expr(body, _Ctx()), True
            return self.define(e.name), True
        if e.name in _ROOT_NAMES:
            return _ident("R_", e.name), True
        raise AssertionError(f"unchecked name {e.name}")  # pragma: no cover

    def define(self, name: str) -> str:
        if name not in self.defines_done:
            # a define is computed once, up front
            inline, local, self.inline, self.local = self.inline, self.local, False, None
            facts, self.facts = self.facts, {}  # computed up front, where no fact holds
            try:
                code = self.expr(self.prog.defines[name].body, _Ctx())
            finally:
                self.inline, self.local, self.facts = inline, local, facts
            ident = _ident("D_", name)
            self.prelude.append(f"{ident} = {code}")
            self.defines_done[name] = ident
        return self.defines_done[name]

    def e_Field(self, e: n.Field, ctx: _Ctx) -> tuple[str, bool]:
        obj, closed = self.sub(e.obj, ctx)
        field = _ident("", e.name)
        if self.nullable(e.obj):
            return self.guard(obj, lambda t: f"{t}.{field}", known=False), closed
        return f"{obj}.{field}", closed

    def e_Index(self, e: n.Index, ctx: _Ctx) -> tuple[str, bool]:
        if self.typ(e.obj).startswith("coll:"):
            # connections[id]: one dict per evaluation, built at the first look-up (an
            # evaluation that looks nothing up, say without removals, builds none)
            box = self.hoist(f"_index_box({_ident('R_', _name(e.obj))})")
            key, closed = self.sub(e.key, ctx)
            return f"({box}[0] or _index_fill({box})).get({key})", closed
        table = _name(e.obj)
        self.tables_used.add(table)
        key, closed = self.sub(e.key, ctx)
        t, name = self.t(), _ident("T_", table)
        # in place: (rows, default) looked up by case-folded key
        return (
            f"(None if ({t} := {key}) is None else "
            f"{name}[0].get({t}.casefold().strip(), {name}[1]))"
        ), closed

    def e_Call(self, e: n.Call, ctx: _Ctx) -> tuple[str, bool]:
        if id(e) in self.prog.expansions:
            return self._expr(self.prog.expansions[id(e)], ctx)
        args = [self.sub(a, ctx) for a in e.args]
        closed = all(c for _, c in args)
        codes = [c for c, _ in args]
        if e.func in ("provenance", "confidence"):  # where member.X came from
            arg = e.args[0]
            assert isinstance(arg, n.Field)  # member.FIELD: the checker allows nothing else
            field = self.const(f"member.{arg.name}")
            return f"_{e.func}(net, {field}, {codes[0]})", closed
        if e.func == "known":
            if not self.nullable(e.args[0]):
                return "True", closed  # never missing (and no 'literal is not None' warning)
            self.known_code[id(e)] = codes[0]
            return f"({codes[0]} is not None)", closed
        method = _STR_METHODS.get(e.func)
        if method is not None and len(codes) == 1:
            # in place, as the runtime helper does it: one method call, no function call
            if not self.nullable(e.args[0]):  # never unknown (`x ?? ""`): no test
                return f"{codes[0]}.{method}()", closed
            return self.guard(codes[0], lambda t: f"{t}.{method}()"), closed
        return f"_{_ident('', e.func)}({', '.join(codes)})", closed

    def e_Aggregate(self, e: n.Aggregate, ctx: _Ctx) -> tuple[str, bool]:
        coll, c_closed = self.sub(e.collection, ctx)
        guard = None
        if self.nullable(e.collection):
            guard = self.t()
            guard_src, coll = coll, guard
        var = self.t()
        inner = ctx.child({e.var: var}) if e.var else ctx
        # Closed (hoistable) when nothing inside reads a variable other than the
        # aggregate's own: `count(c in connections where c.x)` is computed once.
        outer_refs, self.refs = self.refs, set()
        cond = ""
        if e.where is not None:
            w, _ = self.sub(e.where, inner)
            cond = f" if {w} is True" if self.nullable(e.where) else f" if {w}"
        value = var
        if e.value is not None:
            value, _ = self.sub(e.value, inner)
        self.refs.discard(var)
        closed = c_closed and not self.refs
        self.refs |= outer_refs
        gen = f"{value} for {var} in {coll}{cond}"
        f = e.func
        # a count over a whole collection, computed once: its loop may count it (_fold_plan)
        root = coll if guard is None and closed and coll in _FOLD_COLLECTIONS else None
        if f == "count" and guard is None and e.where is not None and self.nullable(e.where):
            # two readings: unknown `where` items left out (the value), or counted
            if closed and not self.inline and not self.fact_hits:
                both_code = f"_count_both([{w} for {var} in {coll}])"
                if root is not None and e.var:
                    self.fold_forms[_canonical(both_code)] = (root, "both", e)
                both = self.hoist(both_code)
                code = f"{both}[1]" if self.optimistic else f"{both}[0]"
            elif self.optimistic:
                code = f"len([1 for {var} in {coll} if {w} is not False])"
            else:
                code = f"len([1 for {var} in {coll}{cond}])"
        elif f == "count":
            code = f"len({coll})" if not cond else f"len([1 for {var} in {coll}{cond}])"
            if cond and root is not None and e.var:
                self.fold_forms[_canonical(code)] = (root, "count", e)
        elif f == "any" and e.value is None:
            code = f"any(True for {var} in {coll}{cond})"
        elif f == "peak":
            window, w_closed = self.sub(e.window, ctx)
            closed = closed and w_closed
            code = f"_peak([{gen}], {window})"
        elif f in _WHOLE:  # reads every item: a list is built faster than a generator runs
            code = f"_{f}([{gen}])"
        else:
            code = f"_{f}({gen})"
        if guard is not None:
            code = f"(None if ({guard} := {guard_src}) is None else {code})"
        return code, closed

    def e_Neg(self, e: n.Neg, ctx: _Ctx) -> tuple[str, bool]:
        x, closed = self.sub(e.operand, ctx)
        if self.nullable(e.operand):
            return self.guard(x, lambda t: f"-{t}"), closed
        return f"(-{x})", closed

    def _binary(self, e: Any, op: str, ctx: _Ctx, wrap: str | None = None) -> tuple[str, bool]:
        left, lc = self.sub(e.left, ctx)
        right, rc = self.sub(e.right, ctx)
        ln, rn = self.nullable(e.left), self.nullable(e.right)
        if ln != rn:  # one side may be unknown: one test (folded into that side's own)

            def body(t: str) -> str:
                a, b = (t, right) if ln else (left, t)
                return f"{a} {op} {b}" if wrap is None else wrap.format(a, b)

            return self.guard(left if ln else right, body), lc and rc
        if ln or rn:
            a = self.t() if ln else left
            b = self.t() if rn else right
            inner = f"{a} {op} {b}" if wrap is None else wrap.format(a, b)
            guards = [f"({a} := {left}) is None"] if ln else []
            guards += [f"({b} := {right}) is None"] if rn else []
            return f"(None if {' or '.join(guards)} else {inner})", lc and rc
        inner = f"{left} {op} {right}" if wrap is None else wrap.format(left, right)
        return f"({inner})", lc and rc

    def e_Arith(self, e: n.Arith, ctx: _Ctx) -> tuple[str, bool]:
        lt = self.typ(e.left)
        if lt == "date":
            left, lc = self.sub(e.left, ctx)
            right, rc = self.sub(e.right, ctx)
            sign = "1" if e.op == "+" else "-1"
            return f"_add_dur({left}, {right}, {sign})", lc and rc
        if e.op == "/":
            left, lc = self.sub(e.left, ctx)
            right, rc = self.sub(e.right, ctx)
            return f"_div({left}, {right})", lc and rc
        op = {"+": "+", "-": "-", "*": "*"}[e.op]
        if lt == "string":
            return self._binary(e, op, ctx)
        # numbers: runtime helpers keep overflow (a huge int times a float) unknown, not raised
        left, lc = self.sub(e.left, ctx)
        right, rc = self.sub(e.right, ctx)
        helper = {"+": "_add", "-": "_sub", "*": "_mul"}[e.op]
        return f"{helper}({left}, {right})", lc and rc

    def e_Compare(self, e: n.Compare, ctx: _Ctx) -> tuple[str, bool]:
        op = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[e.op]
        if self.typ(e.left) == "duration" and op not in ("==", "!="):
            return self._binary(e, op, ctx, "_dur({0}) " + op + " _dur({1})")
        return self._binary(e, op, ctx)

    def e_In(self, e: n.In, ctx: _Ctx) -> tuple[str, bool]:
        item, ic = self.sub(e.item, ctx)
        ct = self.typ(e.container)
        if ct == "range":
            cont, cc = self.sub(e.container, ctx)
            code = f"_in_range({item}, {cont})"
            if e.negated:
                t = self.t()
                code = f"(None if ({t} := {code}) is None else not {t})"
            return code, ic and cc
        if isinstance(e.container, n.ListExpr) and _literals(e.container.items):
            cont, cc = self.const(frozenset(i.value for i in e.container.items)), True
        else:
            raw, cc = self._expr(e.container, ctx)
            # A set pays off when the test runs per item; a list tested once is not copied.
            once = (cc and ic and self.typ(e.container).startswith("list")) or self.last_taint
            cont = self.hoist(f"_as_set({raw})") if cc and not once else raw
        op = "not in" if e.negated else "in"
        inull, cnull = self.nullable(e.item), self.nullable(e.container)
        if inull and not cnull:
            return self.guard(item, lambda t: f"{t} {op} {cont}"), ic and cc
        if inull or cnull:
            a = self.t() if inull else item
            b = self.t() if cnull else cont
            guards = [f"({a} := {item}) is None"] if inull else []
            guards += [f"({b} := {cont}) is None"] if cnull else []
            return f"(None if {' or '.join(guards)} else {a} {op} {b})", ic and cc
        return f"({item} {op} {cont})", ic and cc

    def e_And(self, e: n.And, ctx: _Ctx) -> tuple[str, bool]:
        return self._chain("and", e, ctx)

    def e_Or(self, e: n.Or, ctx: _Ctx) -> tuple[str, bool]:
        return self._chain("or", e, ctx)

    def _chain(self, op: str, e: n.And | n.Or, ctx: _Ctx) -> tuple[str, bool]:
        """Three-valued ``and``/``or``, a chain of them (``a and b and c``) as one
        expression: each side is tested once, and a side that is never unknown is
        Python's own operator.  ``and``: false if any side is false, else unknown if any
        is unknown, else true (``or`` the other way round)."""
        left, lc = self.sub(e.left, ctx)
        # the right side runs only where the left is not false (and) / not true (or)
        token = self.assume(e.left, op == "and")
        try:
            right, rc = self.sub(e.right, ctx)
            parts = self.chains.get((op, left)) or [(left, self.nullable(e.left))]
            parts = parts + (self.chains.get((op, right)) or [(right, self.nullable(e.right))])
        finally:
            self.forget(token)
        if token is not None:  # the chain may be never unknown though its sides are
            self.fresh = True
        # A side may rely on a fact a side before it gives (`known(x) and f(x)`): then
        # the sides keep their order (and so does a chain made of this one)
        fixed = token is not None or (op, left) in self.fixed or (op, right) in self.fixed
        key_parts = parts
        if not fixed and self.reorder and self.share is not None:
            # In a loop: sides that are never unknown, and cheap (no loop of their own),
            # go first, as Python's own operator; each side that may be unknown needs a
            # temporary and a test only when another side follows it.  Every side is
            # total and has no effect: the order changes only the cost.
            first = [p for p in parts if not p[1] and " for " not in p[0]]
            if first and len(first) < len(parts):
                parts = first + [p for p in parts if p[1] or " for " in p[0]]
        stop = "False" if op == "and" else "True"
        temps: list[str] = []

        def rest(i: int) -> str:
            if i == len(parts):  # no side decided: the unknown ones (if any) decide
                if not temps:
                    return "True" if op == "and" else "False"
                if len(temps) == 1:
                    return temps[0]
                if op == "and":  # each is true or unknown
                    return "(" + " and ".join(temps) + ")"
                return f"(None if {' or '.join(f'{t} is None' for t in temps)} else False)"
            code, nullable = parts[i]
            if not nullable:
                if i == len(parts) - 1 and not temps:  # the last side decides: itself
                    return code
                return f"({code} {op} {rest(i + 1)})"
            if i == len(parts) - 1 and not temps:  # the last and only unknown side: itself
                return code
            t = self.t()
            temps.append(t)
            return f"({stop} if ({t} := {code}) is {stop} else {rest(i + 1)})"

        out = rest(0)
        self.chains[(op, out)] = key_parts
        if fixed:
            self.fixed.add((op, out))
        return out, lc and rc

    def e_Not(self, e: n.Not, ctx: _Ctx) -> tuple[str, bool]:
        x, closed = self.sub(e.operand, ctx)
        if self.nullable(e.operand):
            return self.guard(x, lambda t: f"not {t}"), closed
        return f"(not {x})", closed

    def e_Coalesce(self, e: n.Coalesce, ctx: _Ctx) -> tuple[str, bool]:
        left, lc = self.sub(e.left, ctx)
        right, rc = self.sub(e.right, ctx)
        t = self.t()
        return f"({right} if ({t} := {left}) is None else {t})", lc and rc

    def e_ListExpr(self, e: n.ListExpr, ctx: _Ctx) -> tuple[str, bool]:
        if _literals(e.items):
            return self.const(tuple(i.value for i in e.items)), True
        parts = [self.sub(i, ctx) for i in e.items]
        return "(" + "".join(f"{c}, " for c, _ in parts) + ")", all(c for _, c in parts)

    # ---- counts over unknowns ----
    def uncertain(self, e: Any) -> bool:
        """Whether ``e`` reads a count whose ``where`` can be unknown (through definitions)."""
        key = id(e)
        if key in self._uncertain:
            return self._uncertain[key]
        self._uncertain[key] = False  # definitions are not recursive; this stops a revisit
        found = False
        stack = [e]
        while stack and not found:
            node = stack.pop()
            if isinstance(node, n.Aggregate):
                found = (
                    node.func == "count"
                    and node.where is not None
                    and self.typed_nullable(node.where)
                    and not self.typed_nullable(node.collection)
                )
                stack.extend(k for k in (node.collection, node.value, node.where) if k is not None)
            elif isinstance(node, n.Name) and node.name in self.prog.defines:
                found = self.uncertain(self.prog.defines[node.name].body)
            elif isinstance(node, n.Call) and id(node) in self.prog.expansions:
                stack.append(self.prog.expansions[id(node)])
            else:
                stack.extend(
                    _children(node) if not isinstance(node, n.Coalesce) else [node.left, node.right]
                )
        self._uncertain[key] = found
        return found

    def uncertain_labels(self, e: Any) -> tuple[str, ...]:
        """``count(connection.relationship)``: the facts that left such counts open."""
        out: list[str] = []
        seen_defines: set[str] = set()
        stack = [e]
        while stack:
            node = stack.pop()
            if isinstance(node, n.Aggregate):
                if (
                    node.func == "count"
                    and node.where is not None
                    and self.typed_nullable(node.where)
                ):
                    label = f"count({', '.join(_inner_fields(node.where, self))})"
                    if label not in out:
                        out.append(label)
                stack.extend(k for k in (node.collection, node.value, node.where) if k is not None)
            elif isinstance(node, n.Name) and node.name in self.prog.defines:
                if node.name not in seen_defines:
                    seen_defines.add(node.name)
                    stack.append(self.prog.defines[node.name].body)
            elif isinstance(node, n.Call) and id(node) in self.prog.expansions:
                stack.append(self.prog.expansions[id(node)])
            else:
                stack.extend(
                    _children(node) if not isinstance(node, n.Coalesce) else [node.left, node.right]
                )
        return tuple(out)

    # ---- missing-data probes ----
    def leaves(self, e: Any, out: list[tuple[Any, str, tuple[Any, ...]]], seen: set[str]) -> None:
        """The nullable expressions nearest the data: what can make a condition unknown."""
        if e is None or not self.typed_nullable(e):
            return
        if isinstance(e, n.Call) and id(e) in self.prog.expansions:
            self.leaves(self.prog.expansions[id(e)], out, seen)
            return
        if isinstance(e, n.Name) and e.name in self.prog.defines:
            self.leaves(self.prog.defines[e.name].body, out, seen)
            return
        children = [c for c in _children(e) if self.typed_nullable(c)]
        if isinstance(e, n.Aggregate):
            children = []
        for c in children:
            self.leaves(c, out, seen)
        if children and not isinstance(e, (n.Index, n.Field)) and getattr(e, "op", "") != "/":
            return
        # a table miss, an open range's .high, a division by zero: unknown with known inputs
        label = _label(e, self)
        if label not in seen:
            seen.add(label)
            out.append((e, label, tuple(children)))


def _bracket_depth(code: str) -> int:
    """How deeply brackets nest in generated code (it holds no string literals)."""
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", code):
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _canonical(code: str) -> str:
    """``code`` with its temporaries renumbered in order of appearance: two compilations
    of the same expression (each with fresh temporaries) give the same text."""
    seen: dict[str, str] = {}
    return _TEMP.sub(lambda m: seen.setdefault(m.group(), f"_t{len(seen)}"), code)


def _where_known(code: str) -> tuple[str, frozenset[str]]:
    """``code`` (canonical) where the simple values it tests for unknown are known, and
    those values (without the method calls after them: `it.company` for
    `it.company.strip()`)."""
    needs: set[str] = set()

    def coalesce(m: re.Match[str]) -> str:
        needs.add(_CALLS.sub("", m.group(2)))
        return m.group(2)

    def guard(m: re.Match[str]) -> str:
        needs.add(_CALLS.sub("", m.group(2)))
        return m.group(2) + m.group(3)

    before = None
    while before != code:
        before = code
        code = _KNOWN_GUARD.sub(guard, _KNOWN_COALESCE.sub(coalesce, code))
    return _canonical(code), frozenset(needs)


def _trivial(e: Any) -> bool:
    return isinstance(e, (n.Literal, n.Name, n.RangeExpr))


def _children(e: Any) -> list[Any]:
    if isinstance(e, n.Field):
        return [e.obj]
    if isinstance(e, n.Index):
        return [e.key]
    if isinstance(e, n.Call):
        return list(e.args)
    if isinstance(e, (n.Neg, n.Not)):
        return [e.operand]
    if isinstance(e, (n.Arith, n.Compare, n.And, n.Or)):
        return [e.left, e.right]
    if isinstance(e, n.Coalesce):
        return [e.right]
    if isinstance(e, n.In):
        return [e.item, e.container]
    if isinstance(e, n.ListExpr):
        return list(e.items)
    return []


def _label(e: Any, gen: Gen) -> str:
    """A stable name for what was unknown (no positions): ``connection.connected_on``,
    ``industry_targets[member.industry]``, ``max(connection.connected_on)``, ...;
    words.describe turns it into words for people."""
    if isinstance(e, n.Field):
        t = gen.typ(e.obj)
        record = t[4:] if t.startswith("rec:") else _label(e.obj, gen)
        return f"{record}.{e.name}"
    if isinstance(e, n.Index):
        key = _label(e.key, gen) if not isinstance(e.key, n.Literal) else repr(e.key.value)
        return f"{_name(e.obj)}[{key}]"
    if isinstance(e, n.Name) and e.name in gen.prog.defines:
        return _label(gen.prog.defines[e.name].body, gen)
    if isinstance(e, n.Call) and id(e) in gen.prog.expansions:
        return _label(gen.prog.expansions[id(e)], gen)
    if isinstance(e, (n.Call, n.Aggregate)):
        inner = _inner_fields(e, gen)
        return f"{e.func}({', '.join(inner)})"
    if getattr(e, "op", "") == "/":
        return "division by zero"
    inner = _inner_fields(e, gen)
    return ", ".join(inner) if inner else "unknown value"


def _inner_fields(e: Any, gen: Gen) -> list[str]:
    """The nullable record fields an expression reads (through definitions), in order."""
    found: list[str] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, n.Field) and gen.typ(node.obj).startswith("rec:"):
            if gen.prog.types.get(id(node), ("any", False))[1]:
                label = _label(node, gen)
                if label not in found:
                    found.append(label)
            continue
        if isinstance(node, n.Name) and node.name in gen.prog.defines:
            stack.append(gen.prog.defines[node.name].body)
            continue
        if isinstance(node, n.Call) and id(node) in gen.prog.expansions:
            stack.append(gen.prog.expansions[id(node)])
            continue
        kids = _children(node)
        if isinstance(node, n.Aggregate):
            kids = [k for k in (node.value, node.where) if k is not None]
        elif isinstance(node, n.Coalesce):
            kids = [node.left, node.right]
        stack.extend(reversed(kids))
    return found


class _Emitter:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def _rule_body(
    gen: Gen,
    em: _Emitter,
    ri_index: int,
    ri: RuleInfo,
    ctx: _Ctx,
    indent: int,
    subject: str,
    probe: str | Callable[[], str],
) -> None:
    """The rule's condition, and the Finding it appends when the condition is true.

    ``subject`` is the code of the subject id (None for the member); ``probe`` the
    code of the tuple of missing fields appended to the skips when it is unknown (or
    a function making it, called once the condition's parts are hoisted and named).
    """
    r = ri.node
    if r.when is None:
        when, nullable = "True", False
    elif gen.uncertain(r.when):
        when, nullable = gen.expr(r.when, ctx), gen.nullable(r.when)
    else:
        when, nullable = gen.closed_known(r.when, ctx)
    em.add(indent, f"w = {when}")
    if r.when is not None and gen.uncertain(r.when):
        # A count whose `where` is unknown for some items is only known to lie between
        # two readings; when they disagree the rule cannot decide: skipped, not passed.
        gen.optimistic = True
        try:
            alt = gen.expr(r.when, ctx)
        finally:
            gen.optimistic = False
        em.add(indent, f"if w is not None and ({alt}) != w:")
        _skip(gen, em, indent + 1, ri_index, gen.const(gen.uncertain_labels(r.when)))
        em.add(indent, "elif w is True:" if nullable else "elif w:")
    else:
        em.add(indent, "if w is True:" if nullable else "if w:")
    # A member rule's body runs at most once: the closed parts of its message, evidence
    # and severity are computed where it fires (each once), not in the prelude.
    if subject == "None":
        gen.local, gen.local_names = [], {}
    fired = gen.assume(r.when, True) if r.when is not None else None  # what firing says
    # What only a firing subject computes is no reason to compute it for every item at
    # the top of the loop (it still reads a local the loop has for other reasons)
    share, quiet = gen.share, gen.share is not None and gen.share.quiet
    if share is not None:
        share.quiet = True
    values: list[str] = []  # the code of each value the finding needs, computed once
    seen: dict[Any, int] = {}
    out: list[Any] = []

    def value(e: Any) -> int:
        # The layout of the values follows the rule's text (an expression written twice
        # is one value), so every generator of this rule records it alike (batchgen).
        try:
            key: Any = print_expr(e)
        except Exception:  # pragma: no cover - every checked expression prints
            key = id(e)
        if key not in seen:
            seen[key] = len(values)
            values.append(gen.expr(e, ctx))
        return seen[key]

    def compile_values() -> None:
        values.clear()
        seen.clear()
        out.clear()
        base = gen.const(r.severity)
        if r.lower is not None:
            cond = gen.expr(r.lower.condition, ctx)
            sev = f"({gen.const(r.lower.severity)} if {cond} is True else {base})"
        else:
            sev = base
        parts = []
        form: list[str | tuple[int, str | None]] = []  # the message's column form
        for part in r.message.parts if r.message else ():
            if isinstance(part, str):
                parts.append(gen.const(part))
                form.append(part)
            else:
                expr, fmt = part
                at = value(expr)
                parts.append(_format_code(gen, f"v[{at}]", gen.typ(expr), fmt))
                form.append((at, fmt))
        msg = _join(gen, parts)
        pairs = [(e.key, value(e.value)) for e in r.evidence]
        ev = "{" + ", ".join(f"{gen.const(k)}: v[{at}]" for k, at in pairs) + "}"
        agg = r.aggregate
        key = label = None
        if agg is not None:  # the order key and the label are recorded with the values
            key = value(agg.order) if agg.order is not None else None
            label = value(agg.label) if agg.label is not None else None
        out.extend((sev, msg, ev, key, label, _render_columns(form, pairs)))

    firing: list[str] = []
    try:
        if share is not None:  # in a loop: aggregates the values repeat, computed once
            gen.firing = counting = _Firing()
            compile_values()
            wanted = {k for k, times in counting.counts.items() if times > 1}
            if wanted:  # (else the first compilation is the code)
                gen.firing = _Firing(wanted)
                compile_values()
                firing = gen.firing.defs
        else:
            compile_values()
        sev, msg, ev, key, label, columns = out
    finally:
        local, gen.local = gen.local, None
        gen.firing = None
        gen.forget(fired)
        if share is not None:
            share.quiet = quiet
    for line in (*(local or ()), *firing):
        em.add(indent + 1, line)
    subj = gen.const("member") if subject == "None" else subject
    if subj == "it.id" and gen.share is not None:  # read once per item when rules share it
        subj = gen.share.use(gen, subj)
    vals = "(" + "".join(f"{c}, " for c in values) + ")"
    # What fired, compactly: the Finding is built when read (findings.Findings)
    em.add(indent + 1, f"out_append(({ri_index}, {sev}, {subj}, {vals}))")
    gen.renders[ri_index] = (f"def M{ri_index}(v):\n    return {msg}, {ev}\n", key, label)
    if columns is not None:
        gen.columns[ri_index] = columns
    else:
        gen.columns.pop(ri_index, None)
    if nullable:
        em.add(indent, "elif w is None:")
        _skip(gen, em, indent + 1, ri_index, probe if isinstance(probe, str) else probe())


def _render_columns(
    form: list[str | tuple[int, str | None]], pairs: list[tuple[str, int]]
) -> RenderColumns | None:
    """The column form of a render function ``M<i>`` (see :class:`RuleOutput`): the
    message's constant parts (adjacent ones joined) and ``(value index, format spec)``
    per placeholder, and ``(key, value index)`` per evidence entry.  None when the
    evidence dict is not one entry per key, in order (a key written twice)."""
    keys = [k for k, _at in pairs]
    if len(set(keys)) != len(keys) or not all(k.__class__ is str for k in keys):
        return None
    message: list[str | tuple[int, str | None]] = []
    for part in form:
        if isinstance(part, str) and message and isinstance(message[-1], str):
            message[-1] += part
        elif part != "":
            message.append(part)
    return tuple(message), tuple(pairs)


def _unalias(source: str, alias: re.Pattern[str] = _ALIAS) -> str:
    """The generated source without temporaries that only copy a local name.

    ``(None if (_t5 := q3) is None else _t5.strip())`` becomes ``(None if q3 is None
    else q3.strip())``: a local does not change while an expression runs, so reading it
    again gives the same value, two steps cheaper.  A temporary assigned anything else
    anywhere else is left alone.  ``alias`` matches ``(_tN := NAME)`` for the names
    that are locals of the function being generated (the batch function has more).
    """
    found = alias.findall(source)
    if not found:
        return source
    names: dict[str, set[str]] = {}
    copies: dict[str, int] = {}
    for t, name in found:
        names.setdefault(t, set()).add(name)
        copies[t] = copies.get(t, 0) + 1
    assigned: dict[str, int] = {}
    for t in _ASSIGN.findall(source):
        assigned[t] = assigned.get(t, 0) + 1
    aliases = {
        t: next(iter(ns)) for t, ns in names.items() if len(ns) == 1 and copies[t] == assigned[t]
    }
    source = alias.sub(lambda m: m.group(2) if m.group(1) in aliases else m.group(), source)
    return _TEMP.sub(lambda m: aliases.get(m.group(), m.group()), source)


def _join(gen: Gen, parts: list[str]) -> str:
    """Code joining a message's parts: one f-string, or (long messages) a join of
    f-strings of a few parts each, since compiling one f-string costs the square of
    its length."""
    if not parts:
        return gen.const("")
    chunks = [
        'f"' + "".join("{" + p + "}" for p in parts[i : i + 16]) + '"'
        for i in range(0, len(parts), 16)
    ]
    if len(chunks) == 1:
        return chunks[0]
    return f"{gen.const('')}.join(({', '.join(chunks)},))"


def _format(gen: Gen, expr: Any, fmt: str | None, ctx: _Ctx) -> str:
    """A message placeholder: format_value, with the common exact types done in place."""
    return _format_code(gen, gen.expr(expr, ctx), gen.typ(expr), fmt)


def _format_code(gen: Gen, code: str, typ: str, fmt: str | None) -> str:
    """The code formatting the value of ``code`` (of type ``typ``) for a message.

    ``format_value`` returns a str unchanged, a date as ISO text and an int under a
    thousand as its digits (unless the spec is "percent"); anything else, including
    ``1,968``, goes through it.
    """
    spec = gen.const(fmt)
    t = gen.t()
    if typ == "string":
        fast = f"{t} if ({t} := {code}).__class__ is _str"
    elif typ == "date":
        fast = f"{t}.isoformat() if ({t} := {code}).__class__ is _date"
    elif typ == "number" and fmt is None:
        fast = f"_str({t}) if ({t} := {code}).__class__ is _int and -1000 < {t} < 1000"
    else:
        return f"_fmt({code}, {spec})"
    return f"({fast} else _fmt({t}, {spec}))"


_CONST = re.compile(r"K\[\d+\]\Z")
MAX_SKIP_BITS = 6  # a loop's skip site counts in a list of at most 2 ** this


def _skip(gen: Gen, em: _Emitter, indent: int, ri_index: int, probe: str) -> None:
    """Count one skipped subject under (rule index, missing fields): memory stays
    proportional to the distinct reasons, not to the subjects skipped.

    In a loop (thousands of skips: `check-in-due` skips every connection whose
    relationship is unknown) the count goes to a list per site, indexed by which of the
    probe's item parts hold (a bit each), the indexes in the order first seen; the
    tuples of missing fields are made and counted into ``skips`` once per index, after
    the loops (_flush_skips): no tuple built and hashed twice per skipped subject.
    """
    parts = gen.probe_parts.get(probe)
    if parts is None and (probe == "()" or _CONST.match(probe)):
        parts = [] if probe == "()" else [(probe, None)]
    conds = [c for _code, c in parts or () if c is not None]
    if not gen.count_sites or gen.share is None or parts is None or len(conds) > MAX_SKIP_BITS:
        em.add(indent, f"sk = ({ri_index}, {probe})")
        em.add(indent, "skips[sk] = skips_get(sk, 0) + 1")
        return
    site = gen.skip_sites.get((ri_index, probe))
    if site is None:
        site = gen.skip_sites[(ri_index, probe)] = len(gen.site_probes)
        gen.site_probes.append((ri_index, parts))
    bits = " + ".join(f"({1 << k} if {c} else 0)" for k, c in enumerate(conds))
    em.add(indent, f"j = {bits or '0'}")
    em.add(indent, f"if SC{site}[j]:")
    em.add(indent + 1, f"SC{site}[j] += 1")
    em.add(indent, "else:")
    em.add(indent + 1, f"SC{site}[j] = 1")
    em.add(indent + 1, f"SO{site}.append(j)")


def _skip_sites(gen: Gen, code: str) -> tuple[list[str], list[str]]:
    """The lines making the skip sites ``code`` counts into, and the lines counting
    them into ``skips`` at the end (each index's tuple of missing fields, made once)."""
    setup: list[str] = []
    flush: list[str] = []
    for site, (ri_index, parts) in enumerate(gen.site_probes):
        if f"SC{site}[" not in code:  # a site of a first compilation (_shared_loop)
            continue
        bits = sum(1 for _code, c in parts if c is not None)
        setup += [f"SC{site} = [0] * {1 << bits}", f"SO{site} = []"]
        tuple_parts, k = [], 0
        for part, cond in parts:
            if cond is None:
                tuple_parts.append(part)
            else:
                tuple_parts.append(f"({part} if j & {1 << k} else ())")
                k += 1
        flush += [
            f"for j in SO{site}:",
            f"    sk = ({ri_index}, {' + '.join(tuple_parts) or '()'})",
            f"    skips[sk] = skips_get(sk, 0) + SC{site}[j]",
        ]
    return setup, flush


def _probe(gen: Gen, conds: list[Any], ctx: _Ctx, inline: bool = False) -> str:
    """Code for the tuple of the missing fields that left ``conds`` unknown.

    It runs only for a skipped subject; ``inline`` (a member rule's probe, run at
    most once) keeps its parts out of the hoisted prelude.
    """
    leaves: list[tuple[Any, str, tuple[Any, ...]]] = []
    seen: set[str] = set()
    for c in conds:
        gen.leaves(c, leaves, seen)
    parts = []
    gen.inline = inline
    share, quiet = gen.share, gen.share is not None and gen.share.quiet
    if share is not None:
        share.quiet = True
    facts, gen.facts = gen.facts, {}  # the parts test each input themselves
    structured: list[tuple[str, str | None]] = []  # see Gen.probe_parts
    try:
        run: list[str] = []  # consecutive parts that read no item: one hoisted value
        for leaf, label, inputs in leaves:
            known, closed = "", True
            for i in inputs:
                code, c_closed = gen.sub(i, ctx)
                known += f"{code} is not None and "
                closed = closed and c_closed
            code, c_closed = gen.sub(leaf, ctx)
            labels = gen.const((label,))
            part = f"({labels} if {known}{code} is None else ())"
            if closed and c_closed and not inline:
                run.append(part)
                continue
            if run:
                parts.append(gen.hoist(" + ".join(run)))
                structured.append((parts[-1], None))
                run = []
            parts.append(part)
            structured.append((labels, f"{known}{code} is None"))
        if run:
            parts.append(gen.hoist(" + ".join(run)))
            structured.append((parts[-1], None))
    finally:
        gen.inline = False
        gen.facts = facts
        if share is not None:
            share.quiet = quiet
    out = " + ".join(parts) if parts else "()"
    if not inline:
        gen.probe_parts[out] = structured
    return out


_NODE_FIELDS: dict[type, tuple[str, ...] | None] = {}
# Fields that never hold an expression: positions, and a rule's inline examples (data).
_NOT_CODE = frozenset({"span", "name_span", "id_span", "severity_span", "examples", "key_spans"})


def _node_fields(kind: type) -> tuple[str, ...] | None:
    """The fields of a node class that may hold nodes (not its spans); None for a type
    that is not a node.  Cached per class: attrs.fields() on every node of the pack
    was a quarter of a cold load_rules()."""
    try:
        return _NODE_FIELDS[kind]
    except KeyError:
        pass
    out: tuple[str, ...] | None = None
    if attrs.has(kind) and kind.__module__ == n.__name__:
        out = tuple(f.name for f in attrs.fields(kind) if f.name not in _NOT_CODE)
    _NODE_FIELDS[kind] = out
    return out


def _define_order(prog: Program) -> list[str]:
    """The zero-argument definitions the active rules read, each after the ones it reads.

    Only those: a definition is computed on every evaluation, so one that serves a
    disabled rule alone would be pure cost.  An iterative DFS, so that a long chain
    of definitions never meets Python's recursion limit.
    """
    simple = {name for name, d in prog.defines.items() if not d.params}

    def deps(name: str) -> list[str]:
        return names_in(prog.defines[name].body)

    def names_in(root: Any) -> list[str]:
        found: list[str] = []
        stack: list[Any] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, tuple):
                stack.extend(node)
                continue
            children = _node_fields(type(node))
            if children is None:
                continue
            if isinstance(node, n.Name) and node.name in simple:
                found.append(node.name)
            if isinstance(node, n.Call) and id(node) in prog.expansions:
                stack.append(prog.expansions[id(node)])
            stack.extend([getattr(node, name) for name in children])
        return found

    order: list[str] = []
    state: dict[str, int] = {}
    wanted = sorted({name for ri in prog.rules for name in names_in(ri.node)})
    for root in wanted:
        if state.get(root):
            continue
        state[root] = 1
        work = [(root, iter(deps(root)))]
        while work:
            name, it = work[-1]
            nxt = next(it, None)
            if nxt is None:
                work.pop()
                state[name] = 2
                order.append(name)
            elif not state.get(nxt):
                state[nxt] = 1
                work.append((nxt, iter(deps(nxt))))
    return order


def _member_rule_bodies(
    gen: Gen, body: _Emitter, member_rules: list[tuple[int, RuleInfo]], indent: int
) -> None:
    """The member rules' code at `indent`: one layout for evaluate and the batch loop."""
    for i, ri in member_rules:
        _rule_body(
            gen,
            body,
            i,
            ri,
            _Ctx(),
            indent,
            "None",
            functools.partial(_probe, gen, [ri.node.when], _Ctx(), inline=True),
        )


def _shared_loop(
    gen: Gen,
    body: _Emitter,
    head: str,
    names: frozenset[str],
    emit: Callable[[_Emitter], None],
    *first: str,
) -> None:
    """``head`` (a ``for`` statement), the statements ``first``, and the code ``emit``
    writes for one iteration, with the iteration's common sub-expressions computed
    once at its top (_ItemShare)."""
    counting = _ItemShare(names)
    gen.share = counting
    try:
        emit(_Emitter())  # the first pass only counts
        share = _ItemShare(names, {k for k, times in counting.counts.items() if times > 1})
        gen.share = share
        inner = _Emitter()
        emit(inner)
    finally:
        gen.share = None
    defs, lines = share.defs, inner.lines
    if gen.single_use:
        defs, lines = _inline_single_use(defs, lines)
    body.add(1, head)
    for line in (*first, *defs):
        body.add(2, line)
    body.lines.extend(lines)


def _constant(value: str, _match: re.Match[str]) -> str:
    return value


def _inline_single_use(defs: list[str], lines: list[str]) -> tuple[list[str], list[str]]:
    """A shared local read once (a step of a longer shared value, ``q5`` in ``q6 =
    q5.strip()``) is written where it is read instead: a store and a load less per
    iteration, and, read in a rule's code, computed only where that code runs.  Every
    value is total and has no effect, so computing it later, or not at all, changes
    nothing but the cost.  Not into a comprehension (it would run per item of it), nor
    deeper than Python's parser takes."""
    names = [d.split(" = ", 1)[0] for d in defs]
    codes = [d.split(" = ", 1)[1] for d in defs]
    while True:
        text = "\n".join((*codes, *lines))
        uses: dict[str, int] = {}
        for m in _SHARED.finditer(text):
            uses[m.group()] = uses.get(m.group(), 0) + 1
        # A local read nowhere (the code that read it came to read another local
        # of the same value: see _ItemShare.known_alias) is not computed at all
        dead = {name for name in names if not uses.get(name)}
        if not dead:
            break
        kept = [i for i, name in enumerate(names) if name not in dead]
        names, codes = [names[i] for i in kept], [codes[i] for i in kept]
    lines = list(lines)
    keep = [True] * len(names)
    for i, name in enumerate(names):
        if uses.get(name) != 1:
            continue
        word = re.compile(rf"\b{name}\b")
        value = f"({codes[i]})" if not codes[i].startswith("(") else codes[i]
        put = functools.partial(_constant, value)
        for j in range(i + 1, len(codes)):
            if word.search(codes[j]):
                new = word.sub(put, codes[j])
                if _bracket_depth(new) <= MAX_CODE_DEPTH:
                    codes[j], keep[i] = new, False
                break
        else:
            for j, line in enumerate(lines):
                if word.search(line):
                    new = word.sub(put, line)
                    if " for " not in line and _bracket_depth(new) <= MAX_CODE_DEPTH:
                        lines[j], keep[i] = new, False
                    break
    out = [f"{name} = {code}" for name, code, k in zip(names, codes, keep, strict=True) if k]
    return out, lines


def _item_loop(
    gen: Gen,
    body: _Emitter,
    coll: str,
    rules: list[tuple[int, RuleInfo]],
    folds: Sequence[tuple[str, str, n.Aggregate]] = (),
) -> list[tuple[int, RuleInfo]]:
    """One loop over a collection for all its per-item rules (and the grouping of its
    group rules, which are returned); rules keep their order within an item.  ``folds``:
    the counts over the collection the loop may make too (tagged lines, see _fold_plan)."""
    groups: list[tuple[int, RuleInfo]] = []

    def emit(em: _Emitter) -> None:
        groups.clear()
        for i, ri in rules:
            fe = ri.node.for_each
            assert fe is not None  # a rule over a collection has 'for each'
            ctx = _Ctx({fe.var: "it"})
            if fe.group_key is not None:
                groups.append((i, ri))
                _grouping(gen, em, i, fe, ctx)
                continue
            probe = _probe(gen, [fe.where, ri.node.when], ctx)
            if fe.where is not None:
                w, nullable = gen.closed_known(fe.where, ctx)
                if nullable:
                    em.add(2, f"w = {w}")
                    em.add(2, "if w is None:")
                    _skip(gen, em, 3, i, probe)
                    em.add(2, "elif w:")
                else:
                    em.add(2, f"if {w}:")
                token = gen.assume(fe.where, True)  # the rule runs where `where` is true
                try:
                    _rule_body(gen, em, i, ri, ctx, 3, "it.id", probe)
                finally:
                    gen.forget(token)
            else:
                _rule_body(gen, em, i, ri, ctx, 2, "it.id", probe)
        for name, kind, node in folds:
            _fold_count(gen, em, name, kind, node)
        em.add(2, "pass")

    _shared_loop(gen, body, f"for it in {_ident('R_', coll)}:", frozenset({"it"}), emit)
    return list(groups)


def _fold_count(gen: Gen, em: _Emitter, name: str, kind: str, node: n.Aggregate) -> None:
    """The lines of an item loop counting the aggregate hoisted as ``name`` (its ``where``
    compiled for the loop's item, so that it reads the values the rules share): ``name``
    itself for a count ("count"), ``<name>t`` and ``<name>u`` for the items whose
    ``where`` is true and unknown ("both", what _count_both returns)."""
    assert node.where is not None and node.var
    tag = f"  # fold {name}"
    facts, gen.facts = gen.facts, {}  # none holds here
    try:
        w, nullable = gen.closed_known(node.where, _Ctx({node.var: "it"}))
    finally:
        gen.facts = facts
    if kind == "count" or not nullable:
        em.add(2, f"if {w}: {name if kind == 'count' else name + 't'} += 1{tag}")
        return
    guarded = gen.guarded.get(w) if gen.lean else None
    if guarded is not None:  # `(None if (t := x) is None else f(t))`, f never unknown
        t, src, body = guarded
        em.add(2, f"if ({t} := {src}) is None: {name}u += 1{tag}")
        em.add(2, f"elif {body}: {name}t += 1{tag}")
        return
    em.add(2, f"w = {w}{tag}")
    em.add(2, f"if w: {name}t += 1{tag}")  # a truth value: true, false or None
    em.add(2, f"elif w is None: {name}u += 1{tag}")


def _fold_plan(gen: Gen, early: list[str]) -> tuple[set[str], set[str]]:
    """Which counts the item loops make (``early``: their lines), and the prelude values
    computed after the loops because they read one of them: (folded, late).

    A count is made by its loop when nothing that runs before the loops end reads it,
    or a value made of it: the prelude (what stays there), the loops themselves, the
    other counts' lines.  The member rules and the group loops run after the loops
    (compile_program).  Generated code holds no text from rule files, so its
    identifiers are exactly the names it reads.
    """
    refs = gen.names_read(_PRELUDE_NAME)
    deps = [(line.split(" = ", 1)[0], refs(line.split(" = ", 1)[1])) for line in gen.prelude]
    tagged: list[tuple[str | None, set[str]]] = []
    for line in early:
        m = _FOLD_TAG.search(line)
        owner = m.group(1) if m else None
        tagged.append((owner, refs(line) - {owner} if owner else refs(line)))
    folded = {owner for owner, _ in tagged if owner is not None}
    while True:
        roots: dict[str, set[str]] = {}  # a late value -> the counts it is made of
        for name, reads in deps:
            mine = {name} if name in folded else set()
            for r in reads:
                if r in roots:
                    mine |= roots[r]
            if mine:
                roots[name] = mine
        needed: set[str] = set()
        for owner, reads in tagged:
            if owner is None or owner in folded:
                needed |= reads
        bad = needed & roots.keys()
        if not bad:
            return folded, set(roots)
        for name in bad:
            folded -= roots[name]


def _grouping(gen: Gen, em: _Emitter, i: int, fe: n.ForEach, ctx: _Ctx) -> None:
    """A group rule's part of the item loop: the item joins the group of its key."""
    em.add(0, f"    # group rule {i}")
    ind = 3  # where an item of the group's `where` is
    if fe.where is not None:
        w, nullable = gen.closed_known(fe.where, ctx)
        if nullable:
            em.add(2, f"w = {w}")
            em.add(2, "if w is None:")
            _skip(gen, em, 3, i, _probe(gen, [fe.where], ctx))
            em.add(2, "elif w:")
        else:
            em.add(2, f"if {w}:")
    elif gen.lean:
        ind = 2  # every item: no test
    else:
        em.add(2, "if True:")
    assert fe.group_key is not None
    token = gen.assume(fe.where, True) if fe.where is not None else None
    k = "k"
    try:
        key = gen.expr(fe.group_key, ctx)
        if gen.lean and _IDENT.match(key):  # a local (`q0`): read as it is, not copied
            k = key
        else:
            em.add(ind, f"k = {key}")
        if gen.nullable(fe.group_key):
            em.add(ind, f"if {k} is None:")
            _skip(gen, em, ind + 1, i, _probe(gen, [fe.group_key], ctx))
            em.add(ind, "else:")
            ind += 1
        elif not gen.lean:  # known where the item gets this far (`where known(x) group by x`)
            em.add(ind, "if True:")
            ind += 1
    finally:
        gen.forget(token)
    if not _text_key(gen, fe.group_key):  # a date or a number: the key itself
        em.add(ind, f"g = G{i}.get({k})")
        em.add(ind, "if g is None:")
        em.add(ind + 1, f"G{i}[{k}] = [it]")
        em.add(ind, "else:")
        em.add(ind + 1, "g.append(it)")
        return
    # text keys group case-insensitively (as table keys match); the group keeps
    # the spelling seen first (N<i>), so a report names "Noah Quist", not "noah quist"
    if gen.typ(fe.group_key) == "string" and _stripped(gen, fe.group_key):
        # no space at either end already: neither after casefold (no character that is
        # not a space folds into one; tests/evaluator/test_eval_costs.py checks them all)
        em.add(ind, f"f = {k}.casefold()")
    elif gen.typ(fe.group_key) == "string":
        em.add(ind, f"f = {k}.casefold().strip()")
    else:
        em.add(ind, f"f = {k}.casefold().strip() if {k}.__class__ is _str else {k}")
    em.add(ind, f"g = G{i}.get(f)")
    em.add(ind, "if g is None:")
    em.add(ind + 1, f"G{i}[f] = [it]")
    em.add(ind + 1, f"N{i}[f] = {k}")
    em.add(ind, "else:")
    em.add(ind + 1, "g.append(it)")


def _stripped(gen: Gen, e: Any) -> bool:
    """Whether the text ``e`` makes never starts or ends with a space: trim(...), or
    normalize(...) (words joined by single spaces)."""
    while isinstance(e, n.Call) and id(e) in gen.prog.expansions:
        e = gen.prog.expansions[id(e)]
    return (
        isinstance(e, n.Call)
        and e.func in ("trim", "normalize")
        and id(e) not in gen.prog.expansions
    )


def _text_key(gen: Gen, key: Any) -> bool:
    """Whether a group key may be text (grouped case-insensitively): any type but a
    date, a number or a truth value."""
    return gen.typ(key) not in ("date", "number", "bool")


def _group_loop(gen: Gen, body: _Emitter, i: int, ri: RuleInfo) -> None:
    """A group rule judged once per group, after the item loops."""
    fe = ri.node.for_each
    assert fe is not None and fe.group_name is not None  # a group rule's 'group by'
    ctx = _Ctx({fe.group_name: "gk", "group": "gi"})

    def emit(em: _Emitter) -> None:
        _rule_body(gen, em, i, ri, ctx, 2, "gk", _probe(gen, [ri.node.when], ctx))

    assert fe.group_key is not None
    if _text_key(gen, fe.group_key):
        head = f"for gf, gi in G{i}.items():"
        _shared_loop(gen, body, head, frozenset({"gk", "gi"}), emit, f"gk = N{i}[gf]")
    else:
        _shared_loop(gen, body, f"for gk, gi in G{i}.items():", frozenset({"gk", "gi"}), emit)


def compile_program(
    prog: Program,
    *,
    fold: bool = True,
    skip_sites: bool = True,
    single_use: bool = True,
    specialise: bool = True,
    reorder: bool = True,
    lean: bool = True,
    alias_known: bool = True,
) -> CompiledProgram:
    """Generate and compile the evaluation function of a checked program.

    ``fold``: counts over a whole collection are made by that collection's item loop
    where nothing before the loops reads them (see _fold_plan); False makes each in a
    pass of its own, as before.  ``skip_sites``: a loop's skips are counted per site
    and put into the skip counts once at the end (see _skip); False counts each where
    it happens, as before.  ``single_use``: a loop's shared local read once is written
    where it is read (see _inline_single_use).  ``specialise``: a loop's condition
    reading closed values that may be unknown has a second version for when they are
    known (see Gen.closed_known).  ``reorder``: in a loop, a three-valued ``and``/``or``
    chain's cheap sides that are never unknown go first (see Gen._chain).  ``lean``:
    an item loop reads a group key that is a local as it is (no ``k = q0``, no ``if
    True:``) and counts a folded count whose ``where`` is one test for unknown without
    storing it (see _grouping, _fold_count).  ``alias_known``: code relying on
    ``known(x)`` reads the loop's local of the same value written with ``x ?? ...``
    (see _ItemShare.known_alias).  The same values either way: tests compare them.
    """
    gen = Gen(prog)
    gen.specialise = specialise
    gen.reorder = reorder
    gen.lean = lean
    gen.alias_known = alias_known
    gen.count_sites = skip_sites
    gen.single_use = single_use
    for name in _define_order(prog):  # dependencies first: compiling never recurses through them
        gen.define(name)
    em = _Emitter()
    body = _Emitter()
    member_rules = [(i, ri) for i, ri in enumerate(prog.rules) if ri.collection is None]
    by_coll: dict[str, list[tuple[int, RuleInfo]]] = {}
    for i, ri in enumerate(prog.rules):
        if ri.collection is not None:
            by_coll.setdefault(ri.collection, []).append((i, ri))

    member = _Emitter()
    _member_rule_bodies(gen, member, member_rules, 1)

    group_rules: list[tuple[int, RuleInfo]] = []
    for coll, rules in by_coll.items():
        folds = [(h, kind, node) for h, (c, kind, node) in gen.folds.items() if c == f"R_{coll}"]
        if not fold:
            folds = []
        group_rules += _item_loop(gen, body, coll, rules, folds)
    loops = body.lines
    body.lines = []
    for i, ri in group_rules:
        _group_loop(gen, body, i, ri)

    # summaries of aggregating rules: closures over the hoisted values, called by the evaluator
    summaries = []
    for i, ri in enumerate(prog.rules):
        agg = ri.node.aggregate
        if agg is None or agg.message is None:
            continue
        sctx = _Ctx({"found": "found", "names": "names"})
        parts = [
            gen.const(p) if isinstance(p, str) else _format(gen, p[0], p[1], sctx)
            for p in agg.message.parts
        ]
        text = _join(gen, parts)
        body.add(1, f"def S{i}(found, names):")
        body.add(2, f"return {text}")
        summaries.append(f"{i}: S{i}")

    em.add(0, "def _evaluate(net, as_of, P, T):")
    em.add(1, "out = []")
    em.add(1, "out_append = out.append")
    em.add(1, "skips = {}")
    em.add(1, "skips_get = skips.get")
    em.add(1, "R_member = net.member")
    em.add(1, "R_as_of = as_of")
    for coll in ("connections", "invitations", "removals", "recommendations_given"):
        em.add(1, f"R_{coll} = net.{coll}")
    for name in sorted(gen.params_used):
        em.add(1, f"{_ident('P_', name)} = P[{gen.const(name)}]")
    for name in sorted(gen.tables_used):
        em.add(1, f"{_ident('T_', name)} = T[{gen.const(name)}]")
    for i, ri in group_rules:
        em.add(1, f"G{i} = {{}}")
        fe = ri.node.for_each
        if fe is not None and fe.group_key is not None and _text_key(gen, fe.group_key):
            em.add(1, f"N{i} = {{}}")
    sites, flush = _skip_sites(gen, "\n".join((*loops, *member.lines, *body.lines)))
    for line in sites:
        em.add(1, line)
    for name, args, code in gen.splits:  # defined first, called from the prelude or the loops
        em.add(1, f"def {name}({', '.join(args)}):")
        em.add(2, f"return {code}")
    # Counts over a collection made by its item loop instead of a pass of their own;
    # what reads them (values, member rules, group loops) runs after the loops.
    folded, late = _fold_plan(gen, loops) if fold else (set(), set())
    after: list[str] = []
    for line in gen.prelude:
        name = line.split(" = ", 1)[0]
        kind = gen.folds[name][1] if name in folded else None
        if kind == "count":
            em.add(1, f"{name} = 0")
        elif kind == "both":
            em.add(1, f"{name}t = {name}u = 0")
            after.append(f"{name} = ({name}t, {name}t + {name}u)")
        elif name in late:
            after.append(line)
        else:
            em.add(1, line)
    if not folded:  # the member rules first, as they were
        em.lines.extend(member.lines)
    for line in loops:
        m = _FOLD_TAG.search(line)
        if m is None:
            em.lines.append(line)
        elif m.group(1) in folded:
            em.lines.append(line[: m.start()])
    if folded:
        for line in after:
            em.add(1, line)
        # the member rules' records stay first: the records' order is the rules' order
        # in which explain reads them (the report sorts them anyway)
        em.add(1, "out_items = out")
        em.add(1, "out = []")
        em.add(1, "out_append = out.append")
        em.lines.extend(member.lines)
        em.add(1, "out.extend(out_items)")
    em.lines.extend(body.lines)
    for line in flush:
        em.add(1, line)
    em.add(1, "return out, skips, {" + ", ".join(summaries) + "}")
    # Constants the function reads become its locals: K[7] in a loop is a global look-up
    # and a subscript each time, K_7 one local read (the render functions keep K[7]).
    text = "\n".join(em.lines[1:])
    used = sorted({int(k) for k in _K_REF.findall(text)})
    em.lines = [em.lines[0], *(f"    K_{k} = K[{k}]" for k in used), _K_REF.sub(r"K_\1", text)]
    for i in sorted(gen.renders):  # message and evidence of a finding, built when read
        em.lines.append("")
        em.lines.append(gen.renders[i][0].rstrip("\n"))
    source = _unalias("\n".join(em.lines) + "\n")
    kinds = {ri.node.id: ri.subject_kind for ri in prog.rules}
    precedence: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for winner, losers in prog.precedence.items():
        if winner not in kinds:
            continue
        active = [rid for rid in losers if rid in kinds]
        precedence[winner] = (
            tuple(rid for rid in active if kinds[rid] == kinds[winner]),
            tuple(rid for rid in active if kinds[rid] != kinds[winner]),
        )
    namespace = dict(NAMESPACE)
    namespace["K"] = tuple(gen.K)
    bytecode = compile_cached(source, "<netrules-generated>")  # the parse cache's folder
    exec(bytecode, namespace)
    suppressions = {rid: same for rid, (same, _all) in precedence.items() if same}
    hides_all = {rid: every for rid, (_same, every) in precedence.items() if every}
    index = {ri.node.id: i for i, ri in enumerate(prog.rules)}
    return CompiledProgram(
        namespace["_evaluate"],
        tuple(gen.K),
        source,
        tuple(ri.node.id for ri in prog.rules),
        suppressions,
        hides_all,
        rule_outputs(gen, namespace),
        {index[w]: tuple(index[x] for x in losers) for w, losers in suppressions.items()},
        {index[w]: tuple(index[x] for x in losers) for w, losers in hides_all.items()},
        bytecode,
    )


def rule_outputs(gen: Gen, namespace: dict[str, Any]) -> tuple[RuleOutput | None, ...]:
    """Per rule index, what its findings share and its render function (from
    ``namespace``, where the generated source defined ``M<i>``)."""
    out: list[RuleOutput | None] = []
    for i, ri in enumerate(gen.prog.rules):
        if i not in gen.renders:
            out.append(None)
            continue
        _src, key, label = gen.renders[i]
        r = ri.node
        agg = r.aggregate
        out.append(
            RuleOutput(
                r.id,
                r.category or "general",
                ri.subject_kind,
                ri.advice,
                r.source,
                namespace[f"M{i}"],
                key,
                label,
                bool(agg.descending) if agg is not None else False,
                int(agg.show) if agg is not None else 0,
                gen.columns.get(i),
            )
        )
    return tuple(out)
