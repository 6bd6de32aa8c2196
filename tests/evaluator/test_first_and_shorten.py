"""`first(...)` keeps input order and `shorten(s, n)` cuts at a word; durations read as words."""

from __future__ import annotations

import datetime

import pytest

from netrules.runtime import _first, _shorten
from netrules.values import Duration, message_value

AS_OF = datetime.date(2025, 1, 1)

NOTE_RULE = """
rule "note" {
  title "t"
  severity info
  for each i in invitations where known(i.message) group by normalize(i.message, i.person) as note
  when count(group) >= 2
  message "{first(x in group : x.message)} / {shorten(first(x in group : x.message), 12)} / {note}"
}
"""


def test_first_is_the_first_known_value_in_input_order(load_text) -> None:
    """The group's first item as written, not the normalised key, not the smallest value."""
    rules = load_text(NOTE_RULE)
    report = rules.evaluate(
        {
            "invitations": [
                {
                    "id": "i1",
                    "direction": "outgoing",
                    "person": "Zoe",
                    "message": "Zoe, hello there!",
                },
                {
                    "id": "i2",
                    "direction": "outgoing",
                    "person": "Al",
                    "message": "AL -- Hello there",
                },
            ]
        },
        as_of=AS_OF,
    )
    (finding,) = report.findings
    assert finding.message == "Zoe, hello there! / Zoe, hello… / hello there"


def test_first_of_nothing_is_unknown(load_text) -> None:
    """No known value: unknown, so a rule that needs it is skipped, not fired."""
    rules = load_text(
        'rule "r" { title "t" severity info '
        'when first(c in connections : c.company) == "Acme" message "m" }'
    )
    report = rules.evaluate(
        {"connections": [{"id": "a"}, {"id": "b", "company": "Acme"}]}, as_of=AS_OF
    )
    assert [f.rule for f in report.findings] == ["r"]
    report = rules.evaluate({"connections": [{"id": "a"}]}, as_of=AS_OF)
    assert list(report.findings) == []
    assert [s.rule for s in report.skipped] == ["r"]


def test_first_needs_a_value(rule_errors) -> None:
    """Over records, first() without ': VALUE' is an error with a hint."""
    diags = rule_errors(
        'rule "r" { title "t" severity info when known(first(c in connections)) message "m" }'
    )
    assert [d.code for d in diags] == ["NR204"]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("Hi Leo, I came across your profile", 16, "Hi Leo, I came…"),
        ("one  two\nthree", 20, "one two three"),
        ("abcdefghijkl", 5, "abcd…"),
        ("word next", 5, "word…"),
        (None, 5, None),
    ],
)
def test_shorten(text: str | None, limit: int, expected: str | None) -> None:
    """At most `limit` characters, cut between words where it can, '…' marking the cut."""
    got = _shorten(text, limit)
    assert got == expected
    assert got is None or len(got) <= limit


def test_first_runtime_skips_unknowns() -> None:
    assert _first(iter([None, "b", "a"])) == "b" and _first(iter([])) is None


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (Duration(12, 0), "a year"),
        (Duration(24, 0), "2 years"),
        (Duration(1, 0), "a month"),
        (Duration(0, 7), "a week"),
        (Duration(0, 1), "a day"),
        (Duration(3, 0), "3 months"),
    ],
)
def test_a_duration_in_a_message_reads_as_words(duration: Duration, words: str) -> None:
    """One unit takes the article ("for a year or more"); str() keeps the syntax ("1 year")."""
    assert message_value(duration) == words
    assert str(duration) != words or not words.startswith("a ")
