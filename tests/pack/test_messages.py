"""The pack's messages are sentences: no "word(s)", no "unknown" inside a sentence, names as written.

Every message the pack can produce on its own inline examples, on the personas and on the
demo is read: a count takes the word that agrees with it (``plural``), a value that can be
missing is replaced by words (``??``), and a group named by a person or a company keeps the
spelling of the input (group keys group case-insensitively without lower-casing).
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

import netrules

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "personas"))
from persona_kit import all_personas  # noqa: E402

_PACK = netrules.load_rules()
_EXAMPLE_AS_OF = datetime.date(2025, 1, 1)
_UNKNOWN = re.compile(r"\bunknown\b", re.IGNORECASE)


def _messages(findings) -> Iterator[str]:
    for f in findings:
        yield f.message
        yield from _messages(f.subjects)


def _reports() -> Iterator[tuple[str, netrules.Report]]:
    for case in _PACK.examples():
        data = dict(case.data)
        yield (
            f"{case.path}:{case.line}",
            _PACK.evaluate(data, as_of=data.get("as_of") or _EXAMPLE_AS_OF),
        )
    for persona in all_personas(HERE / "personas"):
        network = persona.network
        if not isinstance(network, netrules.Network):
            network = dict(network)
        yield persona.name, _PACK.evaluate(network, as_of=persona.as_of, params=persona.params)
    demo = json.loads((resources.files("netrules") / "data" / "demo.json").read_text("utf-8"))
    yield "demo", _PACK.evaluate(demo)


@pytest.fixture(scope="module")
def messages() -> list[tuple[str, str, str]]:
    return [
        (where, f.rule, text)
        for where, report in _reports()
        for f in report.findings
        for text in _messages([f])
    ]


def test_the_reports_say_a_lot(messages) -> None:
    """The sample is broad: most rules of the pack speak somewhere in it."""
    assert len({rule for _, rule, _ in messages}) >= len(_PACK.rule_ids()) - 3


def test_no_word_with_an_optional_plural(messages) -> None:
    assert [m for m in messages if "(s)" in m[2]] == []


def test_no_unknown_inside_a_sentence(messages) -> None:
    assert [m for m in messages if _UNKNOWN.search(m[2])] == []


def test_no_message_reads_like_data(messages) -> None:
    """No "key: yes/no" pairs or "declined before:"-style fields."""
    data_like = re.compile(r":\s*(yes|no)\s*($|[,;.)])|\brecorded,")
    assert [m for m in messages if data_like.search(m[2])] == []


def test_group_subjects_keep_the_spelling_of_the_input() -> None:
    """A person invited as "Noah Quist" and "noah quist" is one subject, "Noah Quist"."""
    report = _PACK.evaluate(
        {
            "invitations": [
                {"id": "i1", "direction": "outgoing", "person": "Noah Quist", "status": "declined"},
                {"id": "i2", "direction": "outgoing", "person": "noah quist ", "status": "pending"},
            ]
        },
        as_of=_EXAMPLE_AS_OF,
    )
    (finding,) = [f for f in report.findings if f.rule == "request-after-decline"]
    assert finding.subject.id == "Noah Quist"
    assert finding.message == "You invited Noah Quist twice, though they had declined"


def test_plural_and_choose() -> None:
    """The builtins behind the sentences: plural(n, one [, many]) and choose(cond, a, b)."""
    rules = netrules.load_rules(
        include_default=False,
        texts=[
            (
                "words.rules",
                'rule "words" { title "t" severity info for each c in connections '
                'message "{plural(length(c.id), \\"letter\\")}, '
                '{plural(length(c.id) - 1, \\"person\\", \\"people\\")}'
                '{choose(length(c.id) > 1, \\" and more\\", \\"\\")}" }',
            )
        ],
    )
    report = rules.evaluate({"connections": [{"id": "a"}, {"id": "bc"}]}, as_of=_EXAMPLE_AS_OF)
    assert [f.message for f in report.findings] == [
        "1 letter, 0 people",
        "2 letters, 1 person and more",
    ]


def test_durations_read_with_the_article(messages) -> None:
    """ "for a year or more", never "for 1 year or more"; "over 2 years ago" stays."""
    one_unit = re.compile(r"\b1 (year|month|week|day)\b")
    assert [m for m in messages if one_unit.search(m[2])] == []
    assert any("for a year or more" in m[2] for m in messages)


def test_a_reused_note_is_quoted_as_written(messages) -> None:
    """The note reads as the member wrote it (first seen, shortened), not its normalised key."""
    demo = [m[2] for m in messages if m[0] == "demo" and m[1] == "request-not-individualized"]
    assert demo == [
        '4 people got the same note, names aside: "Hi Leo, I came across your profile and…"'
    ]
    quoted = [m[2] for m in messages if m[1] == "request-not-individualized"]
    assert quoted and not [m for m in quoted if '"hi ' in m]


def test_pressing_on_an_export_is_a_sentence() -> None:
    """Reminders unknown (an export): no "0 reminders"; a third invitation still reads as one."""
    report = _PACK.evaluate(
        {
            "invitations": [
                {
                    "id": f"i{k}",
                    "direction": "outgoing",
                    "person": "Kim Ray",
                    "status": "unanswered",
                    "follow_ups": None,
                }
                for k in range(3)
            ]
        },
        as_of=_EXAMPLE_AS_OF,
    )
    (finding,) = [f for f in report.findings if f.rule == "request-after-decline"]
    assert finding.message == "You invited Kim Ray 3 times, though they had not answered"
    assert finding.evidence["follow_ups_recorded"] is False
