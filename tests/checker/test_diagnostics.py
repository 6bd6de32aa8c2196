"""The checker: one test per diagnostic code, each with its exact position, message and hint."""

from __future__ import annotations

import pytest

import netrules


def rule(body: str = "", rid: str = "r", severity: str = "warning") -> str:
    return f'rule "{rid}" {{ title "t" severity {severity} message "m" {body} }}'


def got(diags) -> list[tuple[str, str, str, str | None]]:
    return [
        (d.code, f"{d.path}:{d.line}:{d.column}", d.message, d.hint)
        for d in diags
        if d.severity == "error"
    ]


# (id, texts, expected errors as (code, "path:line:col", message, hint))
CASES = [
    (
        "NR201-unknown-name",
        [rule("when membr.connection_count > 1")],
        [("NR201", "t.rules:1:56", "unknown name 'membr'", "did you mean 'member'?")],
    ),
    (
        "NR201-unknown-param",
        ["param small_network = 50\n" + rule("when small_netwrk > 1")],
        [("NR201", "t.rules:2:56", "unknown name 'small_netwrk'", "did you mean 'small_network'?")],
    ),
    (
        "NR201-null",
        [rule("when member.name == null")],
        [
            (
                "NR201",
                "t.rules:1:71",
                "unknown name 'null'",
                "test for missing data with known(x), or give a fallback with x ?? value",
            )
        ],
    ),
    (
        "NR201-group-without-group-by",
        [rule("when count(group) > 1")],
        [
            (
                "NR201",
                "t.rules:1:62",
                "'group' exists only in a rule with 'group by'",
                "add 'group by KEY as NAME' to 'for each', or aggregate over the collection",
            )
        ],
    ),
    (
        "NR201-unknown-table",
        ['table targets { "a": 1 }\n' + rule('when targts["a"] > 1')],
        [("NR201", "t.rules:2:56", "unknown table 'targts'", "did you mean 'targets'?")],
    ),
    (
        "NR202-unknown-field",
        [rule("when member.conection_count > 1")],
        [
            (
                "NR202",
                "t.rules:1:63",
                "unknown field 'conection_count' on member",
                "did you mean 'connection_count'?",
            )
        ],
    ),
    (
        "NR202-field-of-item",
        [rule('for each c in connections when c.compny == "x"')],
        [
            (
                "NR202",
                "t.rules:1:84",
                "unknown field 'compny' on connection",
                "did you mean 'company'?",
            )
        ],
    ),
    (
        "NR202-field-of-collection",
        [rule('when connections.company == "x"')],
        [
            (
                "NR202",
                "t.rules:1:68",
                "the collection of connections has no field 'company'",
                "use an aggregate such as count(x in ...)",
            )
        ],
    ),
    (
        "NR203-date-vs-number",
        [rule("when member.joined_on < 5")],
        [
            (
                "NR203",
                "t.rules:1:56",
                "cannot compare a date with a number",
                "a number is not a date: compare with a date (x < as_of - 90 days, "
                "x < 2024-01-31) or count days with days_between(x, as_of) > 90",
            )
        ],
    ),
    (
        "NR203-date-vs-duration",
        [rule("when member.joined_on < 90 days")],
        [
            (
                "NR203",
                "t.rules:1:56",
                "cannot compare a date with a duration",
                "compare with a date: x < as_of - 90 days",
            )
        ],
    ),
    (
        "NR203-date-minus-date",
        [rule("when as_of - member.joined_on > 1")],
        [
            (
                "NR203",
                "t.rules:1:56",
                "cannot subtract a date from a date",
                "compare dates directly (x < as_of - 90 days) or use days_between(a, b)",
            )
        ],
    ),
    (
        "NR203-when-not-bool",
        [rule("when member.connection_count")],
        [("NR203", "t.rules:1:56", "the 'when' condition must be true/false, not a number", None)],
    ),
    (
        "NR203-range-vs-number",
        ['table t { "a": 1..5 }\n' + rule('when t["a"] > 3')],
        [
            (
                "NR203",
                "t.rules:2:56",
                "cannot compare a range with a number",
                "compare with the range's .low or .high",
            )
        ],
    ),
    (
        "NR203-unknown-param-type",
        ["param a: nubmer = 1\n" + rule("when a > 0")],
        [("NR203", "t.rules:1:1", "unknown type 'nubmer'", "did you mean 'number'?")],
    ),
    (
        "NR203-for-each-over-member-list",
        [rule("for each e in member.employers")],
        [
            (
                "NR203",
                "t.rules:1:65",
                "'for each' goes over connections, invitations, removals or recommendations_given",
                "aggregate over other lists: any(x in member.employers : ...)",
            )
        ],
    ),
    (
        "NR204-unknown-function",
        [rule("when lenght(member.name) > 1")],
        [("NR204", "t.rules:1:56", "unknown function 'lenght'", "did you mean 'length'?")],
    ),
    (
        "NR204-too-few-arguments",
        [rule("when days_between(as_of) > 1")],
        [
            (
                "NR204",
                "t.rules:1:56",
                "days_between() takes 2 argument(s), got 1",
                "write days_between(date, date)",
            )
        ],
    ),
    (
        "NR204-too-many-arguments",
        [rule('when lower("a", "b") == "a"')],
        [("NR204", "t.rules:1:56", "lower() takes 1 argument(s), got 2", "write lower(string)")],
    ),
    (
        "NR204-definition-arity",
        ["define big(x) = x > 1\n" + rule("when big(1, 2)")],
        [("NR204", "t.rules:2:56", "'big' takes 1 argument(s), got 2", None)],
    ),
    (
        "NR204-definition-without-call",
        ["define big(x) = x > 1\n" + rule("when big")],
        [("NR204", "t.rules:2:56", "'big' takes 1 argument(s)", "call it as big(x)")],
    ),
    (
        "NR204-peak-without-window",
        [rule("when peak(c in connections : c.connected_on) > 1")],
        [
            (
                "NR204",
                "t.rules:1:56",
                "peak() needs a date and a window",
                "write peak(x in coll : x.some_date within 7 days)",
            )
        ],
    ),
    (
        "NR205-correlated-aggregate",
        [
            rule(
                "for each c in connections when count(d in connections where "
                "d.company == c.company) > 1"
            )
        ],
        [
            (
                "NR205",
                "t.rules:1:124",
                "'c' comes from outside this count(...)",
                "an aggregate that depends on the current item rescans the collection for every item; "
                "use 'group by' or a definition",
            )
        ],
    ),
    (
        "NR206-impossible-enum",
        [rule('for each c in connections when c.relationship == "colegue"')],
        [
            (
                "NR206",
                "t.rules:1:100",
                'connection.relationship is never "colegue"',
                'did you mean "colleague"?',
            )
        ],
    ),
    (
        "NR206-impossible-enum-in-list",
        [rule('for each i in invitations when i.status in ["pending", "acepted"]')],
        [
            (
                "NR206",
                "t.rules:1:106",
                'invitation.status is never "acepted"',
                'did you mean "accepted"?',
            )
        ],
    ),
    (
        "NR203-message-shows-a-record",
        [rule("").replace('message "m"', 'message "{member}"')],
        [
            (
                "NR203",
                "t.rules:1:49",
                "a message cannot show a member",
                "show one of its fields, or an aggregate such as count(...)",
            )
        ],
    ),
    (
        "NR203-evidence-shows-a-collection",
        [rule("evidence { all: connections }")],
        [
            (
                "NR203",
                "t.rules:1:67",
                "evidence cannot show the collection of connections",
                "show one of its fields, or an aggregate such as count(...)",
            )
        ],
    ),
    (
        "NR105-format-of-a-date",
        [rule("").replace('message "m"', 'message "{as_of:percent}"')],
        [("NR105", "t.rules:1:49", "format 'percent' needs a number, not a date", None)],
    ),
    (
        "NR105-too-many-decimals",
        [rule("").replace('message "m"', 'message "{1 / 3:99999}"')],
        [("NR105", "t.rules:1:49", "99999 decimals are too many", "use at most 15")],
    ),
    (
        "NR207-index-non-table",
        [rule('when member["x"] == 1')],
        [("NR207", "t.rules:1:56", "only tables can be indexed with [...]", None)],
    ),
    (
        "NR207-table-not-indexed",
        ['table t { "a": 1 }\n' + rule("when t > 1")],
        [("NR207", "t.rules:2:56", "table 't' must be indexed", "write t[key]")],
    ),
    (
        "NR208-mutual-recursion",
        ["define a = b\ndefine b = a\n" + rule("when a")],
        [
            (
                "NR208",
                "t.rules:1:1",
                "definition 'a' refers to itself",
                "definitions cannot be recursive",
            )
        ],
    ),
    (
        "NR208-self-call",
        ["define a(x) = a(x)\n" + rule("when a(true)")],
        [
            (
                "NR208",
                "t.rules:1:1",
                "definition 'a' refers to itself",
                "definitions cannot be recursive",
            )
        ],
    ),
    (
        "NR301-duplicate-id",
        [rule() + "\n" + rule()],
        [("NR301", "t.rules:2:6", 'duplicate rule id "r"', "first defined at t.rules:1:6")],
    ),
    (
        "NR301-duplicate-id-across-files",
        [rule(), ("other.rules", "\n" + rule())],
        [("NR301", "other.rules:2:6", 'duplicate rule id "r"', "first defined at t.rules:1:6")],
    ),
    (
        "NR302-not-kebab",
        [rule(rid="Bad_Id")],
        [
            (
                "NR302",
                "t.rules:1:6",
                'rule id "Bad_Id" is not kebab-case',
                "use lowercase words joined by '-', e.g. \"below-industry-target\"",
            )
        ],
    ),
    (
        "NR303-unknown-severity",
        [rule(severity="warn")],
        [("NR303", "t.rules:1:31", "unknown severity 'warn'", "did you mean 'warning'?")],
    ),
    (
        "NR303-unknown-severity-no-match",
        [rule(severity="critical")],
        [("NR303", "t.rules:1:31", "unknown severity 'critical'", "use error, warning or info")],
    ),
    (
        "NR303-unknown-lowered-severity",
        [rule("lower severity to inf when true")],
        [("NR303", "t.rules:1:69", "unknown severity 'inf'", "did you mean 'info'?")],
    ),
    (
        "NR304-missing-clauses",
        ['rule "r" { when true }'],
        [
            ("NR304", "t.rules:1:6", "rule \"r\" has no 'title'", "add a 'title' clause"),
            ("NR304", "t.rules:1:6", "rule \"r\" has no 'severity'", "add a 'severity' clause"),
            ("NR304", "t.rules:1:6", "rule \"r\" has no 'message'", "add a 'message' clause"),
        ],
    ),
    (
        "NR304-duplicate-clause",
        [rule('title "again" when true when false')],
        [
            ("NR304", "t.rules:1:51", "'title' is given twice in rule \"r\"", None),
            ("NR304", "t.rules:1:75", "'when' is given twice in rule \"r\"", None),
        ],
    ),
    (
        "NR304-duplicate-evidence-key",
        [rule("evidence { a: 1, a: 2 }")],
        [("NR304", "t.rules:1:68", "evidence key 'a' is given twice", None)],
    ),
    (
        "NR305-duplicate-key-case-insensitive",
        [
            'table t {\n  "Information Technology": 1,\n  "information technology": 2\n}\n'
            + rule('when t["x"] > 1')
        ],
        [
            (
                "NR305",
                "t.rules:3:3",
                "duplicate key \"information technology\" in table 't'",
                'keys compare case-insensitively; "Information Technology" is already a row',
            )
        ],
    ),
    (
        "NR305-two-default-rows",
        ["table t { default: 1, default: 2 }\n" + rule('when t["x"] > 1')],
        [("NR305", "t.rules:1:23", "table has two default rows", None)],
    ),
    (
        "NR306-inverted-table-range",
        ['table t { "a": 5000..1000 }\n' + rule('when 1 in t["a"]')],
        [("NR306", "t.rules:1:16", "range 5000..1000 is inverted", "write 1000..5000")],
    ),
    (
        "NR306-inverted-range-expression",
        [rule("when 1 in 5..1")],
        [("NR306", "t.rules:1:61", "range 5..1 is inverted", "write 1..5")],
    ),
    (
        "NR306-inverted-range-override",
        ['table t { "a": 1..2 }\nset t["a"] = 9..3\n' + rule('when 1 in t["a"]')],
        [("NR306", "t.rules:2:14", "range 9..3 is inverted", "write 3..9")],
    ),
    (
        "NR307-duplicate-name",
        ["param a = 1\ndefine a = 2\n" + rule("when a > 1")],
        [("NR307", "t.rules:2:1", "'a' is already defined", "first defined at t.rules:1:1")],
    ),
    (
        "NR307-duplicate-name-across-files",
        ["param a = 1\n" + rule("when a > 0"), ("b.rules", "table a { }")],
        [("NR307", "b.rules:1:1", "'a' is already defined", "first defined at t.rules:1:1")],
    ),
    (
        "NR307-root-name",
        ["param member = 1\n" + rule()],
        [
            (
                "NR307",
                "t.rules:1:1",
                "'member' is a built-in name and cannot be redefined",
                "choose another name",
            )
        ],
    ),
    (
        "NR307-function-name",
        ["define lower = 1\n" + rule()],
        [
            (
                "NR307",
                "t.rules:1:1",
                "'lower' is a built-in name and cannot be redefined",
                "choose another name",
            )
        ],
    ),
    (
        "NR307-aggregate-name",
        ["define count = 1\n" + rule()],
        [
            (
                "NR307",
                "t.rules:1:1",
                "'count' is a built-in name and cannot be redefined",
                "choose another name",
            )
        ],
    ),
    (
        "NR308-unknown-advice",
        ['advice grow = "g"\n' + rule("advice grwo")],
        [("NR308", "t.rules:2:58", "unknown advice 'grwo'", "did you mean 'grow'?")],
    ),
    (
        "NR309-set-unknown-param",
        ["param limit = 1\nset limt = 2\n" + rule("when limit > 0")],
        [("NR309", "t.rules:2:1", "unknown parameter 'limt'", "did you mean 'limit'?")],
    ),
    (
        "NR309-set-unknown-table",
        ['table t { "a": 1 }\nset u["a"] = 2\n' + rule('when t["a"] > 0')],
        [("NR309", "t.rules:2:1", "unknown table 'u'", None)],
    ),
    (
        "NR309-disable-unknown-rule",
        [rule(rid="tiny-network"), 'disable "tiny-netwrk"'],
        [
            (
                "NR309",
                "t1.rules:1:9",
                'cannot disable unknown rule "tiny-netwrk"',
                'did you mean "tiny-network"?',
            )
        ],
    ),
    (
        "NR310-set-wrong-type",
        ['param a = 1\nset a = "x"\n' + rule("when a > 0")],
        [("NR310", "t.rules:2:9", "parameter 'a' is a number; got a string", "the default is 1")],
    ),
    (
        "NR310-set-row-wrong-type",
        ['table t { "a": 1 }\nset t["a"] = 2+\n' + rule('when t["a"] > 0')],
        [("NR310", "t.rules:2:14", "table 't' holds a number; got a range", None)],
    ),
    (
        "NR310-declared-type-mismatch",
        ["param a: duration = 3\n" + rule("when a > 1 day")],
        [
            (
                "NR310",
                "t.rules:1:21",
                "parameter 'a' is declared duration but its default is a number",
                None,
            )
        ],
    ),
    (
        "NR311-unknown-target",
        [rule('suppresses "nope"')],
        [("NR311", "t.rules:1:62", 'cannot suppress unknown rule "nope"', None)],
    ),
    (
        "NR311-self",
        [rule('suppresses "r"')],
        [("NR311", "t.rules:1:62", "a rule cannot suppress itself", None)],
    ),
    (
        "NR311-cycle",
        [rule('suppresses "s"') + "\n" + rule('suppresses "r"', rid="s")],
        [
            (
                "NR311",
                "t.rules:2:62",
                'suppression cycle: "s" and "r" suppress each other',
                "only one direction can win",
            )
        ],
    ),
    (
        "NR312-raise-severity",
        [rule("lower severity to error when true")],
        [
            (
                "NR312",
                "t.rules:1:69",
                "'error' is not lower than 'warning'",
                "lower severity to a level below the rule's own",
            )
        ],
    ),
    (
        "NR312-same-severity",
        [rule("lower severity to warning when true")],
        [
            (
                "NR312",
                "t.rules:1:69",
                "'warning' is not lower than 'warning'",
                "lower severity to a level below the rule's own",
            )
        ],
    ),
    (
        "NR313-example-unknown-rule",
        [rule() + '\nexample "e" fires "nope" {}'],
        [("NR313", "t.rules:2:1", 'example names unknown rule "nope"', None)],
    ),
    (
        "NR313-example-bad-data",
        [rule('example fires { connections: [{ name: "x" }] }')],
        [
            (
                "NR313",
                "t.rules:1:67",
                "example data is invalid: connections[0].id: required, but missing",
                "example data is a network document: see docs/input-format.md",
            )
        ],
    ),
    (
        "NR313-example-bad-value",
        [rule('example fires { member: { joined_on: "soon" } }')],
        [
            (
                "NR313",
                "t.rules:1:77",
                "example data is invalid: member.joined_on: expected a date "
                '(YYYY-MM-DD), got "soon"',
                "example data is a network document: see docs/input-format.md",
            )
        ],
    ),
]


@pytest.mark.parametrize(("texts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_diagnostic_code(rule_errors, texts, expected) -> None:
    """Each broken text gives exactly these errors: code, position, message and hint."""
    assert expected == got(rule_errors(*texts))


def test_unused_param_define_and_advice_are_nr320_warnings(load_text) -> None:
    """Unused params, definitions and advice load fine and show up in RuleSet.warnings."""
    rs = load_text('param unused = 1 "why"\ndefine d = 1\nadvice a = "x"\n' + rule())
    expected = [
        ("NR320", "warning", "t.rules:1:1", "parameter 'unused' is never used"),
        ("NR320", "warning", "t.rules:2:1", "definition 'd' is never used"),
        ("NR320", "warning", "t.rules:3:1", "advice 'a' is never used"),
    ]
    assert expected == [
        (d.code, d.severity, f"{d.path}:{d.line}:{d.column}", d.message) for d in rs.warnings
    ]


def test_disabling_a_suppressed_rule_is_not_an_error(load_text) -> None:
    """A rule another rule suppresses can be disabled: the suppression simply has no target."""
    rs = load_text(rule('suppresses "s"') + "\n" + rule(rid="s") + '\ndisable "s"\n')
    assert list(rs.rule_ids()) == ["r"]


def test_used_names_are_not_reported_unused(load_text) -> None:
    """A param used only via set, a define used by another define, advice used once: no warning."""
    rs = load_text(
        "param a = 1\nset a = 2\ndefine inner = 1\ndefine outer = inner > 0\n"
        'advice g = "x"\n' + rule("when outer advice g")
    )
    assert () == rs.warnings


def test_warnings_alongside_errors_are_reported_too(rule_errors) -> None:
    """When loading fails, warnings are part of the diagnostics (after the errors)."""
    diags = rule_errors("param unused = 1\n" + rule("when nope"))
    assert [("NR201", "error"), ("NR320", "warning")] == [(d.code, d.severity) for d in diags]


def test_several_errors_in_one_file_are_all_reported(rule_errors) -> None:
    """The checker does not stop at the first problem: every error comes back at once."""
    text = "\n".join(
        [
            rule("when membr.x > 1 and lenght(1) > 2"),
            rule(rid="Bad_Id", severity="warn"),
            'table t { "a": 5..1, "A": 1..2 }',
            rule('suppresses "ghost"', rid="s"),
        ]
    )
    assert ["NR201", "NR204", "NR302", "NR303", "NR305", "NR306", "NR311"] == sorted(
        d.code for d in rule_errors(text) if d.severity == "error"
    )


def test_errors_are_sorted_by_file_and_position(rule_errors) -> None:
    """Errors come sorted by path, line, column: the order an editor shows them."""
    diags = rule_errors(
        rule("when b1") + "\n" + rule("when a1", rid="s"), ("a.rules", rule("when zz", rid="q"))
    )
    assert ["a.rules:1:56", "t.rules:1:56", "t.rules:2:56"] == [
        f"{d.path}:{d.line}:{d.column}" for d in diags
    ]


def test_syntax_errors_of_every_file_are_reported(rule_errors) -> None:
    """Each file is parsed even when an earlier one fails: syntax errors of all files come back."""
    diags = rule_errors(("a.rules", "rule {"), ("b.rules", 'param x = "open'))
    assert [("a.rules", "NR101"), ("b.rules", "NR102")] == [(d.path, d.code) for d in diags]


def test_checking_waits_until_every_file_parses(rule_errors) -> None:
    """Names are resolved across files, so a syntax error anywhere stops before name checks."""
    diags = rule_errors(("a.rules", "rule {"), ("b.rules", rule("when nope")))
    assert [("a.rules", "NR101")] == [(d.path, d.code) for d in diags]


def test_rule_error_is_a_netrules_error(rule_errors) -> None:
    """RuleError derives from NetrulesError, and its text is one line per diagnostic."""
    with pytest.raises(netrules.NetrulesError) as info:
        netrules.load_rules(texts=[("t.rules", rule("when nope"))], include_default=False)
    assert (True, "t.rules:1:56: error[NR201]: unknown name 'nope'") == (
        isinstance(info.value, netrules.RuleError),
        str(info.value),
    )


ALL_BROKEN = [text for _, texts, _ in CASES for text in texts if isinstance(text, str)]


@pytest.mark.parametrize("text", ALL_BROKEN[:12] + ["rule {", 'rule "r" { title "x'])
def test_every_diagnostic_has_path_position_code_message_and_hint(rule_errors, text) -> None:
    """Every diagnostic carries path, line, column, code, message and a hint field (text or None)."""
    for d in rule_errors(text):
        assert (True, True, True, True, True, True) == (
            bool(d.path),
            d.line >= 1,
            d.column >= 1,
            d.code.startswith("NR"),
            bool(d.message),
            d.hint is None or bool(d.hint),
        )
        assert set(d.to_dict()) == {
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "severity",
            "code",
            "message",
            "hint",
        }


def test_disable_via_api_with_unknown_rule_is_nr309(load_text) -> None:
    """RuleSet.disable('unknown') raises RuleError NR309 with a did-you-mean."""
    rs = load_text(rule(rid="tiny-network"))
    with pytest.raises(netrules.RuleError) as info:
        rs.disable("tiny-netwrk")
    assert [("NR309", 'did you mean "tiny-network"?')] == [
        (d.code, d.hint) for d in info.value.diagnostics
    ]
