"""The parser: every construct becomes the right node with the right span."""

from __future__ import annotations

import datetime

import pytest

from netrules import nodes as n
from netrules.diagnostics import Span
from netrules.parser import parse_expression, parse_file
from netrules.values import Duration, Range


def parse(text: str) -> n.RuleFile:
    rule_file, diags = parse_file(text, "f.rules")
    assert [d.one_line() for d in diags] == []
    return rule_file


def expr(text: str) -> object:
    node, diags = parse_expression(text, "f.rules", 1, 1)
    assert [d.one_line() for d in diags] == []
    return node


def shape(e: object) -> str:
    """A compact s-expression of an expression node, to check structure and precedence."""
    if isinstance(e, n.Literal):
        return f'"{e.value}"' if e.kind == "string" else str(e.value)
    if isinstance(e, n.Name):
        return e.name
    if isinstance(e, n.Field):
        return f"(. {shape(e.obj)} {e.name})"
    if isinstance(e, n.Index):
        return f"([] {shape(e.obj)} {shape(e.key)})"
    if isinstance(e, n.Call):
        return "(" + " ".join([e.func, *(shape(a) for a in e.args)]) + ")"
    if isinstance(e, n.Aggregate):
        parts = [e.func, e.var or "_", shape(e.collection)]
        parts += [f"where {shape(e.where)}"] if e.where is not None else []
        parts += [f": {shape(e.value)}"] if e.value is not None else []
        parts += [f"within {shape(e.window)}"] if e.window is not None else []
        return "(" + " ".join(parts) + ")"
    if isinstance(e, n.Neg):
        return f"(neg {shape(e.operand)})"
    if isinstance(e, n.Not):
        return f"(not {shape(e.operand)})"
    if isinstance(e, (n.Arith, n.Compare)):
        return f"({e.op} {shape(e.left)} {shape(e.right)})"
    if isinstance(e, n.And):
        return f"(and {shape(e.left)} {shape(e.right)})"
    if isinstance(e, n.Or):
        return f"(or {shape(e.left)} {shape(e.right)})"
    if isinstance(e, n.Coalesce):
        return f"(?? {shape(e.left)} {shape(e.right)})"
    if isinstance(e, n.In):
        return f"({'not in' if e.negated else 'in'} {shape(e.item)} {shape(e.container)})"
    if isinstance(e, n.ListExpr):
        return "[" + " ".join(shape(i) for i in e.items) + "]"
    if isinstance(e, n.RangeExpr):
        return f"{e.low}..{e.high}"
    raise AssertionError(type(e))


# ---- expressions ----
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("not a and b", "(and (not a) b)"),
        ("not not a", "(not (not a))"),
        ("not a == b", "(not (== a b))"),
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("-a.b", "(neg (. a b))"),
        ("- -a", "(neg (neg a))"),
        ("a ?? b + c", "(?? a (+ b c))"),
        ("a ?? b ?? c", "(?? (?? a b) c)"),
        ("a ?? b == c", "(== (?? a b) c)"),
        ("a < b", "(< a b)"),
        ("a <= b", "(<= a b)"),
        ("a > b", "(> a b)"),
        ("a >= b", "(>= a b)"),
        ("a != b", "(!= a b)"),
        ("a in b", "(in a b)"),
        ("a not in b", "(not in a b)"),
        ("not a in b", "(not (in a b))"),
        ("a in b and c", "(and (in a b) c)"),
        ("member.industry", "(. member industry)"),
        ("a.b.c", "(. (. a b) c)"),
        ('t["k"]', '([] t "k")'),
        ("t[member.industry].low", "(. ([] t (. member industry)) low)"),
        ("f()", "(f)"),
        ("f(a, b)", "(f a b)"),
        ("lower(c.company)", "(lower (. c company))"),
        ("count(connections)", "(count _ connections)"),
        ("count(c in connections where c.x)", "(count c connections where (. c x))"),
        ("sum(c in cs : c.n)", "(sum c cs : (. c n))"),
        ("max(c in cs where p : c.d)", "(max c cs where p : (. c d))"),
        ("peak(c in cs : c.d within 7 days)", "(peak c cs : (. c d) within 1 week)"),
        ("distinct(x in xs : lower(x))", "(distinct x xs : (lower x))"),
        ("[1, 2, 3]", "[1 2 3]"),
        ("[]", "[]"),
        ('["a", b,]', '["a" b]'),
        ("1..5", "1..5"),
        ("x in 1..5", "(in x 1..5)"),
        ("as_of - 2 years", "(- as_of 2 years)"),
    ],
)
def test_expression_structure_and_precedence(source: str, expected: str) -> None:
    """Expressions parse into the right tree: precedence and associativity as documented."""
    assert expected == shape(expr(source))


@pytest.mark.parametrize(
    ("source", "value", "kind"),
    [
        ("42", 42, "number"),
        ("3.25", 3.25, "number"),
        ("50%", 0.5, "percent"),
        ("12.5%", 0.125, "percent"),
        ('"text"', "text", "string"),
        ("true", True, "bool"),
        ("false", False, "bool"),
        ("2024-02-29", datetime.date(2024, 2, 29), "date"),
        ("1 day", Duration(0, 1), "duration"),
        ("3 days", Duration(0, 3), "duration"),
        ("1 week", Duration(0, 7), "duration"),
        ("2 weeks", Duration(0, 14), "duration"),
        ("1 month", Duration(1, 0), "duration"),
        ("6 months", Duration(6, 0), "duration"),
        ("1 year", Duration(12, 0), "duration"),
        ("2 years", Duration(24, 0), "duration"),
    ],
    ids=lambda v: str(v),
)
def test_literals(source: str, value: object, kind: str) -> None:
    """Numbers, percents, strings, booleans, dates and durations become typed literals."""
    node = expr(source)
    assert (value, kind) == (node.value, node.kind)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r'"a\"b"', 'a"b'),
        (r'"tab\there"', "tab\there"),
        (r'"new\nline"', "new\nline"),
        (r'"back\\slash"', "back\\slash"),
        (r'"keep \q"', "keep \\q"),
        ('"# not a comment"', "# not a comment"),
        ('"""one\n   paragraph\n   joined"""', "one paragraph joined"),
        ('"""with "quotes" inside"""', 'with "quotes" inside'),
    ],
    ids=[
        "quote",
        "tab",
        "newline",
        "backslash",
        "unknown-escape",
        "hash",
        "triple",
        "triple-quotes",
    ],
)
def test_string_escapes(source: str, value: str) -> None:
    """Strings unescape \\" \\\\ \\n \\t; triple-quoted strings join lines into one paragraph."""
    assert value == expr(source).value


def test_expression_spans() -> None:
    """Every expression node knows its 1-based line and column, end column exclusive."""
    e = expr("member.connection_count < 500")
    assert Span(1, 1, 1, 30) == e.span
    assert Span(1, 1, 1, 24) == e.left.span
    assert Span(1, 8, 1, 24) == e.left.name_span
    assert Span(1, 27, 1, 30) == e.right.span


def test_expression_positions_are_kept_when_parsed_inside_a_file() -> None:
    """parse_expression at (line, column) reports spans of the surrounding file."""
    node, diags = parse_expression("as_of", "f.rules", 7, 12)
    assert (Span(7, 12, 7, 17), []) == (node.span, diags)


# ---- top-level items ----
def test_param_nodes() -> None:
    """param NAME[: type] = literal "reason" keeps the name, type, value, reason and span."""
    f = parse(
        'param quiet: duration = 2 years "two years of silence"\nparam low = -3\n'
        'param names = ["a", "b"]'
    )
    expected = [
        ("quiet", "duration", Duration(24, 0), "two years of silence", Span(1, 1, 1, 55)),
        ("low", None, -3, None, Span(2, 1, 2, 15)),
        ("names", None, ("a", "b"), None, Span(3, 1, 3, 25)),
    ]
    assert expected == [(p.name, p.type_name, p.value.value, p.doc, p.span) for p in f.items]


def test_advice_node() -> None:
    """advice NAME = "text" declares reusable advice."""
    (a,) = parse('advice grow = "Invite former colleagues."').items
    assert ("grow", "Invite former colleagues.", Span(1, 1, 1, 42)) == (a.name, a.text, a.span)


def test_table_rows_ranges_and_default() -> None:
    """Table rows hold numbers or ranges (500+, 1..5, 1000..5000+); 'default' is the key-less row."""
    (t,) = parse(
        'table targets {\n  "IT": 500+,\n  "Law": 1000..5000+\n  "Art": 1..5\n  default: 7\n}'
    ).items
    rows = [(r.key, r.value.value, r.span.line) for r in t.rows]
    assert [
        ("IT", Range(500, None, True), 2),
        ("Law", Range(1000, 5000, True), 3),
        ("Art", Range(1, 5, False), 4),
        (None, 7, 5),
    ] == rows
    assert ("targets", Span(1, 1, 6, 2)) == (t.name, t.span)


def test_define_with_and_without_parameters() -> None:
    """define NAME = expr and define NAME(a, b) = expr."""
    d1, d2 = parse("define size = member.connection_count\ndefine close(c, k) = c.x == k").items
    assert ("size", (), "(. member connection_count)") == (d1.name, d1.params, shape(d1.body))
    assert ("close", ("c", "k"), "(== (. c x) k)") == (d2.name, d2.params, shape(d2.body))


def test_overrides_and_disable() -> None:
    """set NAME = v, set TABLE["key"] = v, set TABLE[default] = v, disable "a", "b"."""
    items = parse(
        'set small = 3 years\nset t["IT"] = 9+\nset t[default] = 1..2\ndisable "r-one", "r-two"'
    ).items
    s, row, default, dis = items
    assert ("small", Duration(36, 0)) == (s.name, s.value.value)
    assert ("t", "IT", Range(9, None, True)) == (row.table, row.key, row.value.value)
    assert ("t", None, Range(1, 2, False)) == (default.table, default.key, default.value.value)
    assert [("r-one", Span(4, 9, 4, 16)), ("r-two", Span(4, 18, 4, 25))] == list(dis.ids)


def test_top_level_example() -> None:
    """example "name" fires ... passes ... {json-like data} with bare or quoted keys."""
    (ex,) = parse(
        'example "mixed" fires "a", "b" passes "c" {\n'
        '  member: { connection_count: 1, "premium": true },\n'
        '  connections: [{ id: "x", n: -1.5, m: null, ok: false }, {}],\n}'
    ).items
    expected = (
        "mixed",
        ("a", "b"),
        ("c",),
        None,
        {
            "member": {"connection_count": 1, "premium": True},
            "connections": [{"id": "x", "n": -1.5, "m": None, "ok": False}, {}],
        },
    )
    assert expected == (ex.name, ex.fires, ex.passes, ex.rule, ex.data)


RULE = '''rule "company-cluster" {
  title "Many at one company"
  severity warning
  category "diversity"
  tags "company", "balance"
  source "How many is too many?"
  why """Several people from one
         company narrow the network."""
  advice grow, "Branch out."
  for each c in connections where known(c.company) group by lower(c.company) as company
  when count(group) > 3
  lower severity to info when company in ["acme"]
  suppresses "other-rule"
  message "{count(group)} at {company:2} {{literal}}"
  evidence { people: count(group), name: company }
  example fires { connections: [] }
  example passes "named" {}
}
'''


def test_rule_clauses() -> None:
    """Every rule clause lands on its Rule field."""
    (r,) = parse(RULE).items
    got = {
        "id": r.id,
        "title": r.title,
        "severity": r.severity,
        "category": r.category,
        "tags": r.tags,
        "source": r.source,
        "why": r.why,
        "advice": [(a, is_name) for a, is_name, _ in r.advice],
        "for_each": (
            r.for_each.var,
            shape(r.for_each.collection),
            shape(r.for_each.where),
            shape(r.for_each.group_key),
            r.for_each.group_name,
        ),
        "when": shape(r.when),
        "lower": (r.lower.severity, shape(r.lower.condition)),
        "suppresses": [s for s, _ in r.suppresses],
        "evidence": [(e.key, shape(e.value)) for e in r.evidence],
        "examples": [(e.name, e.fires, e.passes, e.rule) for e in r.examples],
        "duplicates": r.duplicate_clauses,
    }
    expected = {
        "id": "company-cluster",
        "title": "Many at one company",
        "severity": "warning",
        "category": "diversity",
        "tags": ("company", "balance"),
        "source": "How many is too many?",
        "why": "Several people from one company narrow the network.",
        "advice": [("grow", True), ("Branch out.", False)],
        "for_each": (
            "c",
            "connections",
            "(known (. c company))",
            "(lower (. c company))",
            "company",
        ),
        "when": "(> (count _ group) 3)",
        "lower": ("info", '(in company ["acme"])'),
        "suppresses": ["other-rule"],
        "evidence": [("people", "(count _ group)"), ("name", "company")],
        "examples": [
            (None, ("company-cluster",), (), "company-cluster"),
            ("named", (), ("company-cluster",), "company-cluster"),
        ],
        "duplicates": (),
    }
    assert expected == got


def test_rule_spans() -> None:
    """The rule, its id, its severity word and its clauses carry exact positions."""
    (r,) = parse(RULE).items
    spans = {
        "rule": r.span,
        "id": r.id_span,
        "severity": r.severity_span,
        "for_each": r.for_each.span,
        "when": r.when.span,
        "lower_severity": r.lower.severity_span,
        "suppress": r.suppresses[0][1],
        "advice_name": r.advice[0][2],
        "evidence": r.evidence[0].span,
        "example": r.examples[0].span,
    }
    expected = {
        "rule": Span(1, 1, 18, 2),
        "id": Span(1, 6, 1, 23),
        "severity": Span(3, 12, 3, 19),
        "for_each": Span(10, 3, 10, 88),
        "when": Span(11, 8, 11, 24),
        "lower_severity": Span(12, 21, 12, 25),
        "suppress": Span(13, 14, 13, 26),
        "advice_name": Span(9, 10, 9, 14),
        "evidence": Span(15, 14, 15, 34),
        "example": Span(16, 3, 16, 36),
    }
    assert expected == spans


def test_message_template_parts_and_positions() -> None:
    """A message splits into text and {expr[:format]}; {{ }} are literal braces; exprs keep file positions."""
    (r,) = parse(RULE).items
    parts = [(shape(p[0]), p[1], p[0].span) if isinstance(p, tuple) else p for p in r.message.parts]
    assert [
        ("(count _ group)", None, Span(14, 13, 14, 25)),
        " at ",
        ("company", "2", Span(14, 31, 14, 38)),
        " {literal}",
    ] == parts


def test_template_positions_in_triple_quoted_message() -> None:
    """Expressions on later lines of a triple-quoted message point at their own line."""
    text = 'rule "r" {\n  message """first {as_of}\n      then {member.name}"""\n}'
    (r,) = parse(text).items
    spans = [p[0].span for p in r.message.parts if isinstance(p, tuple)]
    assert [Span(2, 21, 2, 26), Span(3, 13, 3, 24)] == spans


def test_triple_quoted_message_reads_as_one_paragraph() -> None:
    """Whitespace runs in a triple-quoted message become one space, also next to {expr}."""
    text = 'rule "r" {\n  message """\n    first {as_of}\n    then {as_of}   and {{x}}\n    done\n  """\n}'
    (r,) = parse(text).items
    texts = [p if isinstance(p, str) else p[0].name for p in r.message.parts]
    assert ["first ", "as_of", " then ", "as_of", " and {x} done"] == texts


@pytest.mark.parametrize(
    ("template", "value"),
    [
        ("{2024-01-31}", datetime.date(2024, 1, 31)),
        ("{7 days}", Duration(0, 7)),
        ("{true}", True),
        ("{50%}", 0.5),
    ],
    ids=["date", "duration", "bool", "percent"],
)
def test_template_holding_a_bare_literal(template: str, value: object) -> None:
    """A template expression may be a bare literal token (regression: a date crashed the depth check)."""
    (r,) = parse(f'rule "r" {{ message "{template}" }}').items
    assert value == r.message.parts[0][0].value


def test_comments_and_whitespace_are_ignored() -> None:
    """'#' starts a comment to the end of the line; layout does not matter."""
    a = parse("# header\nparam   x=1   # trailing\n\n\t# indented\nparam y = 2")
    assert [("x", 1), ("y", 2)] == [(p.name, p.value.value) for p in a.items]


def test_empty_file() -> None:
    """An empty file (or only comments) is a file with no items."""
    assert () == parse("# nothing here\n").items
