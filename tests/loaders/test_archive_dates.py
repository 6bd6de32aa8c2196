"""The date families of a LinkedIn export (reference §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.loaders.dates import parse_date, parse_month


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 Dec 2024", dt.date(2024, 12, 16)),
        ("01 Jan 2020", dt.date(2020, 1, 1)),
        ("9-Sep-22", dt.date(2022, 9, 9)),
        ("18-Jun-24", dt.date(2024, 6, 18)),
        ("1/8/18, 6:14 PM", dt.date(2018, 1, 8)),
        ("12/15/24, 7:47 AM", dt.date(2024, 12, 15)),
        ("12/09/22, 07:18 PM", dt.date(2022, 12, 9)),
        ("11/18/20, 11:55 AM", dt.date(2020, 11, 18)),
        ("12/15/2024 19:47", dt.date(2024, 12, 15)),
        ("2024-12-16 18:24:37 UTC", dt.date(2024, 12, 16)),
        ("2024/12/07 14:51:07 UTC", dt.date(2024, 12, 7)),
        ("2019-11-06T02:08:20", dt.date(2019, 11, 6)),
        (" 16 Dec 2024 ", dt.date(2024, 12, 16)),
    ],
    ids=lambda v: str(v),
)
def test_parse_date_families(text: str, expected: dt.date) -> None:
    """Every observed date and timestamp form gives its calendar date."""
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "",
        "32 Dec 2024",
        "16 Foo 2024",
        "2/30/24, 7:47 AM",
        "12/15/24, 13:47 PM",
        "12/15/24, 7:61 AM",
        "2024-13-01 00:00:00 UTC",
        "2024-12-16 18:24:37 CET",
        "16.12.2024",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    """Unrecognised or impossible dates give None, never a wrong date."""
    assert parse_date(text) is None


def test_pacific_evening_keeps_its_written_day() -> None:
    """A late-evening Pacific timestamp is not shifted to the next (UTC) day."""
    assert parse_date("12/15/24, 11:59 PM") == dt.date(2024, 12, 15)


def test_two_digit_years_follow_the_posix_pivot() -> None:
    """Two-digit years 00-68 are 20xx and 69-99 are 19xx, like strptime's %y."""
    assert parse_date("1-Jan-68") == dt.date(2068, 1, 1)
    assert parse_date("1-Jan-69") == dt.date(1969, 1, 1)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("Jun 2018", False, dt.date(2018, 6, 1)),
        ("Jun 2018", True, dt.date(2018, 6, 30)),
        ("Feb 2024", True, dt.date(2024, 2, 29)),
        ("Nov 2021", True, dt.date(2021, 11, 30)),
        ("2017", False, dt.date(2017, 1, 1)),
        ("2017", True, dt.date(2017, 12, 31)),
        ("September 2019", False, dt.date(2019, 9, 1)),
    ],
)
def test_parse_month(text: str, end: bool, expected: dt.date) -> None:
    """A month or year starts on its first day and ends on its last."""
    assert parse_month(text, end=end) == expected


@pytest.mark.parametrize("text", ["Summer 2018", "13/2018", "Jun", "0000"])
def test_parse_month_rejects(text: str) -> None:
    """Text that is no month or year gives None."""
    assert parse_month(text) is None


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
)
def test_every_format_round_trips(day: dt.date, hour: int, minute: int) -> None:
    """Any date written in any export format parses back to the same date."""
    ampm = f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    written = [
        day.strftime("%d %b %Y"),
        f"{day.day}-{day:%b}-{day:%y}",
        f"{day.month}/{day.day}/{day:%y}, {ampm}",
        f"{day:%m/%d/%y}, {(hour % 12) or 12:02d}:{minute:02d} {'AM' if hour < 12 else 'PM'}",
        f"{day.isoformat()} {hour:02d}:{minute:02d}:00 UTC",
        f"{day:%Y/%m/%d} {hour:02d}:{minute:02d}:07 UTC",
    ]
    assert [parse_date(w) for w in written] == [day] * len(written)


_DAY_CHARS = "0123456789 -/.aAbcDeFgJlMnNoOprStuvy٣²"


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=_DAY_CHARS, min_size=10, max_size=11),
        st.builds(
            lambda d, m, y, a, b: f"{d}{a}{m}{b}{y}",
            st.sampled_from(["0", "00", "01", "16", "31", "32", "99", "٣1", "²1"]),
            st.sampled_from(["Dec", "dec", "DEC", "Sep", "Sept", "May", "Mai", "D c", "12", "1-"]),
            st.sampled_from(["2024", "1999", "0000", "9999", "24", "2O24", "202٣"]),
            st.sampled_from([" ", "-", "/"]),
            st.sampled_from([" ", "-", "/"]),
        ),
        st.builds(
            lambda y, m, d, s, t: f"{y}{s}{m}{t}{d}",
            st.sampled_from(["2024", "0000", "0001", "9999", "202٣", "20 4"]),
            st.sampled_from(["01", "12", "13", "00", "1", "²1"]),
            st.sampled_from(["01", "29", "30", "31", "32", "00"]),
            st.sampled_from(["-", "/", " "]),
            st.sampled_from(["-", "/", " "]),
        ),
    )
)
def test_day_fast_path_agrees_with_the_patterns(text: str) -> None:
    """The common day forms are read without a pattern: always what the patterns give."""
    from netrules.loaders.dates import _by_pattern, _parse_day

    assert _parse_day(text) == _by_pattern(text)


@pytest.mark.parametrize(
    ("text", "last"),
    [("Feb 2024", 29), ("Feb 2023", 28), ("Feb 1900", 28), ("Feb 2000", 29), ("Dec 9999", 31)],
)
def test_month_end_follows_leap_years(text: str, last: int) -> None:
    """The last day of a month-precision end date: leap years as the calendar has them."""
    import calendar

    d = parse_month(text, end=True)
    assert d is not None and d.day == last == calendar.monthrange(d.year, d.month)[1]
