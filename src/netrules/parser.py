"""Rule text -> lark tree -> nodes; lark's exceptions stop here and become diagnostics.

One LALR parser is built on first use and cached (lark's grammar cache makes a
new process skip the grammar analysis).  The parser keeps no state between
calls, so it is safe to share.
"""

from __future__ import annotations

import functools
import re
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

    from .parse_cache import package_files

    grammar = package_files().joinpath("grammar.lark").read_text(encoding="utf-8")
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


_TOP = ("rule", "param", "define", "table", "advice", "set", "disable", "example")
# Where the parser resumes after a syntax error: the first word of a line (at any
# indentation) that starts an item, outside strings and comments. `advice` and
# `example` also begin rule clauses: only their item forms count (`advice NAME =`,
# `example "name"`); a JSON key (`rule: 1` in example data) never counts.
_ITEM_START = (
    r"(?:rule|param|define|table|set|disable)\b(?![ \t\f]*:)"
    r"|advice[ \t\f]+[A-Za-z_]\w*[ \t\f]*="
    r"|example[ \t\f]+\""
)
_RESYNC = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)|"(?:[^"\\\n]|\\.)*"?|#[^\n]*)'
    r"|^[ \t\f]*(?P<item>" + _ITEM_START + ")",
    re.M,
)


def _resync(text: str, pos: int) -> int:
    """Where the next item starts at or after ``pos`` (``len(text)`` if none), in one
    pass over the rest of the text."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:pos].strip(" \t\f"):
        pos = line_start  # only indentation before pos: an item may start right there
    while True:
        found = _RESYNC.search(text, pos)
        if found is None:
            return len(text)
        if found.group("item") is not None:
            return found.start("item")
        pos = found.end()


_CLAUSES = (
    "title",
    "severity",
    "category",
    "tags",
    "source",
    "why",
    "advice",
    "for",
    "when",
    "lower",
    "suppresses",
    "defers",
    "aggregate",
    "message",
    "evidence",
    "example",
)
_CLOSERS = {"RBRACE": "}", "RPAR": ")", "RSQB": "]"}
_OPENERS = {"}": "{", ")": "(", "]": "["}
_CHARS = {
    "&": "write 'and' for '&&'",
    "|": "write 'or' for '||'",
    "!": "write 'not x' for '!x', and '!=' for 'not equal'",
    "'": 'strings use double quotes: "text"',
    "=": "compare with '=='",
}
_OPERATORS = ("<", ">", "<=", ">=", "==", "!=", "+", "-", "*", "/", "??", "and", "or", "not", "in")
_OPEN_RANGE = (
    "an open range such as 500+ exists only as a table value; in a condition write x >= 500"
)
MAX_SYNTAX_ERRORS = 20  # per file; the parser resumes at the next top-level item


def _literal_of(name: str) -> str | None:
    """The text of a keyword or punctuation terminal ('when', '}'), None for classes."""
    for term in _lark().terminals:
        if term.name == name:
            pattern = term.pattern
            return pattern.value if type(pattern).__name__ == "PatternStr" else None
    return None


def _previous_token(text: str, pos: int) -> tuple[str, int]:
    """The last word or symbol before ``pos`` (comments skipped) and where it starts."""
    i = pos
    while True:
        while i > 0 and text[i - 1] in " \t\f\n":
            i -= 1
        line_start = text.rfind("\n", 0, i) + 1
        hash_at = text.find("#", line_start, i)
        if hash_at < 0 or '"' in text[line_start:hash_at]:
            break
        i = hash_at
    end = i
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
        i -= 1
    if i == end and i > 0:
        i -= 1
    return text[i:end], i


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _open_item(exc: Any) -> tuple[str, int] | None:
    """The innermost item or block still open when the error struck (keyword, line)."""
    from lark import Token

    ip = getattr(exc, "interactive_parser", None)
    stack = getattr(getattr(ip, "parser_state", None), "value_stack", None) or []
    for value in reversed(stack):
        if isinstance(value, Token) and value.value in ("rule", "table", "evidence", "aggregate"):
            return str(value.value), value.line or 0
    return None


def _in_expression(exc: Any) -> bool:
    """Whether the parser was inside an expression that could go on (`a and ...`)."""
    expected = set(getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ())
    return "COMP_OP" in expected or any(_literal_of(e) == "and" for e in expected)


def _token_hint(exc: Any, expected: set[str], text: str) -> tuple[str | None, Span | None]:
    """The one thing needed at an unexpected token, in words (or None: list the options)."""
    from .diagnostics import did_you_mean

    token = exc.token
    found = str(token.value)
    literals = {_literal_of(e) for e in expected} - {None}
    closers = [_CLOSERS[e] for e in expected if e in _CLOSERS]
    open_item = _open_item(exc)
    if token.type == "$END":
        if closers:
            where = f" (the {open_item[0]} opened on line {open_item[1]})" if open_item else ""
            return f"expected '{closers[0]}'{where} before the end of the file", None
        return None, None
    prev, prev_at = _previous_token(text, token.start_pos or 0)
    prev_line, prev_col = _position(text, prev_at)
    at_line_start = text[text.rfind("\n", 0, prev_at) + 1 : prev_at].strip() == ""
    in_expression = "and" in literals or "COMP_OP" in expected
    if found == ":" and prev in _CLAUSES:
        return f"write {prev} without ':'", None
    if prev == "rule" and token.type == "NAME":
        start = token.start_pos or 0
        ends = [i for i in (text.find("{", start), text.find("\n", start)) if i >= 0]
        ident = text[start : min(ends)].strip() if ends else found
        return f'a rule id is a string in double quotes: rule "{ident}" {{', None
    if token.type == "NAME" and prev.isdigit():
        unit = did_you_mean(found, ("days", "weeks", "months", "years"))
        if unit:
            return f"a duration is a number and a unit: {prev} {unit}", None
    if found == "=" and in_expression:
        return "compare with '=='", None
    if prev in _OPERATORS and (found in _TOP + _CLAUSES or found in "})]"):
        return f"expected a value after '{prev}'", None
    if in_expression and (prev in _CLAUSES or prev in _TOP) and at_line_start:
        before, before_at = _previous_token(text, prev_at)
        if before == "+":  # `x in 500+` in a condition, then the next clause
            line, col = _position(text, before_at)
            return _OPEN_RANGE, Span(line, col, line, col + 1)
        return (
            f"the expression before '{prev}' is not finished: '{prev}' (line {prev_line}) "
            "was read as a name in it",
            None,
        )
    if prev == "+" and token.line > prev_line:
        return _OPEN_RANGE, Span(prev_line, prev_col, prev_line, prev_col + 1)
    if "when" in literals and "title" in literals:  # between the clauses of a rule
        close = did_you_mean(found, _CLAUSES) if token.type == "NAME" else None
        if close and close != found:
            return f"did you mean '{close}'?", None
        if found in _TOP and "}" in closers:
            return "close the rule with '}' before this", None
        if token.type in ("NAME", "INT", "FLOAT", "LPAR", "NOT", "AGG", "MINUS"):
            return f"a condition starts with 'when': write when {found} ...", None
        return "expected a clause (title, severity, when, message, ...) or '}'", None
    if (found in _TOP + _CLAUSES or found in "})]") and closers and found not in closers:
        closer = closers[0]
        what = f" opened by '{open_item[0]}' on line {open_item[1]}" if open_item else ""
        if closer == "}":
            return f"expected '}}' to close the block{what} before '{found}'", None
        return f"expected '{closer}' before '{found}'", None
    return None, None


def _syntax_diagnostic(exc: Exception, path: str, text: str, start: str = "start") -> Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    line = getattr(exc, "line", 1) or 1
    column = getattr(exc, "column", 1) or 1
    if line < 1:
        line, column = max(1, text.count("\n") + 1), len(_line_of(text, text.count("\n") + 1)) + 1
    expected: set[str] = set()
    hint: str | None = None
    span: Span | None = None
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
            width = max(1, len(str(token.value).split("\n")[0]) if str(token.value) else 1)
        message = f"unexpected {found}"
        hint, span = _token_hint(exc, expected, text)
        if hint == _OPEN_RANGE:
            message = "'+' needs a value after it"
    elif isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        assert pos is not None  # lark always sets it on UnexpectedCharacters
        char = text[pos] if pos < len(text) else ""
        expected = set(exc.allowed or ())
        if char == '"':
            triple = text[max(0, pos - 2) : pos] == '""'
            return _unterminated(path, text, line, column - 2 if triple else column)
        message = f"unexpected character {char!r}"
        width = 1
        hint = _CHARS.get(char)
    elif isinstance(exc, UnexpectedEOF):
        expected = set(exc.expected or ())
        line = max(1, text.count("\n") + 1)
        column = len(_line_of(text, line)) + 1
        message = "unexpected end of file"
        width = 1
    else:  # pragma: no cover - lark raises nothing else from parse()
        message, width = str(exc), 1
    if hint is None:
        words = sorted({describe_terminal(e) for e in expected})
        if words:
            shown = ", ".join(words[:8]) + (", ..." if len(words) > 8 else "")
            hint = f"expected {shown}"
    span = span or Span(line, column, line, column + width)
    return Diagnostic("NR101", "error", message, path, span, hint, _line_of(text, span.line))


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
    """Parse, and after a syntax error resume at the next line that starts an item
    (``rule``, ``param``, ... at any indentation), as compilers do: every broken item
    of a file is reported at once, and one mistake never cascades into the next item."""
    from lark.exceptions import UnexpectedInput

    diags: list[Diagnostic] = []
    last = [-1]

    def on_error(exc: Any) -> bool:
        diags.append(_syntax_diagnostic(exc, path, text, start))
        ip = getattr(exc, "interactive_parser", None)
        if start != "start" or ip is None or len(diags) >= MAX_SYNTAX_ERRORS:
            return False
        token = getattr(exc, "token", None)
        if token is not None and token.type == "$END":
            return False
        counter = ip.lexer_thread.state.line_ctr
        here = counter.char_pos
        if token is not None and token.start_pos is not None and token.start_pos > last[0]:
            # back to the unexpected token: it may itself start the next item; or to the
            # word before it, an item's keyword read as a name in an unfinished
            # expression (`define x = a >`, then `rule "id" {` on the next line)
            here = token.start_pos
            prev, prev_at = _previous_token(text, here)
            if (
                prev in _TOP
                and prev_at > last[0]
                and _in_expression(exc)
                and _resync(text, prev_at) == prev_at
            ):
                here = prev_at
            line, column = _position(text, here)
            counter.char_pos, counter.line = here, line
            counter.line_start_pos = here - (column - 1)
            counter.column = column
        last[0] = here
        # the unexpected token may start the next item itself; a bad character may not
        target = _resync(text, here if token is not None else here + 1)
        counter.feed(text[counter.char_pos : target])
        state = ip.parser_state
        del state.state_stack[1:]
        del state.value_stack[:]
        return True

    try:
        tree = _lark().parse(text, start=start, on_error=on_error)
    except UnexpectedInput as exc:  # on_error gave up: its diagnostic is already there
        return None, diags or [_syntax_diagnostic(exc, path, text, start)]
    if diags:
        return None, diags
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
