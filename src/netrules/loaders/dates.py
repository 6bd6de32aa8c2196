"""The date strings of a LinkedIn export -> :class:`datetime.date`.

An export mixes several families (see docs/input-format.md):

* ``16 Dec 2024`` (Connections), and the Excel round-trip forms ``9-Sep-22``
  and ``18-Jun-24``;
* ``12/15/24, 7:47 AM`` and ``12/09/22, 07:18 PM`` (US month/day order,
  LinkedIn server time America/Los_Angeles);
* ``2024-12-16 18:24:37 UTC``, ``2024/12/07 14:51:07 UTC``,
  ``2019-11-06T02:08:20`` (year first);
* month precision ``Jun 2018`` or a bare year ``2017`` (Positions, Education).

Every parser returns the calendar date *as written*: no time-zone conversion,
so a Pacific timestamp gives its Pacific day and a UTC timestamp its UTC day
(at most one day apart; rules work in whole days).  Parsing is hand-written
with one compiled pattern per family and a dict cache, because exports repeat
the same strings thousands of times; ``strptime`` is ten times slower.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["parse_date", "parse_month"]

# English month names, as every export writes them (written out rather than taken
# from the calendar module, whose names follow the process's locale).
_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, 1) for name in (full[:3], full)}
_MONTHS["sept"] = 9
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    """The number of days in a month of the proleptic Gregorian calendar."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


# The day part of each family, and the time part that may follow it.
# "16 Dec 2024", "9-Sep-22", "18-Jun-2024" (never with a time)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4}|\d{2})")
# "12/15/24", "1/8/18", "9/9/2022" + ", 7:47 AM" / ", 07:18 PM" / " 19:47"
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_US_TIME = re.compile(
    r",? +(?:(?:0?[1-9]|1[0-2]):[0-5]\d(?::[0-5]\d)? *[AaPp][Mm]"  # 7:47 AM
    r"|(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)"  # 19:47
    r"(?: +(?:UTC|GMT|P[SD]T))?"
)
# "2024-12-16", "2024/12/07" + " 18:24:37 UTC" / "T02:08:20"
_YEAR_FIRST = re.compile(r"(\d{4})([-/])(\d{2})\2(\d{2})")
_YEAR_FIRST_TIME = re.compile(r"[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)? ?(?:UTC|Z)?")
# "Jun 2018", "June 2018", "2017"
_MONTH_YEAR = re.compile(r"(?:([A-Za-z]{3,9})\.? +)?(\d{4})")

_MISS = object()
_CACHE_LIMIT = 100_000
_cache: dict[str, _dt.date | None] = {}
_month_cache: dict[tuple[str, bool], _dt.date | None] = {}
# Whether a time-of-day part is well formed, per family: exports repeat the same
# few thousand times ("14:45:00 UTC") across distinct timestamps.
_year_first_times: dict[str, bool] = {}
_us_times: dict[str, bool] = {}
# (year, month) of the "Dec 2024" of "16 Dec 2024": an export has a few hundred of them.
_month_years: dict[str, tuple[int, int]] = {}


def _year(text: str) -> int:
    """A 2- or 4-digit year; two digits follow the POSIX rule (69-99 -> 19xx)."""
    y = int(text)
    if len(text) == 2:
        y += 1900 if y >= 69 else 2000
    return y


def _make(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _parse_day(text: str) -> _dt.date | None:
    """A date without a time of day, in any of the three day forms."""
    # The forms LinkedIn writes, "2024-12-16" and "16 Dec 2024", read without a
    # pattern: what the patterns below give for them, four times faster (an export
    # has thousands of distinct days).  ASCII only, so isdigit means [0-9].
    if len(text) == 10:
        sep = text[4]
        if (sep == "-" or sep == "/") and text[7] == sep and text.isascii():
            digits = text.replace(sep, "")  # (8 characters: no other separator)
            if len(digits) == 8 and digits.isdigit():
                try:
                    return _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
                except ValueError:
                    return None
    elif (
        len(text) == 11
        and text[2] == " "
        and text[6] == " "
        and text.isascii()
        and text[:2].isdigit()
    ):
        # (the month and year, "Dec 2024", read once per distinct one)
        month_year = _month_years.get(text[3:])
        if month_year is None:
            if not text[7:].isdigit():
                return _by_pattern(text)
            month = _MONTHS.get(text[3:6].lower())
            if not month:
                return None  # (no other pattern can match: a month name that is not one)
            if len(_month_years) >= _CACHE_LIMIT:
                _month_years.clear()
            month_year = _month_years[text[3:]] = (int(text[7:]), month)
        try:
            return _dt.date(month_year[0], month_year[1], int(text[:2]))
        except ValueError:
            return None
    return _by_pattern(text)


def _by_pattern(text: str) -> _dt.date | None:
    """:func:`_parse_day` through the patterns of the three day forms."""
    m = _YEAR_FIRST.fullmatch(text)
    if m:
        return _make(int(m[1]), int(m[3]), int(m[4]))
    m = _US.fullmatch(text)
    if m:
        return _make(_year(m[3]), int(m[1]), int(m[2]))
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m:
        month = _MONTHS.get(m[2].lower())
        return _make(_year(m[3]), month, int(m[1])) if month else None
    return None


def _day(text: str) -> _dt.date | None:
    d = _cache.get(text, _MISS)
    if d is _MISS:
        d = _parse_day(text)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[text] = d
    return d  # type: ignore[return-value]


def parse_date(text: str) -> _dt.date | None:
    """The calendar date in any export date or timestamp; None when unrecognised.

    The day part is parsed once per distinct day and cached, and a time of day
    is checked once per distinct time (one pattern), so 100,000 distinct message
    timestamps cost a few dict look-ups each.

    >>> parse_date("16 Dec 2024"), parse_date("12/15/24, 7:47 AM")
    (datetime.date(2024, 12, 16), datetime.date(2024, 12, 15))
    """
    d = _cache.get(text, _MISS)
    if d is not _MISS:
        return d  # type: ignore[return-value]
    key = text
    text = text.strip()
    if text[4:5] in ("-", "/") and text[:4].isdigit():
        head, tail, time, times = text[:10], text[10:], _YEAR_FIRST_TIME, _year_first_times
    elif "/" in text[:6]:
        head, sep, rest = text.partition(",")
        if not sep:
            head, sep, rest = text.partition(" ")
        tail, time, times = sep + rest, _US_TIME, _us_times
    else:
        if text is not key:
            return _day(text)
        # (_day without its look-up, which just missed)
        d = _parse_day(text)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[text] = d
        return d
    if not tail:
        return _day(head)
    d = _cache.get(head, _MISS)  # (_day's look-up, written out: once per message)
    if d is _MISS:
        d = _parse_day(head)
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[head] = d
    if d is None:
        return None
    good = times.get(tail)
    if good is None:
        if len(times) >= _CACHE_LIMIT:
            times.clear()
        good = times[tail] = time.fullmatch(tail) is not None
    return d if good else None  # type: ignore[return-value]


def parse_month(text: str, *, end: bool = False) -> _dt.date | None:
    """A month-precision date (``Jun 2018``, ``2017``): first day, or last with ``end``.

    >>> parse_month("Jun 2018"), parse_month("2017", end=True)
    (datetime.date(2018, 6, 1), datetime.date(2017, 12, 31))
    """
    key = (text, end)
    d = _month_cache.get(key, _MISS)
    if d is not _MISS:
        return d  # type: ignore[return-value]
    d = None
    m = _MONTH_YEAR.fullmatch(text.strip())
    if m:
        year = int(m[2])
        if year < 1:
            pass
        elif m[1] is None:
            d = _dt.date(year, 12, 31) if end else _dt.date(year, 1, 1)
        else:
            month = _MONTHS.get(m[1].lower())
            if month:
                day = _last_day(year, month) if end else 1
                d = _dt.date(year, month, day)
    if d is None:
        # "Nov 2021" is the norm, but a full date is unambiguous too.
        d = parse_date(text)
    if len(_month_cache) >= _CACHE_LIMIT:
        _month_cache.clear()
    _month_cache[key] = d
    return d
