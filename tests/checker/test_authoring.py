"""Typical authoring mistakes, each answered with the right place, code and an actionable hint.

Every case is a small rule file with one mistake a rule author makes; the expected
(code, line, column, hint) of its first diagnostic is golden: when a message is
improved on purpose, update the table and review the diff like code.
"""

from __future__ import annotations

import pytest

import netrules

R = 'rule "r" {{\n  title "t"\n  severity info\n{body}\n}}\n'


def rule(body: str) -> str:
    return R.format(body=body)


MISTAKES = {
    "missing-when": rule('  member.connection_count < 10\n  message "m"'),
    "misspelt-when": rule('  wehn member.connection_count < 10\n  message "m"'),
    "misspelt-severity-clause": 'rule "r" {\n  title "t"\n  severity: info\n  when true\n  message "m"\n}\n',
    "rule-not-closed": rule('  when true\n  message "m"').rstrip("}\n")
    + '\n\nrule "s" {\n  title "t"\n  severity info\n  when true\n  message "m"\n}\n',
    "file-ends-in-rule": 'rule "r" {\n  title "t"\n  severity info\n  when true\n',
    "single-equals": rule('  when member.connection_count = 10\n  message "m"'),
    "double-ampersand": rule(
        '  when member.premium && member.connection_count < 10\n  message "m"'
    ),
    "double-bar": rule('  when member.premium || member.connection_count < 10\n  message "m"'),
    "bang-not": rule('  when !member.premium\n  message "m"'),
    "single-quotes": rule("  when member.name == 'Ann'\n  message \"m\""),
    "unterminated-string": rule('  when true\n  message "m'),
    "rule-id-unquoted": 'rule my-rule {\n  title "t"\n  severity info\n  when true\n  message "m"\n}\n',
    "open-range-in-condition": rule('  when member.connection_count in 500+\n  message "m"'),
    "condition-cut-short": rule('  when member.connection_count <\n  message "m"'),
    "unclosed-paren": rule('  when (member.connection_count < 10\n  message "m"'),
    "duration-unit-typo": rule('  when member.joined_on < as_of - 2 yeras\n  message "m"'),
    "unknown-field": rule('  when member.conection_count < 10\n  message "m"'),
    "unknown-name": rule('  when membr.connection_count < 10\n  message "m"'),
    "null-literal": rule('  when member.industry == null\n  message "m"'),
    "unknown-function": rule('  when lenght(member.name ?? "") > 3\n  message "m"'),
    "function-arity": rule('  when contains(member.name ?? "")\n  message "m"'),
    "severity-typo": 'rule "r" {\n  title "t"\n  severity warn\n  when true\n  message "m"\n}\n',
    "missing-title": 'rule "r" {\n  severity info\n  when true\n  message "m"\n}\n',
    "missing-message": 'rule "r" {\n  title "t"\n  severity info\n  when true\n}\n',
    "id-not-kebab": 'rule "Small_Network" {\n  title "t"\n  severity info\n  when true\n  message "m"\n}\n',
    "duplicate-id": rule('  when true\n  message "m"') + rule('  when true\n  message "m"'),
    "date-vs-number": rule('  when member.joined_on < 2020\n  message "m"'),
    "date-vs-duration": rule('  when member.joined_on < 90 days\n  message "m"'),
    "date-minus-number": rule('  when member.joined_on < as_of - 90\n  message "m"'),
    "number-vs-string": rule('  when member.connection_count > "500"\n  message "m"'),
    "bool-vs-string": rule('  when member.premium == "yes"\n  message "m"'),
    "never-value": 'rule "r" {\n  title "t"\n  severity info\n  for each c in connections\n  when c.relationship == "colegue"\n  message "m"\n}\n',
    "format-unknown": rule('  when true\n  message "{member.connection_count:pct}"'),
    "message-brace-unclosed": rule('  when true\n  message "{member.connection_count"'),
    "message-brace-lone": rule('  when true\n  message "a } b"'),
    "message-hole-typo": rule('  when true\n  message "{member.conection_count}"'),
    "correlated-aggregate": 'rule "r" {\n  title "t"\n  severity info\n  for each c in connections\n  when count(d in connections where d.company == c.company) > 1\n  message "m"\n}\n',
    "group-outside": rule('  when count(group) > 1\n  message "m"'),
    "aggregate-without-var": rule('  when count(connections where true) > 1\n  message "m"'),
    "for-each-member": 'rule "r" {\n  title "t"\n  severity info\n  for each c in member\n  when true\n  message "m"\n}\n',
    "table-not-indexed": 'table t { "a": 1 }\n' + rule('  when t > 1\n  message "m"'),
    "unknown-table": rule('  when targets[member.industry ?? ""] > 1\n  message "m"'),
    "set-unknown-param": "param small = 10\nset smal = 3\n"
    + rule('  when member.connection_count < small\n  message "m"'),
    "set-wrong-type": 'param small = 10\nset small = "3"\n'
    + rule('  when member.connection_count < small\n  message "m"'),
    "set-list-of-numbers": 'param names = ["a"]\nset names = [1]\n'
    + rule('  when (member.name ?? "") in names\n  message "m"'),
    "disable-unknown": 'disable "rr"\n' + rule('  when true\n  message "m"'),
    "suppress-unknown": rule('  when true\n  suppresses "rr"\n  message "m"'),
    "lower-not-lower": 'rule "r" {\n  title "t"\n  severity info\n  when true\n  lower severity to warning when true\n  message "m"\n}\n',
    "recursive-define": "define a = b\ndefine b = a\n" + rule('  when a\n  message "m"'),
    "example-bad-key": rule(
        '  when true\n  message "m"\n  example fires { member: { conection_count: 3 } }'
    ),
    "example-unknown-rule": rule('  when true\n  message "m"') + 'example "e" fires "rr" { }\n',
    "param-out-of-range": "param share = 50% in 0..1\nset share = 50\n"
    + rule('  when 0.6 > share\n  message "m"'),
    "param-default-out-of-range": "param share = 150% in 0..1\n"
    + rule('  when 0.6 > share\n  message "m"'),
}


EXPECTED = {
    "missing-when": ("NR101", 4, 3, "a condition starts with 'when': write when member ..."),
    "misspelt-when": ("NR101", 4, 3, "did you mean 'when'?"),
    "misspelt-severity-clause": ("NR101", 3, 11, "write severity without ':'"),
    "rule-not-closed": ("NR101", 7, 1, "close the rule with '}' before this"),
    "file-ends-in-rule": (
        "NR101",
        5,
        1,
        "expected '}' (the rule opened on line 1) before the end of the file",
    ),
    "single-equals": ("NR101", 4, 32, "compare with '=='"),
    "double-ampersand": ("NR101", 4, 23, "write 'and' for '&&'"),
    "double-bar": ("NR101", 4, 23, "write 'or' for '||'"),
    "bang-not": ("NR101", 4, 8, "write 'not x' for '!x', and '!=' for 'not equal'"),
    "single-quotes": ("NR101", 4, 23, 'strings use double quotes: "text"'),
    "unterminated-string": (
        "NR102",
        5,
        11,
        'close the string with \'"\' on the same line, or use """...""" for several lines',
    ),
    "rule-id-unquoted": ("NR101", 1, 6, 'a rule id is a string in double quotes: rule "my-rule" {'),
    "open-range-in-condition": (
        "NR101",
        4,
        38,
        "an open range such as 500+ exists only as a table value; in a condition write x >= 500",
    ),
    "condition-cut-short": (
        "NR101",
        5,
        11,
        "the expression before 'message' is not finished: 'message' (line 5) was read as a name in it",
    ),
    "unclosed-paren": ("NR101", 5, 3, "expected ')' before 'message'"),
    "duration-unit-typo": ("NR101", 4, 37, "a duration is a number and a unit: 2 years"),
    "unknown-field": ("NR202", 4, 15, "did you mean 'connection_count'?"),
    "unknown-name": ("NR201", 4, 8, "did you mean 'member'?"),
    "null-literal": (
        "NR201",
        4,
        27,
        "test for missing data with known(x), or give a fallback with x ?? value",
    ),
    "unknown-function": ("NR204", 4, 8, "did you mean 'length'?"),
    "function-arity": ("NR204", 4, 8, "write contains(string, string)"),
    "severity-typo": ("NR303", 3, 12, "did you mean 'warning'?"),
    "missing-title": ("NR304", 1, 6, "add a 'title' clause"),
    "missing-message": ("NR304", 1, 6, "add a 'message' clause"),
    "id-not-kebab": (
        "NR302",
        1,
        6,
        "use lowercase words joined by '-', e.g. \"below-industry-target\"",
    ),
    "duplicate-id": ("NR301", 7, 6, "first defined at m.rules:1:6"),
    "date-vs-number": (
        "NR203",
        4,
        8,
        "a number is not a date: compare with a date (x < as_of - 90 days, x < 2024-01-31) or count days with days_between(x, as_of) > 90",
    ),
    "date-vs-duration": ("NR203", 4, 8, "compare with a date: x < as_of - 90 days"),
    "date-minus-number": ("NR203", 4, 27, "write the unit: x - 90 days"),
    "number-vs-string": ("NR203", 4, 8, "remove the quotes to write a number"),
    "bool-vs-string": ("NR203", 4, 8, "write true or false, without quotes"),
    "never-value": ("NR206", 5, 26, 'did you mean "colleague"?'),
    "format-unknown": (
        "NR105",
        5,
        13,
        "did you mean 'percent'? formats are {x:percent} and {x:2} (2 decimals)",
    ),
    "message-brace-unclosed": ("NR105", 5, 12, "close it with '}' or write '{{'"),
    "message-brace-lone": ("NR105", 5, 14, "write '}}' for a literal brace"),
    "message-hole-typo": ("NR202", 5, 20, "did you mean 'connection_count'?"),
    "correlated-aggregate": (
        "NR205",
        5,
        50,
        "an aggregate that depends on the current item rescans the collection for every item; use 'group by' or a definition",
    ),
    "group-outside": (
        "NR201",
        4,
        14,
        "add 'group by KEY as NAME' to 'for each', or aggregate over the collection",
    ),
    "aggregate-without-var": ("NR204", 4, 8, "write count(x in collection where ...)"),
    "for-each-member": (
        "NR203",
        4,
        17,
        "a rule about the member needs no 'for each': write its condition directly",
    ),
    "table-not-indexed": ("NR207", 5, 8, "write t[key]"),
    "unknown-table": ("NR201", 4, 8, 'declare it: table targets { "key": value, default: value }'),
    "set-unknown-param": ("NR309", 2, 1, "did you mean 'small'?"),
    "set-wrong-type": ("NR310", 2, 13, "the default is 10"),
    "set-list-of-numbers": ("NR310", 2, 13, 'the default is ["a"]'),
    "disable-unknown": ("NR309", 1, 9, 'did you mean "r"?'),
    "suppress-unknown": ("NR311", 5, 14, 'did you mean "r"?'),
    "lower-not-lower": ("NR312", 5, 21, "lower severity to a level below the rule's own"),
    "recursive-define": ("NR208", 1, 1, "definitions cannot be recursive"),
    "example-bad-key": ("NR313", 6, 29, "did you mean 'connection_count'?"),
    "example-unknown-rule": ("NR313", 7, 1, 'did you mean "r"?'),
    "param-out-of-range": (
        "NR321",
        2,
        13,
        "a share is written as a percentage or a fraction: 50% or 0.5",
    ),
    "param-default-out-of-range": ("NR310", 1, 15, "change the default or widen the range"),
}


def first_diagnostic(text: str) -> netrules.Diagnostic:
    try:
        rules = netrules.load_rules(include_default=False, texts=[("m.rules", text)])
    except netrules.RuleError as err:
        found = [d for d in err.diagnostics if d.code != "NR320"]
    else:
        found = [d for d in rules.warnings if d.code != "NR320"]
    assert found, "the mistake went unnoticed"
    return found[0]


@pytest.mark.parametrize("case", list(MISTAKES), ids=list(MISTAKES))
def test_mistake_gets_place_code_and_hint(case: str) -> None:
    """The first diagnostic of each mistake: its code, line, column and hint."""
    d = first_diagnostic(MISTAKES[case])
    assert EXPECTED[case] == (d.code, d.line, d.column, d.hint)


def test_every_mistake_has_a_hint_and_an_expectation() -> None:
    """Every case has a golden expectation, and every expectation a hint."""
    assert sorted(MISTAKES) == sorted(EXPECTED)
    assert [] == [case for case, (_c, _l, _col, hint) in EXPECTED.items() if not hint]


def test_several_syntax_errors_are_reported_at_once() -> None:
    """After a syntax error the parser resumes at the next item: one error per broken item."""
    text = (
        'rule "a" {\n  title "t"\n  when member.x = 1\n}\n'
        'rule "b" {\n  title\n}\n'
        "param = 3\n"
        'rule "c" {\n  when a && b\n}\n'
    )
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(include_default=False, texts=[("m.rules", text)])
    assert [(3, 17), (7, 1), (8, 7), (10, 10)] == [
        (d.line, d.column) for d in info.value.diagnostics
    ]


def test_several_syntax_errors_are_reported_in_an_indented_file() -> None:
    """Items indented, or tab-indented: the parser still resumes at each next item
    (not only at a keyword in column 1), one error per broken item."""
    text = (
        '  rule "a" {\n    title "t"\n    when member.x = 1\n  }\n'
        '  rule "b" {\n    title\n  }\n'
        "\tparam = 3\n"
        '    rule "c" {\n      when a && b\n    }\n'
    )
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(include_default=False, texts=[("m.rules", text)])
    assert [(3, 19), (7, 3), (8, 8), (10, 14)] == [
        (d.line, d.column) for d in info.value.diagnostics
    ]
    assert all(d.hint and d.source_line for d in info.value.diagnostics)


def test_recovery_skips_strings_comments_and_rule_clauses() -> None:
    """Words that only look like an item's start are no place to resume: a line of a
    triple-quoted message, a comment, a rule's `example fires` and `advice` clauses,
    a JSON key in example data. The one real error after them is still found."""
    text = (
        'rule "a" {\n  when member.x <\n  message """first line\n'
        '  rule "not-here" {"""\n'
        "  # rule in a comment\n"
        "  advice grow\n"
        '  example fires { "member": { "name": "x" }, rule: 1 }\n'
        "}\n"
        '  rule "b" {\n    title\n  }\n'
    )
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(include_default=False, texts=[("m.rules", text)])
    assert [(3, 11), (11, 3)] == [(d.line, d.column) for d in info.value.diagnostics]


def test_recovery_stops_at_twenty_errors_in_an_indented_file() -> None:
    from netrules.parser import MAX_SYNTAX_ERRORS

    text = '  rule "r" {\n    when x >\n  }\n' * 200
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(include_default=False, texts=[("m.rules", text)])
    lines = [d.line for d in info.value.diagnostics if d.code == "NR101"]
    assert lines == [3 + 3 * k for k in range(MAX_SYNTAX_ERRORS)]
