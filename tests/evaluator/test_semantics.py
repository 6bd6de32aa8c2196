"""Evaluation semantics: operators, unknowns, tables, dates, aggregates, subjects, overrides."""

from __future__ import annotations

import datetime
import random

import pytest

import netrules

AS_OF = datetime.date(2025, 1, 1)
RULE = 'rule "r" {{ title "t" severity warning when {cond} message "{msg}" }}\n'


@pytest.fixture
def outcome(load_text):
    """outcome(cond, doc, pre) -> 'fires' | 'passes' | 'skipped' for a one-rule member set."""

    def run(cond: str, doc: dict | None = None, pre: str = "") -> str:
        report = load_text(pre + RULE.format(cond=cond, msg="m")).evaluate(doc or {}, as_of=AS_OF)
        if report.findings:
            return "fires"
        return "skipped" if report.skipped else "passes"

    return run


@pytest.fixture
def message(load_text):
    """message(template, doc, pre) -> the message of a rule that always fires."""

    def run(template: str, doc: dict | None = None, pre: str = "") -> str:
        rs = load_text(pre + RULE.format(cond="true", msg=template))
        return rs.evaluate(doc or {}, as_of=AS_OF).findings[0].message

    return run


def member(**fields) -> dict:
    return {"member": fields}


# ---- operators ----
OPERATORS = [
    ("1 + 2 * 3 == 7", "fires"),
    ("(1 + 2) * 3 == 9", "fires"),
    ("10 - 4 - 3 == 3", "fires"),
    ("7 / 2 == 3.5", "fires"),
    ("-3 + 1 == -2", "fires"),
    ("- -3 == 3", "fires"),
    ('"net" + "work" == "network"', "fires"),
    ("50% == 0.5", "fires"),
    ("2 < 3", "fires"),
    ("3 < 3", "passes"),
    ("3 <= 3", "fires"),
    ("4 > 3", "fires"),
    ("3 >= 4", "passes"),
    ("3 != 4", "fires"),
    ("3 == 3.0", "fires"),
    ('"apple" < "banana"', "fires"),
    ("2024-01-01 < 2024-06-01", "fires"),
    ("1 year > 11 months", "fires"),
    ("1 year == 12 months", "fires"),
    ("7 days == 1 week", "fires"),
    ("4 weeks < 1 month", "fires"),
    ("2 in 1..3", "fires"),
    ("3 in 1..3", "fires"),
    ("4 in 1..3", "passes"),
    ("4 not in 1..3", "fires"),
    ('"b" in ["a", "b"]', "fires"),
    ('"c" not in ["a", "b"]', "fires"),
    ("true and false", "passes"),
    ("true or false", "fires"),
    ("not false", "fires"),
    ("true and not false or false", "fires"),
    ('length("abc") == 3', "fires"),
    ('lower("AbC") == "abc"', "fires"),
    ('upper("a") == "A"', "fires"),
    ('trim("  a ") == "a"', "fires"),
    ('contains("network", "xyz")', "passes"),
    ('contains("network", "work")', "fires"),
    ('starts_with("network", "net")', "fires"),
    ('ends_with("network", "work")', "fires"),
    ('normalize("Hi, Ann! Great   to MEET you.", "Ann") == "hi great to meet you"', "fires"),
    ("abs(-4) == 4", "fires"),
    ("round(2.6) == 3", "fires"),
    ("days_between(2024-01-01, 2024-03-01) == 60", "fires"),
    ("length([1, 2, 3]) == 3", "fires"),
]


@pytest.mark.parametrize(("cond", "expected"), OPERATORS, ids=[c for c, _ in OPERATORS])
def test_operator(outcome, cond: str, expected: str) -> None:
    """Arithmetic, comparison, membership, logic and built-in functions on known values."""
    assert expected == outcome(cond)


# ---- three-valued logic ----
VALUES = {"true": "true", "false": "false", "unknown": "member.job_seeking"}
RESULT = {"true": "fires", "false": "passes", "unknown": "skipped"}
AND = {
    ("true", "true"): "true",
    ("true", "false"): "false",
    ("true", "unknown"): "unknown",
    ("false", "true"): "false",
    ("false", "false"): "false",
    ("false", "unknown"): "false",
    ("unknown", "true"): "unknown",
    ("unknown", "false"): "false",
    ("unknown", "unknown"): "unknown",
}
OR = {
    ("true", "true"): "true",
    ("true", "false"): "true",
    ("true", "unknown"): "true",
    ("false", "true"): "true",
    ("false", "false"): "false",
    ("false", "unknown"): "unknown",
    ("unknown", "true"): "true",
    ("unknown", "false"): "unknown",
    ("unknown", "unknown"): "unknown",
}


@pytest.mark.parametrize(("a", "b"), list(AND), ids=[f"{a}-and-{b}" for a, b in AND])
def test_and_truth_table(outcome, a: str, b: str) -> None:
    """'and' is Kleene logic: unknown and false = false, unknown and true = unknown."""
    assert RESULT[AND[(a, b)]] == outcome(f"{VALUES[a]} and {VALUES[b]}")


@pytest.mark.parametrize(("a", "b"), list(OR), ids=[f"{a}-or-{b}" for a, b in OR])
def test_or_truth_table(outcome, a: str, b: str) -> None:
    """'or' is Kleene logic: unknown or true = true, unknown or false = unknown."""
    assert RESULT[OR[(a, b)]] == outcome(f"{VALUES[a]} or {VALUES[b]}")


@pytest.mark.parametrize(
    ("value", "expected"), [("true", "passes"), ("false", "fires"), ("unknown", "skipped")]
)
def test_not_truth_table(outcome, value: str, expected: str) -> None:
    """not unknown = unknown: a missing fact never fires a negated rule."""
    assert expected == outcome(f"not {VALUES[value]}")


UNKNOWN_PROPAGATION = [
    ("member.joined_on < 2020-01-01", "skipped"),
    ("member.joined_on + 1 year < as_of", "skipped"),
    ("-member.connection_count < 0", "fires"),
    ('member.industry == "Law"', "skipped"),
    ('member.industry != "Law"', "skipped"),
    ('member.industry in ["Law"]', "skipped"),
    ('"x" in member.situations', "skipped"),
    ('lower(member.industry) == "law"', "skipped"),
    ("length(member.industry) > 0", "skipped"),
    ("member.connection_count / 0 > 1", "skipped"),
    ("not (member.connection_count / 0 > 1)", "skipped"),
    ("member.job_seeking == true", "skipped"),
]


@pytest.mark.parametrize(
    ("cond", "expected"), UNKNOWN_PROPAGATION, ids=[c for c, _ in UNKNOWN_PROPAGATION]
)
def test_unknown_propagates_through_operators(outcome, cond: str, expected: str) -> None:
    """Any operator with an unknown operand is unknown; division by zero is unknown, no error."""
    assert expected == outcome(cond, member(connection_count=3))


# ---- missing data: skips ----
def test_missing_data_is_reported_in_skipped_with_field_names(load_text) -> None:
    """A rule that cannot decide does not fire; Report.skipped names the missing fields."""
    rs = load_text(
        RULE.format(cond="member.joined_on < as_of - 1 year and member.job_seeking", msg="m")
    )
    report = rs.evaluate(member(), as_of=AS_OF)
    assert (
        (),
        [{"rule": "r", "count": 1, "fields": {"member.job_seeking": 1, "member.joined_on": 1}}],
    ) == (report.findings, [s.to_dict() for s in report.skipped])


def test_per_item_skips_count_every_item(load_text) -> None:
    """A per-item rule counts each undecidable item, per missing field."""
    rs = load_text(
        'rule "old" { title "t" severity info for each c in connections\n'
        '  when c.connected_on < as_of - 2 years and c.relationship != "friend"\n'
        '  message "{c.id}" }'
    )
    doc = {
        "connections": [
            {"id": "a"},
            {"id": "b", "connected_on": "2020-01-01"},
            {"id": "c", "connected_on": "2020-01-01", "relationship": "friend"},
            {"id": "d", "connected_on": "2024-12-01"},
        ]
    }
    report = rs.evaluate(doc, as_of=AS_OF)
    assert (
        [],
        [
            {
                "rule": "old",
                "count": 2,
                "fields": {"connection.connected_on": 1, "connection.relationship": 2},
            }
        ],
    ) == ([f.subject.id for f in report.findings], [s.to_dict() for s in report.skipped])


@pytest.mark.parametrize(
    ("pre", "cond", "doc", "fields"),
    [
        (
            'table t { "IT": 500+ }\n',
            "member.connection_count < t[member.industry].low",
            member(industry="Law"),
            {"t[member.industry]": 1},
        ),
        (
            'table t { "IT": 500+ }\n',
            "member.connection_count < t[member.industry].low",
            member(),
            {"member.industry": 1},
        ),
        (
            'table t { "IT": 500+ }\n',
            "member.connection_count > t[member.industry].high",
            member(industry="IT"),
            {"t[member.industry].high": 1},
        ),
        (
            "",
            "member.connection_count / 0 > 1",
            member(),
            {"division by zero": 1},
        ),
        (
            "",
            "max(c in connections : c.connected_on) < as_of",
            {},
            {"max(connection.connected_on)": 1},
        ),
    ],
    ids=["table-miss", "missing-key", "open-range-high", "division-by-zero", "empty-max"],
)
def test_skip_names_where_the_unknown_came_from(load_text, pre, cond, doc, fields) -> None:
    """Unknowns born of known inputs (table miss, open range, /0, empty max) are named too."""
    report = load_text(pre + RULE.format(cond=cond, msg="m")).evaluate(doc, as_of=AS_OF)
    assert [{"rule": "r", "count": 1, "fields": fields}] == [s.to_dict() for s in report.skipped]


# ---- ?? and known() ----
@pytest.mark.parametrize(
    ("cond", "doc", "expected"),
    [
        ("member.job_seeking ?? true", member(), "fires"),
        ("member.job_seeking ?? true", member(job_seeking=False), "passes"),
        ('(member.industry ?? "none") == "none"', member(), "fires"),
        ("(member.connection_count / 0 ?? 5) == 5", member(), "fires"),
        ("(member.job_seeking ?? member.premium) ?? false", member(), "passes"),
        ("known(member.industry)", member(industry="Law"), "fires"),
        ("known(member.industry)", member(), "passes"),
        ("not known(member.industry)", member(), "fires"),
        ("known(member.connection_count / 0)", member(), "passes"),
    ],
)
def test_coalesce_and_known(outcome, cond, doc, expected) -> None:
    """x ?? y gives y only when x is unknown; known(x) is never unknown itself."""
    assert expected == outcome(cond, doc)


# ---- tables ----
TABLES = (
    'table t { "Information Technology": 500..1000+, "Law": 300+, "Art": 1..5 }\n'
    'table d { "A": 1, default: 7 }\n'
)


@pytest.mark.parametrize(
    ("cond", "doc", "expected"),
    [
        ("t[member.industry].low == 500", member(industry="information technology"), "fires"),
        ("t[member.industry].low == 500", member(industry="  INFORMATION TECHNOLOGY "), "fires"),
        ("t[member.industry].high == 1000", member(industry="Information Technology"), "fires"),
        ("t[member.industry].open", member(industry="Information Technology"), "fires"),
        ("not t[member.industry].open", member(industry="Art"), "fires"),
        ("t[member.industry].low == 300", member(industry="Law"), "fires"),
        ("t[member.industry].open", member(industry="Law"), "fires"),
        ("t[member.industry].high == 5", member(industry="Law"), "skipped"),
        ("known(t[member.industry].high)", member(industry="Law"), "passes"),
        ("(t[member.industry].high ?? 0) == 0", member(industry="Law"), "fires"),
        ("t[member.industry].low > 0", member(industry="Nope"), "skipped"),
        ("d[member.industry] == 7", member(industry="Nope"), "fires"),
        ("d[member.industry] == 1", member(industry="a"), "fires"),
        ("d[member.industry] == 7", member(), "skipped"),
        ('member.connection_count in t["law"]', member(connection_count=5000), "fires"),
        (
            'member.connection_count in t["Information Technology"]',
            member(connection_count=5000),
            "fires",
        ),
        (
            'member.connection_count in t["Information Technology"]',
            member(connection_count=499),
            "passes",
        ),
        ('member.connection_count in t["Art"]', member(connection_count=6), "passes"),
        ('member.connection_count in t["Art"]', member(connection_count=5), "fires"),
        ('member.connection_count not in t["Art"]', member(connection_count=6), "fires"),
    ],
)
def test_table_lookup(outcome, cond, doc, expected) -> None:
    """Keys match case- and space-insensitively; the default row answers misses; .low/.high/.open."""
    assert expected == outcome(cond, doc, TABLES)


# ---- dates and durations ----
@pytest.mark.parametrize(
    ("cond", "joined"),
    [
        ("member.joined_on + 1 month == 2024-02-29", "2024-01-31"),
        ("member.joined_on + 1 month == 2023-02-28", "2023-01-31"),
        ("member.joined_on - 1 month == 2023-02-28", "2023-03-31"),
        ("member.joined_on + 1 year == 2025-02-28", "2024-02-29"),
        ("member.joined_on - 4 years == 2020-02-29", "2024-02-29"),
        ("member.joined_on + 3 months == 2024-04-30", "2024-01-31"),
        ("member.joined_on + 2 weeks == 2024-01-15", "2024-01-01"),
        ("member.joined_on - 1 day == 2023-12-31", "2024-01-01"),
        ("member.joined_on + 12 months == member.joined_on + 1 year", "2024-02-29"),
    ],
)
def test_date_plus_minus_duration_clamps_to_month_end(outcome, cond, joined) -> None:
    """Months and years move the calendar month, clamping to its last day; weeks/days are exact."""
    assert "fires" == outcome(cond, member(joined_on=joined))


def test_as_of_is_the_evaluation_date(load_text) -> None:
    """as_of is an input: evaluate(as_of=...) first, else the document's own as_of."""
    rs = load_text(RULE.format(cond="true", msg="{as_of} {as_of - 2 weeks}"))
    explicit = rs.evaluate({"as_of": "2024-03-01"}, as_of=AS_OF).findings[0].message
    from_doc = rs.evaluate({"as_of": "2024-03-01"}).findings[0].message
    assert ("2025-01-01 2024-12-18", "2024-03-01 2024-02-16") == (explicit, from_doc)


# ---- aggregates ----
CONNECTIONS = {
    "connections": [
        {"id": "c0", "company": "A", "connected_on": "2024-01-01"},
        {"id": "c1", "company": "a", "connected_on": "2024-01-05"},
        {"id": "c2", "company": "B", "connected_on": "2024-03-01"},
        {"id": "c3"},
    ]
}
AGGREGATES = [
    ("count(connections) == 4", "fires"),
    ("count(c in connections where known(c.company)) == 3", "fires"),
    ('count(c in connections where c.company == "A") == 1', "skipped"),  # 1 or 2: open
    ('count(c in connections where c.company == "A") >= 1', "fires"),  # at least 1 either way
    ('count(c in connections where c.company == "Q") < 5', "fires"),  # at most 1 either way
    ("sum(c in connections : length(c.company)) == 3", "fires"),
    ("sum(c in connections where false : 1) == 0", "fires"),
    ("avg(c in connections : length(c.company)) == 1", "fires"),
    ("min(c in connections : c.connected_on) == 2024-01-01", "fires"),
    ("max(c in connections : c.connected_on) == 2024-03-01", "fires"),
    ('max(c in connections : c.company) == "a"', "fires"),
    ("max(c in connections where false : c.connected_on) < as_of", "skipped"),
    ("avg(c in connections where false : 1) > 0", "skipped"),
    ('any(c in connections : c.company == "B")', "fires"),
    ('any(c in connections where c.company == "B")', "fires"),
    ('any(c in connections : c.company == "Z")', "skipped"),
    ('any(c in connections where known(c.company) : c.company == "Z")', "passes"),
    ("all(c in connections : known(c.id))", "fires"),
    ('all(c in connections : c.company == "A")', "passes"),
    ("all(c in connections where known(c.company) : length(c.company) == 1)", "fires"),
    ("all(c in connections where false : false)", "fires"),
    ("any(c in connections where false)", "passes"),
    ("distinct(c in connections : c.company) == 3", "fires"),
    ("distinct(c in connections : lower(c.company)) == 2", "fires"),
    ('collect(c in connections : c.company) == ["A", "B", "a"]', "fires"),
    ("length(collect(c in connections : c.connected_on)) == 3", "fires"),
    ("peak(c in connections : c.connected_on within 5 days) == 2", "fires"),
    ("peak(c in connections : c.connected_on within 4 days) == 1", "fires"),
    ("peak(c in connections : c.connected_on within 1 week) == 2", "fires"),
    ("peak(c in connections : c.connected_on within 3 months) == 3", "fires"),
    ("peak(c in connections where false : c.connected_on within 1 year) == 0", "fires"),
    ("count(x in [1, 2, 3] where x > 1) == 2", "fires"),
    ("max([1, 5, 3]) == 5", "fires"),
]


@pytest.mark.parametrize(("cond", "expected"), AGGREGATES, ids=[c for c, _ in AGGREGATES])
def test_aggregate(outcome, cond: str, expected: str) -> None:
    """count/sum/min/max/avg/any/all/distinct/collect/peak skip unknown values; empty min/max/avg are unknown."""
    assert expected == outcome(cond, CONNECTIONS)


def test_peak_counts_the_busiest_window() -> None:
    """peak(... within W) is the most dates inside any half-open window [d, d + W)."""
    from netrules.runtime import NAMESPACE
    from netrules.values import Duration

    day = datetime.date(2024, 1, 1)
    dates = [day + datetime.timedelta(days=k) for k in (0, 1, 2, 10, 11, 12, 13, 30)]
    random.Random(4).shuffle(dates)
    peak = NAMESPACE["_peak"]
    assert [1, 2, 4, 4, 7, 8, 4] == [
        peak(dates, Duration(0, 1)),
        peak(dates, Duration(0, 2)),
        peak(dates, Duration(0, 4)),
        peak(dates, Duration(0, 7)),
        peak(dates, Duration(0, 14)),
        peak(dates, Duration(1, 0)),
        peak(dates + [None], Duration(0, 4)),
    ]


# ---- group by, subjects ----
GROUPS = """
param min_group = 2 "how many is a cluster"
rule "company-cluster" {
  title "t"
  severity warning
  for each c in connections where known(c.connected_on) group by lower(c.company) as company
  when count(group) >= min_group
  message "{count(group)} at {company}, first {min(x in group : x.connected_on)}"
  evidence { people: count(group), ids: collect(x in group : x.id) }
}
"""


def test_group_by_with_having(load_text) -> None:
    """group by collects items per key; 'when' filters groups; the subject is (group name, key)."""
    doc = {
        "connections": [
            {"id": "c1", "company": "Acme", "connected_on": "2021-05-01"},
            {"id": "c2", "company": "ACME", "connected_on": "2020-01-01"},
            {"id": "c3", "company": "Beta", "connected_on": "2020-01-01"},
            {"id": "c4", "company": "acme"},
            {"id": "c5", "connected_on": "2020-01-01"},
            {"id": "c6", "company": "beta", "connected_on": "2023-01-01"},
        ]
    }
    report = load_text(GROUPS).evaluate(doc, as_of=AS_OF)
    got = [
        (f.subject.kind, f.subject.id, f.message, f.to_dict()["evidence"]) for f in report.findings
    ]
    assert [
        ("company", "acme", "2 at acme, first 2020-01-01", {"people": 2, "ids": ["c1", "c2"]}),
        ("company", "beta", "2 at beta, first 2020-01-01", {"people": 2, "ids": ["c3", "c6"]}),
    ] == got
    assert [{"rule": "company-cluster", "count": 1, "fields": {"connection.company": 1}}] == [
        s.to_dict() for s in report.skipped
    ]


def test_text_keys_group_case_insensitively_in_their_first_spelling(load_text) -> None:
    """Without lower(), "Acme", "ACME " and "acme" are one group named "Acme" (input order)."""
    text = GROUPS.replace("group by lower(c.company)", "group by c.company")
    doc = {
        "connections": [
            {"id": "c1", "company": "Acme", "connected_on": "2021-05-01"},
            {"id": "c2", "company": "ACME ", "connected_on": "2020-01-01"},
            {"id": "c3", "company": "beta", "connected_on": "2020-01-01"},
            {"id": "c4", "company": " Beta", "connected_on": "2023-01-01"},
            {"id": "c5", "company": "Gamma", "connected_on": "2023-01-01"},
        ]
    }
    report = load_text(text).evaluate(doc, as_of=AS_OF)
    assert [(f.subject.id, f.message) for f in report.findings] == [
        ("Acme", "2 at Acme, first 2020-01-01"),
        ("beta", "2 at beta, first 2020-01-01"),
    ]


def test_per_item_subjects_name_kind_and_id(load_text) -> None:
    """A per-item rule's subject is (connection|invitation|removal|recommendation, item id)."""
    rs = load_text("""
rule "inv" { title "t" severity info for each i in invitations when i.follow_ups > 1 message "m" }
rule "rem" { title "t" severity info for each r in removals when not r.notified message "m" }
rule "rec" { title "t" severity info for each r in recommendations_given
             when r.relationship == "friend" message "m" }
rule "con" { title "t" severity info for each c in connections when true message "m" }
rule "mem" { title "t" severity info when true message "m" }""")
    doc = {
        "invitations": [
            {"direction": "outgoing", "follow_ups": 2},
            {"id": "i9", "direction": "incoming", "follow_ups": 3},
        ],
        "removals": [{"connection": "c1", "notified": False}],
        "recommendations_given": [{"person": "Q", "relationship": "friend"}],
        "connections": [{"id": "c1"}],
    }
    report = rs.evaluate(doc, as_of=AS_OF)
    assert [
        ("con", "connection", "c1"),
        ("inv", "invitation", "i9"),
        ("inv", "invitation", "invitation-1"),
        ("mem", "member", "member"),
        ("rec", "recommendation", "recommendation-1"),
        ("rem", "removal", "removal-1"),
    ] == [(f.rule, f.subject.kind, f.subject.id) for f in report.findings]


# ---- severity, suppression ----
def test_lower_severity_only_when_condition_is_true(load_text) -> None:
    """'lower severity to X when c' applies per subject when c is true (unknown keeps the rule's)."""
    rs = load_text(
        'rule "r" { title "t" severity error for each c in connections when true\n'
        '  lower severity to info when c.relationship == "friend" message "m" }'
    )
    doc = {
        "connections": [
            {"id": "a", "relationship": "friend"},
            {"id": "b"},
            {"id": "c", "relationship": "client"},
        ]
    }
    report = rs.evaluate(doc, as_of=AS_OF)
    assert [("b", "error"), ("c", "error"), ("a", "info")] == [
        (f.subject.id, f.severity) for f in report.findings
    ]


SUPPRESS = """
rule "zero-connections" { title "t" severity error when member.connection_count == 0
  suppresses "below-target" message "none" }
rule "below-target" { title "t" severity warning when member.connection_count < 50
  message "few" }
rule "stale" { title "t" severity info for each c in connections when true message "s" }
rule "close-friend" { title "t" severity info for each c in connections
  when c.relationship == "friend" suppresses "stale" message "f" }
rule "big" { title "t" severity info when count(connections) > 0 suppresses "stale"
  message "b" }
"""


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (member(connection_count=0), [("zero-connections", "member")]),
        (member(connection_count=10), [("below-target", "member")]),
        (
            {"connections": [{"id": "a", "relationship": "friend"}, {"id": "b"}]},
            [("below-target", "member"), ("big", "member"), ("close-friend", "a")],
        ),
    ],
    ids=["zero-hides-below", "below-alone", "member-rule-hides-every-subject"],
)
def test_suppression_hides_findings_for_the_same_subject_only(load_text, doc, expected) -> None:
    """A firing rule hides the suppressed rule's finding about the same subject; a member
    rule over a per-item rule hides all of its findings."""
    report = load_text(SUPPRESS).evaluate(doc, as_of=AS_OF)
    assert expected == [(f.rule, f.subject.id) for f in report.findings]


def test_per_item_suppression_is_per_subject(load_text) -> None:
    """close-friend hides stale for the friend only; the other connection keeps its finding."""
    text = SUPPRESS.replace('suppresses "stale"\n  message "b"', 'message "b"')
    doc = {"connections": [{"id": "a", "relationship": "friend"}, {"id": "b"}]}
    report = load_text(text).evaluate(doc, as_of=AS_OF)
    assert [(f.rule, f.subject.id) for f in report.findings if f.subject.kind != "member"] == [
        ("close-friend", "a"),
        ("stale", "b"),
    ]


def test_findings_are_sorted_by_severity_rule_and_subject(load_text) -> None:
    """Errors first, then warnings, then info; within, by rule id, subject kind and id."""
    rs = load_text("""
rule "b-info" { title "t" severity info when true message "m" }
rule "a-info" { title "t" severity info for each c in connections when true message "m" }
rule "z-error" { title "t" severity error when true message "m" }
rule "m-warn" { title "t" severity warning for each c in connections when true message "m" }
""")
    doc = {"connections": [{"id": "y"}, {"id": "x"}]}
    report = rs.evaluate(doc, as_of=AS_OF)
    assert [
        ("error", "z-error", "member"),
        ("warning", "m-warn", "x"),
        ("warning", "m-warn", "y"),
        ("info", "a-info", "x"),
        ("info", "a-info", "y"),
        ("info", "b-info", "member"),
    ] == [(f.severity, f.rule, f.subject.id) for f in report.findings]


# ---- parameters ----
PARAMS = """
param since: duration = 1 year "how old"
param small = 50 "few"
param start = 2020-01-01 "when"
param label = "x" "text"
param share = 10% "ratio"
param flag = false "switch"
param names = ["Acme"] "companies"
rule "p" { title "t" severity info
  when member.connection_count < small and as_of - since > start and label != "" and
       share < 1 and not flag and "Acme" in names
  message "{since} {small} {start} {label} {share:percent} {flag} {names}" }
"""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "a year 50 2020-01-01 x 10% no Acme"),  # a duration in a message: words
        (
            {"since": "2 years", "small": "60", "start": "2021-02-03", "share": "20%"},
            "2 years 60 2021-02-03 x 20% no Acme",
        ),
        (
            {
                "since": netrules.Duration(0, 14),
                "small": 70,
                "start": datetime.date(2019, 1, 1),
                "label": "y",
                "share": 0.5,
                "names": ["Acme", "Beta"],
            },
            "2 weeks 70 2019-01-01 y 50% no Acme, Beta",
        ),
        ({"small": 12.5, "names": '["Acme"]'}, "a year 12.5 2020-01-01 x 10% no Acme"),
    ],
    ids=["defaults", "rule-language-strings", "python-values", "float-and-list-text"],
)
def test_param_overrides(load_text, params, expected) -> None:
    """evaluate(params=...) takes Python values or rule-language text such as "1 year"."""
    report = load_text(PARAMS).evaluate(member(connection_count=1), as_of=AS_OF, params=params)
    assert [expected] == [f.message for f in report.findings]


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"smal": 3}, "NR309", "unknown parameter 'smal'"),
        ({"since": 5}, "NR310", "parameter 'since': expected a duration, got 5"),
        ({"since": "5 yaers"}, "NR310", "parameter 'since': cannot read '5 yaers' as a duration"),
        ({"small": True}, "NR310", "parameter 'small': expected a number, got true"),
        (
            {"small": "1 year"},
            "NR310",
            "parameter 'small': expected a number, got a duration 1 year",
        ),
        ({"flag": 1}, "NR310", "parameter 'flag': expected true or false, got 1"),
        ({"label": 5}, "NR310", "parameter 'label': expected a string, got 5"),
        ({"start": "yesterday"}, "NR310", "parameter 'start': 'yesterday' is not a plain value"),
        ({"names": "Acme"}, "NR310", "parameter 'names': 'Acme' is not a plain value"),
    ],
    ids=[
        "unknown",
        "number-for-duration",
        "misspelt-unit",
        "bool-for-number",
        "duration-for-number",
        "int-for-bool",
        "int-for-string",
        "word-for-date",
        "word-for-list",
    ],
)
def test_bad_param_overrides_raise_rule_error(load_text, params, code, message) -> None:
    """Unknown names are NR309, values of the wrong type NR310, both as RuleError."""
    rs = load_text(PARAMS)
    with pytest.raises(netrules.RuleError) as info:
        rs.evaluate(member(connection_count=1), as_of=AS_OF, params=params)
    assert [(code, message)] == [(d.code, d.message) for d in info.value.diagnostics]


def test_set_and_disable_across_files_apply_in_load_order(load_text) -> None:
    """A later file's 'set' overrides an earlier one; 'disable' removes a rule of another file."""
    base = (
        "base.rules",
        'param small = 50\ntable t { "IT": 500+ }\n'
        'rule "few" { title "t" severity info when member.connection_count < small '
        'message "{small}" }\n'
        'rule "target" { title "t" severity info when member.connection_count < '
        't[member.industry].low message "{t[member.industry]}" }\n'
        'rule "noisy" { title "t" severity info when true message "n" }',
    )
    mine = ("mine.rules", 'set small = 60\nset t["it"] = 100+\ndisable "noisy"')
    later = ("later.rules", "set small = 70")
    rs = load_text(base, mine, later)
    report = rs.evaluate(member(connection_count=65, industry="IT"), as_of=AS_OF)
    assert (("few", "target"), [("few", "70"), ("target", "100+")]) == (
        rs.rule_ids(),
        [(f.rule, f.message) for f in report.findings],
    )


def test_ruleset_disable_returns_a_new_ruleset(load_text) -> None:
    """RuleSet.disable(...) leaves the original untouched."""
    rs = load_text(
        'rule "a" { title "t" severity info when true message "m" }\n'
        'rule "b" { title "t" severity info when true message "m" }'
    )
    fewer = rs.disable("a")
    assert (("a", "b"), ("b",), ["b"]) == (
        rs.rule_ids(),
        fewer.rule_ids(),
        [f.rule for f in fewer.evaluate({}).findings],
    )


# ---- messages ----
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{member.connection_count} connections", "7 connections"),
        ("{0.256:percent}", "26%"),
        ("{2 / 3:2}", "0.67"),
        ("{2 / 3}", "0.67"),
        ("{1.5}", "1.5"),
        ("{{literal}} and }}", "{literal} and }"),
        ("{member.industry}", "unknown"),
        ("{member.job_seeking} {true}", "unknown yes"),
        ("{2024-01-31 + 1 month}", "2024-02-29"),
        ("{18 months}", "18 months"),
        ('{t[\\"Law\\"]} {t[\\"Art\\"]}', "1,000\u20135,000+ 1\u20135"),
        ('{[\\"a\\", \\"b\\"]}', "a, b"),
        ("{1968} of {999} and {-1000000}", "1,968 of 999 and -1,000,000"),
        ("{1234.5} {1234:2} {0.5}", "1,234.5 1,234.00 0.5"),
        ('{plural(2500, \\"person\\", \\"people\\")}', "2,500 people"),
    ],
    ids=[
        "number",
        "percent",
        "decimals",
        "float",
        "float-short",
        "braces",
        "unknown",
        "bools",
        "date",
        "duration",
        "ranges",
        "list",
        "grouped",
        "grouped-float",
        "grouped-plural",
    ],
)
def test_message_formatting(message, template: str, expected: str) -> None:
    """Templates format numbers, percents, decimals, dates, durations, ranges and unknowns."""
    pre = 'table t { "Law": 1000..5000+, "Art": 1..5 }\n'
    assert expected == message(template, member(connection_count=7), pre)


# ---- determinism ----
def test_same_input_gives_byte_identical_json(load_text) -> None:
    """Evaluation is pure: the same rules, network and as_of give identical to_json()."""
    doc = {
        "connections": [
            {
                "id": f"c{i}",
                "company": ["Acme", "Beta", None][i % 3],
                "connected_on": f"202{i % 5}-0{1 + i % 9}-1{i % 10}",
            }
            for i in range(60)
        ]
    }
    first = load_text(GROUPS + SUPPRESS).evaluate(doc, as_of=AS_OF).to_json()
    again = load_text(GROUPS + SUPPRESS).evaluate(doc, as_of=AS_OF).to_json()
    assert first == again


def test_report_summary_and_worst(load_text) -> None:
    """summary counts findings per severity; worst() is the most severe present."""
    report = load_text(SUPPRESS).evaluate({"connections": [{"id": "a"}]}, as_of=AS_OF)
    assert ({"error": 0, "warning": 1, "info": 1}, "warning") == (report.summary, report.worst())
