"""Rule text -> concrete syntax tree (every token kept) without lark at run time, for ``fmt``.

``netrules fmt`` starts in a new process for every run, and lark costs it twice: its
import and grammar load (about 0.2 s of CPU) and its contextual lexer (a regular
expression per parser state, tried token by token in pure Python).  This module parses
with the same LALR table that lark builds for grammar.lark, stored in
``data/cst_table.json`` (written by ``python -m netrules.cst``), fed by one master
regular expression.  Lark's contextual lexer picks a token's kind from what the parser
state accepts (``title`` is a keyword after a rule's ``{`` but a field name after
``.``); :func:`parse` makes the same choice from the same table, preferring what
lark's lexer prefers (a priority-2 terminal such as ``AGG``, then a keyword, then
``NAME``; ``PLUS``/``MINUS`` before ``ADD_OP``).  The tree has lark's shape
(``keep_all_tokens``, ``?rule`` inlining, ``_rule`` splicing).

Anything unusual returns ``None`` and the caller parses with lark instead: a syntax
error (lark's diagnostics stay the only ones), a character or token the state does not
accept (where lark's lexer could split a word differently), a table that is not the
one for the current grammar.  The fast path therefore only ever agrees with lark
(tests/authoring/test_cst.py compares both over the pack and generated files).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["MAX_DEPTH", "Node", "Tok", "build_table", "parse", "too_deep"]

MAX_DEPTH = 100  # the parser's limit (parser.MAX_DEPTH; not imported: it pulls in diagnostics)


class Tok:
    """A token: lark's Token fields that the formatter reads (not a ``str``)."""

    __slots__ = ("column", "end_line", "end_pos", "line", "start_pos", "type", "value")

    def __init__(
        self, type: str, value: str, start_pos: int, line: int, column: int, end_line: int
    ) -> None:
        self.type = type
        self.value = value
        self.start_pos = start_pos
        self.end_pos = start_pos + len(value)
        self.line = line
        self.column = column
        self.end_line = end_line

    def __repr__(self) -> str:
        return f"Tok({self.type!r}, {self.value!r})"


class Node:
    """A rule's subtree: ``data`` is the rule's name (or alias), as lark's ``Tree``."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children

    def __repr__(self) -> str:
        return f"Node({self.data!r}, {self.children!r})"


# The token shapes, longest first where they share a start (as lark's priorities order them:
# DATE 3, FLOAT 2, INT 0; '..' before '.', '==' before '=').  Group numbers are used below.
_STRING = r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_TOKEN = re.compile(
    r"([ \t\f\r\n]*)"  # 1 whitespace before the token (lark's WS, ignored)
    r"(?:(#[^\n]*)"  # 2 comment
    rf"|({_STRING})"  # 3 string
    r"|(\d{4}-\d{2}-\d{2})"  # 4 date
    r"|(\d+\.\d+)"  # 5 float
    r"|(\d+)"  # 6 int
    r"|([A-Za-z_][A-Za-z0-9_]*)"  # 7 word
    r"|(\.\.|\?\?|[=!<>]=|[<>=+\-*/%.,:(){}\[\]]))"  # 8 punctuation
)
_COMMENT, _STR, _DATE, _FLOAT, _INT, _WORD, _PUNCT = range(2, 9)
_KINDS: dict[int | None, tuple[str, ...]] = {
    _STR: ("STRING",),
    _DATE: ("DATE",),
    _FLOAT: ("FLOAT",),
    _INT: ("INT",),
}
_NAME = ("NAME",)

# The regular-expression terminals this lexer knows, with lark's patterns for them: the
# table is written only when the grammar's terminals are exactly these and plain strings.
# The regular-expression terminals of other shapes this lexer knows, with lark's patterns
# for them; the rest must be words: `(a|b)\b` or `(a|b)s?\b` (AGG, UNIT, ORDER_DIR) or
# `(?:a|b)` (EXPECT).  The table is written only for such a grammar.
_REGEX_TERMINALS = {
    "WS": "(?:[ \t\x0c\r\n])+",
    "COMMENT": "#[^\n]*",
    "STRING": "(?:" + _STRING.replace(r"\n", "\n") + ")",  # lark writes a real newline
    "DATE": r"\d{4}-\d{2}-\d{2}",
    "FLOAT": r"\d+\.\d+",
    "INT": r"\d+",
    "NAME": "[A-Za-z_][A-Za-z0-9_]*",
    "COMP_OP": "(?:==|!=|<=|>=|<|>)",
    "ADD_OP": r"(?:\+|\-)",
    "MUL_OP": "(?:\\*|/)",
}
_WORD_SHAPE = re.compile(r"\((?:\?:)?((?:[a-z_]+\|)*[a-z_]+)\)(s\?)?(\\b)?\Z")


def _words_of(pattern: str) -> tuple[list[str], bool] | None:
    """The words a word-shaped pattern matches in full, and whether it ends with ``\\b``."""
    shape = _WORD_SHAPE.match(pattern)
    if shape is None:
        return None
    words = shape.group(1).split("|")
    if shape.group(2):
        words = [w + s for w in words for s in ("", "s")]
    return words, bool(shape.group(3))


def _table_path() -> Path:
    return Path(__file__).parent / "data" / "cst_table.json"


def _grammar_text() -> str:
    return (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")


def _digest(grammar: str) -> str:
    import hashlib

    return hashlib.sha256(grammar.encode()).hexdigest()


@functools.cache
def _tables() -> Any:
    """(states, rules, candidates, start, end) from the stored table, None when stale."""
    try:
        data = json.loads(_table_path().read_text(encoding="utf-8"))
        if data["grammar"] != _digest(_grammar_text()):
            return None  # the grammar changed since the table was written: use lark
    except (OSError, ValueError, KeyError):
        return None
    states = [dict(zip(names, actions, strict=True)) for names, actions in data["states"]]
    rules: list[_Rule] = [
        (r[0], r[1], bool(r[2]), frozenset(r[3]), r[4], r[1] == 1 and bool(r[2]) and not r[3])
        for r in data["rules"]
    ]
    candidates: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data["candidates"].items()}
    return states, rules, candidates, data["start"], data["end"]


def parse(text: str) -> tuple[Node, list[Tok]] | None:
    """The tree and the comments of ``text``, as lark parses it; None: ask lark."""
    tables = _tables()
    if tables is None:
        return None
    states, rules, candidates, start, end = tables
    stack = [start]
    values: list[Any] = []
    comments: list[Tok] = []
    pos = 0
    line = 1
    line_start = 0
    for m in _TOKEN.finditer(text):
        if m.start() != pos:
            return None  # a character no token starts with
        ws = m.group(1)
        if ws:
            n = ws.count("\n")
            if n:
                line += n
                line_start = pos + ws.rfind("\n") + 1
        at = pos + len(ws)
        pos = m.end()
        kind = m.lastindex
        value = text[at:pos]
        if kind == _WORD:
            cands = candidates.get(value, _NAME)
        elif kind == _PUNCT:
            cands = candidates.get(value, ())
        elif kind == _COMMENT:
            comments.append(Tok("COMMENT", value, at, line, at - line_start + 1, line))
            continue
        else:
            cands = _KINDS[kind]
        row = states[stack[-1]]
        for term in cands:
            if term in row:
                break
        else:
            return None  # not what this state accepts: lark may read it otherwise, or not at all
        if kind == _STR and "\n" in value:
            n = value.count("\n")
            tok = Tok(term, value, at, line, at - line_start + 1, line + n)
            line += n
            line_start = at + value.rfind("\n") + 1
        else:
            tok = Tok(term, value, at, line, at - line_start + 1, line)
        action = row[term]
        while action < 0:  # reduce (inline: this loop runs once per token and rule)
            name, size, expand1, expand, origin, unit = rules[~action]
            if unit:  # `?rule: x` with one child: the value stays, the state moves on
                stack[-1] = states[stack[-2]][origin]
            else:
                if size:
                    kids = values[-size:]
                    del values[-size:]
                    del stack[-size:]
                else:
                    kids = []
                if expand:
                    kids = _splice(kids, expand)
                node = kids[0] if expand1 and len(kids) == 1 else Node(name, kids)
                stack.append(states[stack[-1]][origin])
                values.append(node)
            action = states[stack[-1]].get(term)
            if action is None:
                return None
        stack.append(action)
        values.append(tok)
    if text[pos:].strip(" \t\f\r\n"):
        return None
    while True:  # the end of the text: reduce until the start rule is complete
        action = states[stack[-1]].get("$END")
        if action is None or action >= 0:
            return None
        rule = rules[~action]
        node = _reduce(rule, stack, values)
        stack.append(states[stack[-1]][rule[4]])
        values.append(node)
        if stack[-1] == end:
            return values[-1], comments


_Rule = tuple[str, int, bool, frozenset[int], str, bool]


def _reduce(rule: _Rule, stack: list[int], values: list[Any]) -> Any:
    """Pop a rule's symbols and build its node as lark's tree builder does."""
    name, size, expand1, expand, _origin, _unit = rule
    if size:
        kids = values[-size:]
        del values[-size:]
        del stack[-size:]
    else:
        kids = []
    if expand:
        kids = _splice(kids, expand)
    if expand1 and len(kids) == 1:  # `?rule` with one child is the child itself
        return kids[0]
    return Node(name, kids)


def _splice(kids: list[Any], expand: frozenset[int]) -> list[Any]:
    """Helper rules' nodes (`__start_star_0`, `_x`) replaced by their children, as lark does."""
    spliced: list[Any] = []
    for i, kid in enumerate(kids):
        if i in expand:
            spliced += kid.children
        else:
            spliced.append(kid)
    return spliced


def too_deep(tree: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether nodes nest more than ``limit`` levels (the parser refuses those files)."""
    if not isinstance(tree, Node):
        return False
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.children:
            if isinstance(child, Node):
                stack.append((child, depth + 1))
    return False


def from_lark(tree: Any) -> Any:
    """A lark tree (or token) as :class:`Node`/:class:`Tok` (the slow path's result)."""
    from lark import Token

    if isinstance(tree, Token):
        return Tok(
            tree.type,
            str(tree.value),
            tree.start_pos or 0,
            tree.line or 1,
            tree.column or 1,
            tree.end_line or 1,
        )
    return Node(str(tree.data), [from_lark(k) for k in tree.children])


# ---------------------------------------------------------------- writing the table
def build_table(lark: Any) -> dict[str, Any]:
    """The table of a ``Lark(grammar, parser="lalr", keep_all_tokens=True)`` instance as JSON data.

    Refuses (ValueError) a grammar with a terminal this module's lexer does not know.
    """
    from lark import __version__ as lark_version
    from lark.lexer import PatternStr

    if not lark.options.keep_all_tokens or lark.options.maybe_placeholders:
        raise ValueError("the table is for keep_all_tokens=True, maybe_placeholders=False")

    strings: dict[str, str] = {}
    for term in lark.terminals:
        if isinstance(term.pattern, PatternStr):
            if term.priority != 0 or term.pattern.flags:
                raise ValueError(f"terminal {term.name}: a priority or flags")
            strings[term.pattern.value] = term.name
        elif term.pattern.flags:
            raise ValueError(f"terminal {term.name}: flags")
        elif _REGEX_TERMINALS.get(term.name) == term.pattern.value:
            pass
        elif _words_of(term.pattern.value) is None:
            raise ValueError(f"terminal {term.name} is not known to netrules.cst")
    candidates: dict[str, list[str]] = {}
    word = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
    punct = re.compile(r"(\.\.|\?\?|[=!<>]=|[<>=+\-*/%.,:(){}\[\]])\Z")
    for value, name in strings.items():
        if word.match(value):
            candidates[value] = [name, "NAME"]  # a keyword where the state accepts it
        elif punct.match(value):
            candidates[value] = [name]
        else:
            raise ValueError(f"terminal {name} ({value!r}) is not a word or a known symbol")
    for op in ("==", "!=", "<=", ">=", "<", ">"):
        candidates.setdefault(op, []).append("COMP_OP")
    for op in ("+", "-"):
        candidates.setdefault(op, []).append("ADD_OP")  # PLUS/MINUS first, as lark's lexer
    for op in ("*", "/"):
        candidates.setdefault(op, []).append("MUL_OP")
    for term in lark.terminals:
        shape = None if term.name in _REGEX_TERMINALS else _words_of(term.pattern.value)
        if shape is None or isinstance(term.pattern, PatternStr):
            continue
        words, boundary = shape
        if term.priority > 0 and boundary:
            order = [term.name, "NAME"]  # before keywords and NAME in lark's lexer
        elif term.priority == 0:
            order = ["NAME", term.name]  # after NAME, whose longest match is longer
        else:
            raise ValueError(f"terminal {term.name}: a priority without \\b")
        for w in words:
            if w in candidates:
                raise ValueError(f"{w!r} is matched by {term.name} and by {candidates[w][0]}")
            candidates[w] = order
    table = lark.parser.parser.parser.parse_table
    # states renumbered in breadth-first order from the start (lark's numbers change
    # from one build to the next): the same grammar always gives the same file
    (first,) = table.start_states.values()
    order = [first]
    number = {first: 0}
    for state in order:
        for _term, (action, arg) in sorted(table.states[state].items()):
            if action.name == "Shift" and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    rule_index: dict[Any, int] = {}
    rules: list[list[Any]] = []
    states: list[list[Any]] = []
    for state in order:
        names: list[str] = []
        actions: list[int] = []
        for term, (action, arg) in sorted(table.states[state].items()):
            names.append(term)
            if action.name == "Shift":
                actions.append(number[arg])
                continue
            if arg not in rule_index:
                rule_index[arg] = len(rules)
                expand = [
                    i
                    for i, sym in enumerate(arg.expansion)
                    if not sym.is_term and sym.name.startswith("_")
                ]
                rules.append(
                    [
                        str(arg.alias or arg.options.template_source or arg.origin.name),
                        len(arg.expansion),
                        int(bool(arg.options.expand1 and not arg.alias)),
                        expand,
                        str(arg.origin.name),
                    ]
                )
            actions.append(~rule_index[arg])
        states.append([names, actions])
    (start,) = table.start_states.values()
    (end,) = table.end_states.values()
    start, end = number[start], number.get(end, -1)
    return {
        "grammar": _digest(_grammar_text()),
        "lark": lark_version,
        "start": start,
        "end": end,
        "candidates": candidates,
        "rules": rules,
        "states": states,
    }


def write_table() -> Path:
    """Write data/cst_table.json from the formatter's lark parser (after a grammar change)."""
    from .fmt import _lark

    data = build_table(_lark())
    path = _table_path()
    path.write_text(
        json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    _tables.cache_clear()
    return path


if __name__ == "__main__":  # python -m netrules.cst
    print(f"wrote {write_table()}")
