"""lark tree -> nodes: shape only; meaning is the checker's job."""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import re
from typing import Any

import attrs
from lark import Token, Transformer, Tree, v_args
from lark.exceptions import VisitError

from . import nodes as n
from .diagnostics import Diagnostic, Span, source_lines
from .values import Range, make_duration

__all__ = ["expr_to_node", "to_nodes", "unescape"]

MAX_DIGITS = 15
_NULL = object()  # a JSON null inside example data, told apart from lark's placeholders
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


class _Problem(Exception):
    def __init__(self, diag: Diagnostic):
        self.diag = diag


def _span(meta: Any) -> Span:
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _tspan(tok: Token) -> Span:
    line, column, end_line, end_column = tok.line, tok.column, tok.end_line, tok.end_column
    # lark types positions as optional; its lexer sets them on every token it makes
    assert line is not None and column is not None
    assert end_line is not None and end_column is not None
    return Span(line, column, end_line, end_column)


def unescape(raw: str) -> str:
    """The value of a STRING token; triple-quoted text is joined into one paragraph."""
    if raw.startswith('"""'):
        return " ".join(re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), raw[3:-3]).split())
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), raw[1:-1])


class _ToNodes(Transformer[Token, Any]):
    def __init__(self, path: str, text: str):
        super().__init__(visit_tokens=False)
        self.path = path
        self.text = text
        self.lines = source_lines(text)
        self.key_spans: dict[int, dict[str, Span]] = {}  # id(example object) -> key spans

    def _diag(self, code: str, message: str, span: Span, hint: str | None = None) -> Diagnostic:
        line = self.lines[span.line - 1] if 0 < span.line <= len(self.lines) else ""
        return Diagnostic(code, "error", message, self.path, span, hint, line)

    def _int(self, tok: Token) -> int:
        if len(tok.value) > MAX_DIGITS:
            raise _Problem(
                self._diag(
                    "NR104",
                    f"number has more than {MAX_DIGITS} digits",
                    _tspan(tok),
                    "use a smaller number",
                )
            )
        return int(tok.value)

    def _num(self, tok: Token) -> int | float:
        if tok.type == "INT":
            return self._int(tok)
        if len(tok.value) > MAX_DIGITS + 1:
            raise _Problem(
                self._diag(
                    "NR104",
                    f"number has more than {MAX_DIGITS} digits",
                    _tspan(tok),
                    "use a smaller number",
                )
            )
        return float(tok.value)

    # ---- literals ----
    @v_args(meta=True)
    def number(self, meta: Any, children: list[Token]) -> n.Literal:
        return n.Literal(self._num(children[0]), _span(meta), "number")

    @v_args(meta=True)
    def neg_number(self, meta: Any, children: list[n.Literal]) -> n.Literal:
        return n.Literal(-children[0].value, _span(meta), "number")

    @v_args(meta=True)
    def percent(self, meta: Any, children: list[Token]) -> n.Literal:
        return n.Literal(self._num(children[0]) / 100, _span(meta), "percent")

    @v_args(meta=True)
    def duration(self, meta: Any, children: list[Token]) -> n.Literal:
        amount = self._int(children[0])
        return n.Literal(make_duration(amount, children[1].value), _span(meta), "duration")

    @v_args(meta=True)
    def true(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(True, _span(meta), "bool")

    @v_args(meta=True)
    def false(self, meta: Any, children: list[Any]) -> n.Literal:
        return n.Literal(False, _span(meta), "bool")

    def _token_literal(self, tok: Any) -> Any:
        if not isinstance(tok, Token):
            return tok
        if tok.type == "STRING":
            return n.Literal(unescape(tok.value), _tspan(tok), "string")
        if tok.type == "DATE":
            try:
                value = _dt.date.fromisoformat(tok.value)
            except ValueError:
                raise _Problem(
                    self._diag(
                        "NR104",
                        f"'{tok.value}' is not a calendar date",
                        _tspan(tok),
                        "write dates as YYYY-MM-DD",
                    )
                ) from None
            return n.Literal(value, _tspan(tok), "date")
        if tok.type == "NAME":
            return n.Name(tok.value, _tspan(tok))
        raise AssertionError(tok.type)  # pragma: no cover

    @v_args(meta=True)
    def literal_list(self, meta: Any, children: list[Any]) -> n.Literal:
        items = [self._token_literal(c) for c in children if c is not None]
        return n.Literal(tuple(i.value for i in items), _span(meta), "list")

    @v_args(meta=True)
    def open_range(self, meta: Any, children: list[Token]) -> n.Literal:
        return n.Literal(Range(self._int(children[0]), None, True), _span(meta), "range")

    @v_args(meta=True)
    def closed_range(self, meta: Any, children: list[Any]) -> n.Literal:
        low, high = self._int(children[0]), self._int(children[1])
        return n.Literal(Range(low, high, children[2] is not None), _span(meta), "range")

    # ---- expressions ----
    @v_args(meta=True)
    def name(self, meta: Any, children: list[Token]) -> n.Name:
        return n.Name(children[0].value, _span(meta))

    @v_args(meta=True)
    def field(self, meta: Any, children: list[Any]) -> n.Field:
        obj = self._token_literal(children[0])
        return n.Field(obj, children[1].value, _span(meta), _tspan(children[1]))

    @v_args(meta=True)
    def index(self, meta: Any, children: list[Any]) -> n.Index:
        return n.Index(
            self._token_literal(children[0]), self._token_literal(children[1]), _span(meta)
        )

    @v_args(meta=True)
    def call(self, meta: Any, children: list[Any]) -> n.Call:
        args = tuple(self._token_literal(c) for c in children[1:] if c is not None)
        return n.Call(children[0].value, args, _span(meta), _tspan(children[0]))

    @v_args(meta=True)
    def aggregate(self, meta: Any, children: list[Any]) -> n.Aggregate:
        func, first, where, value, _within, window = children
        first = self._token_literal(first)
        var = None
        collection = first
        if isinstance(first, n.In) and isinstance(first.item, n.Name) and not first.negated:
            var, collection = first.item.name, first.container
        return n.Aggregate(
            func.value,
            var,
            collection,
            where,
            self._token_literal(value),
            self._token_literal(window),
            _span(meta),
        )

    def where(self, children: list[Any]) -> Any:
        return self._token_literal(children[0])

    @v_args(meta=True)
    def range(self, meta: Any, children: list[Token]) -> n.RangeExpr:
        low, high = self._int(children[0]), self._int(children[1])
        return n.RangeExpr(low, high, _span(meta))

    @v_args(meta=True)
    def neg(self, meta: Any, children: list[Any]) -> n.Neg:
        return n.Neg(self._token_literal(children[0]), _span(meta))

    @v_args(meta=True)
    def arith(self, meta: Any, children: list[Any]) -> n.Arith:
        return n.Arith(
            children[1].value,
            self._token_literal(children[0]),
            self._token_literal(children[2]),
            _span(meta),
        )

    @v_args(meta=True)
    def compare(self, meta: Any, children: list[Any]) -> n.Compare:
        return n.Compare(
            children[1].value,
            self._token_literal(children[0]),
            self._token_literal(children[2]),
            _span(meta),
        )

    @v_args(meta=True)
    def in_(self, meta: Any, children: list[Any]) -> n.In:
        return n.In(
            self._token_literal(children[0]), self._token_literal(children[1]), False, _span(meta)
        )

    @v_args(meta=True)
    def not_in(self, meta: Any, children: list[Any]) -> n.In:
        return n.In(
            self._token_literal(children[0]), self._token_literal(children[1]), True, _span(meta)
        )

    @v_args(meta=True)
    def and_(self, meta: Any, children: list[Any]) -> n.And:
        return n.And(
            self._token_literal(children[0]), self._token_literal(children[1]), _span(meta)
        )

    @v_args(meta=True)
    def or_(self, meta: Any, children: list[Any]) -> n.Or:
        return n.Or(self._token_literal(children[0]), self._token_literal(children[1]), _span(meta))

    @v_args(meta=True)
    def not_(self, meta: Any, children: list[Any]) -> n.Not:
        return n.Not(self._token_literal(children[0]), _span(meta))

    @v_args(meta=True)
    def coalesce(self, meta: Any, children: list[Any]) -> n.Coalesce:
        return n.Coalesce(
            self._token_literal(children[0]), self._token_literal(children[1]), _span(meta)
        )

    # ---- JSON data ----
    def json_object(self, children: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        spans: dict[str, Span] = {}
        for pair in children:
            if pair is not None:
                out[pair[0]] = pair[1]
                spans[pair[0]] = pair[2]
        self.key_spans[id(out)] = spans
        return out

    def json_array(self, children: list[Any]) -> list[Any]:
        # lark marks an empty [] with a single None placeholder; nulls are _NULL until here
        if children == [None]:
            return []
        return [None if c is _NULL else c for c in children]

    def json_string(self, children: list[Token]) -> str:
        return unescape(children[0].value)

    def json_number(self, children: list[Any]) -> int | float:
        return self._num(children[0])

    def json_neg(self, children: list[int | float]) -> int | float:
        return -children[0]

    def json_true(self, children: list[Any]) -> bool:
        return True

    def json_false(self, children: list[Any]) -> bool:
        return False

    def json_null(self, children: list[Any]) -> Any:
        return _NULL

    def json_pair(self, children: list[Any]) -> tuple[str, Any, Span]:
        token = children[0]
        key = unescape(token.value) if token.type == "STRING" else token.value
        value = children[1]
        return key, None if value is _NULL else value, _tspan(token)

    def data_spans(self, data: Any) -> tuple[tuple[str, Span], ...]:
        """Each key of example data by its JSON path, so that a problem in the data
        can be underlined at its key rather than across the whole example."""
        out: list[tuple[str, Span]] = []
        stack: list[tuple[Any, str]] = [(data, "")]
        while stack:
            value, path = stack.pop()
            if isinstance(value, dict):
                spans = self.key_spans.get(id(value), {})
                for key, item in value.items():
                    where = f"{path}.{key}" if path else key
                    if key in spans:
                        out.append((where, spans[key]))
                    stack.append((item, where))
            elif isinstance(value, list):
                stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
        return tuple(out)

    # Last in the class: below it, ``list`` in an annotation would name this method.
    @v_args(meta=True)
    def list(self, meta: Any, children: list[Any]) -> n.ListExpr:
        return n.ListExpr(
            tuple(self._token_literal(c) for c in children if c is not None), _span(meta)
        )


def _template(tf: _ToNodes, tok: Token, diags: list[Diagnostic]) -> n.Template:
    """Split a message string into text and ``{expr[:format]}`` parts, keeping positions."""
    from .parser import parse_expression

    raw = tok.value
    triple = raw.startswith('"""')
    body_start = 3 if triple else 1
    body = raw[body_start : len(raw) - body_start]
    parts: list[Any] = []
    text_buf: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "{" and body.startswith("{{", i):
            text_buf.append("{")
            i += 2
            continue
        if ch == "}" and body.startswith("}}", i):
            text_buf.append("}")
            i += 2
            continue
        if ch == "}":
            diags.append(
                tf._diag(
                    "NR105",
                    "unmatched '}' in message",
                    _pos(tok, body_start + i),
                    "write '}}' for a literal brace",
                )
            )
            i += 1
            continue
        if ch == "{":
            close = body.find("}", i)
            if close < 0:
                diags.append(
                    tf._diag(
                        "NR105",
                        "unclosed '{' in message",
                        _pos(tok, body_start + i),
                        "close it with '}' or write '{{'",
                    )
                )
                break
            inner = body[i + 1 : close]
            fmt = None
            # a format is a word or a number after the last ':' ({x:percent}, {x:2});
            # an unknown word is the checker's NR105, not a syntax error at the ':'
            spec = re.search(r":\s*([A-Za-z_]\w*|\d+)\s*\Z", inner)
            if spec:
                inner, fmt = inner[: spec.start()], spec.group(1)
            if not triple:
                inner = inner.replace('\\"', '"')
            if text_buf:
                parts.append(_text("".join(text_buf), triple))
                text_buf = []
            where = _pos(tok, body_start + i + 1)
            expr, sub = parse_expression(inner, tf.path, where.line, where.column)
            for d in sub:
                line = tf.lines[d.line - 1] if 0 < d.line <= len(tf.lines) else ""
                diags.append(attrs.evolve(d, source_line=line))
            if expr is not None:
                parts.append((expr, fmt))
            i = close + 1
            continue
        text_buf.append(ch)
        i += 1
    if text_buf:
        parts.append(_text("".join(text_buf), triple))
    if triple and parts and isinstance(parts[0], str):  # one paragraph, like unescape()
        parts[0] = parts[0].lstrip()
    if triple and parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    return n.Template(tuple(p for p in parts if p != ""), raw, _tspan(tok))


def _text(raw: str, triple: bool) -> str:
    """A literal part of a message; in triple-quoted text each run of whitespace is one space."""
    if not triple:
        return unescape('"' + raw + '"')
    return re.sub(r"\s+", " ", re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), raw))


@functools.lru_cache(maxsize=8)
def _newlines(raw: str) -> tuple[int, ...]:
    return tuple(i for i, ch in enumerate(raw) if ch == "\n")


def _pos(tok: Token, offset: int) -> Span:
    """Where ``offset`` of a string token is; a message of n holes costs O(n log n)."""
    breaks = _newlines(tok.value) if tok.value.startswith('"""') else ()  # else one line
    nl = bisect.bisect_left(breaks, offset)
    line, column = tok.line, tok.column
    assert line is not None and column is not None  # see _tspan
    col = offset - breaks[nl - 1] if nl else column + offset
    return Span(line + nl, col, line + nl, col + 1)


def _rule(tf: _ToNodes, tree: Tree[Any], diags: list[Diagnostic]) -> n.Rule:
    # after the transformer, children mix tokens, trees, nodes and None placeholders
    kids: list[Any] = tree.children
    id_tok = kids[0]
    fields: dict[str, Any] = {}
    duplicates: list[tuple[str, Span]] = []
    examples: list[n.Example] = []
    rule_id = unescape(id_tok.value)

    def put(key: str, value: Any, span: Span) -> None:
        if key in fields:
            duplicates.append((key, span))
        fields[key] = value

    for clause in kids[1:]:
        kind = clause.data
        ch: list[Any] = clause.children
        span = _span(clause.meta)
        if kind in ("title", "category", "source", "why"):
            put(kind, unescape(ch[0].value), span)
        elif kind == "severity":
            put("severity", ch[0].value, span)
            fields["severity_span"] = _tspan(ch[0])
        elif kind == "tags":
            put("tags", tuple(unescape(t.value) for t in ch), span)
        elif kind == "advice_refs":
            refs = tuple(
                (t.value, True, _tspan(t))
                if t.type == "NAME"
                else (unescape(t.value), False, _tspan(t))
                for t in ch
            )
            fields["advice"] = fields.get("advice", ()) + refs
        elif kind == "for_each":
            var, coll, where, group = ch
            gkey = gname = None
            if group is not None:
                gkey = tf._token_literal(group.children[0])
                gname = group.children[1].value
            put(
                "for_each",
                n.ForEach(var.value, tf._token_literal(coll), where, gkey, gname, span),
                span,
            )
        elif kind == "when":
            put("when", tf._token_literal(ch[0]), span)
        elif kind == "lower":
            put("lower", n.Lower(ch[0].value, _tspan(ch[0]), tf._token_literal(ch[1]), span), span)
        elif kind == "suppresses":
            put("suppresses", tuple((unescape(t.value), _tspan(t)) for t in ch), span)
        elif kind == "defers":
            put("defers_to", tuple((unescape(t.value), _tspan(t)) for t in ch), span)
        elif kind == "aggregation":
            put("aggregate", _aggregation(tf, clause, diags), span)
        elif kind == "message":
            put("message", _template(tf, ch[0], diags), span)
        elif kind == "evidence":
            items = tuple(
                n.Evidence(e.children[0].value, tf._token_literal(e.children[1]), _span(e.meta))
                for e in ch
            )
            put("evidence", items, span)
        elif kind == "example":
            expect, name, data = ch
            fires = (rule_id,) if expect.value == "fires" else ()
            passes = (rule_id,) if expect.value == "passes" else ()
            examples.append(
                n.Example(
                    unescape(name.value) if name is not None else None,
                    fires,
                    passes,
                    data,
                    span,
                    rule_id,
                    tf.data_spans(data),
                )
            )
        else:  # pragma: no cover - the grammar has no other clause
            raise AssertionError(kind)
    return n.Rule(
        id=rule_id,
        span=_span(tree.meta),
        id_span=_tspan(id_tok),
        examples=tuple(examples),
        duplicate_clauses=tuple(duplicates),
        **fields,
    )


def _aggregation(tf: _ToNodes, tree: Tree[Any], diags: list[Diagnostic]) -> n.Aggregation:
    parts: dict[str, Any] = {}
    duplicates: list[tuple[str, Span]] = []
    kids: list[Any] = tree.children
    for part in kids:
        word = part.data[4:]  # agg_order -> order
        if word in parts:
            duplicates.append((word, _span(part.meta)))
        ch: list[Any] = part.children
        if word == "order":
            parts["order"] = tf._token_literal(ch[0])
            parts["descending"] = ch[1] is not None and ch[1].value == "descending"
        elif word == "label":
            parts["label"] = tf._token_literal(ch[0])
        elif word == "show":
            parts["show"] = tf._int(ch[0])
        else:
            parts["message"] = _template(tf, ch[0], diags)
    return n.Aggregation(
        parts.get("order"),
        parts.get("descending", False),
        parts.get("label"),
        parts.get("show", 3),
        parts.get("message"),
        _span(tree.meta),
        tuple(duplicates),
    )


def _item(tf: _ToNodes, tree: Tree[Any], diags: list[Diagnostic]) -> Any:
    kind = tree.data
    ch: list[Any] = tree.children
    span = _span(tree.meta)
    if kind == "param":
        name, type_name, value, bounds, doc = ch
        low_high = None
        if bounds is not None:
            low, high = bounds.children
            low_high = (low.value, high.value)
        return n.Param(
            name.value,
            type_name.value if type_name is not None else None,
            tf._token_literal(value),
            unescape(doc.value) if doc is not None else None,
            span,
            low_high,
            _span(bounds.meta) if bounds is not None else None,
        )
    if kind == "advice_def":
        return n.Advice(ch[0].value, unescape(ch[1].value), span)
    if kind == "table":
        rows = []
        for row in ch[1:]:
            key_tok, value = row.children
            key = None if key_tok.type == "DEFAULT" else unescape(key_tok.value)
            rows.append(n.Row(key, tf._token_literal(value), _span(row.meta)))
        return n.Table(ch[0].value, tuple(rows), span)
    if kind == "define":
        name, params, body = ch
        names = tuple(t.value for t in params.children) if params is not None else ()
        return n.Define(name.value, names, tf._token_literal(body), span)
    if kind == "rule":
        return _rule(tf, tree, diags)
    if kind == "set_param":
        return n.SetParam(ch[0].value, tf._token_literal(ch[1]), span)
    if kind == "set_row":
        key = None if ch[1].type == "DEFAULT" else unescape(ch[1].value)
        return n.SetRow(ch[0].value, key, tf._token_literal(ch[2]), span)
    if kind == "disable":
        return n.Disable(tuple((unescape(t.value), _tspan(t)) for t in ch), span)
    if kind == "top_example":
        name_tok, *expects, data = ch
        fires: list[str] = []
        passes: list[str] = []
        for exp in expects:
            target = fires if exp.children[0].value == "fires" else passes
            target.extend(unescape(t.value) for t in exp.children[1:])
        return n.Example(
            unescape(name_tok.value),
            tuple(fires),
            tuple(passes),
            data,
            span,
            None,
            tf.data_spans(data),
        )
    raise AssertionError(kind)  # pragma: no cover


def _run(tf: _ToNodes, tree: Tree[Token]) -> Any:
    """The transformed tree (a file's items), or a node for an expression's tree."""
    try:
        return tf.transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, _Problem):
            raise exc.orig_exc from None
        raise


def to_nodes(tree: Tree[Token], path: str, text: str) -> tuple[n.RuleFile | None, list[Diagnostic]]:
    """Turn a parse tree into a RuleFile; literal problems become diagnostics."""
    tf = _ToNodes(path, text)
    diags: list[Diagnostic] = []
    try:
        items_tree: Tree[Any] = _run(tf, tree)
    except _Problem as p:
        return None, [p.diag]
    items = []
    for child in items_tree.children:
        try:
            items.append(_item(tf, child, diags))
        except _Problem as p:
            diags.append(p.diag)
    return n.RuleFile(path, text, tuple(items)), diags


def expr_to_node(tree: Tree[Token], path: str, text: str) -> tuple[Any, list[Diagnostic]]:
    """Turn an expression tree (from a template) into a node."""
    tf = _ToNodes(path, text)
    try:
        return tf._token_literal(_run(tf, tree)), []
    except _Problem as p:
        return None, [p.diag]
