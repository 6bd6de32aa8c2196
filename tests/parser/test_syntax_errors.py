"""Syntax errors: positioned NR1xx diagnostics in words a rule author knows, never a crash."""

from __future__ import annotations

import re

import pytest

from netrules.parser import parse_expression, parse_file

LARK_WORDS = re.compile(
    r"__ANON|ESCAPED|\bNAME\b|\bSTRING\b|\bINT\b|\bFLOAT\b|COMP_OP|ADD_OP|"
    r"MUL_OP|\$END|\bLPAR\b|\bRPAR\b|LSQB|RSQB|LBRACE|RBRACE|\bCOLON\b|"
    r"\bCOMMA\b|\bDOT\b|\bEQUAL\b|\b_[A-Z]+|Token\(|Tree\("
)


def errors(text: str) -> list[tuple[str, int, int]]:
    rule_file, diags = parse_file(text, "f.rules")
    assert rule_file is None or diags
    return [(d.code, d.line, d.column) for d in diags]


def only(text: str):
    _, diags = parse_file(text, "f.rules")
    assert len(diags) == 1, [d.one_line() for d in diags]
    return diags[0]


SYNTAX = [
    ('rule "a" { title }', (1, 18), "unexpected '}'", "expected a string"),
    ('rule "a" {\n  title "t"\n  when member.x >\n}', (4, 1), "unexpected '}'", None),
    ("param = 3", (1, 7), "unexpected '='", "expected a name"),
    ('rule "a" { when 1 @ 2 }', (1, 19), "unexpected character '@'", None),
    ('table t { "a" 5 }', (1, 15), "unexpected '5'", "expected ':'"),
    ("rule a { }", (1, 6), "unexpected 'a'", 'a rule id is a string in double quotes: rule "a" {'),
    ('rule "a" { title "t" } }', (1, 24), "unexpected '}'", None),
    ("param x = y", (1, 11), "unexpected 'y'", None),
    ('rule "a" { when (1 + 2 }', (1, 24), "unexpected '}'", "expected ')' before '}'"),
    ("define f( = 1", (1, 11), "unexpected '='", "expected a name"),
    ('rule "a" { when a == == b }', (1, 22), "unexpected '=='", None),
    ('rule "a" { when a.1 }', (1, 19), "unexpected '1'", "expected a name"),
    ('rule "a" { when x = 1 }', (1, 19), "unexpected '='", None),
    ('example "e" fires "a" { a: }', (1, 28), "unexpected '}'", None),
    ("disable a", (1, 9), "unexpected 'a'", "expected a string"),
    ('rule "a" { when count(x in c : ) }', (1, 32), "unexpected ')'", None),
    ('rule "a" { when 1 < 2 < 3 }', (1, 23), "unexpected '<'", None),
    ('rule "a" {}\nrule "b" {\n', (3, 1), "unexpected end of file", None),
    ("rule 'a' { }", (1, 6), 'unexpected character "\'"', 'strings use double quotes: "text"'),
    ('rule "a" { severity warning warning }', (1, 29), "unexpected 'warning'", None),
    ("param x = 1 +", (1, 13), "unexpected '+'", None),
    ("table t { default 5 }", (1, 19), "unexpected '5'", "expected ':'"),
]


@pytest.mark.parametrize(
    ("text", "where", "message", "hint"), SYNTAX, ids=[s[0].replace("\n", "\\n") for s in SYNTAX]
)
def test_syntax_error_is_nr101_at_the_offending_token(text, where, message, hint) -> None:
    """A syntax error is one NR101 at the token's line:column with a readable message and hint."""
    d = only(text)
    got = (d.code, (d.line, d.column), d.message, d.hint if hint is not None else None)
    assert ("NR101", where, message, hint) == got


@pytest.mark.parametrize(
    ("text", "where", "message", "hint"), SYNTAX, ids=[s[0].replace("\n", "\\n") for s in SYNTAX]
)
def test_syntax_messages_use_words_not_lark_token_names(text, where, message, hint) -> None:
    """Messages and hints never leak lark's terminal names (__ANON_3, NAME, STRING, $END, ...)."""
    d = only(text)
    assert [] == LARK_WORDS.findall(f"{d.message} {d.hint or ''}")


def test_syntax_error_hint_lists_what_was_expected() -> None:
    """Without a better guess, the hint lists the expected tokens as words."""
    d = only('rule "a" { when member.x > > }')
    assert ("expected '(', '-', '[', 'false', 'true', a date, a name, a number, ...") == d.hint


def test_syntax_error_hint_names_the_missing_value() -> None:
    """An operator with nothing after it: the hint says a value is needed after it."""
    d = only('rule "a" { when member.x > }')
    assert "expected a value after '>'" == d.hint


def test_syntax_error_carries_the_source_line_for_rendering() -> None:
    """The diagnostic holds its source line so render() can draw a caret under the token."""
    d = only("param a = 1\nparam = 3\n")
    assert (
        "param = 3",
        "f.rules:2:7: error[NR101]: unexpected '='\n  |\n2 | param = 3\n"
        "  |       ^\n  = hint: expected a name",
    ) == (d.source_line, d.render())


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('rule "a" {\n  title "never closed\n}', (2, 9)),
        ('param x = 1 "a', (1, 13)),
        ('rule "a" { title """abc }', (1, 18)),
        ('"""abc', (1, 1)),
        ('advice a = "x\ny"', (1, 12)),
    ],
    ids=["eol", "eof", "triple-in-rule", "triple-at-top", "newline-inside"],
)
def test_unterminated_string_is_nr102(text: str, where: tuple[int, int]) -> None:
    """A string left open is NR102 at its opening quote, with a hint about triple quotes."""
    d = only(text)
    assert ("NR102", where, "unterminated string") == (d.code, (d.line, d.column), d.message)
    assert '"""' in d.hint


def test_nul_character_is_nr102() -> None:
    """A NUL byte (a binary file) is NR102 at its position, not a lark error."""
    d = only("param x = 1\nparam y\x00 = 2")
    assert ("NR102", 2, 8) == (d.code, d.line, d.column)


DEEP = {
    "5000-nots": "not " * 5000 + "true",
    "5000-minus": "-" * 5000 + "1 > 0",
    "5000-and-chain": "true" + " and true" * 5000,
    "5000-plus-chain": "1" + " + 1" * 5000 + " > 0",
    "5000-lists": "[" * 5000 + "1" + "]" * 5000 + " == []",
    "5000-calls": "abs(" * 5000 + "1" + ")" * 5000 + " > 0",
    "5000-fields": "member" + ".x" * 5000 + " > 0",
    "5000-coalesce": "member.premium" + " ?? true" * 5000,
}


@pytest.mark.parametrize("cond", list(DEEP.values()), ids=list(DEEP))
def test_deep_nesting_is_nr103_never_recursion_error(cond: str) -> None:
    """Pathologically deep expressions give NR103, never a RecursionError."""
    text = f'rule "r" {{ title "t" severity info when {cond} message "m" }}'
    codes = {code for code, _, _ in errors(text)}
    assert {"NR103"} == codes


def test_deep_nesting_in_example_data_is_nr103() -> None:
    """5000 nested objects in example data are refused the same way."""
    data = "{ a: " * 5000 + "1" + " }" * 5000
    assert {"NR103"} == {code for code, _, _ in errors(f'example "e" fires "r" {data}')}


def test_5000_nested_parentheses_are_harmless() -> None:
    """Redundant parentheses add no depth: 5000 of them parse to the same single literal."""
    text = f'rule "r" {{ when {"(" * 5000}true{")" * 5000} }}'
    rule_file, diags = parse_file(text, "f.rules")
    assert ([], True) == (diags, rule_file.items[0].when.value)


def test_nr103_points_inside_the_expression_and_suggests_define() -> None:
    """NR103 is positioned on the rule's line and hints at splitting with 'define'."""
    d = only('param a = 1\nrule "r" { when ' + "not " * 200 + "true }")
    assert ("NR103", 2, "split it into named definitions with 'define'") == (d.code, d.line, d.hint)


def test_moderate_nesting_is_fine() -> None:
    """Realistic nesting (50 levels) parses without complaint."""
    _, diags = parse_file('rule "r" { when ' + "not " * 50 + "true }", "f.rules")
    assert [] == diags


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("param x = 1234567890123456", (1, 11), "number has more than 15 digits"),
        ("param x = 1.1234567890123456789", (1, 11), "number has more than 15 digits"),
        ("param x = 99999999999999999999 days", (1, 11), "number has more than 15 digits"),
        ("param x = 99999999999999999999%", (1, 11), "number has more than 15 digits"),
        ('table t { "a": 1..9999999999999999 }', (1, 19), "number has more than 15 digits"),
        ('table t { "a": 99999999999999999+ }', (1, 16), "number has more than 15 digits"),
        (
            'rule "r" {\n when member.x > 12345678901234567890 }',
            (2, 18),
            "number has more than 15 digits",
        ),
        (
            'example "e" { member: { connection_count: 12345678901234567890 } }',
            (1, 43),
            "number has more than 15 digits",
        ),
        ("param x = 2024-02-30", (1, 11), "'2024-02-30' is not a calendar date"),
        ("param x = 2023-13-01", (1, 11), "'2023-13-01' is not a calendar date"),
    ],
    ids=[
        "int",
        "float",
        "duration",
        "percent",
        "range-high",
        "open-range",
        "in-rule",
        "example-data",
        "feb-30",
        "month-13",
    ],
)
def test_huge_numbers_and_impossible_dates_are_nr104(text, where, message) -> None:
    """Numbers over 15 digits and non-calendar dates are NR104 at the literal."""
    d = only(text)
    assert ("NR104", where, message) == (d.code, (d.line, d.column), d.message)


def test_fifteen_digits_are_allowed() -> None:
    """The limit is inclusive: a 15-digit number is fine."""
    rule_file, diags = parse_file("param x = 999999999999999", "f.rules")
    assert ([], 999999999999999) == (diags, rule_file.items[0].value.value)


@pytest.mark.parametrize(
    ("message", "where", "text"),
    [
        ('"count {as_of"', (1, 27), "unclosed '{' in message"),
        ('"count as_of}"', (1, 32), "unmatched '}' in message"),
        ('"a } b {as_of}"', (1, 23), "unmatched '}' in message"),
    ],
    ids=["unclosed", "unmatched", "unmatched-before-expr"],
)
def test_message_brace_errors_are_nr105(message: str, where, text: str) -> None:
    """A lone '{' or '}' in a message is NR105 at the brace, hinting at '{{' / '}}'."""
    d = only(f'rule "r" {{ message {message} }}')
    assert ("NR105", where, text) == (d.code, (d.line, d.column), d.message)


def test_template_expression_errors_point_into_the_file() -> None:
    """A syntax error inside {...} of a message is reported at its real line and column."""
    text = 'param a = 1\nrule "r" {\n  message "x {1 +} y"\n}'
    d = only(text)
    assert ("NR101", 3, 18, "unexpected end of the expression", '  message "x {1 +} y"') == (
        d.code,
        d.line,
        d.column,
        d.message,
        d.source_line,
    )


def test_template_expression_errors_on_later_lines_of_a_triple_quoted_message() -> None:
    """Positions stay right on the second line of a triple-quoted message."""
    text = 'rule "r" {\n  message """one {as_of}\n    two {1 ==} three"""\n}'
    d = only(text)
    assert ("NR101", 3, 14) == (d.code, d.line, d.column)


def test_expression_parse_error_reports_end_of_expression() -> None:
    """parse_expression (used for --param values) says 'end of the expression', not 'file'."""
    _, diags = parse_expression("1 +", "<params>", 1, 1)
    assert [("NR101", "unexpected end of the expression")] == [(d.code, d.message) for d in diags]
