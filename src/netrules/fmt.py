"""Rule text -> the same rules in one canonical layout, every comment kept.

The formatter works on lark's concrete syntax tree (the same grammar, parsed
with every token kept) rather than on nodes, so it accepts exactly what the
parser accepts and lays out clauses it has never heard of.  Comments are
collected by the lexer (``lexer_callbacks``) and attached to the token they
follow on the same line (trailing) or precede (leading).  Layout is a small
Wadler/Prettier document printer: a group is printed on one line when it
fits in :data:`WIDTH` columns, otherwise its line breaks open.

The canonical layout: top-level items one per line, a blank line around
rules and tables, other blank lines kept (at most one); rule clauses one per
line, two-space indented, in the order the grammar lists them; long ``or`` /
``and`` chains broken before the operator; long example data, lists and
evidence broken one entry per line with a trailing comma.

    >>> print(format_text('param  limit=3 # few\\nrule "r" { severity info\\n'
    ...                   ' title "T" when member.connection_count<limit message "few" }'), end="")
    param limit = 3  # few
    <BLANKLINE>
    rule "r" {
      title "T"
      severity info
      when member.connection_count < limit
      message "few"
    }
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from .cst import Tok

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

__all__ = ["WIDTH", "FormatResult", "clause_order", "format_cached", "format_file", "format_text"]

WIDTH = 100
_INDENT = 2
_local = threading.local()


# ---------------------------------------------------------------- the CST parser
def _package() -> Any:
    """The package's files: its folder, or importlib.resources (slow to import) in a zip."""
    from pathlib import Path

    here = Path(__file__).parent
    if (here / "grammar.lark").is_file():
        return here
    from importlib import resources

    return resources.files("netrules")


def _grammar() -> str:
    return str(_package().joinpath("grammar.lark").read_text(encoding="utf-8"))


@functools.cache
def clause_order() -> tuple[str, ...]:
    """The rule clauses in the order ``?clause:`` lists them in grammar.lark (canonical order)."""
    match = re.search(r"^\?clause:(.*?)(?=^\S|\n\n)", _grammar(), re.M | re.S)
    if match is None:  # pragma: no cover - the grammar always has clauses
        return ()
    return tuple(re.findall(r"[a-z_]+", match.group(1)))


def _on_comment(token: Any) -> Any:
    _local.comments.append(token)
    return token


@functools.cache
def _lark() -> Any:
    from lark import Lark

    kwargs: dict[str, Any] = dict(
        parser="lalr",
        start="start",
        keep_all_tokens=True,
        maybe_placeholders=False,
        lexer_callbacks={"COMMENT": _on_comment},
    )
    try:
        return Lark(_grammar(), cache=True, **kwargs)
    except OSError:  # a read-only temp dir: build without the cache
        return Lark(_grammar(), **kwargs)


def _parse_lark(text: str) -> tuple[Any, list[Any]]:
    """lark's tree and comments (raises lark's ``UnexpectedInput`` on a syntax error)."""
    _local.comments = []
    try:
        tree = _lark().parse(text)
        return tree, list(_local.comments)
    finally:
        _local.comments = []


def _parse(text: str) -> tuple[Any, list[Any]]:
    """The concrete syntax tree (:mod:`netrules.cst` classes) and comments of ``text``.

    The table-driven parser of :mod:`netrules.cst` reads the text when it can (without
    importing lark); lark reads what it hands back: errors, odd spellings, deep nesting.
    """
    from .cst import from_lark, parse, too_deep

    fast = parse(text)
    if fast is not None and not too_deep(fast[0]):
        return fast
    tree, comments = _parse_lark(text)
    return from_lark(tree), [from_lark(c) for c in comments]


# ---------------------------------------------------------------- documents
# Plain slotted classes, not attrs: the formatter makes tens of thousands of them and
# starts in a new process for every ``netrules fmt`` (docs/performance.md).
class _Line:
    __slots__ = ("hard", "soft")

    def __init__(self, soft: bool = False, hard: bool = False):
        self.soft = soft  # flat: "" instead of " "
        self.hard = hard


class _Group:
    __slots__ = ("broken", "parts", "width")

    def __init__(self, parts: tuple[Any, ...], broken: bool, width: float):
        self.parts = parts
        self.broken = broken  # holds a hard break: can never be flat
        self.width = width  # printed flat (infinite when broken)


class _Fill(_Group):
    """An item of a filled list (``LINE item``): a later one may break where this one fits."""

    __slots__ = ()


class _Indent:
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Any, ...]):
        self.parts = parts


class _Text:
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class _IfBreak(_Text):
    """Text printed only when its group is broken (a trailing comma)."""

    __slots__ = ()


class _Own(_Text):
    """A comment on a line of its own (a line break is added before it when needed)."""

    __slots__ = ()


class _Suffix(_Text):
    """Text printed just before the next line break (a trailing comment)."""

    __slots__ = ()


LINE, SOFT, HARD = _Line(), _Line(soft=True), _Line(hard=True)
_BREAK = object()  # marks its enclosing groups as broken


_INF = float("inf")


def _flat_width(parts: Any) -> float:
    """The width of ``parts`` printed on one line; infinite when they hold a hard break."""
    # exact type tests, most frequent first: this and render() are the formatter's loops
    width = 0.0
    for p in parts:
        t = type(p)
        if t is str:
            if "\n" in p:
                return _INF
            width += len(p)
        elif t is list or t is tuple:
            width += _flat_width(p)
        elif t is _Group or t is _Fill:
            width += p.width
        elif t is _Line:
            if p.hard:
                return _INF
            if not p.soft:
                width += 1
        elif p is _BREAK or t is _Own:
            return _INF
        elif t is _Indent:
            width += _flat_width(p.parts)
    return width


def _flat_text(parts: Any, out: list[str]) -> None:
    """A group without a hard break printed on one line (lines as spaces, no if-breaks)."""
    for p in parts:
        t = type(p)
        if t is str:
            out.append(p)
        elif t is list or t is tuple:
            _flat_text(p, out)
        elif t is _Line:
            if not p.soft:
                out.append(" ")
        elif t is _Group or t is _Fill or t is _Indent:
            _flat_text(p.parts, out)


def group(*parts: Any) -> _Group:
    width = _flat_width(parts)
    return _Group(parts, width == _INF, width)


def fill_item(*parts: Any) -> _Fill:
    width = _flat_width(parts)
    return _Fill(parts, width == _INF, width)


def indent(*parts: Any) -> _Indent:
    return _Indent(tuple(parts))


def _fits(parts: tuple[Any, ...], ind: int, rest: list[Any], width: float) -> bool:
    """Whether a group's ``parts``, flat, and what follows them fit in ``width`` up to a break.

    ``rest`` is the printer's stack (read from its end, never copied): what follows is
    measured in the mode it will be printed in, so a break there ends the measurement.
    """
    stack: list[tuple[int, bool, Any]] = [(ind, True, p) for p in reversed(parts)]
    r = len(rest)
    while width >= 0:
        if not stack:
            if r == 0:
                return True
            r -= 1
            stack.append(rest[r])
            continue
        ind, flat, doc = stack.pop()
        t = type(doc)
        if t is str:
            if "\n" in doc:
                return width - len(doc.split("\n", 1)[0]) >= 0
            width -= len(doc)
        elif t is list or t is tuple:
            stack.extend([(ind, flat, p) for p in reversed(doc)])
        elif t is _Line:
            if not flat or doc.hard:
                return True
            if not doc.soft:
                width -= 1
        elif t is _Group or t is _Fill:
            if not flat and t is _Fill:
                return True  # the next item of a fill can go on a line of its own
            if flat or doc.width <= width:
                width -= doc.width  # flat, or fits flat: no break in it either way
            else:
                stack.extend([(ind, flat, p) for p in reversed(doc.parts)])
        elif t is _Indent:
            stack.extend([(ind, flat, p) for p in reversed(doc.parts)])
        elif t is _IfBreak:
            if not flat:
                width -= len(doc.text)
        elif t is _Own:
            return True
    return False


def render(doc: Any, width: int = WIDTH) -> str:
    """Lay a document out: groups flat when they fit, broken otherwise."""
    out: list[str] = []
    suffixes: list[str] = []
    pos = 0
    fresh = True  # nothing but indentation on the current line yet
    absorb = False  # a comment just ended its line: the next soft break is already made
    stack: list[tuple[int, bool, Any]] = [(0, False, doc)]

    def newline(ind: int) -> None:
        nonlocal pos, fresh
        if suffixes:
            while out and out[-1] == " ":
                out.pop()
        out.extend(suffixes)
        suffixes.clear()
        out.append("\n" + " " * ind)
        pos, fresh = ind, True

    while stack:
        ind, flat, d = stack.pop()
        t = type(d)
        if t is str:
            if absorb and d.strip():
                absorb = False
            if suffixes and d.strip() and d.strip()[0] not in ",)]}":
                newline(ind)  # never put code after a comment on one line
            out.append(d)
            if "\n" in d:
                pos = len(d) - d.rfind("\n") - 1
            else:
                pos += len(d)
            if fresh and d.strip():
                fresh = False
        elif t is list or t is tuple:
            stack.extend([(ind, flat, p) for p in reversed(d)])
        elif t is _Line:
            if flat and not d.hard:
                if not d.soft:
                    out.append(" ")
                    pos += 1
                continue
            if absorb and not d.hard:  # the comment's own line break serves as this one
                absorb = False
                out[-1] = "\n" + " " * ind
                pos = ind
                continue
            newline(ind)
        elif t is _Group or t is _Fill:
            room = width - pos - d.width  # its own flat width is known: measure what follows
            if flat or (not d.broken and room >= 0 and _fits((), ind, stack, room)):
                # flat: no comment inside (one would have broken it), so it is plain text
                flat_parts: list[str] = []
                _flat_text(d.parts, flat_parts)
                stack.append((ind, True, "".join(flat_parts)))
            else:
                stack.extend([(ind, False, p) for p in reversed(d.parts)])
        elif t is _Indent:
            stack.extend([(ind + _INDENT, flat, p) for p in reversed(d.parts)])
        elif d is _BREAK:
            continue
        elif t is _IfBreak:
            if not flat:
                out.append(d.text)
                pos += len(d.text)
        elif t is _Suffix:
            if suffixes:  # a second trailing comment on this line: give it a line of its own
                newline(ind)
                out.append(d.text.lstrip())
                newline(ind)
                absorb = True
            else:
                suffixes.append(d.text)
        elif t is _Own:
            if not fresh or suffixes:
                newline(ind)
            out.append(d.text)
            newline(ind)
    out.extend(suffixes)
    text = "".join(out)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# ---------------------------------------------------------------- comments
class _Notes:
    """Comments and blank lines around each token (keyed by the token's id)."""

    def __init__(self) -> None:
        self.leading: dict[int, list[tuple[str, bool]]] = {}  # (text, blank before)
        self.trailing: dict[int, list[str]] = {}
        self.blank: set[int] = set()  # a blank line right before the token itself
        self.paragraph: set[int] = set()  # a blank line before the token or its comments
        self.end: list[tuple[str, bool]] = []  # comments after the last token


def _leaves(tree: Any) -> list[Any]:
    """The tokens of a tree, in order."""
    out: list[Any] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if type(node) is Tok:
            out.append(node)
        else:
            stack.extend(reversed(node.children))
    return out


def _notes(tree: Any, comments: list[Any]) -> _Notes:
    notes = _Notes()
    events: list[Any] = []  # tokens and comments in the order of the text (both are)
    ci, nc = 0, len(comments)
    for tok in _leaves(tree):
        while ci < nc and comments[ci].start_pos < tok.start_pos:
            events.append(comments[ci])
            ci += 1
        events.append(tok)
    events += comments[ci:]
    prev_tok: Any = None
    last_end_line = 0  # last line holding a token or comment
    pending: list[tuple[str, bool]] = []
    pending_para = False
    first = True
    for tok in events:
        gap = tok.line > last_end_line + 1 and not first
        if tok.type == "COMMENT":
            text = tok.value.rstrip()
            if prev_tok is not None and prev_tok.end_line == tok.line:
                notes.trailing.setdefault(id(prev_tok), []).append(text)
            else:
                if not pending:
                    pending_para = gap
                pending.append((text, gap))
        elif tok.type != "STRING" and tok.value == ",":
            pass  # commas may be dropped or added: their comments go to their neighbours
        else:
            if pending:
                notes.leading[id(tok)] = pending
                if pending_para:
                    notes.paragraph.add(id(tok))
                pending = []
            elif gap:
                notes.paragraph.add(id(tok))
            if gap:
                notes.blank.add(id(tok))
            prev_tok = tok
        last_end_line = tok.end_line
        first = False
    notes.end = pending
    return notes


# ---------------------------------------------------------------- the layout
_NO_SPACE_BEFORE = {",", ")", "]", ".", "%", ":", ".."}  # "500+" is a tight range
_NO_SPACE_AFTER = {"(", "[", ".", ".."}
_TIGHT = {"neg", "neg_number", "json_neg", "range", "open_range", "closed_range", "percent"}
_BLOCKS = {"rule", "table"}


class _Layout:
    def __init__(self, notes: _Notes, tree: Any):
        self.notes = notes
        self.starts, self.ends = _bounds(tree)
        self.order = {name: i for i, name in enumerate(clause_order())}
        self.leading = notes.leading
        self.trailing = notes.trailing
        self.methods: dict[str, Any] = {}

    def moves_comments(self) -> bool:
        """Whether a comment sits inside a statement (where layout may move it)."""
        return any(k not in self.starts for k in self.notes.leading) or any(
            k not in self.ends for k in self.notes.trailing
        )

    # -- tokens
    def token(self, tok: Any) -> list[Any]:
        key = id(tok)
        if key not in self.leading and key not in self.trailing:
            return [tok.value]  # most tokens: no comment before or after
        parts: list[Any] = []
        start = id(tok) in self.starts  # the first token of an item, clause or row
        for i, (text, blank) in enumerate(self.notes.leading.get(id(tok), ())):
            if blank and i > 0 and start:
                parts.append(HARD)
            parts += [_Own(text), _BREAK]
        if parts and start and id(tok) in self.notes.blank:
            parts.append(HARD)
        parts.append(tok.value)
        return parts + self.after(tok)

    def after(self, tok: Any) -> list[Any]:
        """A token's trailing comments (once: a closing bracket's go after its group)."""
        parts: list[Any] = []
        for text in self.notes.trailing.pop(id(tok), ()):
            parts += [_Suffix("  " + text), _BREAK]
        return parts

    def first(self, node: Any) -> Any:
        while type(node) is not Tok:
            node = node.children[0]
        return node

    def last(self, node: Any) -> Any:
        while type(node) is not Tok:
            node = node.children[-1]
        return node

    def space(self, parent: str, a: Any, b: Any) -> str:
        if parent in _TIGHT:
            return ""
        av, bv = a.value, b.value
        if a.type == "STRING":
            av = "<s>"
        if b.type == "STRING":
            bv = "<s>"
        if bv in _NO_SPACE_BEFORE or av in _NO_SPACE_AFTER:
            if bv == ":" and parent == "aggregate":
                return " "
            return ""
        if bv == "(" and a.type in ("NAME", "AGG"):
            return ""
        if bv == "[" and parent in ("index", "set_row"):
            return ""
        return " "

    # -- nodes
    def node(self, node: Any, parent: str = "") -> Any:
        if type(node) is Tok:
            key = id(node)
            if key not in self.leading and key not in self.trailing:
                return node.value  # most tokens: the text alone, no list to walk
            return self.token(node)
        method = self.methods.get(node.data)
        if method is None:
            method = self.methods[node.data] = getattr(self, "n_" + node.data, self.plain)
        return method(node)

    def join(self, node: Any, children: list[Any] | None = None) -> list[Any]:
        """Children one after the other with the spacing the tokens call for."""
        kids = node.children if children is None else children
        parts: list[Any] = []
        prev = None
        for child in kids:
            if prev is not None:
                gap = self.space(node.data, self.last(prev), self.first(child))
                if gap:
                    parts.append(gap)
            parts.append(self.node(child, node.data))
            prev = child
        return parts

    def plain(self, node: Any) -> Any:
        if _is_block(node):  # a clause with statements of its own: one per line
            kids = node.children
            brace = _brace(node)
            body = [k for k in kids[brace + 1 : -1] if not _is(k, ",")]
            return self.block(node, kids[: brace + 1], body, kids[-1])
        return group(*self.join(node))

    # -- top level
    def n_start(self, node: Any) -> Any:
        parts: list[Any] = []
        prev = None
        for item in node.children:
            if prev is not None:
                parts.append(HARD)
                if (
                    id(self.first(item)) in self.notes.paragraph
                    or _kind(item) in _BLOCKS
                    or _kind(prev) in _BLOCKS
                ):
                    parts.append(HARD)
            parts.append(self.node(item))
            prev = item
        for text, blank in self.notes.end:
            if parts:
                parts += [HARD, HARD] if blank else [HARD]
            parts.append(text)
        return parts

    def n_param(self, node: Any) -> Any:
        kids = node.children
        eq = next(i for i, k in enumerate(kids) if _is(k, "="))
        last = kids[-1]
        reason = getattr(last, "type", None) == "STRING" and len(kids) - eq >= 3
        if reason:  # a reason after the default (and its range): on its own line
            return [group(*self.join(node, kids[:-1])), indent(HARD, *self.token(kids[-1]))]
        return self.plain(node)

    def n_define(self, node: Any) -> Any:
        kids = node.children
        eq = next(i for i, k in enumerate(kids) if _is(k, "="))
        return group(*self.join(node, kids[: eq + 1]), " ", self.node(kids[eq + 1]))

    def n_table(self, node: Any) -> Any:
        kids = node.children
        brace = next(i for i, k in enumerate(kids) if _is(k, "{"))
        rows = [k for k in kids[brace + 1 : -1] if not _is(k, ",")]
        return self.block(node, kids[: brace + 1], rows, kids[-1])

    def n_row(self, node: Any) -> Any:
        return group(*self.join(node, [k for k in node.children if not _is(k, ",")]))

    def block(self, node: Any, head: list[Any], body: list[Any], close: Any) -> Any:
        parts: list[Any] = [*self.join(node, head)]
        inner: list[Any] = []
        for i, child in enumerate(body):
            inner.append(HARD)
            if i > 0 and id(self.first(child)) in self.notes.paragraph:
                inner.append(HARD)
            inner.append(self.node(child))
        closing = self.notes.leading.pop(id(close), [])
        for i, (text, blank) in enumerate(closing):
            inner.append(HARD)
            if blank and (i > 0 or body):
                inner.append(HARD)
            inner.append(text)
        if not inner:
            return [*parts, *self.token(close)]
        return [*parts, indent(*inner), HARD, *self.token(close)]

    def n_rule(self, node: Any) -> Any:
        kids = node.children
        brace = next(i for i, k in enumerate(kids) if _is(k, "{"))
        clauses = list(kids[brace + 1 : -1])
        last = len(self.order)
        clauses.sort(key=lambda c: self.order.get(_kind(c), last))
        return self.block(node, kids[: brace + 1], clauses, kids[-1])

    def n_top_example(self, node: Any) -> Any:
        """``example "name" fires ... passes ... { data }``: expectations wrap under the name."""
        kids = node.children
        head = self.join(node, kids[:2])
        expects = [indent(LINE, self.node(k)) for k in kids[2:-1]]
        return [group(*head, *expects), " ", self.node(kids[-1])]

    # -- clauses
    def n_for_each(self, node: Any) -> Any:
        kids = node.children
        head: list[Any] = []
        tails: list[Any] = []
        for k in kids:
            if type(k) is not Tok and k.data in ("where", "group_by"):
                tails.append(indent(LINE, self.node(k)))
            else:
                head.append(k)
        return group(*self.join(node, head), *tails)

    def n_evidence(self, node: Any) -> Any:
        kids = node.children
        items = [k for k in kids[2:-1] if not _is(k, ",")]
        return [*self.join(node, kids[:1]), " ", self.bracketed(kids[1], items, kids[-1], LINE)]

    # -- expressions
    def chain(self, node: Any, op: str) -> Any:
        operands: list[Any] = []
        ops: list[Any] = []
        cur = node
        while type(cur) is not Tok and cur.data == op:
            left, tok, right = cur.children
            if op == "arith" and tok.type != "ADD_OP":
                break
            operands.append(right)
            ops.append(tok)
            cur = left
        operands.append(cur)
        operands.reverse()
        ops.reverse()
        parts: list[Any] = [self.node(operands[0])]
        rest: list[Any] = []
        for tok, operand in zip(ops, operands[1:], strict=True):
            rest += [LINE, *self.token(tok), " ", self.node(operand)]
        return group(*parts, indent(*rest))

    def n_or_(self, node: Any) -> Any:
        return self.chain(node, "or_")

    def n_and_(self, node: Any) -> Any:
        return self.chain(node, "and_")

    def n_arith(self, node: Any) -> Any:
        """``a + b - c`` breaks before ``+``/``-`` like a condition; products never break."""
        if node.children[1].type == "ADD_OP":
            return self.chain(node, "arith")
        return self.plain(node)

    def n_aggregate(self, node: Any) -> Any:
        kids = node.children
        parts: list[Any] = [*self.token(kids[0]), *self.token(kids[1]), self.node(kids[2])]
        i = 3
        while i < len(kids) - 1:
            kid = kids[i]
            if _is(kid, ":"):
                tail = [*self.token(kid), " ", self.node(kids[i + 1])]
                i += 2
                if i < len(kids) - 1:  # within WINDOW
                    tail += [" ", *self.token(kids[i]), " ", self.node(kids[i + 1])]
                    i += 2
                # a group of its own: ": value" stays on the ``where`` line when it fits
                parts.append(indent(group(LINE, *tail)))
            else:
                parts.append(indent(LINE, self.node(kid)))
                i += 1
        tail = self.after(kids[-1])
        return [group(*parts, *self.token(kids[-1])), *tail]

    def fill(self, node: Any) -> Any:
        """``keyword a, b, c``: as many per line as fit, continued one indent in."""
        kids = node.children
        parts: list[Any] = []
        for i, kid in enumerate(kids):
            if i == 0:
                parts += self.token(kid) if type(kid) is Tok else [self.node(kid)]
            elif _is(kid, ","):
                parts += self.token(kid)
            else:
                parts.append(fill_item(LINE, self.node(kid)))
        return [parts[0], indent(*parts[1:])]

    n_advice_refs = n_tags = n_suppresses = n_disable = fill

    def bracketed(
        self, open_: Any, items: list[Any], close: Any, line: _Line, comma: bool = True
    ) -> Any:
        """``open item, item close``: on one line, or one item per line with a trailing comma."""
        if not items:
            return [*self.token(open_), *self.token(close)]
        inner: list[Any] = [line]
        for i, item in enumerate(items):
            if i:
                inner += [",", LINE]
            inner.append(self.node(item))
        if comma:
            inner.append(_IfBreak(","))
        tail = self.after(close)
        return [group(*self.token(open_), indent(*inner), line, *self.token(close)), *tail]

    def listing(self, node: Any, line: _Line, comma: bool = True) -> Any:
        kids = node.children
        opens = [i for i, k in enumerate(kids) if _is(k, "(") or _is(k, "[") or _is(k, "{")]
        start = opens[0]
        head = kids[:start]
        items = [k for k in kids[start + 1 : -1] if not _is(k, ",")]
        if len(items) == 1 and line is SOFT and not _is(kids[start + 2], ","):
            # one item hugs its brackets: ``f(x)``, ``[a + b]`` break inside the item
            body = [*self.token(kids[start]), self.node(items[0]), *self.token(kids[-1])]
        else:
            body = self.bracketed(kids[start], items, kids[-1], line, comma)
        return [*self.join(node, head), body] if head else body

    def fill_list(self, node: Any) -> Any:
        """``[a, b, c]`` of plain values: as many per line as fit, continued one indent in."""
        kids = node.children
        items = [k for k in kids[1:-1] if not _is(k, ",")]
        parts: list[Any] = [*self.token(kids[0])]
        for i, item in enumerate(items):
            if i:
                parts += [",", fill_item(LINE, self.node(item))]
            else:
                parts.append(self.node(item))
        return [*parts[:1], indent(*parts[1:]), *self.token(kids[-1])]

    def row(self, node: Any) -> Any:
        """A record of plain values in a list: one line, however long (a table row)."""
        kids = node.children
        # A comment inside: lay it out like any record.  Asked before any token is
        # rendered, since rendering a token takes its comments (they are placed once).
        if any(id(t) in self.leading or id(t) in self.trailing for t in _leaves(node)):
            return self.node(node)
        items = [k for k in kids[1:-1] if not _is(k, ",")]
        inner: list[Any] = [" "]
        for i, item in enumerate(items):
            if i:
                inner += [", "]
            inner.append(self.node(item))
        return [*self.token(kids[0]), *inner, " ", *self.token(kids[-1])]

    def n_json_object(self, node: Any) -> Any:
        return self.listing(node, LINE)

    def n_json_array(self, node: Any) -> Any:
        if _plain_items(node):
            return self.fill_list(node)
        kids = node.children
        items = [k for k in kids[1:-1] if not _is(k, ",")]
        if items and all(_is_row(k) for k in items):
            body = [self.row(k) for k in items]
            inner: list[Any] = [SOFT]
            for i, item in enumerate(body):
                if i:
                    inner += [",", LINE]
                inner.append(item)
            inner.append(_IfBreak(","))
            close = kids[-1]
            return [
                group(*self.token(kids[0]), indent(*inner), SOFT, *self.token(close)),
                *self.after(close),
            ]
        return self.listing(node, SOFT)

    def n_list(self, node: Any) -> Any:
        if _plain_items(node):
            return self.fill_list(node)
        return self.listing(node, SOFT)

    def n_literal_list(self, node: Any) -> Any:
        if _plain_items(node):
            return self.fill_list(node)
        return self.listing(node, SOFT)

    def n_call(self, node: Any) -> Any:
        return self.listing(node, SOFT, comma=False)

    def n_json_pair(self, node: Any) -> Any:
        return self.join(node)


def _is_block(node: Any) -> bool:
    """``keyword ... { statement statement }``: a rule, a table, an ``aggregate`` clause..."""
    if type(node) is Tok or node.data in ("json_object", "evidence"):
        return False
    kids = node.children
    if not kids or not _is(kids[-1], "}"):
        return False
    opens = [i for i, k in enumerate(kids) if _is(k, "{")]
    if not opens:
        return False
    inner = kids[opens[0] + 1 : -1]
    return all(type(k) is not Tok or _is(k, ",") for k in inner)


_PLAIN = {"json_string", "json_number", "json_neg", "json_true", "json_false", "json_null"}
_PLAIN |= {"number", "neg", "string", "true", "false", "null", "neg_number", "percent"}


def _plain(node: Any) -> bool:
    """A string, number or constant (what a list fills and a table row holds)."""
    if type(node) is Tok:
        return node.type in ("STRING", "INT", "FLOAT", "NUMBER")
    return node.data in _PLAIN


def _plain_items(node: Any) -> bool:
    """A list (in code or example data) of plain values only, two or more."""
    items = [k for k in node.children[1:-1] if not _is(k, ",")]
    return len(items) > 1 and all(_plain(k) for k in items)


def _is_row(node: Any) -> bool:
    """A record whose values are plain values or lists of them: one line as a table row."""
    if type(node) is Tok or node.data != "json_object":
        return False
    for pair in node.children[1:-1]:
        if _is(pair, ","):
            continue
        value = pair.children[-1]
        if _plain(value):
            continue
        if type(value) is Tok or value.data != "json_array":
            return False
        if not all(_plain(k) for k in value.children[1:-1] if not _is(k, ",")):
            return False
    return True


def _bounds(tree: Any) -> tuple[set[int], set[int]]:
    """Tokens that begin a statement (top-level items, rule clauses, table rows, recursively
    inside blocks), and tokens that end one or open a block (a trailing comment there stays put)."""
    starts: set[int] = set()
    ends: set[int] = set()
    stack = list(reversed(tree.children))
    while stack:
        node = stack.pop()
        first = last = node
        while type(first) is not Tok:
            first = first.children[0]
        while type(last) is not Tok:
            last = last.children[-1]
        starts.add(id(first))
        ends.add(id(last))
        if _is_block(node):
            ends.add(id(node.children[_brace(node)]))
            stack.extend(reversed([k for k in node.children if type(k) is not Tok]))
    return starts, ends


def _brace(node: Any) -> int:
    return next(i for i, k in enumerate(node.children) if _is(k, "{"))


def _is(node: Any, value: str) -> bool:
    return type(node) is Tok and node.value == value and node.type != "STRING"


def _kind(node: Any) -> str:
    return "" if type(node) is Tok else str(node.data)


# ---------------------------------------------------------------- entry points
class FormatResult(NamedTuple):
    """One file's formatting: the new text (None when it does not parse) and why not."""

    path: str
    original: str
    text: str | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.original


def format_file(text: str, path: str = "<rules>") -> FormatResult:
    """Format one rule file; a file that does not parse is left alone with its diagnostics."""
    from .cst import from_lark, parse, too_deep

    fast = parse(text) if "\x00" not in text else None
    if fast is not None and not too_deep(fast[0]):
        tree, comments = fast
    else:  # lark parses it again, for its diagnostics (or a spelling only it reads)
        from lark.exceptions import UnexpectedInput

        from .parser import _depth_diagnostic, _syntax_diagnostic, parse_file

        if "\x00" in text:
            _, diags = parse_file(text, path)
            return FormatResult(path, text, None, tuple(diags))
        try:
            lark_tree, lark_comments = _parse_lark(text)
        except UnexpectedInput as exc:
            return FormatResult(path, text, None, (_syntax_diagnostic(exc, path, text),))
        deep = _depth_diagnostic(lark_tree, path, text)  # what the parser refuses, fmt too
        if deep is not None:
            return FormatResult(path, text, None, (deep,))
        tree, comments = from_lark(lark_tree), [from_lark(c) for c in lark_comments]
    out, moves = _layout(tree, comments)
    for _ in range(3):
        # a comment inside an expression can land after a later token than the one it
        # followed, which may change the layout once more: format until nothing moves
        if not moves:
            break
        tree, comments = _parse(out)
        again, moves = _layout(tree, comments)
        if again == out:
            break
        out = again
    return FormatResult(path, text, out)


def _layout(tree: Any, comments: list[Any]) -> tuple[str, bool]:
    """The laid-out text, and whether a comment sat where layout may move it."""
    layout = _Layout(_notes(tree, comments), tree)
    moves = layout.moves_comments()  # before laying out, which uses the notes up
    out = render(layout.node(tree)).rstrip("\n")
    return (out + "\n" if out.strip() else ""), moves


@functools.cache
def _digest() -> str:
    """A fingerprint of everything that shapes the layout: version, grammar, this module."""
    import hashlib

    from . import __version__

    h = hashlib.sha256(__version__.encode())
    package = _package()
    for name in ("grammar.lark", "fmt.py"):
        h.update(package.joinpath(name).read_bytes())
    return h.hexdigest()[:16]


def format_cached(text: str, path: str = "<rules>") -> FormatResult:
    """:func:`format_file`, reusing the result for a text formatted before (as black does).

    Entries live in the parse cache's folder (see ``NETRULES_CACHE_DIR``) and are
    authenticated with its private key, like parsed trees: whoever can write the folder
    cannot make ``fmt`` write their text into a rule file.  An entry holds the formatted
    text under a hash of the input, the grammar and the formatter; any problem with it
    falls back to formatting: the cache can make ``fmt`` faster, never different.
    """
    import hashlib
    import hmac
    import json
    import os

    from .cache_key import _key, _tag, cache_dir

    folder = cache_dir()
    key = _key(folder) if folder is not None else None
    if folder is None or key is None:
        return format_file(text, path)
    name = hashlib.sha256(f"{_digest()}\0{text}".encode()).hexdigest()
    entry = folder / f"{name}.fmt"
    try:
        tag, _, body = entry.read_bytes().partition(b"\n")
        if hmac.compare_digest(tag, _tag(key, body).encode()):
            digest, source, formatted = json.loads(body)
            if digest == _digest() and source == text and isinstance(formatted, str):
                return FormatResult(path, text, formatted)
    except (OSError, ValueError, TypeError):
        pass
    result = format_file(text, path)
    if result.text is not None:
        body = json.dumps([_digest(), text, result.text], ensure_ascii=False).encode()
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(tmp, flags, 0o600), "wb") as fh:
                fh.write(_tag(key, body).encode() + b"\n" + body)
            os.replace(tmp, entry)
        except OSError:
            pass  # a cache we cannot write only costs speed
    return result


def format_text(text: str, path: str = "<rules>") -> str:
    """The formatted text; raises :class:`netrules.RuleError` when it does not parse."""
    result = format_file(text, path)
    if result.text is None:
        from .errors import RuleError

        raise RuleError(result.diagnostics)
    return result.text
