"""``Deriver.connection``'s shortcut without people to match is its step-by-step path.

Without endorsements, recommendations or contacts, ``connection`` skips the steps that
match a person and reads a company's windows with their margins already added; the
step-by-step ``_connection`` is the reference.  Both are fed the same calls on two
derivers made alike, and must give the same outcomes, the same tallies (in the same
order, which the relationships fact's wording follows), the same ``talked`` and the
same error (a margin past the calendar's end).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from archive_builder import EDUCATION, connections, table, write_archive
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.loaders.archive import load_archive
from netrules.loaders.derive import DeriveOptions, Deriver, ExportEvidence
from netrules.model import Employer, Member, School

COMPANIES = [
    "Acme",
    "ACME Inc.",
    "Initech",
    "Initech GmbH",
    "TU Berlin",
    "Globex",
    "",
    "  ",
]
EDGE_DAYS = [dt.date.min, dt.date(1, 3, 1), dt.date(9999, 12, 31), dt.date(9999, 6, 1)]

days = st.one_of(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.sampled_from(EDGE_DAYS),
)
maybe_days = st.one_of(st.none(), days)
positions = st.sampled_from([None, "", "Student", "Engineer", "PhD student", "Working student"])
employers = st.builds(
    Employer,
    st.sampled_from(COMPANIES[:6]),
    st.just("Engineer"),
    maybe_days,
    maybe_days,
)
schools = st.builds(
    School,
    st.sampled_from(["TU Berlin", "Initech", "MIT"]),
    st.just("BSc"),
    maybe_days,
    maybe_days,
)
calls = st.tuples(
    st.one_of(st.none(), st.sampled_from(COMPANIES)),
    positions,
    maybe_days,
    st.sampled_from([None, "https://www.linkedin.com/in/ann"]),
    st.sampled_from([None, "Ann A"]),
    st.sampled_from([None, "ann@example.com"]),
    maybe_days,
)


def _deriver(jobs: list[Employer], studies: list[School]) -> Deriver:
    member = Member(0, "Me", None, None, employers=tuple(jobs), schools=tuple(studies))
    return Deriver(member, ExportEvidence())


def _outcomes(d: Deriver, rows: list[tuple[Any, ...]], fast: bool) -> list[Any]:
    out: list[Any] = []
    call = d.connection if fast else d._connection
    for row in rows:
        out.append(call(*row))  # (never an OverflowError: margins stop at the calendar's ends)
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(employers, max_size=4), st.lists(schools, max_size=3), st.lists(calls))
def test_shortcut_is_the_step_by_step_path(
    jobs: list[Employer], studies: list[School], rows: list[tuple[Any, ...]]
) -> None:
    fast, slow = _deriver(jobs, studies), _deriver(jobs, studies)
    assert not fast.people
    assert _outcomes(fast, rows, True) == _outcomes(slow, rows, False)
    assert list(fast.tally.items()) == list(slow.tally.items())
    assert (fast.talked, fast.gained, fast.kinds_used) == (
        slow.talked,
        slow.gained,
        slow.kinds_used,
    )


def test_the_shortcut_is_taken_and_reads_margins() -> None:
    """A former employer's window with its margins, and a school's, read by the
    shortcut (the reference would give the same; a wrong margin fails here)."""
    d = _deriver(
        [
            Employer("Acme", "Engineer", dt.date(2022, 1, 1), None),
            Employer("Initech", "Analyst", dt.date(2018, 1, 1), dt.date(2021, 12, 31)),
        ],
        [School("TU Berlin", "BSc", dt.date(2011, 10, 1), dt.date(2014, 9, 30))],
    )
    kinds = d._company_kind("Initech GmbH"), d._company_kind("TU Berlin")
    assert kinds[0] is not None and kinds[0][2] == [(dt.date(2017, 10, 3), dt.date(2022, 12, 31))]
    assert kinds[1] is not None and kinds[1][2] == [(dt.date(2011, 10, 1), dt.date(2015, 4, 1))]
    at = dt.date(2017, 10, 3)
    assert d.connection("Initech", None, at, None, None, None, None) == (
        "former-colleague",
        None,
    )
    assert d.connection("Initech", None, at - dt.timedelta(days=1), None, None, None, at) == (
        "former-colleague",
        at,
    )
    assert d.connection("TU Berlin", None, dt.date(2015, 4, 1), None, None, None, None) == (
        "classmate",
        None,
    )
    assert d.connection("TU Berlin", None, dt.date(2015, 4, 2), None, None, None, None) == (
        None,
        None,
    )
    assert d.connection("Acme", None, None, None, None, None, None) == (
        "colleague",
        None,
    )
    assert d.connection("Acme", None, None, None, None, None, at) == ("colleague", at)
    assert list(d.tally.items()) == [
        (("former-colleague", "medium"), 1),
        (("former-colleague", "low"), 1),
        (("classmate", "low"), 1),
        (("colleague", "medium"), 1),
        (("colleague", "high"), 1),
    ]


def test_windows_at_the_calendar_ends_are_open() -> None:
    """A window starting on 1 Jan 0001 or a school ending in 9999: the margins are held
    to the calendar's ends (the window is open on that side), where adding them raised
    an OverflowError, a traceback for the user, before 1 December 2026."""
    d = _deriver(
        [Employer("Initech", "Analyst", dt.date.min, dt.date(2021, 12, 31))],
        [School("TU Berlin", "BSc", dt.date(2011, 10, 1), dt.date(9999, 12, 31))],
    )
    assert d.study == (dt.date(2011, 10, 1), dt.date.max)
    kinds = d._company_kind("Initech"), d._company_kind("TU Berlin")
    assert kinds[0] is not None and kinds[0][2] == [(dt.date.min, dt.date(2022, 12, 31))]
    assert kinds[1] is not None and kinds[1][2] == [(dt.date(2011, 10, 1), dt.date.max)]
    on = dt.date(2020, 1, 1)
    for fast in (True, False):
        call = d.connection if fast else d._connection
        assert call("Initech", None, on, None, None, None, None) == ("former-colleague", None)
        assert call("TU Berlin", None, dt.date.max, None, None, None, None) == ("classmate", None)
        assert call("Other", "Student", on, None, None, None, None) == ("classmate", None)
    assert d.tally[("former-colleague", "medium")] == 2


def test_an_export_with_a_school_ending_in_9999_loads(tmp_path: Path) -> None:
    """The loader's view of the same: Education.csv with an end year of 9999 gives its
    classmates, not a traceback."""
    rows = [["Bo", "Roe", "https://www.linkedin.com/in/bo", "", "Uni", "Student", "1 Jan 2020"]]
    path = write_archive(
        tmp_path,
        {
            "Connections.csv": connections(rows),
            "Education.csv": table(EDUCATION, [["Uni", "2015", "9999", "", "BSc", ""]]),
        },
    )
    (bo,) = load_archive(path).connections
    assert bo.relationship == "classmate"


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(days, st.just(dt.date.max), st.just(dt.date(1, 1, 20))),
    st.one_of(st.integers(-40, 40), st.sampled_from([10**6, -(10**6), 3_000_000])),
    st.lists(
        st.tuples(
            st.sampled_from(["incoming", "outgoing"]),
            # a sent day a few days either side of the grace period's end, or any day
            st.one_of(st.none(), st.integers(-45, 45), days),
            st.sampled_from(["pending", "accepted", ""]),
        )
    ),
)
def test_invitation_status_is_the_grace_rule(
    day: dt.date, grace: int, rows: list[tuple[str, int | dt.date | None, str]]
) -> None:
    """A pending invitation stays pending while ``(day - sent_on).days <= grace``, as
    derivations.md states it; the deriver compares with the first such day instead
    (or the rule itself where that day is not in the calendar)."""
    options = DeriveOptions(invitation_grace_days=grace)
    d = Deriver(Member(0, "Me", None, None), ExportEvidence(), options)
    d.settle(day, None)
    counts = {"pending": 0, "ignored": 0, "unanswered": 0}
    for direction, when, status in rows:
        sent = when
        if isinstance(when, int):  # (days after the end of the grace period)
            try:
                sent = day - dt.timedelta(days=grace + when)
            except OverflowError:
                sent = None
        assert sent is None or isinstance(sent, dt.date)
        expected = status
        if status == "pending":
            if sent is None or (day - sent).days <= grace:
                counts["pending"] += 1
            else:
                expected = "ignored" if direction == "incoming" else "unanswered"
                counts[expected] += 1
        assert d.invitation(direction, sent, status) == expected
    assert (d.pending, d.ignored, d.unanswered) == (
        counts["pending"],
        counts["ignored"],
        counts["unanswered"],
    )
