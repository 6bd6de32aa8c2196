"""Runtime values of the language that Python lacks: durations and target ranges."""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import attrs

from . import attrs_code  # attrs compiles our classes' methods once per user

__all__ = [
    "Duration",
    "Range",
    "add_duration",
    "format_value",
    "jsonable",
    "message_value",
    "out_of_bounds",
    "parse_duration",
    "plain_value",
]

_UNIT_DAYS = {"day": 1, "week": 7}
_UNIT_MONTHS = {"month": 1, "year": 12}


def out_of_bounds(value: Any, bounds: tuple[Any, Any] | None) -> bool:
    """Whether a number lies outside a parameter's declared range (``in 0..1``)."""
    if bounds is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not bounds[0] <= value <= bounds[1]


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without importing calendar (and locale)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 29 if month == 2 and leap else _MONTH_DAYS[month - 1]


@attrs.frozen(slots=True)
class Duration:
    """A calendar duration: whole months (``2 years`` = 24) plus days.

    Months and days stay apart because ``as_of - 1 month`` means the same day
    of the previous month, not 30 days ago.
    """

    months: int = 0
    days: int = 0

    def __str__(self) -> str:
        if self.months and not self.days:
            if self.months % 12 == 0:
                n = self.months // 12
                return f"{n} year" + ("s" if n != 1 else "")
            return f"{self.months} month" + ("s" if self.months != 1 else "")
        if self.days % 7 == 0 and self.days and not self.months:
            n = self.days // 7
            return f"{n} week" + ("s" if n != 1 else "")
        parts = []
        if self.months:
            parts.append(f"{self.months} month" + ("s" if self.months != 1 else ""))
        if self.days or not parts:
            parts.append(f"{self.days} day" + ("s" if self.days != 1 else ""))
        return " ".join(parts)

    def words(self) -> str:
        """How the duration reads in a sentence: one unit takes the article (``a year``,
        ``a month``, ``a week``, ``a day``: "for a year or more"); the rest as :meth:`__str__`."""
        text = str(self)
        return "a " + text[2:] if text[:2] == "1 " else text

    def approx_days(self) -> float:
        """For ordering durations only: a month counts as 30.44 days."""
        return self.months * 30.436875 + self.days


def make_duration(amount: int, unit: str) -> Duration:
    unit = unit.rstrip("s")
    if unit in _UNIT_DAYS:
        return Duration(0, amount * _UNIT_DAYS[unit])
    return Duration(amount * _UNIT_MONTHS[unit], 0)


def parse_duration(text: str) -> Duration | None:
    """``"90 days"`` / ``"2 years"`` -> Duration; None when it is not one."""
    parts = text.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    unit = parts[1].lower().rstrip("s")
    if unit not in _UNIT_DAYS and unit not in _UNIT_MONTHS:
        return None
    return make_duration(int(parts[0]), unit)


def add_duration(day: _dt.date, dur: Duration, sign: int = 1) -> _dt.date | None:
    """``day ± dur``; month arithmetic clamps to the month's last day; None if out of range."""
    try:
        if dur.months:
            total = day.year * 12 + (day.month - 1) + sign * dur.months
            year, month = divmod(total, 12)
            month += 1
            last = _month_days(year, month)
            day = day.replace(year=year, month=month, day=min(day.day, last))
        if dur.days:
            day = day + _dt.timedelta(days=sign * dur.days)
    except (ValueError, OverflowError):
        return None
    return day


@attrs.frozen(slots=True)
class Range:
    """A target range such as ``500..1000+``; ``high`` is None for ``500+``.

    ``open`` marks a ``+`` on the upper end: the figure is a floor, more is fine.
    """

    low: int
    high: int | None
    open: bool = False

    def __str__(self) -> str:
        if self.high is None:
            return f"{number_text(self.low)}+"
        return f"{number_text(self.low)}\u2013{number_text(self.high)}" + ("+" if self.open else "")

    def __contains__(self, value: Any) -> bool:
        if self.high is None or self.open:
            return bool(value >= self.low)
        return bool(self.low <= value <= self.high)


def number_text(value: float) -> str:
    """A number as a reader expects it: ``1,968``, ``1,234.5``; floats keep at most two
    decimals. The comma every three digits is the report's language (English), and the
    same grouping the HTML report shows."""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"


def format_value(value: Any, spec: str | None = None) -> str:
    """How a value reads in a message: ``1,968``, ranges ``500–1,000+``, dates ISO,
    shares as %."""
    if value is None:
        return "unknown"
    if spec == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:.0f}%"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if spec and spec.isdigit() and isinstance(value, (int, float)):  # {x:2}: 3 reads 3.00
        try:
            return f"{value:,.{int(spec)}f}"
        except OverflowError:  # a whole number too large for a float keeps its digits
            return f"{value:,}"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list, frozenset, set)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return ", ".join(format_value(v) for v in items)
    return str(value)


def plain_value(value: Any) -> str:
    """A value where a reader may copy it into a rule file or ``--param``: numbers as
    written (``1000``, ``0.95``), anything else as :func:`format_value` shows it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return format_value(value)


def message_value(value: Any, spec: str | None = None) -> str:
    """A value in a message: :func:`format_value`, but a duration reads in words
    (``a year``, not ``1 year``), as a sentence says it."""
    if value.__class__ is Duration:
        return str(value.words())
    return format_value(value, spec)


_PLAIN = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A value as plain JSON data (evidence in reports).

    Exact types are tested first (one set look-up): a report holds tens of thousands
    of small evidence dicts of strings, numbers and dates.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {
            k if type(k) is str else str(k): v if type(v) in _PLAIN else jsonable(v)
            for k, v in value.items()
        }
    if kind is _dt.date:
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None  # JSON has no inf/nan
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, Range):
        return {"low": value.low, "high": value.high, "open": value.open, "text": str(value)}
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, (tuple, list)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


attrs_code.flush()  # the code of the classes above, if newly compiled
