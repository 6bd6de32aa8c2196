"""Rule text -> lark tree -> nodes; lark's exceptions stop here and become diagnostics.

One LALR parser is built on first use and cached (lark's grammar cache makes a
new process skip the grammar analysis).  The parser keeps no state between
calls, so it is safe to share.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from .diagnostics import Diagnostic, Span, normalize_newlines, source_lines

__all__ = ["MAX_DEPTH", "parse_expression", "parse_file"]

MAX_DEPTH = 100  # nesting deeper than this is refused, never a RecursionError

_WORDS = {
    "NAME": "a name",
    "STRING": "a string",
    "INT": "a number",
    "FLOAT": "a number",
    "DATE": "a date",
    "UNIT": "a duration unit",
    "AGG": "an aggregate such as count(...)",
    "COMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "EXPECT": "'fires' or 'passes'",
    "DEFAULT": "'default'",
    "WITHIN": "'within'",
    "PLUS": "'+'",
    "ORDER_DIR": "'ascending' or 'descending'",
    "$END": "the end of the file",
}


@functools.cache
def _lark() -> Any:
    from lark import Lark

    grammar = resources.files("netrules").joinpath("grammar.lark").read_text(encoding="utf-8")
    kwargs: dict[str, Any] = dict(
        parser="lalr",
        start=["start", "expr"],
        propagate_positions=True,
        maybe_placeholders=True,
    )
    try:
        return Lark(grammar, cache=True, **kwargs)
    except OSError:  # a read-only temp dir: build without the cache
        return Lark(grammar, **kwargs)


def describe_terminal(name: str) -> str:
    """A terminal's name as words a rule author knows (never ``__ANON_3``)."""
    if name in _WORDS:
        return _WORDS[name]
    for term in _lark().terminals:
        if term.name == name:
            pattern = term.pattern
            if type(pattern).__name__ == "PatternStr":
                return f"'{pattern.value}'"
            break
    return name.lower()


def _line_of(text: str, line: int) -> str:
    lines = source_lines(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _unterminated(path: str, text: str, line: int, column: int) -> Diagnostic:
    hint = 'close the string with \'"\' on the same line, or use """...""" for several lines'
    return Diagnostic(
        "NR102",
        "error",
        "unterminated string",
        path,
        Span(line, column, line, column + 1),
        hint,
        _line_of(text, line),
    )


def _syntax_diagnostic(exc: Exception, path: str, text: str, start: str = "start") -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = getattr(exc, "line", 1) or 1
    column = getattr(exc, "column", 1) or 1
    if line < 1:
        line, column = max(1, text.count("\n") + 1), len(_line_of(text, text.count("\n") + 1)) + 1
    expected: set[str] = set()
    if isinstance(exc, UnexpectedToken):
        expected = set(exc.accepts or exc.expected or ())
        token = exc.token
        if token.value == '""' and text.startswith('"', token.end_pos or 0):  # '"""' never closed
            return _unterminated(path, text, token.line, token.column)
        if token.type == "$END":
            found = "end of file" if start == "start" else "end of the expression"
            line = max(1, text.count("\n") + 1)
            column = len(_line_of(text, line)) + 1
            width = 1
        else:
            found = (
                f"'{token.value}'" if len(str(token.value)) <= 30 else describe_terminal(token.type)
            )
            width = max(1, len(str(token.value).splitlines()[0]) if str(token.value) else 1)
        message = f"unexpected {found}"
    elif isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        expected = set(exc.allowed or ())
        if char == '"':
            triple = text[max(0, exc.pos_in_stream - 2) : exc.pos_in_stream] == '""'
            return _unterminated(path, text, line, column - 2 if triple else column)
        message = f"unexpected character {char!r}"
        width = 1
    elif isinstance(exc, UnexpectedEOF):
        expected = set(exc.expected or ())
        line = max(1, text.count("\n") + 1)
        column = len(_line_of(text, line)) + 1
        message = "unexpected end of file"
        width = 1
    else:  # pragma: no cover - lark raises nothing else from parse()
        message, width = str(exc), 1
    words = sorted({describe_terminal(e) for e in expected})
    hint = None
    if words:
        shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
        hint = f"expected {shown}"
    return Diagnostic(
        "NR101",
        "error",
        message,
        path,
        Span(line, column, line, column + width),
        hint,
        _line_of(text, line),
    )


def _depth_diagnostic(tree: Any, path: str, text: str) -> Diagnostic | None:
    """Measure nesting without recursion; refuse trees deeper than MAX_DEPTH."""
    from lark import Tree

    if not isinstance(tree, Tree):  # a bare token: `"text"` or `2024-01-01`
        return None
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            meta = node.meta
            line = getattr(meta, "line", 1)
            col = getattr(meta, "column", 1)
            return Diagnostic(
                "NR103",
                "error",
                f"expression nested more than {MAX_DEPTH} levels deep",
                path,
                Span(line, col, line, col + 1),
                "split it into named definitions with 'define'",
                _line_of(text, line),
            )
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1))
    return None


def _parse(text: str, path: str, start: str) -> tuple[Any, list[Diagnostic]]:
    from lark.exceptions import UnexpectedInput

    try:
        tree = _lark().parse(text, start=start)
    except UnexpectedInput as exc:
        return None, [_syntax_diagnostic(exc, path, text, start)]
    deep = _depth_diagnostic(tree, path, text)
    if deep is not None:
        return None, [deep]
    return tree, []


def parse_file(text: str, path: str = "<rules>") -> tuple[Any, list[Diagnostic]]:
    """Parse one rule file; returns (RuleFile or None, diagnostics)."""
    from .transform import to_nodes

    text = normalize_newlines(text)
    if "\x00" in text:
        pos = text.index("\x00")
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return None, [
            Diagnostic(
                "NR102",
                "error",
                "unexpected NUL character",
                path,
                Span(line, col, line, col + 1),
                "is this a binary file?",
                _line_of(text, line),
            )
        ]
    tree, diags = _parse(text, path, "start")
    if tree is None:
        return None, diags
    return to_nodes(tree, path, text)


def parse_expression(text: str, path: str, line: int, column: int) -> tuple[Any, list[Diagnostic]]:
    """Parse an expression found at (line, column) of a file, keeping real positions."""
    from .transform import expr_to_node

    # parse the hole on its own (padding it with the text before it would make a
    # message of n holes cost O(n^2)), then move every position to where it really is
    tree, diags = _parse(text, path, "expr")
    if tree is not None:
        node, diags = expr_to_node(tree, path, text)
    else:
        node = None
    return shift_spans(node, line - 1, column - 1), [
        shift_spans(d, line - 1, column - 1) for d in diags
    ]


def _shift(span: Span, lines: int, columns: int) -> Span:
    return Span(
        span.line + lines,
        span.column + (columns if span.line == 1 else 0),
        span.end_line + lines,
        span.end_column + (columns if span.end_line == 1 else 0),
    )


def shift_spans(obj: Any, lines: int, columns: int) -> Any:
    """A copy of a node (or diagnostic) whose spans start ``lines``/``columns`` later."""
    import attrs

    if obj is None or (lines == 0 and columns == 0):
        return obj
    if isinstance(obj, tuple):
        return tuple(shift_spans(o, lines, columns) for o in obj)
    if isinstance(obj, Span):
        return _shift(obj, lines, columns)
    if not attrs.has(type(obj)):
        return obj
    changes = {}
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if isinstance(value, Span) or attrs.has(type(value)) or isinstance(value, tuple):
            changes[field.name] = shift_spans(value, lines, columns)
    return attrs.evolve(obj, **changes)
