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

import calendar
import datetime as _dt
import re

__all__ = ["parse_date", "parse_month"]

_MONTHS = {
    name: n
    for n in range(1, 13)
    for name in (calendar.month_abbr[n].lower(), calendar.month_name[n].lower())
}
_MONTHS["sept"] = 9

# "16 Dec 2024", "9-Sep-22", "18-Jun-2024"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4}|\d{2})")
# "12/15/24, 7:47 AM", "12/09/22, 07:18 PM", "1/8/18, 6:14 PM", "9/9/2022", "12/15/2024 19:47"
_US = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})"
    r"(?:,? +(\d{1,2}):(\d{2})(?::\d{2})?(?: *([AaPp][Mm]))?(?: +(?:UTC|GMT|P[SD]T))?)?"
)
# "2024-12-16 18:24:37 UTC", "2024/12/07 14:51:07 UTC", "2019-11-06T02:08:20", "2024-12-16"
_YEAR_FIRST = re.compile(
    r"(\d{4})([-/])(\d{2})\2(\d{2})"
    r"(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(?: ?(?:UTC|Z))?)?"
)
# "Jun 2018", "June 2018", "2017"
_MONTH_YEAR = re.compile(r"(?:([A-Za-z]{3,9})\.? +)?(\d{4})")

_MISS = object()
_CACHE_LIMIT = 200_000
_cache: dict[str, _dt.date | None] = {}
_month_cache: dict[tuple[str, bool], _dt.date | None] = {}


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


def _parse(text: str) -> _dt.date | None:
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m:
        month = _MONTHS.get(m[2].lower())
        return _make(_year(m[3]), month, int(m[1])) if month else None
    m = _US.fullmatch(text)
    if m:
        if m[4] is not None:
            hour, minute = int(m[4]), int(m[5])
            hour_ok = 1 <= hour <= 12 if m[6] else hour <= 23
            if not hour_ok or minute > 59:
                return None
        return _make(_year(m[3]), int(m[1]), int(m[2]))
    m = _YEAR_FIRST.fullmatch(text)
    if m:
        if m[5] is not None and (int(m[5]) > 23 or int(m[6]) > 59):
            return None
        return _make(int(m[1]), int(m[3]), int(m[4]))
    return None


def parse_date(text: str) -> _dt.date | None:
    """The calendar date in any export date or timestamp; None when unrecognised.

    >>> parse_date("16 Dec 2024"), parse_date("12/15/24, 7:47 AM")
    (datetime.date(2024, 12, 16), datetime.date(2024, 12, 15))
    """
    d = _cache.get(text, _MISS)
    if d is not _MISS:
        return d  # type: ignore[return-value]
    d = _parse(text.strip())
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[text] = d
    return d


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
                day = calendar.monthrange(year, month)[1] if end else 1
                d = _dt.date(year, month, day)
    if d is None:
        # "Nov 2021" is the norm, but a full date is unambiguous too.
        d = parse_date(text)
    if len(_month_cache) >= _CACHE_LIMIT:
        _month_cache.clear()
    _month_cache[key] = d
    return d
