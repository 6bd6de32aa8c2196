"""parse_date gives the same date whatever its caches hold (the day cache, the month and
year cache of the "16 Dec 2024" form, the time-of-day caches): each string parsed with
every cache empty agrees with the same string parsed after any others."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.loaders import dates
from netrules.loaders.dates import parse_date

DAY = st.sampled_from(["01", "16", "28", "29", "30", "31", "32", "00", "1", "٣1"])
MONTH = st.sampled_from(["Dec", "dec", "DEC", "Feb", "Jun", "Sept", "Mai", "12", "02"])
YEAR = st.sampled_from(["2024", "2023", "1900", "2000", "0000", "24", "202٣"])
TEXT = st.one_of(
    st.builds(
        lambda d, m, y, s: f"{s}{d} {m} {y}{s}", DAY, MONTH, YEAR, st.sampled_from(["", " "])
    ),
    st.builds(
        lambda y, m, d, sep, t: f"{y}{sep}{m}{sep}{d}{t}",
        YEAR,
        MONTH,
        DAY,
        st.sampled_from(["-", "/"]),
        st.sampled_from(["", " 14:45:00 UTC", "T02:08:20", " 25:00:00 UTC"]),
    ),
    st.builds(
        lambda m, d, y, t: f"{m}/{d}/{y}{t}",
        MONTH,
        DAY,
        YEAR,
        st.sampled_from(["", ", 7:47 AM", ", 13:47 PM", " 19:47"]),
    ),
    st.text(alphabet="0123456789 -/:,DecFbTUA", max_size=24),
)


def fresh(text: str) -> dt.date | None:
    for cache in (dates._cache, dates._month_years, dates._year_first_times, dates._us_times):
        cache.clear()
    return parse_date(text)


@settings(max_examples=500)
@given(st.lists(TEXT, min_size=1, max_size=16))
def test_parse_date_does_not_depend_on_its_caches(texts: list[str]) -> None:
    expected = [fresh(t) for t in texts]
    fresh("")
    assert [parse_date(t) for t in texts] == expected
    assert [parse_date(t) for t in reversed(texts)] == expected[::-1]


def test_examples_of_one_year_and_day() -> None:
    texts = [
        "16 Dec 2024",
        "16 Feb 2024",
        "29 Feb 2023",
        "29 Feb 2024",
        " 31 Jun 2024",
        "31 Dec 2024",
    ]
    expected = [fresh(t) for t in texts]
    assert expected == [
        dt.date(2024, 12, 16),
        dt.date(2024, 2, 16),
        None,
        dt.date(2024, 2, 29),
        None,
        dt.date(2024, 12, 31),
    ]
    fresh("")
    assert [parse_date(t) for t in texts] == expected
